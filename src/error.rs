//! The one error type of the crate, and what it says about delivery.
#![forbid(unsafe_code)]

use std::borrow::Cow;
use std::fmt;
use std::time::Duration;

use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;

use crate::redact;

/// What went wrong, in the contract's vocabulary (`auth`, `timeout`, …).
///
/// Every binding shows the same names: [`ErrorKind::as_str`] is what the C and
/// Python documents carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A bad argument: bad settings, a NULL or non-UTF-8 string, text that is not JSON.
    InvalidArgument,
    /// The request broke a rule checked before sending; see [`Error::problems`].
    Validation,
    /// The service refused the universe or the key.
    Auth,
    /// The service refused the request (bad design ID, missing parameter, 404 …).
    BadRequest,
    /// The service answered `"status": "blocked"`: not enough credit.
    InsufficientCredit,
    /// HTTP 429; see [`Error::retry_after`].
    RateLimited,
    /// HTTP 5xx, whatever the body.
    Server,
    /// A connect or answer timeout.
    Timeout,
    /// DNS, connection, TLS or I/O failure.
    Transport,
    /// An answer that does not read as the service's (not JSON, too large, a redirect …).
    Protocol,
    /// A bug in this library (a caught panic); please report it.
    Internal,
}

impl ErrorKind {
    /// The stable name used in JSON documents: `"invalid_argument"`, `"auth"`, …
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::InvalidArgument => "invalid_argument",
            ErrorKind::Validation => "validation",
            ErrorKind::Auth => "auth",
            ErrorKind::BadRequest => "bad_request",
            ErrorKind::InsufficientCredit => "insufficient_credit",
            ErrorKind::RateLimited => "rate_limited",
            ErrorKind::Server => "server",
            ErrorKind::Timeout => "timeout",
            ErrorKind::Transport => "transport",
            ErrorKind::Protocol => "protocol",
            ErrorKind::Internal => "internal",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether an SMS may have been queued despite the error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Delivery {
    /// No message can have been queued: refused before any byte left, a
    /// connection that failed before the request was written, or an explicit
    /// refusal by the service. Safe to send again.
    NotSent,
    /// The request was written and its outcome is not known. Sending again may
    /// send the SMS twice.
    Unknown,
}

impl Delivery {
    /// `"not_sent"` or `"unknown"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Delivery::NotSent => "not_sent",
            Delivery::Unknown => "unknown",
        }
    }
}

impl fmt::Display for Delivery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One rule broken by a request, with the path of the offending value
/// (`rcpts[3].cellphone`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// Where: `message`, `rcpts[3].cellphone`, `settings.timeout_ms`, …
    pub path: String,
    /// What is wrong, in plain words.
    pub message: String,
    /// A value of the wrong type (or an unknown name) rather than a bad value:
    /// Python raises `TypeError` for these and `ValueError` for the others.
    #[serde(skip)]
    wrong_type: bool,
}

impl Problem {
    pub(crate) fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        Problem {
            path: path.into(),
            message: message.into(),
            wrong_type: false,
        }
    }

    pub(crate) fn wrong_type(path: impl Into<String>, message: impl Into<String>) -> Self {
        Problem {
            wrong_type: true,
            ..Problem::new(path, message)
        }
    }

    /// Whether the value had the wrong type (or the name is unknown), rather than a bad value.
    pub fn is_wrong_type(&self) -> bool {
        self.wrong_type
    }
}

/// Every failure of this crate.
///
/// Read [`kind`](Error::kind) to decide what to do and
/// [`delivery`](Error::delivery) to know whether sending again may double an SMS.
/// The message never contains the API key.
#[derive(Clone, PartialEq, Eq)]
pub struct Error {
    kind: ErrorKind,
    message: String,
    http_status: Option<u16>,
    delivery: Delivery,
    attempts: u32,
    problems: Vec<Problem>,
    retry_after: Option<Duration>,
    /// Set for failures that will not pass by waiting (a certificate the
    /// roots do not vouch for): never retried automatically.
    lasting: bool,
}

impl Error {
    pub(crate) fn new(kind: ErrorKind, delivery: Delivery, message: impl Into<String>) -> Self {
        Error {
            kind,
            message: message.into(),
            http_status: None,
            delivery,
            attempts: 0,
            problems: Vec::new(),
            retry_after: None,
            lasting: false,
        }
    }

    /// Marks a failure that will not pass by itself.
    pub(crate) fn lasting(mut self) -> Self {
        self.lasting = true;
        self
    }

