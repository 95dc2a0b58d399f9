//! The one duplicate tracker: in-memory validation, file validation and file
//! sending all ask it whether a number was seen before, so the three agree
//! on what a repeat is and how it is worded.
#![forbid(unsafe_code)]

use std::collections::hash_map::Entry;
use std::collections::HashMap;

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
    first: HashMap<u64, usize>,
}

impl Tracker {
    pub fn new(policy: Duplicates) -> Self {
        Tracker {
            policy,
            first: HashMap::new(),
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
