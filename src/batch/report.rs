//! The batch report: every recipient's fate, so that a caller can re-send
//! exactly the ones that were not sent without doubling anyone.
#![forbid(unsafe_code)]

use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;

use super::feed::Piece;
use crate::answer::{Counts, SendResult};
use crate::error::{Delivery, Error, Result};

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

/// What became of every recipient of a [`crate::Client::send_batch`].
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
    /// Set when [`super::BatchControl::cancel`] stopped the batch: the pieces not
    /// started are in `not_sent`, without an entry in `batches`.
    pub interrupted: bool,
    /// Recipients a journal says an earlier run sent, so this one did not
    /// (they are in no list). Recipients it says are unknown are in `unknown`.
    pub already_sent: usize,
}

impl BatchReport {
    /// The contract's batch document.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The error that stands for a batch where no piece was accepted: its
    /// first failed piece's. `None` when some piece was accepted. Every face
    /// turns this into its status or exit code, so they agree.
    pub fn first_error(&self) -> Option<&Error> {
        if self.status != BatchStatus::Error {
            return None;
        }
        self.batches.iter().find_map(|b| b.outcome.as_ref().err())
    }
}

impl BatchReport {
    /// The report of the pieces that ran (in any order), the recipients never
    /// handed out (`rest`, after a cancel), and those the feeding refused or dropped.
    pub(crate) fn assemble(
        mut finished: Vec<(Piece, Result<SendResult>)>,
        rest: Vec<usize>,
        refused: Vec<usize>,
        dropped: Vec<usize>,
        interrupted: bool,
    ) -> BatchReport {
        finished.sort_by_key(|(piece, _)| piece.seq);
        let mut report = BatchReport {
            status: BatchStatus::Ok,
            totals: Totals::default(),
            batches: Vec::with_capacity(finished.len()),
            not_sent: refused,
            unknown: Vec::new(),
            dropped,
            interrupted,
            already_sent: 0,
        };
        let (mut first, mut accepted) = (0, 0);
        for (piece, outcome) in finished {
            match &outcome {
                Ok(r) => {
                    accepted += 1;
                    report.totals.todo += r.todo.unwrap_or(0);
                    report.totals.done += r.done.unwrap_or(0);
                    report.totals.inserted += r.inserted.unwrap_or(0);
                }
                Err(e) => match e.delivery() {
                    Delivery::NotSent => report.not_sent.extend(&piece.indexes),
                    Delivery::Unknown => report.unknown.extend(&piece.indexes),
                },
            }
            report.batches.push(BatchPiece {
                first,
                count: piece.indexes.len(),
                outcome,
            });
            first += piece.indexes.len();
        }
        report.not_sent.extend(rest);
        report.not_sent.sort_unstable();
        report.status = if accepted == report.batches.len() && report.not_sent.is_empty() {
            BatchStatus::Ok
        } else if accepted == 0 {
            BatchStatus::Error
        } else {
            BatchStatus::Partial
        };
        report
    }
}

impl Serialize for BatchReport {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("status", self.status.as_str())?;
        m.serialize_entry("totals", &self.totals)?;
        m.serialize_entry("batches", &self.batches)?;
        m.serialize_entry("not_sent", &self.not_sent)?;
        m.serialize_entry("unknown", &self.unknown)?;
        m.serialize_entry("dropped", &self.dropped)?;
        if self.interrupted {
            m.serialize_entry("interrupted", &true)?;
        }
        if self.already_sent > 0 {
            m.serialize_entry("already_sent", &self.already_sent)?;
        }
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
