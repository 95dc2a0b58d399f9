//! The worker pool: `concurrency` workers each pull the next piece from a
//! feeder, send it, and record its outcome; a cancel or a failure that would
//! fail every later piece (auth, credit) stops new pieces from leaving.
#![forbid(unsafe_code)]

use std::sync::{Mutex, OnceLock};

use super::ahead::Ahead;
use super::feed::{Feeder, Piece};
use super::ledger::Ledger;
use super::report::BatchReport;
use crate::answer::SendResult;
use crate::cancel::Cancel;
use crate::error::{Delivery, Error, ErrorKind, Result};
use crate::sender::{Call, Sender};

/// Steers a batch: a journal to keep (feature `journal`), and from another
/// thread while it runs: stop starting pieces (the ones in flight finish),
/// and hear about progress.
#[derive(Default)]
pub struct BatchControl {
    pub(crate) cancel: Cancel,
    /// Kept for a request held in memory: its report at any moment.
    pub(crate) ledger: Ledger,
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

    /// Starts no new piece; pieces in flight finish and are reported, and
    /// a piece waiting to retry stops waiting and ends with its last error.
    pub fn cancel(&self) {
        self.cancel.cancel();
    }

    /// Whether [`cancel`](BatchControl::cancel) was called.
    pub fn is_cancelled(&self) -> bool {
        self.cancel.is_cancelled()
    }

    /// The report as things stand, for a caller who stops waiting (marked
    /// interrupted): finished pieces with their outcomes, a piece whose
    /// request may be written as `unknown`, a piece waiting to retry with its
    /// last error, pieces not started as `not_sent`. `None` unless the batch
    /// is a request held in memory ([`crate::Client::send_batch_with`]) and has started.
    pub fn report_so_far(&self) -> Option<BatchReport> {
        self.ledger.report()
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
pub(crate) trait Recorder: Sync {
    /// Records `piece`'s recipients as not sent, when it is made ready
    /// (ahead of the workers, off their path); the ticket goes in
    /// [`Piece::ready`] for [`Recorder::start`].
    fn ready(&self, piece: &Piece) -> Result<i64>;
    /// Records that `piece` is about to leave (recording it first if it was
    /// not made ready); the ticket is for [`Recorder::finish`].
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
    recorder: Option<&dyn Recorder>,
) -> BatchReport {
    let finished: Mutex<Vec<(Piece, Result<SendResult>)>> = Mutex::new(Vec::new());
    let counts = Mutex::new(Progress {
        done: 0,
        failed: 0,
        total,
    });
    let halted: OnceLock<Error> = OnceLock::new();
    let cancelled = || control.is_some_and(BatchControl::is_cancelled);
    // Pieces handed out but cancelled before their first attempt.
    let unsent: Mutex<Vec<usize>> = Mutex::new(Vec::new());
    // Several workers: the next pieces are encoded (and recorded) on a thread of their own.
    let ahead = (workers > 1).then(|| Ahead::new(feeder, feeder.ready_ahead(workers), recorder));
    let feeder: &dyn Feeder = ahead.as_ref().map_or(feeder, |a| a);

    let work = || {
        while !cancelled() {
            let halt = halted.get();
            let Some(mut piece) = feeder.next(halt.is_none()) else {
                break;
            };
            let body = piece.body.take();
            // Recorded as leaving before it leaves: a crash after this line
            // leaves the piece `unknown` in the journal, never forgotten.
            let ticket = match (&body, recorder) {
                (Some(_), Some(r)) => match r.start(&piece) {
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
                    let sent = send_piece(sender, &body, &piece, control);
                    if let (Some(r), Some(t)) = (recorder, ticket) {
                        // Cancelled before its first attempt: it never left.
                        let never_left = Err(Error::new(
                            ErrorKind::Internal,
                            Delivery::NotSent,
                            "cancelled before it was sent",
                        ));
                        // Unrecorded, the piece stays `sending` (read as
                        // unknown), and later ones could not be recorded either.
                        if let Err(e) = r.finish(t, &piece, sent.as_ref().unwrap_or(&never_left)) {
                            let _ = halted.set(e);
                        }
                    }
                    match sent {
                        Some(outcome) => outcome,
                        None => {
                            let mut unsent = unsent.lock().unwrap_or_else(|p| p.into_inner());
                            unsent.extend(&piece.indexes);
                            break;
                        }
                    }
                }
                (None, Ok(_)) => Err(skipped(halt)),
            };
            if let Some(c) = control {
                c.ledger.finished(piece.seq, &outcome);
            }
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
    match &ahead {
        None => work(),
        Some(ahead) => std::thread::scope(|s| {
            let encode = || halted.get().is_none() && !cancelled();
            s.spawn(move || ahead.fill(&encode));
            let workers: Vec<_> = (0..workers).map(|_| s.spawn(work)).collect();
            let ended: Vec<_> = workers.into_iter().map(|w| w.join()).collect();
            ahead.stop();
            if let Some(panicked) = ended.into_iter().find_map(|e| e.err()) {
                std::panic::resume_unwind(panicked);
            }
        }),
    }

    let interrupted = cancelled();
    // Read what was never handed out first: doing so may drop more repeats.
    let rest = if interrupted {
        let mut rest = feeder.rest();
        rest.extend(unsent.into_inner().unwrap_or_else(|p| p.into_inner()));
        rest
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

/// Sends one piece, its state kept in the control's ledger; `None` when the
/// batch was cancelled before the piece's first attempt.
fn send_piece(
    sender: &Sender,
    body: &[u8],
    piece: &Piece,
    control: Option<&BatchControl>,
) -> Option<Result<SendResult>> {
    let state = control.and_then(|c| c.ledger.started(piece.seq));
    let call = Call {
        recipients: piece.indexes.len(),
        cancel: control.map(|c| &c.cancel),
        state: state.as_deref(),
    };
    sender.deliver_unless_cancelled(body, &call)
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
