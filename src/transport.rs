//! One HTTP attempt over the client's connection pool, and what it tells
//! about delivery.
//!
//! ureq does not say at which stage a call failed. Delivery certainty needs
//! exactly that: a failure before any byte of the request was handed to the
//! connection cannot have queued an SMS, one after may have. A connector at the
//! end of ureq's chain (just under the one that writes each request at once,
//! `transport/coalesce.rs`) wraps every connection and notes, per thread, when
//! a request byte is transmitted. ureq's blocking calls run on the caller's
//! thread, so the note read after a call is that call's.
//!
//! After `fork()` (gunicorn `--preload`, Celery prefork, `multiprocessing`)
//! a child holds copies of the parent's pooled sockets: two processes
//! writing requests on one connection and reading each other's answers. The
//! pool remembers the process that made it, and a child makes its own on
//! its first attempt; the parent's is left as it was.
#![forbid(unsafe_code)]

use std::cell::Cell;
use std::fmt;
use std::io;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use ureq::http::header::{self, HeaderName, HeaderValue};
use ureq::http::Uri;
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::{
    Buffers, ConnectionDetails, Connector, NextTimeout, Transport as UreqTransport,
};
use ureq::Agent;

use crate::error::{Delivery, Error, ErrorKind, Problem, Result};
use crate::settings::{Method, Settings};
use crate::wire::CONTENT_TYPE;

mod coalesce;
mod shared;

/// The largest answer body read; past it the answer is a `protocol` error.
pub(crate) const MAX_BODY: u64 = 1024 * 1024;

/// One HTTP answer as it came off the wire, before it is read for its meaning.
#[derive(Debug)]
pub(crate) struct Answer {
    pub status: u16,
    pub retry_after: Option<String>,
    pub location: Option<String>,
    pub body: Body,
}

#[derive(Debug)]
pub(crate) enum Body {
    Read(Vec<u8>),
    /// Over [`MAX_BODY`]; the rest was not read.
    TooLarge,
    /// The connection failed while the body was read.
    Broken(Error),
}

thread_local! {
    static WROTE: Cell<bool> = const { Cell::new(false) };
}

/// The HTTP side of a client: its agent (connection pool, TLS, proxy) and target.
pub(crate) struct Transport {
    pool: Mutex<Pool>,
    /// What a child process's own agent is made from.
    config: ureq::config::Config,
    connector: shared::SharedConnector,
    url: String,
    /// `url` parsed once: ureq would parse the text again on every attempt.
    /// `None` when it does not parse, and ureq then says why, as before.
    uri: Option<Uri>,
    method: Method,
}

/// An agent and the process whose sockets its pool holds.
struct Pool {
    pid: u32,
    agent: Agent,
}

impl fmt::Debug for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Transport")
            .field("url", &self.url)
            .field("method", &self.method)
            .finish_non_exhaustive()
    }
}

impl Transport {
    pub fn new(b: &Settings) -> Result<Self> {
        let shared = shared_for(b)?;
        let mut config = Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .user_agent(b.user_agent())
            .accept("application/json")
            .timeout_global(Some(b.timeout))
            .timeout_connect(Some(b.connect_timeout))
            .max_idle_connections_per_host(b.concurrency.max(8))
            .tls_config(shared.tls);
        if let Some(proxy) = &b.proxy {
            // The proxy URL may carry credentials: never quote it.
            let proxy = ureq::Proxy::new(proxy).map_err(|_| {
                setting_error(
                    b,
                    "proxy",
                    "is not a valid proxy URL (http://, https://, socks5://)".to_owned(),
                )
            })?;
            config = config.proxy(Some(proxy));
        }
        let config = config.build();
        Ok(Transport {
            pool: Mutex::new(Pool {
                pid: std::process::id(),
                agent: agent(config.clone(), shared.connector.clone()),
            }),
            config,
            connector: shared.connector,
            uri: b.url().parse().ok(),
            url: b.url(),
            method: b.method,
        })
    }

    /// This process's agent: a child after `fork()` makes its own the first
    /// time. Dropping the parent's copy in the child closes only the child's
    /// descriptors (nothing is written on them), so the parent's connections
    /// stay as they were. One `getpid` per attempt.
    fn agent(&self) -> Agent {
        let pid = std::process::id();
        let mut pool = self.lock();
        if pool.pid != pid {
            *pool = Pool {
                pid,
                agent: agent(self.config.clone(), self.connector.clone()),
            };
        }
        pool.agent.clone()
    }

