//! The worker pool: `concurrency` workers each pull the next piece from a
//! feeder, send it, and record its outcome; a cancel or a failure that would
//! fail every later piece (auth, credit) stops new pieces from leaving.
#![forbid(unsafe_code)]

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, OnceLock};

use super::feed::{Feeder, Piece};
use super::report::BatchReport;
use crate::answer::SendResult;
use crate::error::{Delivery, Error, ErrorKind, Result};
use crate::sender::Sender;

/// Steers a batch: a journal to keep (feature `journal`), and from another
/// thread while it runs: stop starting pieces (the ones in flight finish),
/// and hear about progress.
#[derive(Default)]
pub struct BatchControl {
    cancelled: AtomicBool,
    #[allow(clippy::type_complexity)]
    progress: Option<Box<dyn Fn(&Progress) + Send + Sync>>,
    #[cfg(feature = "journal")]
    journal: Option<super::journal::Journal>,
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

    /// Keeps `journal` for the batch: every recipient is recorded as leaving
    /// before its piece leaves and with its outcome after, and a journal that
    /// already holds this campaign resumes it (see [`super::Journal`]).
    #[cfg(feature = "journal")]
    pub fn journal(mut self, journal: super::journal::Journal) -> Self {
        self.journal = Some(journal);
        self
    }

    #[cfg(feature = "journal")]
    pub(crate) fn kept_journal(&self) -> Option<&super::journal::Journal> {
        self.journal.as_ref()
    }
}

impl std::fmt::Debug for BatchControl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut d = f.debug_struct("BatchControl");
        d.field("cancelled", &self.is_cancelled());
        #[cfg(feature = "journal")]
        d.field("journal", &self.journal);
        d.finish_non_exhaustive()
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

/// Where a batch records each piece before it leaves and after its answer
/// (the journal). A piece whose start cannot be recorded is not sent.
pub(crate) trait Ledger: Sync {
    /// Records that `piece` is about to leave; the ticket is for [`Ledger::finish`].
    fn start(&self, piece: &Piece) -> Result<i64>;
    /// Records what became of a started piece.
    fn finish(&self, ticket: i64, piece: &Piece, outcome: &Result<SendResult>) -> Result<()>;
}

/// Sends every piece `feeder` gives over `sender`, `workers` at a time, and
/// accounts for each recipient in the report.
pub(crate) fn run(
    sender: &Sender,
    feeder: &dyn Feeder,
    workers: usize,
    total: usize,
    control: Option<&BatchControl>,
    ledger: Option<&dyn Ledger>,
) -> BatchReport {
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
            let body = piece.body.take();
            // Recorded as leaving before it leaves: a crash after this line
            // leaves the piece `unknown` in the journal, never forgotten.
            let ticket = match (&body, ledger) {
                (Some(_), Some(l)) => match l.start(&piece) {
                    Ok(t) => Ok(Some(t)),
                    Err(e) => {
                        let _ = halted.set(e.clone());
                        Err(e)
                    }
                },
                _ => Ok(None),
            };
            let outcome = match (body, ticket) {
                (_, Err(e)) => Err(e),
                (Some(body), Ok(ticket)) => {
                    let outcome = sender.deliver(&body);
                    if let (Some(l), Some(t)) = (ledger, ticket) {
                        // Unrecorded, the piece stays `sending` (read as
                        // unknown), and later ones could not be recorded either.
                        if let Err(e) = l.finish(t, &piece, &outcome) {
                            let _ = halted.set(e);
                        }
                    }
                    outcome
                }
                (None, Ok(_)) => Err(skipped(halt)),
            };
            if let Err(e) = &outcome {
                // The same key or credit would fail every later piece too.
                if matches!(e.kind(), ErrorKind::Auth | ErrorKind::InsufficientCredit) {
                    let _ = halted.set(e.clone());
                }
            }
            {
                let mut c = counts.lock().unwrap_or_else(|p| p.into_inner());
                c.done += piece.indexes.len();
                if outcome.is_err() {
                    c.failed += piece.indexes.len();
                }
                // Told under the lock, so that progress never goes backwards.
                if let Some(report) = control.and_then(|c| c.progress.as_ref()) {
                    report(&c);
                }
            }
            finished
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .push((piece, outcome));
        }
    };
    if workers <= 1 {
        work();
    } else {
        std::thread::scope(|s| {
            for _ in 0..workers {
                s.spawn(work);
            }
        });
    }

    let interrupted = cancelled();
    // Read what was never handed out first: doing so may drop more repeats.
    let rest = if interrupted {
        feeder.rest()
    } else {
        Vec::new()
    };
    BatchReport::assemble(
        finished.into_inner().unwrap_or_else(|p| p.into_inner()),
        rest,
        feeder.refused(),
        feeder.dropped(),
        interrupted,
    )
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
