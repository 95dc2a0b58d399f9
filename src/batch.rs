//! Sending a large recipient list in pieces, several at once, and accounting
//! for every recipient so that a caller can re-send exactly the ones that were
//! not sent without doubling anyone.
#![forbid(unsafe_code)]

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::OnceLock;

use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;

use crate::client::Client;
use crate::error::{Delivery, Error, ErrorKind, Result};
use crate::request::SendRequest;
use crate::response::{Counts, SendResult};
use crate::validation::{self, Clean};
use crate::wire;

/// How a batch went as a whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BatchStatus {
    /// Every piece was accepted.
    Ok,
    /// Some pieces were accepted, some not.
    Partial,
    /// No piece was accepted.
    Error,
}

impl BatchStatus {
    /// `"ok"`, `"partial"` or `"error"`.
    pub fn as_str(self) -> &'static str {
        match self {
            BatchStatus::Ok => "ok",
            BatchStatus::Partial => "partial",
            BatchStatus::Error => "error",
        }
    }
}

/// Sums of the accepted pieces' counts (a count the service left out adds 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Totals {
    /// Cellphone numbers received.
    pub todo: u64,
    /// Valid cellphone numbers.
    pub done: u64,
    /// Messages queued.
    pub inserted: u64,
}

/// One piece of a batch: one HTTP request.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct BatchPiece {
    /// Position of the piece's first recipient among those sent (after `dedupe`).
    pub first: usize,
    /// Recipients in the piece.
    pub count: usize,
    /// What became of it.
    pub outcome: Result<SendResult>,
}

/// What became of every recipient of a [`Client::send_batch`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct BatchReport {
    /// `Ok` when every piece was accepted.
    pub status: BatchStatus,
    /// Sums over the accepted pieces.
    pub totals: Totals,
    /// Each piece, in order.
    pub batches: Vec<BatchPiece>,
    /// Indexes into the request's `rcpts` that surely got no SMS: safe to send again.
    pub not_sent: Vec<usize>,
    /// Indexes into the request's `rcpts` whose SMS may or may not be queued:
    /// sending them again may double them.
    pub unknown: Vec<usize>,
    /// Indexes into the request's `rcpts` left out as repeats of an earlier number (`dedupe`).
    pub dropped: Vec<usize>,
}

impl BatchReport {
    /// The contract's batch document.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

pub(crate) fn run(client: &Client, request: &SendRequest) -> Result<BatchReport> {
    let v = validation::check(request, client.duplicates())?;
    let (batch_size, concurrency) = client.batch_shape();
    let pieces: Vec<&[Clean<'_>]> = v.rcpts.chunks(batch_size).collect();
    let outcomes: Vec<OnceLock<Result<SendResult>>> =
        pieces.iter().map(|_| OnceLock::new()).collect();
    let next = AtomicUsize::new(0);
    let halted: OnceLock<Error> = OnceLock::new();
    let stop = AtomicBool::new(false);

    let work = || loop {
        let i = next.fetch_add(1, Ordering::Relaxed);
        let Some(piece) = pieces.get(i) else { break };
        let outcome = if stop.load(Ordering::Acquire) {
            Err(skipped(halted.get()))
        } else {
            let body = wire::encode_body(client.credentials(), &v, piece);
            let outcome = client.deliver(&body);
            if let Err(e) = &outcome {
                // The same key or credit would fail every later piece too.
                if matches!(e.kind(), ErrorKind::Auth | ErrorKind::InsufficientCredit) {
                    let _ = halted.set(e.clone());
                    stop.store(true, Ordering::Release);
                }
            }
            outcome
        };
        let _ = outcomes[i].set(outcome);
    };
    let workers = concurrency.min(pieces.len());
    if workers <= 1 {
        work();
    } else {
        std::thread::scope(|s| {
            for _ in 0..workers {
                s.spawn(work);
            }
        });
    }

    let mut report = BatchReport {
        status: BatchStatus::Ok,
        totals: Totals::default(),
        batches: Vec::with_capacity(pieces.len()),
        not_sent: Vec::new(),
        unknown: Vec::new(),
        dropped: v.dropped.clone(),
    };
    let mut first = 0;
    let mut accepted = 0;
    for (piece, slot) in pieces.iter().zip(outcomes) {
        let outcome = slot
            .into_inner()
            .unwrap_or_else(|| Err(Error::internal("a batch piece was never sent")));
        match &outcome {
            Ok(r) => {
                accepted += 1;
                report.totals.todo += r.todo.unwrap_or(0);
                report.totals.done += r.done.unwrap_or(0);
                report.totals.inserted += r.inserted.unwrap_or(0);
            }
            Err(e) => {
                let list = match e.delivery() {
                    Delivery::NotSent => &mut report.not_sent,
                    Delivery::Unknown => &mut report.unknown,
                };
                list.extend(piece.iter().map(|r| r.index));
            }
        }
        report.batches.push(BatchPiece {
            first,
            count: piece.len(),
            outcome,
        });
        first += piece.len();
    }
    report.status = match accepted {
        n if n == pieces.len() => BatchStatus::Ok,
        0 => BatchStatus::Error,
        _ => BatchStatus::Partial,
    };
    Ok(report)
}

fn skipped(cause: Option<&Error>) -> Error {
    let (kind, why) = match cause {
        Some(e) => (e.kind(), e.message().to_owned()),
        None => (ErrorKind::Internal, "an earlier piece failed".to_owned()),
    };
    Error::new(
        kind,
        Delivery::NotSent,
        format!("not sent: an earlier piece of this batch failed with {kind} ({why})"),
    )
}

impl Serialize for BatchReport {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(6))?;
        m.serialize_entry("status", self.status.as_str())?;
        m.serialize_entry("totals", &self.totals)?;
        m.serialize_entry("batches", &self.batches)?;
        m.serialize_entry("not_sent", &self.not_sent)?;
        m.serialize_entry("unknown", &self.unknown)?;
        m.serialize_entry("dropped", &self.dropped)?;
        m.end()
    }
}

impl Serialize for BatchPiece {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("first", &self.first)?;
        m.serialize_entry("count", &self.count)?;
        match &self.outcome {
            Ok(r) => {
                m.serialize_entry("status", "ok")?;
                m.serialize_entry("result", &Counts(r))?;
                m.serialize_entry("http_status", &r.http_status)?;
                m.serialize_entry("attempts", &r.attempts)?;
            }
            Err(e) => {
                m.serialize_entry("status", "error")?;
                m.serialize_entry("error", e)?;
            }
        }
        m.end()
    }
}
