//! Send SMS through [Splio's Trigger SMS API](https://s3s.fr/api/triggersms/):
//! a design picked from your universe, sent to one or many cellphones.
//!
//! This crate is the core shared by the C library (`libsplio_sms`), the Python
//! module (`splio_sms`) and the `splio-sms` command. Calls are blocking; a
//! [`Client`] is cheap to clone, safe to share between threads, and owns one
//! connection pool.
//!
//! # Sending
//!
//! ```no_run
//! use splio_sms::{Client, Recipient, SendRequest};
//!
//! # fn main() -> Result<(), splio_sms::Error> {
//! let client = Client::builder("my_universe", "my_api_key").build()?;
//! let request = SendRequest::new("AbCdEf123")
//!     .recipient(Recipient::new("+33612345678").field("firstname", "John"))
//!     .recipient(Recipient::new("+8618612345678").field("firstname", "Jane"));
//! let result = client.send(&request)?;
//! println!("{:?} SMS queued, campaign {:?}", result.inserted, result.campaign_id);
//! # Ok(())
//! # }
//! ```
//!
//! # Against the built-in sandbox
//!
//! With the `sandbox` feature, a local stand-in for the service runs on
//! loopback, so the whole flow can be tried and tested without credentials:
//!
//! ```
//! # #[cfg(feature = "sandbox")] {
//! use splio_sms::sandbox::{Sandbox, SandboxConfig};
//! use splio_sms::{Client, Recipient, SendRequest};
//!
//! let sandbox = Sandbox::start(SandboxConfig::default()).unwrap();
//! let client = Client::builder("sandbox", "sandbox-key")
//!     .base_url(sandbox.base_url())
//!     .build()
//!     .unwrap();
//! let result = client
//!     .send(&SendRequest::new("AbCdEf123").recipient(Recipient::new("+33612345678")))
//!     .unwrap();
//! assert_eq!(result.inserted, Some(1));
//! assert_eq!(sandbox.messages().len(), 1);
//! # }
//! ```
//!
//! # Errors and delivery certainty
//!
//! Every failure is an [`Error`] with a [`kind`](Error::kind) and a
//! [`delivery`](Error::delivery): [`Delivery::NotSent`] means no SMS can have
//! been queued (safe to send again), [`Delivery::Unknown`] that the request
//! was written and its fate is not known (sending again may double it).
//! Only `NotSent` failures that may pass are retried automatically.
//!
//! ```
//! use splio_sms::{validate, ErrorKind, Recipient, SendRequest};
//!
//! let request = SendRequest::new("AbCdEf123")
//!     .recipient(Recipient::new("+33 6 12 34 56 78"))
//!     .recipient(Recipient::new("0033612345678"));
//! let err = validate(&request).unwrap_err();
//! assert_eq!(err.kind(), ErrorKind::Validation);
//! assert_eq!(err.problems()[0].path, "rcpts[1].cellphone");
//! ```
#![deny(unsafe_code)]
#![warn(missing_docs)]

// The layers import only downward (tests/layers.rs holds them to it):
// error, redact → cancel → settings → recipient, request → validation → wire →
// transport → answer → logs → sender → batch → client, then the faces.
mod answer;
mod batch;
mod cancel;
mod client;
mod error;
mod logs;
mod phone;
mod preview;
mod recipient;
mod redact;
mod request;
mod sender;
pub mod settings;
mod transport;
mod validation;
mod wire;

#[cfg(feature = "capi")]
pub mod ffi;
#[cfg(feature = "python")]
mod python;

#[cfg(feature = "sandbox")]
pub mod sandbox;

pub use answer::SendResult;
pub use batch::{BatchControl, BatchPiece, BatchReport, BatchStatus, Progress, Totals};
#[cfg(feature = "journal")]
pub use batch::{Journal, JournalState};
pub use client::Client;
pub use error::{Delivery, Error, ErrorKind, Problem, Result};
pub use phone::{NumberCheck, Rewrite, METADATA_VERSION};
pub use preview::{
    measure, preview, preview_json, preview_stream, preview_with, Encoding, Guards, Preview,
    PreviewTotals, RecipientPreview, Template,
};
pub use recipient::{Recipient, RecipientMaker};
pub use request::{RecipientSource, SendRequest};
pub use settings::{
    ClientBuilder, Duplicates, Face, Method, Region, Setting, Settings, ValidationSettings,
    SETTINGS,
};
pub use validation::{check_stream, validate, validate_stream, validate_with, StreamSummary};

