//! A local stand-in for the Splio Trigger SMS service, for tests and demos.
//!
//! It speaks the service's wire format and answers over real HTTP on
//! loopback: universes and keys, design IDs and credit are configured at
//! start; it records what it accepted (never the key); faults — latency,
//! 5xx, 429, dropped connections, any canned answer — can be injected from
//! Rust or over HTTP, so C, Python and shell tests can drive it too.
//!
//! | path | what |
//! | --- | --- |
//! | `PUT`/`POST /api/triggersms/nph-4.pl` | the service |
//! | `GET /_sandbox/messages` | what was accepted, as a JSON array |
//! | `GET /_sandbox/stats` | `{"hits", "accepted", "credit", "peak_in_flight", "connections"}` |
//! | `POST /_sandbox/faults` | queue one fault or an array of them (see [`Fault`]) |
//! | `POST /_sandbox/settings` | `{"latency_ms", "credit", "fail_rate"}` |
//! | `POST /_sandbox/reset` | forget messages, hits and queued faults |
//!
//! ```
//! use splio_sms::sandbox::{Fault, Sandbox, SandboxConfig};
//! use splio_sms::{Client, Delivery, Recipient, SendRequest};
//!
//! let sandbox = Sandbox::start(SandboxConfig::default()).unwrap();
//! sandbox.push_fault(Fault::status(500, "<html>oops</html>"));
//! let client = Client::builder("sandbox", "sandbox-key").base_url(sandbox.base_url()).build().unwrap();
//! let err = client
//!     .send(&SendRequest::new("AbCdEf123").recipient(Recipient::new("+33612345678")))
//!     .unwrap_err();
//! assert_eq!(err.delivery(), Delivery::Unknown);
//! assert_eq!(sandbox.hits(), 1);
//! ```
#![forbid(unsafe_code)]

mod server;
mod service;

use std::collections::VecDeque;
use std::io;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use serde::{Deserialize, Serialize};

pub use service::campaign_id;

/// How a sandbox starts.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct SandboxConfig {
    /// Accepted `(universe, key)` pairs. Default: `("sandbox", "sandbox-key")`.
    pub accounts: Vec<(String, String)>,
    /// Accepted design IDs; empty accepts any well-formed ID (9 letters or digits).
    pub designs: Vec<String>,
    /// Designs that carry their text (`$firstname$` placeholders): the sandbox
    /// renders each recipient's SMS, records it, and charges credit per segment.
    pub design_texts: Vec<(String, String)>,
    /// SMS that can still be queued; `None` is unlimited.
    pub credit: Option<u64>,
    /// Added before every answer.
    pub latency: Duration,
    /// Share of requests (0.0 to 1.0) answered with HTTP 500 instead of being processed.
    pub fail_rate: f64,
    /// Loopback port; 0 picks a free one.
    pub port: u16,
    /// The script name served under `/api/triggersms/`.
    pub endpoint: String,
    /// Answer errors as HTTP 200 with `"code": 400` in the body, as the service sometimes does.
    pub errors_as_http_200: bool,
    /// Appends each accepted send to this file as one JSON line.
    pub record: Option<std::path::PathBuf>,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        SandboxConfig {
            accounts: vec![("sandbox".to_owned(), "sandbox-key".to_owned())],
            designs: Vec::new(),
            design_texts: Vec::new(),
            credit: None,
            latency: Duration::ZERO,
            fail_rate: 0.0,
            port: 0,
            endpoint: crate::settings::default_endpoint().to_owned(),
            errors_as_http_200: false,
            record: None,
        }
    }
}

impl SandboxConfig {
    /// Accepts `universe` with `key` (in addition to those already configured).
    pub fn account(mut self, universe: impl Into<String>, key: impl Into<String>) -> Self {
        self.accounts.push((universe.into(), key.into()));
        self
    }

    /// Accepts only the listed design IDs (call once per design).
    pub fn design(mut self, id: impl Into<String>) -> Self {
        self.designs.push(id.into());
        self
    }

