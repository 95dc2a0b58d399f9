//! Sending a large recipient list in pieces, several at once, and accounting
//! for every recipient so that a caller can re-send exactly the ones that were
//! not sent without doubling anyone.
//!
//! One worker pool serves both a request held in memory and a stream of
//! recipients (see `stream.rs`): each pulls the next piece from a [`Feeder`],
//! sends it, and records its outcome.
#![forbid(unsafe_code)]

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};

use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;

use crate::client::Client;
use crate::error::{Delivery, Error, ErrorKind, Result};
use crate::request::SendRequest;
use crate::response::{Counts, SendResult};
use crate::validation::{self, Clean, Validated};
use crate::wire::{self, Credentials};

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
    /// Set when [`BatchControl::cancel`] stopped the batch: the pieces not
    /// started are in `not_sent`, without an entry in `batches`.
    pub interrupted: bool,
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

/// Steers a running batch from another thread: stop starting pieces (the
/// ones in flight finish), and hear about progress.
#[derive(Default)]
pub struct BatchControl {
    cancelled: AtomicBool,
    #[allow(clippy::type_complexity)]
    progress: Option<Box<dyn Fn(&Progress) + Send + Sync>>,
}

impl BatchControl {
    /// A control that is not cancelled and reports no progress.
    pub fn new() -> Self {
        Self::default()
    }

    /// Calls `f` after every piece finishes.
    pub fn on_progress(mut self, f: impl Fn(&Progress) + Send + Sync + 'static) -> Self {
        self.progress = Some(Box::new(f));
        self
    }

    /// Starts no new piece; pieces in flight finish and are reported.
    pub fn cancel(&self) {
        self.cancelled.store(true, Ordering::SeqCst);
    }

    /// Whether [`cancel`](BatchControl::cancel) was called.
    pub fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::SeqCst)
    }
}

impl std::fmt::Debug for BatchControl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BatchControl")
            .field("cancelled", &self.is_cancelled())
            .finish_non_exhaustive()
    }
}

/// Where a batch stands, after a piece finished.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Progress {
    /// Recipients in finished pieces (accepted or not).
    pub done: usize,
    /// Recipients in finished pieces that were not accepted.
    pub failed: usize,
    /// Recipients to send in all (after validation).
    pub total: usize,
}

/// One piece handed to a worker: its recipients' request indexes, and the
/// body to send (`None` when the batch is halted and it must not be sent).
pub(crate) struct Piece {
    pub seq: usize,
    pub indexes: Vec<usize>,
    pub body: Option<Vec<u8>>,
}

/// Hands out pieces in order to any number of workers.
pub(crate) trait Feeder: Sync {
    /// The next piece, encoded when `encode` is set; `None` when all are out.
    fn next(&self, encode: bool) -> Option<Piece>;
    /// The request indexes not handed out yet (after a cancel).
    fn rest(&self) -> Vec<usize>;
    /// Indexes dropped as repeats (`dedupe`) or refused while feeding.
    fn dropped(&self) -> Vec<usize>;
    /// Indexes that could not be sent because the source changed after validation.
    fn refused(&self) -> Vec<usize> {
        Vec::new()
    }
}

pub(crate) fn run(client: &Client, request: &SendRequest) -> Result<BatchReport> {
    let v = validation::check(request, client.duplicates())?;
    let (batch_size, _) = client.batch_shape();
    let feeder = SliceFeeder {
        v: &v,
        pieces: v.rcpts.chunks(batch_size).collect(),
        next: AtomicUsize::new(0),
        credentials: client.credentials(),
    };
    Ok(run_pieces(client, &feeder, v.rcpts.len(), None))
}

/// The pieces of a validated request held in memory.
struct SliceFeeder<'a> {
    v: &'a Validated<'a>,
    pieces: Vec<&'a [Clean<'a>]>,
    next: AtomicUsize,
    credentials: &'a Credentials,
}

impl Feeder for SliceFeeder<'_> {
    fn next(&self, encode: bool) -> Option<Piece> {
        let seq = self.next.fetch_add(1, Ordering::Relaxed);
        let piece = self.pieces.get(seq)?;
        Some(Piece {
            seq,
            indexes: piece.iter().map(|r| r.index).collect(),
            body: encode.then(|| wire::encode_body(self.credentials, self.v, piece)),
        })
    }

    fn rest(&self) -> Vec<usize> {
        let from = self.next.load(Ordering::Relaxed).min(self.pieces.len());
        self.pieces[from..]
            .iter()
            .flat_map(|p| p.iter().map(|r| r.index))
            .collect()
    }

    fn dropped(&self) -> Vec<usize> {
        self.v.dropped.clone()
    }
}

/// Sends every piece `feeder` gives, `concurrency` at a time, and accounts
/// for each recipient in the report.
pub(crate) fn run_pieces(
    client: &Client,
    feeder: &dyn Feeder,
    total: usize,
    control: Option<&BatchControl>,
) -> BatchReport {
    let (_, concurrency) = client.batch_shape();
    let finished: Mutex<Vec<(Piece, Result<SendResult>)>> = Mutex::new(Vec::new());
    let counts = Mutex::new(Progress {
        done: 0,
        failed: 0,
        total,
    });
    let halted: OnceLock<Error> = OnceLock::new();
    let cancelled = || control.is_some_and(BatchControl::is_cancelled);

    let work = || {
        while !cancelled() {
            let halt = halted.get();
            let Some(mut piece) = feeder.next(halt.is_none()) else {
                break;
            };
            let outcome = match piece.body.take() {
                Some(body) => client.deliver(&body),
                None => Err(skipped(halt)),
            };
            if let Err(e) = &outcome {
                // The same key or credit would fail every later piece too.
                if matches!(e.kind(), ErrorKind::Auth | ErrorKind::InsufficientCredit) {
                    let _ = halted.set(e.clone());
                }
            }
            let progress = {
                let mut c = counts.lock().unwrap_or_else(|p| p.into_inner());
                c.done += piece.indexes.len();
                if outcome.is_err() {
                    c.failed += piece.indexes.len();
                }
                *c
            };
            if let Some(report) = control.and_then(|c| c.progress.as_ref()) {
                report(&progress);
            }
            finished
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .push((piece, outcome));
        }
    };
    let workers = concurrency
        .min(total.div_ceil(client.batch_shape().0))
        .max(1);
    if workers == 1 {
        work();
    } else {
        std::thread::scope(|s| {
            for _ in 0..workers {
                s.spawn(work);
            }
        });
    }

    let mut finished = finished.into_inner().unwrap_or_else(|p| p.into_inner());
    finished.sort_by_key(|(piece, _)| piece.seq);
    let interrupted = cancelled();
    // Read what was never handed out first: doing so may drop more repeats.
    let rest = if interrupted {
        feeder.rest()
    } else {
        Vec::new()
    };
    let mut report = BatchReport {
        status: BatchStatus::Ok,
        totals: Totals::default(),
        batches: Vec::with_capacity(finished.len()),
        not_sent: feeder.refused(),
        unknown: Vec::new(),
        dropped: feeder.dropped(),
        interrupted,
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