    fn lock(&self) -> MutexGuard<'_, Pool> {
        self.pool.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    /// Sends `body` once and reads the whole answer (up to [`MAX_BODY`]).
    pub fn attempt(&self, body: &[u8]) -> Result<Answer> {
        WROTE.with(|w| w.set(false));
        let agent = self.agent();
        let request = match (&self.uri, self.method) {
            (Some(uri), Method::Put) => agent.put(uri.clone()),
            (Some(uri), Method::Post) => agent.post(uri.clone()),
            (None, Method::Put) => agent.put(&self.url),
            (None, Method::Post) => agent.post(&self.url),
        };
        let sent = request
            .header(header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE))
            .send(body);
        let wrote = WROTE.with(Cell::get);
        let mut response = sent.map_err(|e| self.classify(e, wrote))?;

        let header = |name: HeaderName| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let retry_after = header(header::RETRY_AFTER);
        let location = header(header::LOCATION);
        let status = response.status().as_u16();
        let body = match read_body(response.body_mut()) {
            Ok(bytes) => Body::Read(bytes),
            Err(ureq::Error::BodyExceedsLimit(_)) => Body::TooLarge,
            Err(e) => Body::Broken(self.classify(e, true)),
        };
        Ok(Answer {
            status,
            retry_after,
            location,
            body,
        })
    }

    /// Turns a ureq failure into the contract's kind and delivery.
    fn classify(&self, e: ureq::Error, wrote: bool) -> Error {
        let delivery = if wrote {
            Delivery::Unknown
        } else {
            Delivery::NotSent
        };
        let url = &self.url;
        let (kind, message) = match e {
            ureq::Error::Timeout(stage) => (
                ErrorKind::Timeout,
                if wrote {
                    format!("no complete answer from {url} in time ({stage} timeout)")
                } else {
                    format!("could not reach {url} in time ({stage} timeout)")
                },
            ),
            ureq::Error::HostNotFound => (
                ErrorKind::Transport,
                format!("could not resolve the host of {url}"),
            ),
            ureq::Error::Io(io) => {
                match io.get_ref().and_then(|e| e.downcast_ref::<rustls::Error>()) {
                    Some(tls) => return tls_error(url, tls, delivery),
                    None => (ErrorKind::Transport, io_message(url, &io, wrote)),
                }
            }
            ureq::Error::Rustls(tls) => return tls_error(url, &tls, delivery),
            ureq::Error::ConnectionFailed => {
                (ErrorKind::Transport, format!("could not connect to {url}"))
            }
            ureq::Error::ConnectProxyFailed(why) => (
                ErrorKind::Transport,
                format!("the proxy refused the connection to {url}: {why}"),
            ),
            e @ (ureq::Error::Tls(_) | ureq::Error::Pem(_)) => {
                (ErrorKind::Transport, format!("TLS with {url} failed: {e}"))
            }
            e @ (ureq::Error::Protocol(_) | ureq::Error::LargeResponseHeader(..)) => (
                ErrorKind::Protocol,
                format!("{url} did not answer in HTTP/1.1: {e}"),
            ),
            e => (
                ErrorKind::Transport,
                format!("request to {url} failed: {e}"),
            ),
        };
        Error::new(kind, delivery, message)
    }
}

/// An agent (connection pool) over the process's chain for its roots, whose
/// connections note when a request is written and write each request at once
/// (the witness under the coalescing layer sees only real writes).
fn agent(config: ureq::config::Config, connector: shared::SharedConnector) -> Agent {
    Agent::with_parts(config, connector, CachingResolver::default())
}

/// A TLS failure; one about the certificate will not pass by retrying.
/// The whole answer body, up to [`MAX_BODY`]. Room for the announced length
/// is made first: from an empty `Vec`, `read_to_end` reads a small answer in
/// several growing steps, each a trip through ureq's body state machine.
fn read_body(body: &mut ureq::Body) -> std::result::Result<Vec<u8>, ureq::Error> {
    use std::io::Read;
    let announced = body.content_length().unwrap_or(0).min(MAX_BODY);
    // One byte more, so the read that finds the end needs no growth either.
    let mut bytes = Vec::with_capacity(announced as usize + 1);
    body.with_config()
        .limit(MAX_BODY)
        .reader()
        .read_to_end(&mut bytes)
        .map_err(ureq::Error::from)?;
    Ok(bytes)
}

fn tls_error(url: &str, e: &rustls::Error, delivery: Delivery) -> Error {
    let error = Error::new(
        ErrorKind::Transport,
        delivery,
        format!("TLS with {url} failed: {e}"),
    );
    match e {
        rustls::Error::InvalidCertificate(_) => error.lasting(),
        _ => error,
    }
}

fn io_message(url: &str, e: &io::Error, wrote: bool) -> String {
    match (e.kind(), wrote) {
        (io::ErrorKind::ConnectionRefused, _) => format!("connection to {url} refused"),
        (_, true) => format!("connection to {url} lost after the request was sent: {e}"),
        (_, false) => format!("connection to {url} failed before the request was sent: {e}"),
    }
}