    /// Accepts design `id` carrying `text`: each recipient's SMS is rendered
    /// and recorded (text, encoding, segments), and credit is spent per segment.
    pub fn design_text(mut self, id: impl Into<String>, text: impl Into<String>) -> Self {
        let id = id.into();
        self.designs.push(id.clone());
        self.design_texts.push((id, text.into()));
        self
    }

    /// Limits the SMS that can be queued.
    pub fn credit(mut self, credit: u64) -> Self {
        self.credit = Some(credit);
        self
    }

    /// Answers every request `latency` after it arrived (its checking included).
    pub fn latency(mut self, latency: Duration) -> Self {
        self.latency = latency;
        self
    }

    /// Serves on this loopback port (0: any free port).
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// Answers a share of requests with HTTP 500.
    pub fn fail_rate(mut self, rate: f64) -> Self {
        self.fail_rate = rate;
        self
    }

    /// Appends each accepted send to `path` as one JSON line.
    pub fn record(mut self, path: impl Into<std::path::PathBuf>) -> Self {
        self.record = Some(path.into());
        self
    }

    /// Answers errors as HTTP 200 with the error code in the body.
    pub fn errors_as_http_200(mut self, yes: bool) -> Self {
        self.errors_as_http_200 = yes;
        self
    }
}

/// A one-shot misbehaviour: the next request to the service gets it instead
/// of the normal answer. Over HTTP, the same as JSON:
/// `{"fault": "drop"}`, `{"fault": "status", "status": 502, "body": "…"}`,
/// `{"fault": "rate_limit", "retry_after": 1}`, `{"fault": "latency", "ms": 500}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "fault", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum Fault {
    /// Reads the request, then closes the connection without answering.
    Drop,
    /// Answers with this status, body and extra headers, without processing the request.
    Status {
        /// HTTP status.
        status: u16,
        /// Body text.
        #[serde(default)]
        body: String,
        /// Extra headers.
        #[serde(default)]
        headers: Vec<(String, String)>,
    },
    /// HTTP 429 with `Retry-After` in seconds, without processing the request.
    RateLimit {
        /// Seconds to ask the client to wait.
        retry_after: u64,
    },
    /// Processes the request normally but answers only after `ms` milliseconds.
    Latency {
        /// Delay in milliseconds.
        ms: u64,
    },
}

impl Fault {
    /// A canned answer with `status` and `body`.
    pub fn status(status: u16, body: impl Into<String>) -> Self {
        Fault::Status {
            status,
            body: body.into(),
            headers: Vec::new(),
        }
    }

    /// A canned answer with headers.
    pub fn status_with_headers(
        status: u16,
        body: impl Into<String>,
        headers: &[(&str, &str)],
    ) -> Self {
        Fault::Status {
            status,
            body: body.into(),
            headers: headers
                .iter()
                .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
                .collect(),
        }
    }
}

/// One accepted send, as the sandbox recorded it (the key is never kept).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RecordedMessage {
    /// The universe.
    pub universe: String,
    /// The design ID (`message` parameter).
    pub message: String,
    /// The recipient objects as received.
    pub rcpts: Vec<serde_json::Value>,
    /// `opcode`, when given.
    pub opcode: Option<String>,
    /// `category`, when given.
    pub category: Option<String>,
    /// The campaign it joined.
    pub campaign_id: String,
    /// `PUT` or `POST`.
    pub method: String,
    /// The client's `User-Agent`.
    pub user_agent: Option<String>,
    /// The client's `Content-Type`.
    pub content_type: Option<String>,
    /// The names of the form fields, in the order received.
    pub field_order: Vec<String>,
    /// For a design that carries its text: each recipient's SMS as rendered.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sms: Vec<RenderedSms>,
}

/// One recipient's SMS as the sandbox rendered it from the design's text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RenderedSms {
    /// The number it went to.
    pub cellphone: String,
    /// What the customer reads.
    pub text: String,
    /// `gsm7` or `ucs2`.
    pub encoding: String,
    /// SMS parts billed.
    pub segments: usize,
}

