//! The client: settings made into a connection pool once, then
//! request → validation → encoding → attempts → answer reading → outcome.
#![forbid(unsafe_code)]

use std::fmt;
use std::hash::BuildHasher;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::batch::{self, BatchReport};
use crate::error::{Delivery, Error, ErrorKind, Result};
use crate::request::SendRequest;
use crate::response::{self, SendResult};
use crate::settings::{ClientBuilder, Duplicates};
use crate::transport::Transport;
use crate::validation;
use crate::wire::{self, Credentials};

/// The longest `Retry-After` honoured automatically; a longer one is returned
/// to the caller as a `rate_limited` error carrying it.
pub(crate) const MAX_RETRY_AFTER: Duration = Duration::from_secs(30);
const BACKOFF_BASE: Duration = Duration::from_millis(250);
const BACKOFF_MAX: Duration = Duration::from_secs(8);

/// Sends Trigger SMS. Cheap to clone and safe to share between threads: all
/// clones use one connection pool.
///
/// ```no_run
/// use splio_sms::{Client, Recipient, SendRequest};
/// # fn main() -> Result<(), splio_sms::Error> {
/// let client = Client::builder("my_universe", "my_api_key").build()?;
/// let request = SendRequest::new("AbCdEf123")
///     .recipient(Recipient::new("+33612345678").field("firstname", "John"));
/// let result = client.send(&request)?;
/// println!("queued {:?} in campaign {:?}", result.inserted, result.campaign_id);
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    transport: Transport,
    credentials: Credentials,
    universe: String,
    /// Kept only to scrub it from any text that leaves the client.
    key: String,
    duplicates: Duplicates,
    max_retries: u32,
    retry_unknown: bool,
    batch_size: usize,
    concurrency: usize,
}

impl Client {
    /// Starts the settings of a client for `universe` and its SMS API `key`.
    pub fn builder(universe: impl Into<String>, key: impl Into<String>) -> ClientBuilder {
        ClientBuilder::new(universe, key)
    }

    /// A client from the contract's settings JSON (`{"universe": "…", "key": "…", "timeout_ms": 5000}`).
    pub fn from_settings_json(json: &str) -> Result<Client> {
        ClientBuilder::from_json(json)?.build()
    }

    pub(crate) fn from_builder(b: ClientBuilder) -> Result<Client> {
        let mut user_agent = format!("splio-sms/{} ({})", crate::VERSION, b.binding);
        if let Some(suffix) = b.user_agent_suffix.as_deref().filter(|s| !s.is_empty()) {
            user_agent.push(' ');
            user_agent.push_str(suffix);
        }
        let transport = Transport::new(&b, &user_agent).map_err(|e| e.redact(&b.key))?;
        Ok(Client {
            inner: Arc::new(Inner {
                transport,
                credentials: Credentials::new(&b.universe, &b.key),
                universe: b.universe,
                key: b.key,
                duplicates: b.duplicates,
                max_retries: b.max_retries,
                retry_unknown: b.retry_unknown,
                batch_size: b.batch_size,
                concurrency: b.concurrency,
            }),
        })
    }

    /// The universe this client sends for.
    pub fn universe(&self) -> &str {
        &self.inner.universe
    }

    /// The URL sends go to.
    pub fn url(&self) -> &str {
        self.inner.transport.url()
    }

    /// Validates `request` and sends it in one HTTP request.
    ///
    /// Failures that cannot have sent anything and may pass (connection refused,
    /// DNS, TLS, HTTP 429) are retried up to `max_retries` times; a failure
    /// whose delivery is unknown is not, unless `retry_unknown` is set.
    pub fn send(&self, request: &SendRequest) -> Result<SendResult> {
        let v = validation::check(request, self.inner.duplicates)?;
        let body = wire::encode_body(&self.inner.credentials, &v, &v.rcpts);
        let mut result = self.deliver(&body)?;
        result.dropped_duplicates = v.dropped.len();
        Ok(result)
    }

    /// Validation and encoding alone, as [`send`](Client::send) does them (for benchmarks).
    pub(crate) fn prepare(&self, request: &SendRequest) -> Result<Vec<u8>> {
        let v = validation::check(request, self.inner.duplicates)?;
        Ok(wire::encode_body(&self.inner.credentials, &v, &v.rcpts))
    }

    /// [`send`](Client::send) for the contract's request JSON.
    pub fn send_json(&self, request_json: &str) -> Result<SendResult> {
        self.send(&SendRequest::from_json(request_json)?)
    }