/// This crate's version, as sent in the `User-Agent`.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Checks the request JSON of the contract without sending it, refusing repeated numbers.
pub fn validate_json(request_json: &str) -> Result<()> {
    validate(&SendRequest::from_json(request_json)?)
}

/// [`validate_json`] with the settings that change validation, as a JSON
/// object of the contract's names (`{"default_country": "FR", "duplicates":
/// "dedupe"}`); any other setting is refused.
pub fn validate_json_with(settings_json: &str, request_json: &str) -> Result<()> {
    let rules = validation_settings_json(settings_json)?;
    validate_with(&SendRequest::from_json(request_json)?, rules)
}

/// The settings that change validation, from a JSON object of their names.
pub(crate) fn validation_settings_json(settings_json: &str) -> Result<ValidationSettings> {
    match serde_json::from_str(settings_json) {
        Ok(serde_json::Value::Object(map)) => ValidationSettings::read(
            map.iter()
                .map(|(name, v)| (Face::Json, name.as_str(), v as &dyn settings::SettingInput)),
        ),
        _ => Err(Error::invalid_argument("settings must be a JSON object")),
    }
}

// Public types are shared across threads by every binding: keep them so.
const _: () = {
    const fn send_sync<T: Send + Sync>() {}
    send_sync::<Client>();
    send_sync::<ClientBuilder>();
    send_sync::<Settings>();
    send_sync::<Error>();
    send_sync::<SendRequest>();
    send_sync::<SendResult>();
    send_sync::<BatchReport>();
};

/// Entry points for the benchmarks and fuzz targets; not part of the API.
#[doc(hidden)]
pub mod bench_support {
    use crate::answer;
    use crate::transport::{Answer, Body, MAX_BODY};
    use crate::{Client, Result, SendRequest};

    /// Reads, validates and encodes a request as a send does; returns the body's length.
    pub fn prepare_json(client: &Client, request_json: &str) -> Result<usize> {
        let request = SendRequest::from_json(request_json)?;
        client.prepare(&request).map(|body| body.len())
    }

    /// The service's answer to a 1,000-recipient send.
    pub const ANSWER: &[u8] = br#"{"status":"ok","result":{"done":1000,"inserted":"1000","campaign_id":"6tJglf8zd","todo":1000},"message":"ok","code":200}"#;

    /// A request document of `n` recipients with three fields each;
    /// `national` writes their numbers as a French export does
    /// (`06 12 34 56 78`, read with `default_country` `FR`).
    pub fn request_json(n: usize, national: bool) -> String {
        let rcpts: Vec<String> = (0..n)
            .map(|i| {
                let digits = format!("{:08}", 10_000_000 + i);
                let cellphone = if national {
                    let d = &digits;
                    format!("06 {} {} {} {}", &d[..2], &d[2..4], &d[4..6], &d[6..])
                } else {
                    format!("+336{digits}")
                };
                format!(
                    r#"{{"cellphone":"{cellphone}","firstname":"Jöhn {i}","lastname":"Doe","c0":"{}"}}"#,
                    100_000 + i
                )
            })
            .collect();
        format!(
            r#"{{"message":"AbCdEf123","rcpts":[{}],"opcode":"O12345","category":"welcome"}}"#,
            rcpts.join(",")
        )
    }

    /// Reads an answer body as a send does.
    pub fn read_answer(status: u16, body: &[u8]) -> Result<crate::SendResult> {
        read_answer_with(status, None, None, body)
    }

    /// Reads an answer with its `Retry-After` and `Location` headers as a send does.
    pub fn read_answer_with(
        status: u16,
        retry_after: Option<&str>,
        location: Option<&str>,
        body: &[u8],
    ) -> Result<crate::SendResult> {
        let answer = Answer {
            status,
            retry_after: retry_after.map(str::to_owned),
            location: location.map(str::to_owned),
            body: if body.len() as u64 > MAX_BODY {
                Body::TooLarge
            } else {
                Body::Read(body.to_vec())
            },
        };
        answer::read(&answer, "http://127.0.0.1/")
    }
}