/// Counters of a running sandbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Stats {
    /// Requests that reached the service endpoint, faulted or not.
    pub hits: u64,
    /// Sends accepted and recorded.
    pub accepted: u64,
    /// Credit left; `None` is unlimited.
    pub credit: Option<u64>,
    /// The most requests ever being handled at once.
    pub peak_in_flight: u64,
    /// TCP connections accepted since the start (a reset keeps the count):
    /// a client that keeps its connection pool makes one for any number of
    /// sequential sends.
    pub connections: u64,
}

/// The sandbox's mutable state, shared by its connections.
#[derive(Debug)]
pub(crate) struct State {
    config: SandboxConfig,
    live: Mutex<Live>,
    record: Option<Mutex<std::fs::File>>,
}

#[derive(Debug)]
struct Live {
    credit: Option<u64>,
    latency: Duration,
    fail_rate: f64,
    hits: u64,
    in_flight: u64,
    peak_in_flight: u64,
    connections: u64,
    messages: Vec<RecordedMessage>,
    faults: VecDeque<Fault>,
    /// Design texts by ID (from the config, and changed over HTTP).
    texts: std::collections::HashMap<String, String>,
}

impl State {
    fn live(&self) -> MutexGuard<'_, Live> {
        // A panic while holding the lock leaves plain data behind: keep serving.
        self.live.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// A running sandbox. Stops when dropped.
#[derive(Debug)]
pub struct Sandbox {
    state: Arc<State>,
    addr: SocketAddr,
    server: server::Server,
}

impl Sandbox {
    /// Starts serving on `127.0.0.1` (on a free port unless one is configured).
    pub fn start(config: SandboxConfig) -> io::Result<Sandbox> {
        if !(0.0..=1.0).contains(&config.fail_rate) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "fail_rate must be between 0.0 and 1.0",
            ));
        }
        let record = match &config.record {
            Some(path) => Some(Mutex::new(
                std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(path)?,
            )),
            None => None,
        };
        let state = Arc::new(State {
            record,
            live: Mutex::new(Live {
                credit: config.credit,
                latency: config.latency,
                fail_rate: config.fail_rate,
                hits: 0,
                in_flight: 0,
                peak_in_flight: 0,
                connections: 0,
                messages: Vec::new(),
                faults: VecDeque::new(),
                texts: config.design_texts.iter().cloned().collect(),
            }),
            config,
        });
        let (server, addr) = server::Server::start(state.clone())?;
        Ok(Sandbox {
            state,
            addr,
            server,
        })
    }

    /// `http://127.0.0.1:PORT/api/triggersms/`: the client's `base_url`.
    pub fn base_url(&self) -> String {
        format!("http://{}/api/triggersms/", self.addr)
    }

    /// The address served.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Every send accepted so far, in order.
    pub fn messages(&self) -> Vec<RecordedMessage> {
        self.state.live().messages.clone()
    }

    /// Requests that reached the service endpoint, faulted or not.
    pub fn hits(&self) -> u64 {
        self.state.live().hits
    }

    /// Counters.
    pub fn stats(&self) -> Stats {
        self.state.stats()
    }

    /// Queues a one-shot fault for the next request.
    pub fn push_fault(&self, fault: Fault) {
        self.state.live().faults.push_back(fault);
    }

    /// Sets the credit left (`None`: unlimited).
    pub fn set_credit(&self, credit: Option<u64>) {
        self.state.live().credit = credit;
    }

    /// Sets the latency of every answer, counted from the request's arrival.
    pub fn set_latency(&self, latency: Duration) {
        self.state.live().latency = latency;
    }

    /// Forgets messages, hits and queued faults.
    pub fn reset(&self) {
        self.state.reset();
    }

    /// Stops serving and closes every connection (also done on drop).
    pub fn stop(self) {
        drop(self);
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        self.server.stop();
    }
}
