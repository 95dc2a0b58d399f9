//! The client: checked settings made into a sender (connection pool, retry
//! policy) once; each call is a short composition of the layers below —
//! validation, encoding, the sender, the batch pool.
#![forbid(unsafe_code)]

use std::fmt;
use std::sync::Arc;

use crate::answer::SendResult;
use crate::batch::{self, BatchControl, BatchReport};
use crate::cancel::{CallState, Cancel};
use crate::error::Result;
use crate::request::{RecipientSource, SendRequest};
use crate::sender::{Call, Sender};
use crate::settings::{ClientBuilder, Settings};
use crate::validation;
use crate::wire::{self, Credentials};

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
    settings: Settings,
    sender: Sender,
    credentials: Credentials,
}

impl ClientBuilder {
    /// Checks every setting and makes the client (its connection pool and TLS
    /// configuration are made here, once).
    pub fn build(self) -> Result<Client> {
        Client::new(self.check()?)
    }
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

    /// A client from checked settings.
    pub fn new(settings: Settings) -> Result<Client> {
        let sender = Sender::new(&settings)?;
        Ok(Client {
            inner: Arc::new(Inner {
                credentials: Credentials::new(&settings.universe, &settings.key),
                sender,
                settings,
            }),
        })
    }

    /// The universe this client sends for.
    pub fn universe(&self) -> &str {
        self.inner.settings.universe()
    }

    /// The URL sends go to.
    pub fn url(&self) -> &str {
        self.inner.sender.url()
    }

    /// Validates `request` and sends it in one HTTP request.
    ///
    /// Failures that cannot have sent anything and may pass (connection refused,
    /// DNS, TLS, HTTP 429) are retried up to `max_retries` times; a failure
    /// whose delivery is unknown is not, unless `retry_unknown` is set.
    pub fn send(&self, request: &SendRequest) -> Result<SendResult> {
        let v = validation::check(request, &self.inner.settings.validation())?;
        let body = wire::encode_body(&self.inner.credentials, &v, &v.rcpts);
        let mut result = self.inner.sender.deliver(&body, v.rcpts.len())?;
        result.dropped_duplicates = v.dropped.len();
        Ok(result)
    }

    /// [`send`](Client::send) that `cancel` may stop between attempts and
    /// whose `state` another thread may read; `None` when cancelled before
    /// the first attempt (nothing left).
    #[cfg_attr(not(feature = "python"), allow(dead_code))]
    pub(crate) fn send_watched(
        &self,
        request: &SendRequest,
        cancel: &Cancel,
        state: &CallState,
    ) -> Option<Result<SendResult>> {
        let v = match validation::check(request, &self.inner.settings.validation()) {
            Ok(v) => v,
            Err(e) => return Some(Err(e)),
        };
        let body = wire::encode_body(&self.inner.credentials, &v, &v.rcpts);
        let call = Call {
            recipients: v.rcpts.len(),
            cancel: Some(cancel),
            state: Some(state),
        };
        let outcome = self.inner.sender.deliver_unless_cancelled(&body, &call)?;
        Some(outcome.map(|mut result| {
            result.dropped_duplicates = v.dropped.len();
            result
        }))
    }

    /// Validation and encoding alone, as [`send`](Client::send) does them (for benchmarks).
    pub(crate) fn prepare(&self, request: &SendRequest) -> Result<wire::Body> {
        let v = validation::check(request, &self.inner.settings.validation())?;
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
        let i = &*self.inner;
        batch::send(&i.sender, &i.settings, &i.credentials, request, None)
    }

    /// [`send_batch`](Client::send_batch) steered by `control`: cancel it from
    /// another thread (no new piece starts; pieces waiting to retry stop
    /// waiting), hear its progress, ask for the report as things stand, and
    /// (feature `journal`) keep a journal that makes it resumable: run it
    /// again with the same journal after a crash and only the recipients not
    /// sent yet are sent.
    pub fn send_batch_with(
        &self,
        request: &SendRequest,
        control: &BatchControl,
    ) -> Result<BatchReport> {
        let i = &*self.inner;
        batch::send(
            &i.sender,
            &i.settings,
            &i.credentials,
            request,
            Some(control),
        )
    }

    /// [`send_batch`](Client::send_batch) for the contract's request JSON.
    pub fn send_batch_json(&self, request_json: &str) -> Result<BatchReport> {
        self.send_batch(&SendRequest::from_json(request_json)?)
    }

    /// Like [`send_batch`](Client::send_batch) for recipients read from
    /// `source` (a file, say) instead of held in `head`: the source is read
    /// once to validate everything, then again to send, so memory holds about
    /// `batch_size × concurrency` recipients. `head` gives the design, opcode
    /// and category; its own recipients are ignored. `control` can cancel
    /// (pieces in flight finish; the rest are reported `not_sent`) and
    /// reports progress.
    pub fn send_stream<S: RecipientSource>(
        &self,
        head: &SendRequest,
        source: &S,
        control: &BatchControl,
    ) -> Result<BatchReport> {
        let i = &*self.inner;
        batch::send_stream(
            &i.sender,
            &i.settings,
            &i.credentials,
            head,
            source,
            control,
        )
    }

    /// The settings the client was made from.
    pub fn settings(&self) -> &Settings {
        &self.inner.settings
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("settings", &self.inner.settings)
            .finish_non_exhaustive()
    }
}
