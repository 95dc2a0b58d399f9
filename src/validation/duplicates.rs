//! The one duplicate tracker: in-memory validation, file validation and file
//! sending all ask it whether a number was seen before, so the three agree
//! on what a repeat is and how it is worded.
#![forbid(unsafe_code)]

use std::collections::hash_map::{Entry, RandomState};
use std::collections::HashMap;
use std::hash::{BuildHasher, Hasher};

use super::Problems;
use crate::error::Problem;
use crate::phone::number_key;
use crate::settings::Duplicates;

/// What to do with one recipient, given the numbers before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// Send it.
    Keep,
    /// Leave it out: it repeats an earlier number (`dedupe`).
    Drop,
    /// Refused: it repeats an earlier number (`reject`); the problem is noted.
    Refused,
}

/// Numbers seen so far: 8 bytes of key and the first position each, not whole
/// recipients, so that a file of millions stays small in memory.
pub(crate) struct Tracker {
    policy: Duplicates,
    first: HashMap<u64, usize, KeyHash>,
}

/// The keys are numbers already: one multiply by a per-tracker random odd
/// number spreads them (SipHash cost more than the rest of the tracker),
/// and the random factor keeps a crafted list from piling into one bucket.
#[derive(Clone)]
struct KeyHash(u64);

impl KeyHash {
    fn new() -> Self {
        KeyHash(RandomState::new().hash_one(0x5e1d_u64) | 1)
    }
}

impl BuildHasher for KeyHash {
    type Hasher = KeyHasher;
    fn build_hasher(&self) -> KeyHasher {
        KeyHasher(0, self.0)
    }
}

struct KeyHasher(u64, u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        // hashbrown takes its bucket from the low bits and its tag from the
        // top 7: fold the well-mixed high half down.
        let h = self.0.wrapping_mul(self.1);
        h ^ (h >> 32)
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8 | u64::from(b)).wrapping_mul(self.1);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

impl Tracker {
    pub fn new(policy: Duplicates) -> Self {
        Tracker::with_capacity(policy, 0)
    }

    /// A tracker with room for `count` numbers: a request held in memory
    /// knows its length, and growing the table as it fills cost a third as
    /// much again as the noting itself.
    pub fn with_capacity(policy: Duplicates, count: usize) -> Self {
        let count = if policy == Duplicates::Allow {
            0
        } else {
            count
        };
        Tracker {
            policy,
            first: HashMap::with_capacity_and_hasher(count, KeyHash::new()),
        }
    }

    /// Notes recipient `index` with its number in E.164, so that every
    /// writing of one number is the same number.
    pub fn note(&mut self, index: usize, cellphone: &str, problems: &mut Problems) -> Verdict {
        if self.policy == Duplicates::Allow {
            return Verdict::Keep;
        }
        match self.first.entry(number_key(cellphone)) {
            Entry::Vacant(e) => {
                e.insert(index);
                Verdict::Keep
            }
            Entry::Occupied(_) if self.policy == Duplicates::Dedupe => Verdict::Drop,
            Entry::Occupied(e) => {
                problems.push(Problem::new(
                    format!("rcpts[{index}].cellphone"),
                    format!(
                        "{cellphone} repeats rcpts[{}]; the service would send one SMS per \
                         occurrence (set duplicates to dedupe or allow)",
                        e.get()
                    ),
                ));
                Verdict::Refused
            }
        }
    }
}
