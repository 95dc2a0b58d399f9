//! Feeding the pool: pieces of `batch_size` recipients, handed out in order
//! to any number of workers — from a request held in memory, or read from a
//! source a second time (after it was validated whole), de-duplicated with the
//! same tracker validation uses.
#![forbid(unsafe_code)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use crate::recipient::Recipient;
use crate::settings::{Duplicates, ValidationSettings};
use crate::validation::{check_recipient, Clean, Problems, Tracker, Validated, Verdict};
use crate::wire::{self, Credentials};

/// One piece handed to a worker: its recipients' request indexes, and the
/// body to send (`None` when the batch is halted and it must not be sent).
pub(crate) struct Piece {
    pub seq: usize,
    pub indexes: Vec<usize>,
    pub body: Option<wire::Body>,
    /// Each recipient's content hash, for the journal (empty without one).
    #[cfg_attr(not(feature = "journal"), allow(dead_code))]
    pub hashes: Vec<Hash>,
    /// The journal's ticket, when it recorded the piece as it was made ready.
    #[cfg_attr(not(feature = "journal"), allow(dead_code))]
    pub ready: Option<crate::error::Result<i64>>,
}

/// A recipient's content hash (the journal's, keyed per journal).
pub(crate) type Hash = [u8; 16];

/// Which recipients a run sends (a journal skips those already sent), and
/// the hash it records for each.
pub(crate) trait Selection: Sync {
    /// Whether the recipient at `index` of the input is sent in this run.
    fn wanted(&self, index: usize) -> bool;
    /// The hash of a recipient's content: its number as sent and its fields.
    fn hash(&self, cellphone: &str, recipient: &Recipient) -> Hash;
}

/// Hands out pieces in order to any number of workers.
pub(crate) trait Feeder: Sync {
    /// The next piece, encoded when `encode` is set; `None` when all are out.
    fn next(&self, encode: bool) -> Option<Piece>;
    /// The request indexes not handed out yet (after a cancel).
    fn rest(&self) -> Vec<usize>;
    /// Indexes dropped as repeats (`dedupe`).
    fn dropped(&self) -> Vec<usize>;
    /// Indexes that could not be sent because the source changed after validation.
    fn refused(&self) -> Vec<usize> {
        Vec::new()
    }
    /// How many pieces may wait made ready for `workers` workers. One for a
    /// source: what it holds in memory stays the pieces in flight (the one
    /// made ready takes the place of the one that just finished). One per
    /// worker measured no faster for the command (bench/FINDINGS.md).
    fn ready_ahead(&self, _workers: usize) -> usize {
        1
    }
}

/// The pieces of a validated request held in memory.
pub(crate) struct SliceFeeder<'a> {
    v: &'a Validated<'a>,
    /// The recipients a journal wants this run to send (`None`: all of them).
    chosen: Option<Vec<Clean<'a>>>,
    batch_size: usize,
    next: AtomicUsize,
    credentials: &'a Credentials,
    selection: Option<&'a dyn Selection>,
}

impl<'a> SliceFeeder<'a> {
    pub fn new(
        v: &'a Validated<'a>,
        batch_size: usize,
        credentials: &'a Credentials,
        selection: Option<&'a dyn Selection>,
    ) -> Self {
        let chosen = selection.map(|s| {
            v.rcpts
                .iter()
                .filter(|c| s.wanted(c.index))
                .map(|c| Clean {
                    index: c.index,
                    cellphone: std::borrow::Cow::Borrowed(&*c.cellphone),
                    recipient: c.recipient,
                })
                .collect()
        });
        SliceFeeder {
            v,
            chosen,
            batch_size,
            next: AtomicUsize::new(0),
            credentials,
            selection,
        }
    }

    fn rcpts(&self) -> &[Clean<'a>] {
        self.chosen.as_deref().unwrap_or(&self.v.rcpts)
    }

    /// How many recipients it hands out in all.
    pub fn len(&self) -> usize {
        self.rcpts().len()
    }

    fn piece(&self, seq: usize) -> Option<&[Clean<'a>]> {
        let rcpts = self.rcpts();
        let from = seq.checked_mul(self.batch_size)?;
        (from < rcpts.len()).then(|| &rcpts[from..(from + self.batch_size).min(rcpts.len())])
    }
}

impl SliceFeeder<'_> {
    /// Every piece's recipients, in order, before any is handed out.
    pub fn plan(&self) -> Vec<Vec<usize>> {
        self.rcpts()
            .chunks(self.batch_size)
            .map(|p| p.iter().map(|r| r.index).collect())
            .collect()
    }
}

