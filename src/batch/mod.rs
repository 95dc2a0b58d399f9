//! Sending a large recipient list in pieces, several at once, accounting for
//! every recipient: the pool (`pool.rs`), the feeding (`feed.rs`), the report
//! (`report.rs`), and the journal that makes a batch resumable
//! (`journal.rs`, feature `journal`). A request held in memory and
//! recipients streamed from a source go through the same pool.
#![forbid(unsafe_code)]

mod ahead;
mod feed;
#[cfg(feature = "journal")]
mod journal;
mod ledger;
mod pool;
mod report;

#[cfg(feature = "journal")]
pub use journal::{Journal, JournalState};
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
    #[cfg(feature = "journal")]
    if let Some(j) = control.and_then(BatchControl::kept_journal) {
        use feed::Selection;
        let active = journal::Active::begin(j, &campaign(request, settings, request.rcpts.len()))?;
        if active.has_records() {
            active.verify(
                v.rcpts
                    .iter()
                    .map(|c| (c.index, Some(active.hash(&c.cellphone, c.recipient)))),
            )?;
        }
        let feeder = feed::SliceFeeder::new(&v, settings.batch_size(), credentials, Some(&active));
        let to_send = feeder.len();
        plan(control, &feeder, &v, sender);
        let mut report = pool::run(
            sender,
            &feeder,
            workers(settings, to_send),
            to_send,
            control,
            Some(&active),
        );
        drop(feeder);
        active.end(&mut report);
        return Ok(report);
    }
    let feeder = feed::SliceFeeder::new(&v, settings.batch_size(), credentials, None);
    let total = feeder.len();
    plan(control, &feeder, &v, sender);
    Ok(pool::run(
        sender,
        &feeder,
        workers(settings, total),
        total,
        control,
        None,
    ))
}

/// Tells the control's ledger the pieces to come, so that it can give the
/// report at any moment.
fn plan(
    control: Option<&BatchControl>,
    feeder: &feed::SliceFeeder<'_>,
    v: &Validated<'_>,
    sender: &Sender,
) {
    if let Some(c) = control {
        c.ledger
            .plan(feeder.plan(), v.dropped.clone(), sender.url());
    }
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
    #[cfg(feature = "journal")]
    if let Some(j) = control.kept_journal() {
        let active = journal::Active::begin(j, &campaign(head, settings, total))?;
        if active.has_records() {
            verify_source(&active, source, settings)?;
        }
        let to_send = active.to_send();
        let iter = source.open().map_err(Error::invalid_argument)?;
        let feeder = feed::StreamFeeder::new(
            Validated::head(head),
            credentials,
            settings.batch_size(),
            settings.validation(),
            iter,
            Some(&active),
        );
        let mut report = pool::run(
            sender,
            &feeder,
            workers(settings, to_send),
            to_send,
            Some(control),
            Some(&active),
        );
        drop(feeder);
        active.end(&mut report);
        return Ok(report);
    }
    let iter = source.open().map_err(Error::invalid_argument)?;
    let feeder = feed::StreamFeeder::new(
        Validated::head(head),
        credentials,
        settings.batch_size(),
        settings.validation(),
        iter,
        None,
    );
    let workers = workers(settings, total);
    Ok(pool::run(
        sender,
        &feeder,
        workers,
        total,
        Some(control),
        None,
    ))
}

#[cfg(feature = "journal")]
fn campaign<'a>(head: &'a SendRequest, settings: &Settings, total: usize) -> journal::Campaign<'a> {
    journal::Campaign {
        design: &head.message,
        opcode: head.opcode.as_deref(),
        category: head.category.as_deref(),
        rules: settings.validation(),
        total,
    }
}

/// Reads `source` once more, before anything is sent, to check each
/// recipient an earlier run started against the journal.
#[cfg(feature = "journal")]
fn verify_source<S: RecipientSource>(
    active: &journal::Active,
    source: &S,
    settings: &Settings,
) -> Result<()> {
    use feed::Selection;
    let rules = settings.validation();
    let last = active.last_recorded().unwrap_or(0);
    let items = source.open().map_err(Error::invalid_argument)?;
    active.verify(items.take(last + 1).enumerate().map(|(i, item)| {
        if !active.recorded_at(i) {
            return (i, None);
        }
        let mut ignored = validation::Problems::default();
        let hash = item.ok().and_then(|r| {
            let number = validation::check_recipient(i, &r, &rules, &mut ignored)?;
            Some(active.hash(&number.e164, &r))
        });
        (i, hash)
    }))
}

/// No more workers than pieces.
fn workers(settings: &Settings, recipients: usize) -> usize {
    settings
        .concurrency()
        .min(recipients.div_ceil(settings.batch_size()))
        .max(1)
}