/// The TLS configuration and connector shared by clients with the same roots.
fn shared_for(b: &Settings) -> Result<shared::Shared> {
    let shown = b
        .ca_file
        .as_ref()
        .map(|p| p.display().to_string())
        .unwrap_or_default();
    let pem = match &b.ca_file {
        None => None,
        Some(path) => Some(
            std::fs::read(path)
                .map_err(|e| setting_error(b, "ca_file", format!("cannot read {shown}: {e}")))?,
        ),
    };
    shared::for_roots(pem).map_err(|e| {
        let why = match e {
            shared::BadPem::Invalid(e) => format!("{shown} is not valid PEM: {e}"),
            shared::BadPem::NoCertificate => format!("{shown} holds no certificate"),
        };
        setting_error(b, "ca_file", why)
    })
}

/// A setting that could not be used, named as its face spells it.
fn setting_error(settings: &Settings, json: &str, why: String) -> Error {
    Error::with_problems(
        ErrorKind::InvalidArgument,
        vec![Problem::new(settings.path_of(json), why)],
    )
}

/// The last connector of the chain: wraps each connection in a [`Witnessed`].
#[derive(Debug)]
struct WriteWitness;

impl<In: UreqTransport> Connector<In> for WriteWitness {
    type Out = Witnessed<In>;

    fn connect(
        &self,
        _details: &ConnectionDetails,
        chained: Option<In>,
    ) -> std::result::Result<Option<Self::Out>, ureq::Error> {
        Ok(chained.map(Witnessed))
    }
}

/// A connection that notes on the current thread when request bytes go out.
#[derive(Debug)]
struct Witnessed<T>(T);

impl<T: UreqTransport> UreqTransport for Witnessed<T> {
    fn buffers(&mut self) -> &mut dyn Buffers {
        self.0.buffers()
    }

    fn transmit_output(
        &mut self,
        amount: usize,
        timeout: NextTimeout,
    ) -> std::result::Result<(), ureq::Error> {
        // Noted before the write: a write that fails half-way may still have
        // delivered the request.
        if amount > 0 {
            WROTE.with(|w| w.set(true));
        }
        self.0.transmit_output(amount, timeout)
    }

    fn await_input(&mut self, timeout: NextTimeout) -> std::result::Result<bool, ureq::Error> {
        self.0.await_input(timeout)
    }

    fn is_open(&mut self) -> bool {
        self.0.is_open()
    }

    fn is_tls(&self) -> bool {
        self.0.is_tls()
    }
}

/// How long a host's addresses are reused, as libcurl does by default.
const DNS_CACHE: Duration = Duration::from_secs(60);

/// ureq resolves the host on every request, on a new thread when a timeout
/// is set: one thread spawned per send, most of a loopback send's cost. This
/// keeps each host's addresses for [`DNS_CACHE`] (failures are not kept).
/// An agent reaches one or two hosts (the service, a proxy): the entries are
/// searched in turn by scheme and authority as they stand in the URL, so a
/// send allocates and hashes nothing to find them.
#[derive(Debug, Default)]
struct CachingResolver {
    inner: DefaultResolver,
    cache: Mutex<Vec<Resolved>>,
}

#[derive(Debug)]
struct Resolved {
    scheme: String,
    authority: String,
    addrs: ResolvedSocketAddrs,
    at: Instant,
}

impl Resolver for CachingResolver {
    fn resolve(
        &self,
        uri: &ureq::http::Uri,
        config: &ureq::config::Config,
        timeout: NextTimeout,
    ) -> std::result::Result<ResolvedSocketAddrs, ureq::Error> {
        let (Some(scheme), Some(authority)) = (uri.scheme_str(), uri.authority()) else {
            return self.inner.resolve(uri, config, timeout);
        };
        let authority = authority.as_str();
        let now = Instant::now();
        let same = |r: &Resolved| r.scheme == scheme && r.authority == authority;
        if let Some(r) = self.cache().iter().find(|r| same(r)) {
            if now.duration_since(r.at) < DNS_CACHE {
                return Ok(r.addrs.clone());
            }
        }
        let addrs = self.inner.resolve(uri, config, timeout)?;
        let mut cache = self.cache();
        cache.retain(|r| !same(r));
        cache.push(Resolved {
            scheme: scheme.to_owned(),
            authority: authority.to_owned(),
            addrs: addrs.clone(),
            at: now,
        });
        Ok(addrs)
    }
}

impl CachingResolver {
    fn cache(&self) -> std::sync::MutexGuard<'_, Vec<Resolved>> {
        self.cache.lock().unwrap_or_else(|p| p.into_inner())
    }
}