    /// Validates `request`, cuts its recipients into `batch_size` pieces and
    /// sends them, `concurrency` at a time. Every recipient's fate is in the
    /// report; `Err` means nothing was sent (the request did not validate).
    pub fn send_batch(&self, request: &SendRequest) -> Result<BatchReport> {
        batch::run(self, request)
    }

    /// Like [`send_batch`](Client::send_batch) for recipients read from
    /// `source` (a file, say) instead of held in `head`: the source is read
    /// once to validate everything, then again to send, so memory holds about
    /// `batch_size × concurrency` recipients. `head` gives the design, opcode
    /// and category; its own recipients are ignored. `control` can cancel
    /// (pieces in flight finish; the rest are reported `not_sent`) and
    /// reports progress.
    pub fn send_stream<S: crate::stream::RecipientSource>(
        &self,
        head: &SendRequest,
        source: &S,
        control: &crate::batch::BatchControl,
    ) -> Result<BatchReport> {
        crate::stream::run(self, head, source, control)
    }

    /// [`send_batch`](Client::send_batch) for the contract's request JSON.
    pub fn send_batch_json(&self, request_json: &str) -> Result<BatchReport> {
        self.send_batch(&SendRequest::from_json(request_json)?)
    }

    pub(crate) fn duplicates(&self) -> Duplicates {
        self.inner.duplicates
    }

    pub(crate) fn batch_shape(&self) -> (usize, usize) {
        (self.inner.batch_size, self.inner.concurrency)
    }

    pub(crate) fn credentials(&self) -> &Credentials {
        &self.inner.credentials
    }

    /// Sends one encoded body, retrying what the policy allows.
    pub(crate) fn deliver(&self, body: &[u8]) -> Result<SendResult> {
        let inner = &*self.inner;
        let mut attempts = 0;
        let mut ever_unknown = false;
        loop {
            attempts += 1;
            let outcome = inner
                .transport
                .attempt(body)
                .and_then(|answer| response::read(&answer, inner.transport.url()));
            let mut error = match outcome {
                Ok(mut result) => {
                    result.attempts = attempts;
                    return Ok(result);
                }
                Err(e) => e,
            };
            ever_unknown |= error.delivery() == Delivery::Unknown;
            let wait = if attempts > inner.max_retries {
                None
            } else {
                self.retry_wait(&error, attempts)
            };
            match wait {
                Some(wait) => std::thread::sleep(wait),
                None => {
                    error.set_attempts(attempts);
                    if ever_unknown {
                        // An earlier attempt may have queued the SMS.
                        error = error.with_delivery(Delivery::Unknown);
                    }
                    return Err(error.redact(&inner.key));
                }
            }
        }
    }

    /// How long to wait before trying `error`'s request again, or `None` not to.
    fn retry_wait(&self, error: &Error, attempts: u32) -> Option<Duration> {
        let retry = error.is_transient_not_sent()
            || (self.inner.retry_unknown
                && error.delivery() == Delivery::Unknown
                && matches!(
                    error.kind(),
                    ErrorKind::Server
                        | ErrorKind::Timeout
                        | ErrorKind::Transport
                        | ErrorKind::Protocol
                ));
        if !retry {
            return None;
        }
        match error.retry_after() {
            Some(after) if after > MAX_RETRY_AFTER => None,
            Some(after) => Some(after),
            None => Some(backoff(attempts)),
        }
    }
}

/// Exponential backoff with jitter: half to all of 250 ms × 2^(n−1), at most 8 s.
fn backoff(attempt: u32) -> Duration {
    let ceiling = BACKOFF_BASE
        .saturating_mul(1 << attempt.saturating_sub(1).min(10))
        .min(BACKOFF_MAX);
    let random = std::collections::hash_map::RandomState::new().hash_one(Instant::now());
    let fraction = 0.5 + (random >> 11) as f64 / (1u64 << 53) as f64 / 2.0;
    ceiling.mul_f64(fraction)
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("universe", &self.inner.universe)
            .field("url", &self.url())
            .field("max_retries", &self.inner.max_retries)
            .field("retry_unknown", &self.inner.retry_unknown)
            .field("duplicates", &self.inner.duplicates)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_stays_capped() {
        for attempt in 1..20 {
            let ceiling = BACKOFF_BASE
                .saturating_mul(1 << (attempt - 1).min(10))
                .min(BACKOFF_MAX);
            let b = backoff(attempt);
            assert!(b >= ceiling / 2 && b <= ceiling, "attempt {attempt}: {b:?}");
        }
    }
}
