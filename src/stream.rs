//! Batches too large to hold in memory: recipients read from a source that
//! can be opened twice — once to validate everything before any byte leaves,
//! once to send — so that memory holds about `batch_size × concurrency`
//! recipients, not the whole list.
#![forbid(unsafe_code)]

use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

use crate::batch::{run_pieces, BatchControl, BatchReport, Feeder, Piece};
use crate::client::Client;
use crate::error::{Error, Problem, Result};
use crate::request::{Recipient, SendRequest};
use crate::settings::Duplicates;
use crate::validation::{self, check_recipient, number_key, Clean, Validated};
use crate::wire::{self, Credentials};

/// At most this many problems are listed; the rest are counted.
const MAX_PROBLEMS: usize = 1000;

/// Recipients that can be read from the start more than once (a file, say).
///
/// Each item is a recipient, or why the record at that position could not be
/// read (it becomes a validation problem at `rcpts[i]`).
pub trait RecipientSource: Sync {
    /// The iterator one reading gives.
    type Iter: Iterator<Item = std::result::Result<Recipient, String>> + Send;
    /// Opens a new reading from the first recipient, or says why it cannot
    /// (an `invalid_argument` error then).
    fn open(&self) -> std::result::Result<Self::Iter, String>;
}

impl<F, I> RecipientSource for F
where
    F: Fn() -> std::result::Result<I, String> + Sync,
    I: Iterator<Item = std::result::Result<Recipient, String>> + Send,
{
    type Iter = I;

    fn open(&self) -> std::result::Result<I, String> {
        self()
    }
}

fn open<S: RecipientSource>(source: &S) -> Result<S::Iter> {
    source.open().map_err(Error::invalid_argument)
}

/// Validates every recipient of `source` with `head`'s design, opcode and
/// category, without sending. Returns how many recipients there are.
///
/// Problems name `rcpts[i]` by position in the source; at most 1,000 are
/// listed. Repeated numbers are reported with the `reject` policy only.
pub fn validate_stream<S: RecipientSource>(
    head: &SendRequest,
    source: &S,
    duplicates: Duplicates,
) -> Result<usize> {
    let mut p = head.shape_problems.clone();
    validation::check_head(head, &mut p);
    let mut first_seen: HashMap<u64, usize> = HashMap::new();
    let (mut count, mut unlisted) = (0, 0);
    for (i, item) in open(source)?.enumerate() {
        count += 1;
        let before = p.len();
        match item {
            Err(why) => p.push(Problem::new(format!("rcpts[{i}]"), why)),
            Ok(r) => {
                if let Some(cellphone) = check_recipient(i, &r, &mut p) {
                    if duplicates == Duplicates::Reject {
                        match first_seen.entry(number_key(&cellphone)) {
                            Entry::Occupied(e) => p.push(Problem::new(
                                format!("rcpts[{i}].cellphone"),
                                format!(
                                    "{cellphone} repeats rcpts[{}]; the service would send one SMS \
                                     per occurrence (set duplicates to dedupe or allow)",
                                    e.get()
                                ),
                            )),
                            Entry::Vacant(e) => {
                                e.insert(i);
                            }
                        }
                    }
                }
            }
        }
        if p.len() > MAX_PROBLEMS {
            unlisted += p.len() - before;
            p.truncate(before.min(MAX_PROBLEMS));
        }
    }
    if count == 0 {
        p.push(Problem::new("rcpts", "must list at least one recipient"));
    }
    if unlisted > 0 {
        p.push(Problem::new(
            "rcpts",
            format!("{unlisted} more problems not listed"),
        ));
    }
    validation::fail_on(p).map(|()| count)
}

pub(crate) fn run<S: RecipientSource>(
    client: &Client,
    head: &SendRequest,
    source: &S,
    control: &BatchControl,
) -> Result<BatchReport> {
    let total = validate_stream(head, source, client.duplicates())?;
    let feeder = StreamFeeder {
        head: Validated {
            message: &head.message,
            rcpts: Vec::new(),
            opcode: head.opcode.as_deref(),
            category: head.category.as_deref(),
            dropped: Vec::new(),
        },
        credentials: client.credentials(),
        batch_size: client.batch_shape().0,
        dedupe: client.duplicates() == Duplicates::Dedupe,
        state: Mutex::new(State {
            iter: open(source)?,
            next_index: 0,
            seq: 0,
            seen: HashSet::new(),
            dropped: Vec::new(),
            refused: Vec::new(),
        }),
    };
    Ok(run_pieces(client, &feeder, total, Some(control)))
}

struct StreamFeeder<'a, I> {
    head: Validated<'a>,
    credentials: &'a Credentials,
    batch_size: usize,
    dedupe: bool,
    state: Mutex<State<I>>,
}

struct State<I> {
    iter: I,
    next_index: usize,
    seq: usize,
    /// Numbers already taken, for `dedupe`: 8 bytes each, not whole recipients.
    seen: HashSet<u64>,
    dropped: Vec<usize>,
    /// Recipients that failed validation on the second reading (the source changed).
    refused: Vec<usize>,
}

impl<I> StreamFeeder<'_, I> {
    fn state(&self) -> std::sync::MutexGuard<'_, State<I>> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl<I> Feeder for StreamFeeder<'_, I>
where
    I: Iterator<Item = std::result::Result<Recipient, String>> + Send,
{
    fn next(&self, encode: bool) -> Option<Piece> {
        // Read, check and de-duplicate under the lock, in source order; encode outside it.
        let (seq, taken) = {
            let mut st = self.state();
            let mut taken: Vec<(usize, Recipient, String)> = Vec::with_capacity(self.batch_size);
            while taken.len() < self.batch_size {
                let Some(item) = st.iter.next() else { break };
                let i = st.next_index;
                st.next_index += 1;
                let mut ignored = Vec::new();
                let cleaned = item.ok().and_then(|r| {
                    let cellphone = check_recipient(i, &r, &mut ignored)?.into_owned();
                    Some((cellphone, r))
                });
                let Some((cellphone, r)) = cleaned.filter(|_| ignored.is_empty()) else {
                    st.refused.push(i);
                    continue;
                };
                if self.dedupe && !st.seen.insert(number_key(&cellphone)) {
                    st.dropped.push(i);
                    continue;
                }
                taken.push((i, r, cellphone));
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
        })
    }

    fn rest(&self) -> Vec<usize> {
        // Read the remainder with the same de-duplication as sending would:
        // a later repeat of a number already sent must not be offered for
        // re-sending.
        let mut st = self.state();
        let mut rest = Vec::new();
        while let Some(item) = st.iter.next() {
            let i = st.next_index;
            st.next_index += 1;
            let mut ignored = Vec::new();
            let key = item
                .ok()
                .and_then(|r| check_recipient(i, &r, &mut ignored).map(|c| number_key(&c)));
            match key {
                Some(key) if ignored.is_empty() => {
                    if self.dedupe && !st.seen.insert(key) {
                        st.dropped.push(i);
                    } else {
                        rest.push(i);
                    }
                }
                _ => st.refused.push(i),
            }
        }
        rest
    }

    fn dropped(&self) -> Vec<usize> {
        self.state().dropped.clone()
    }

    fn refused(&self) -> Vec<usize> {
        self.state().refused.clone()
    }
}