impl Feeder for SliceFeeder<'_> {
    fn next(&self, encode: bool) -> Option<Piece> {
        let seq = self.next.fetch_add(1, Ordering::Relaxed);
        let piece = self.piece(seq)?;
        Some(Piece {
            seq,
            indexes: piece.iter().map(|r| r.index).collect(),
            body: encode.then(|| wire::encode_body(self.credentials, self.v, piece)),
            hashes: self.selection.map_or_else(Vec::new, |s| {
                piece
                    .iter()
                    .map(|c| s.hash(&c.cellphone, c.recipient))
                    .collect()
            }),
            ready: None,
        })
    }

    fn rest(&self) -> Vec<usize> {
        let from = self.next.load(Ordering::Relaxed);
        let rcpts = self.rcpts();
        let from = from.saturating_mul(self.batch_size).min(rcpts.len());
        rcpts[from..].iter().map(|r| r.index).collect()
    }

    fn dropped(&self) -> Vec<usize> {
        self.v.dropped.clone()
    }

    /// The recipients are in memory already: one encoded body per worker
    /// is all that waiting adds, for answers that come back together.
    fn ready_ahead(&self, workers: usize) -> usize {
        workers
    }
}

/// Recipients read again from a source that was validated whole.
pub(crate) struct StreamFeeder<'a, I> {
    head: Validated<'a>,
    credentials: &'a Credentials,
    batch_size: usize,
    selection: Option<&'a dyn Selection>,
    state: Mutex<State<I>>,
}

struct State<I> {
    rules: ValidationSettings,
    iter: I,
    next_index: usize,
    seq: usize,
    seen: Tracker,
    dropped: Vec<usize>,
    /// Recipients that failed validation on the second reading (the source changed).
    refused: Vec<usize>,
}

impl<'a, I> StreamFeeder<'a, I>
where
    I: Iterator<Item = Result<Recipient, String>> + Send,
{
    pub fn new(
        head: Validated<'a>,
        credentials: &'a Credentials,
        batch_size: usize,
        rules: ValidationSettings,
        iter: I,
        selection: Option<&'a dyn Selection>,
    ) -> Self {
        StreamFeeder {
            head,
            credentials,
            batch_size,
            selection,
            state: Mutex::new(State {
                rules,
                iter,
                next_index: 0,
                seq: 0,
                // Validation already refused repeats under `reject`: only
                // `dedupe` has anything left to do here.
                seen: Tracker::new(match rules.duplicates {
                    Duplicates::Dedupe => Duplicates::Dedupe,
                    _ => Duplicates::Allow,
                }),
                dropped: Vec::new(),
                refused: Vec::new(),
            }),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State<I>> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl<I> State<I>
where
    I: Iterator<Item = Result<Recipient, String>> + Send,
{
    /// The next recipient to send with its index and cleaned number, noting
    /// those refused or dropped on the way and passing over those `selection`
    /// does not want (after de-duplication: a number sent in an earlier run
    /// still makes its later repeats repeats); `None` at the end.
    fn take(&mut self, selection: Option<&dyn Selection>) -> Option<(usize, Recipient, String)> {
        loop {
            let item = self.iter.next()?;
            let i = self.next_index;
            self.next_index += 1;
            let mut ignored = Problems::default();
            let cleaned = item.ok().and_then(|r| {
                let number = check_recipient(i, &r, &self.rules, &mut ignored)?;
                let cellphone = number.e164.into_owned();
                Some((cellphone, r))
            });
            let Some((cellphone, r)) = cleaned else {
                self.refused.push(i);
                continue;
            };
            match self.seen.note(i, &cellphone, &mut ignored) {
                Verdict::Keep if selection.is_some_and(|s| !s.wanted(i)) => {}
                Verdict::Keep => return Some((i, r, cellphone)),
                Verdict::Drop | Verdict::Refused => self.dropped.push(i),
            }
        }
    }
}

impl<I> Feeder for StreamFeeder<'_, I>
where
    I: Iterator<Item = Result<Recipient, String>> + Send,
{
    fn next(&self, encode: bool) -> Option<Piece> {
        // Read, check and de-duplicate under the lock, in source order; encode outside it.
        let (seq, taken) = {
            let mut st = self.state();
            let mut taken = Vec::with_capacity(self.batch_size);
            while taken.len() < self.batch_size {
                let Some(next) = st.take(self.selection) else {
                    break;
                };
                taken.push(next);
            }
            if taken.is_empty() {
                return None;
            }
            st.seq += 1;
            (st.seq - 1, taken)
        };
        let body = encode.then(|| {
            let clean: Vec<Clean<'_>> = taken
                .iter()
                .map(|(i, r, c)| Clean {
                    index: *i,
                    cellphone: c.as_str().into(),
                    recipient: r,
                })
                .collect();
            wire::encode_body(self.credentials, &self.head, &clean)
        });
        Some(Piece {
            seq,
            indexes: taken.iter().map(|(i, _, _)| *i).collect(),
            body,
            hashes: self.selection.map_or_else(Vec::new, |s| {
                taken.iter().map(|(_, r, c)| s.hash(c, r)).collect()
            }),
            ready: None,
        })
    }

    fn rest(&self) -> Vec<usize> {
        // The remainder, with the same de-duplication as sending: a later
        // repeat of a number already sent must not be offered for re-sending.
        let mut st = self.state();
        std::iter::from_fn(|| st.take(self.selection).map(|(i, _, _)| i)).collect()
    }

    fn dropped(&self) -> Vec<usize> {
        self.state().dropped.clone()
    }

    fn refused(&self) -> Vec<usize> {
        self.state().refused.clone()
    }
}
