//! What a batch's control knows of its pieces while they run, so that a
//! caller who stops waiting (Ctrl-C in Python) gets a report at once,
//! every recipient accounted for: pieces that finished with their outcome,
//! pieces under way as they stand (a request that may be written is
//! `unknown`; one waiting to retry keeps its last error), pieces not
//! started as `not_sent`. Kept only for a request held in memory, whose
//! pieces are known before the first one leaves.
#![forbid(unsafe_code)]

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use super::feed::Piece;
use super::report::BatchReport;
use crate::answer::SendResult;
use crate::cancel::CallState;
use crate::error::{Delivery, Error, ErrorKind, Result};

#[derive(Default)]
pub(crate) struct Ledger(Mutex<Option<Book>>);

struct Book {
    /// Each piece's recipients (indexes into the request), by sequence number.
    pieces: Vec<Vec<usize>>,
    dropped: Vec<usize>,
    url: String,
    running: HashMap<usize, Arc<CallState>>,
    done: HashMap<usize, Result<SendResult>>,
}

impl Ledger {
    /// Starts keeping the book of a batch cut into `pieces`.
    pub fn plan(&self, pieces: Vec<Vec<usize>>, dropped: Vec<usize>, url: &str) {
        *self.book() = Some(Book {
            pieces,
            dropped,
            url: url.to_owned(),
            running: HashMap::new(),
            done: HashMap::new(),
        });
    }

    /// Piece `seq` is handed to a worker: the state its sends will keep.
    pub fn started(&self, seq: usize) -> Option<Arc<CallState>> {
        let mut book = self.book();
        let book = book.as_mut()?;
        let state = Arc::new(CallState::default());
        book.running.insert(seq, state.clone());
        Some(state)
    }

    pub fn finished(&self, seq: usize, outcome: &Result<SendResult>) {
        if let Some(book) = self.book().as_mut() {
            book.running.remove(&seq);
            book.done.insert(seq, outcome.clone());
        }
    }

    /// The report as things stand, marked interrupted; `None` when no book is kept.
    pub fn report(&self) -> Option<BatchReport> {
        let book = self.book();
        let book = book.as_ref()?;
        let mut finished = Vec::new();
        let mut rest = Vec::new();
        for (seq, indexes) in book.pieces.iter().enumerate() {
            let outcome = match (book.done.get(&seq), book.running.get(&seq)) {
                (Some(outcome), _) => outcome.clone(),
                (None, Some(state)) if state.attempts() > 0 => Err(under_way(state, &book.url)),
                _ => {
                    rest.extend(indexes);
                    continue;
                }
            };
            let piece = Piece {
                seq,
                indexes: indexes.clone(),
                body: None,
                hashes: Vec::new(),
                ready: None,
            };
            finished.push((piece, outcome));
        }
        Some(BatchReport::assemble(
            finished,
            rest,
            Vec::new(),
            book.dropped.clone(),
            true,
        ))
    }

    fn book(&self) -> MutexGuard<'_, Option<Book>> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// A piece still under way when the caller stopped waiting.
fn under_way(state: &CallState, url: &str) -> Error {
    let mut error = match state.last_error() {
        Some(e) if !state.in_attempt() => e,
        // The caller's patience, not the client's timeout, ran out: a
        // timeout waiting for the answer, in the contract's words.
        _ => Error::new(
            ErrorKind::Timeout,
            Delivery::Unknown,
            format!("interrupted while waiting for the answer from {url}: its delivery is unknown"),
        ),
    };
    error.set_attempts(state.attempts());
    error.with_delivery(state.delivery())
}