    /// An error found before any I/O: nothing was sent. Public so that the
    /// faces can report their own bad input (a `serve` line) in this shape.
    #[doc(hidden)]
    pub fn invalid_argument(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::InvalidArgument, Delivery::NotSent, message)
    }

    /// A bug caught at a boundary (a panic); public so the bindings can report one.
    #[doc(hidden)]
    pub fn internal(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::Internal, Delivery::Unknown, message)
    }

    pub(crate) fn with_problems(kind: ErrorKind, problems: Vec<Problem>) -> Self {
        let message = summarize(&problems);
        Error {
            problems,
            ..Error::new(kind, Delivery::NotSent, message)
        }
    }

    pub(crate) fn with_http_status(mut self, status: u16) -> Self {
        self.http_status = Some(status);
        self
    }

    pub(crate) fn with_retry_after(mut self, after: Option<Duration>) -> Self {
        self.retry_after = after;
        self
    }

    pub(crate) fn with_delivery(mut self, delivery: Delivery) -> Self {
        self.delivery = delivery;
        self
    }

    pub(crate) fn set_attempts(&mut self, attempts: u32) {
        self.attempts = attempts;
    }

    /// Removes `secret`, in every spelling a server may echo it in, from the
    /// texts this error carries (see [`crate::redact`]).
    pub(crate) fn redact(mut self, secret: &str) -> Self {
        fn scrub(text: &mut String, secret: &str) {
            if let Cow::Owned(clean) = redact::redact(text, secret) {
                *text = clean;
            }
        }
        scrub(&mut self.message, secret);
        for p in &mut self.problems {
            scrub(&mut p.message, secret);
            scrub(&mut p.path, secret);
        }
        self
    }

    /// What went wrong.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// A human explanation; never contains the API key.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The HTTP status of the service's answer, when there was one.
    pub fn http_status(&self) -> Option<u16> {
        self.http_status
    }

    /// Whether an SMS may have been queued.
    pub fn delivery(&self) -> Delivery {
        self.delivery
    }

    /// How many HTTP requests were made (0 when refused before any I/O).
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// Every rule broken, for [`ErrorKind::Validation`] (and bad settings).
    pub fn problems(&self) -> &[Problem] {
        &self.problems
    }

    /// What the service asked to wait before trying again (HTTP 429 `Retry-After`).
    pub fn retry_after(&self) -> Option<Duration> {
        self.retry_after
    }

    /// Whether the failure will not pass by waiting (see [`Error::lasting`]).
    pub(crate) fn is_lasting(&self) -> bool {
        self.lasting
    }

    /// The contract's error document: `{"status": "error", "error": {...}}`.
    pub fn to_json(&self) -> String {
        serde_json::to_string(&ErrorDocument(self)).unwrap_or_else(|_| {
            r#"{"status":"error","error":{"kind":"internal","message":"could not encode error"}}"#
                .to_owned()
        })
    }
}

fn summarize(problems: &[Problem]) -> String {
    match problems {
        [] => "invalid request".to_owned(),
        [one] => format!("{}: {}", one.path, one.message),
        [first, rest @ ..] => format!(
            "{}: {} (and {} more problem{})",
            first.path,
            first.message,
            rest.len(),
            if rest.len() == 1 { "" } else { "s" }
        ),
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind, self.message)
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Error");
        d.field("kind", &self.kind)
            .field("message", &self.message)
            .field("http_status", &self.http_status)
            .field("delivery", &self.delivery)
            .field("attempts", &self.attempts);
        if !self.problems.is_empty() {
            d.field("problems", &self.problems);
        }
        if let Some(after) = self.retry_after {
            d.field("retry_after", &after);
        }
        d.finish()
    }
}

impl std::error::Error for Error {}

impl Serialize for Error {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("kind", self.kind.as_str())?;
        m.serialize_entry("message", &self.message)?;
        m.serialize_entry("http_status", &self.http_status)?;
        m.serialize_entry("delivery", self.delivery.as_str())?;
        m.serialize_entry("attempts", &self.attempts)?;
        if !self.problems.is_empty() {
            m.serialize_entry("problems", &self.problems)?;
        }
        if let Some(after) = self.retry_after {
            m.serialize_entry("retry_after_ms", &(after.as_millis() as u64))?;
        }
        m.end()
    }
}

struct ErrorDocument<'a>(&'a Error);

impl Serialize for ErrorDocument<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(2))?;
        m.serialize_entry("status", "error")?;
        m.serialize_entry("error", self.0)?;
        m.end()
    }
}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
