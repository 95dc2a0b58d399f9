//! Pieces made ready ahead of the workers: one thread reads, checks and
//! encodes the next pieces while the workers wait for their answers, so a
//! worker whose answer came back sends its next piece at once instead of
//! encoding it first (which put the encoding of every piece on the batch's
//! critical path: about a fifth of the time of a 100,000-recipient batch).
//! With a journal, the same thread records a ready piece's recipients (as
//! not sent), so that only marking it as leaving is left on the worker's path.
//!
//! Order is kept: pieces leave the queue in the order the feeder made them.
//! A piece still queued when the batch stops counts as never handed out.
#![forbid(unsafe_code)]

use std::collections::VecDeque;
use std::sync::{Condvar, Mutex, MutexGuard};

use super::feed::{Feeder, Piece};
use super::pool::Recorder;

pub(crate) struct Ahead<'f> {
    feeder: &'f dyn Feeder,
    /// Pieces kept ready (see [`Feeder::ready_ahead`]).
    depth: usize,
    recorder: Option<&'f dyn Recorder>,
    queue: Mutex<Queue>,
    /// A piece was queued, or there will be no more.
    filled: Condvar,
    /// A piece was taken, or filling must stop.
    taken: Condvar,
}

#[derive(Default)]
struct Queue {
    pieces: VecDeque<Piece>,
    /// The feeder has no more pieces (or the filling thread ended).
    exhausted: bool,
    /// The workers are done: no more pieces are wanted.
    stopped: bool,
}

impl<'f> Ahead<'f> {
    pub fn new(feeder: &'f dyn Feeder, depth: usize, recorder: Option<&'f dyn Recorder>) -> Self {
        Ahead {
            feeder,
            depth: depth.max(1),
            recorder,
            queue: Mutex::default(),
            filled: Condvar::new(),
            taken: Condvar::new(),
        }
    }

    /// Fills the queue until the feeder is empty or [`Ahead::stop`]; run on
    /// its own thread. Pieces are encoded while `encode()` says so (a halted
    /// batch sends nothing more, so encoding would be wasted).
    pub fn fill(&self, encode: &dyn Fn() -> bool) {
        // However this ends (a panic included), waiting workers are released.
        let _end = Exhausted(self);
        loop {
            {
                let mut q = self.lock();
                while q.pieces.len() >= self.depth && !q.stopped {
                    q = self.taken.wait(q).unwrap_or_else(|p| p.into_inner());
                }
                if q.stopped {
                    return;
                }
            }
            let Some(mut piece) = self.feeder.next(encode()) else {
                return;
            };
            // A piece that will not be sent (the batch halted) is not recorded.
            if let (Some(r), Some(_)) = (self.recorder, &piece.body) {
                piece.ready = Some(r.ready(&piece));
            }
            self.lock().pieces.push_back(piece);
            self.filled.notify_one();
        }
    }

    /// The workers are done: ends [`Ahead::fill`].
    pub fn stop(&self) {
        self.lock().stopped = true;
        self.taken.notify_all();
        self.filled.notify_all();
    }

    fn lock(&self) -> MutexGuard<'_, Queue> {
        self.queue.lock().unwrap_or_else(|p| p.into_inner())
    }
}

struct Exhausted<'a, 'f>(&'a Ahead<'f>);

impl Drop for Exhausted<'_, '_> {
    fn drop(&mut self) {
        self.0.lock().exhausted = true;
        self.0.filled.notify_all();
    }
}

impl Feeder for Ahead<'_> {
    fn next(&self, encode: bool) -> Option<Piece> {
        let mut q = self.lock();
        while q.pieces.is_empty() && !q.exhausted && !q.stopped {
            q = self.filled.wait(q).unwrap_or_else(|p| p.into_inner());
        }
        let mut piece = q.pieces.pop_front()?;
        drop(q);
        self.taken.notify_one();
        if !encode {
            // Encoded before the batch halted: it must not leave now.
            piece.body = None;
        }
        Some(piece)
    }

    fn rest(&self) -> Vec<usize> {
        let queued = std::mem::take(&mut self.lock().pieces);
        let mut rest: Vec<usize> = queued.into_iter().flat_map(|p| p.indexes).collect();
        rest.extend(self.feeder.rest());
        rest
    }

    fn dropped(&self) -> Vec<usize> {
        self.feeder.dropped()
    }

    fn refused(&self) -> Vec<usize> {
        self.feeder.refused()
    }
}
