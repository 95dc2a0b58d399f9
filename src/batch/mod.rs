//! Sending a large recipient list in pieces, several at once, accounting for
//! every recipient: the pool (`pool.rs`), the feeding (`feed.rs`) and the
//! report (`report.rs`). A request held in memory and recipients streamed
//! from a source go through the same pool.
#![forbid(unsafe_code)]

mod feed;
mod ledger;
mod pool;
mod report;

pub use pool::{BatchControl, Progress};
pub use report::{BatchPiece, BatchReport, BatchStatus, Totals};

use crate::error::{Error, Result};
use crate::request::{RecipientSource, SendRequest};
use crate::sender::Sender;
use crate::settings::Settings;
use crate::validation::{self, validate_stream, Validated};
use crate::wire::Credentials;

/// Validates `request` whole, then sends it in pieces; `control` may cancel,
/// and can tell the report at any moment.
pub(crate) fn send(
    sender: &Sender,
    settings: &Settings,
    credentials: &Credentials,
    request: &SendRequest,
    control: Option<&BatchControl>,
) -> Result<BatchReport> {
    let v = validation::check(request, &settings.validation())?;
    let feeder = feed::SliceFeeder::new(&v, settings.batch_size(), credentials);
    let workers = workers(settings, v.rcpts.len());
    if let Some(c) = control {
        c.ledger
            .plan(feeder.plan(), v.dropped.clone(), sender.url());
    }
    Ok(pool::run(sender, &feeder, workers, v.rcpts.len(), control))
}

/// Validates every recipient of `source`, then reads it again to send.
pub(crate) fn send_stream<S: RecipientSource>(
    sender: &Sender,
    settings: &Settings,
    credentials: &Credentials,
    head: &SendRequest,
    source: &S,
    control: &BatchControl,
) -> Result<BatchReport> {
    let total = validate_stream(head, source, settings.validation())?;
    let iter = source.open().map_err(Error::invalid_argument)?;
    let feeder = feed::StreamFeeder::new(
        Validated::head(head),
        credentials,
        settings.batch_size(),
        settings.validation(),
        iter,
    );
    let workers = workers(settings, total);
    Ok(pool::run(sender, &feeder, workers, total, Some(control)))
}

/// No more workers than pieces.
fn workers(settings: &Settings, recipients: usize) -> usize {
    settings
        .concurrency()
        .min(recipients.div_ceil(settings.batch_size()))
        .max(1)
}
