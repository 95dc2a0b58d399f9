//! Stopping a call between attempts, and knowing where it stood when it
//! was stopped: what a caller who gave up waiting (Ctrl-C in Python, a
//! cancelled asyncio task, SIGINT in the command) can honestly say about
//! delivery.
//!
//! An attempt under way is never cut: the HTTP exchange runs to its answer
//! or its timeout. What a cancel stops is the *next* attempt — a retry's
//! backoff or `Retry-After` wait ends at once — and the check that lets an
//! attempt start is made under the same lock as the cancel, so once
//! [`Cancel::cancel`] has returned no attempt starts, and a [`CallState`]
//! read then is final about whether a request may have left.
#![forbid(unsafe_code)]

use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use crate::error::{Delivery, Error};

/// A call's (or a batch's) cancel switch, shared by whoever may pull it.
#[derive(Debug, Default)]
pub(crate) struct Cancel {
    cancelled: Mutex<bool>,
    wake: Condvar,
}

impl Cancel {
    /// No attempt starts after this returns; waits for a retry end at once.
    pub fn cancel(&self) {
        *self.lock() = true;
        self.wake.notify_all();
    }

    pub fn is_cancelled(&self) -> bool {
        *self.lock()
    }

    /// Lets an attempt start (marking `state` as under way) unless cancelled.
    pub fn enter(&self, state: &CallState) -> bool {
        let cancelled = self.lock();
        if *cancelled {
            return false;
        }
        state.start();
        true
    }

    /// Waits `wait`, cut short by a cancel, then lets the next attempt start
    /// as [`enter`](Cancel::enter) does.
    pub fn wait_then_enter(&self, wait: Duration, state: &CallState) -> bool {
        let deadline = Instant::now() + wait;
        let mut cancelled = self.lock();
        while !*cancelled {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                state.start();
                return true;
            }
            cancelled = self
                .wake
                .wait_timeout(cancelled, left)
                .map_or_else(|p| p.into_inner().0, |(guard, _)| guard);
        }
        false
    }

    fn lock(&self) -> MutexGuard<'_, bool> {
        self.cancelled.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// Where one call stands, readable from another thread at any moment.
#[derive(Debug, Default)]
pub(crate) struct CallState {
    attempts: AtomicU32,
    in_attempt: AtomicBool,
    ever_unknown: AtomicBool,
    /// The last failed attempt's error: what a call stopped while waiting
    /// to retry ends with.
    last_error: Mutex<Option<Error>>,
}

impl CallState {
    pub fn start(&self) {
        self.attempts.fetch_add(1, Ordering::SeqCst);
        self.in_attempt.store(true, Ordering::SeqCst);
    }

    /// An attempt ended; `error` is its failure, if it failed.
    pub fn ended(&self, error: Option<&Error>) {
        if let Some(e) = error {
            if e.delivery() == Delivery::Unknown {
                self.ever_unknown.store(true, Ordering::SeqCst);
            }
            *self.last_error.lock().unwrap_or_else(|p| p.into_inner()) = Some(e.clone());
        }
        self.in_attempt.store(false, Ordering::SeqCst);
    }

    /// Attempts started so far.
    pub fn attempts(&self) -> u32 {
        self.attempts.load(Ordering::SeqCst)
    }

    /// `Unknown` when an attempt is under way (its request may be written)
    /// or any attempt ended with its delivery unknown; else `NotSent`.
    pub fn delivery(&self) -> Delivery {
        if self.in_attempt.load(Ordering::SeqCst) || self.ever_unknown.load(Ordering::SeqCst) {
            Delivery::Unknown
        } else {
            Delivery::NotSent
        }
    }

    /// Whether an attempt is under way.
    pub fn in_attempt(&self) -> bool {
        self.in_attempt.load(Ordering::SeqCst)
    }

    /// The last failed attempt's error.
    pub fn last_error(&self) -> Option<Error> {
        self.last_error
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;
    use std::sync::Arc;

    #[test]
    fn a_cancel_ends_a_wait_at_once_and_no_attempt_starts_after_it() {
        let cancel = Arc::new(Cancel::default());
        let state = Arc::new(CallState::default());
        let waiter = {
            let (cancel, state) = (cancel.clone(), state.clone());
            std::thread::spawn(move || cancel.wait_then_enter(Duration::from_secs(3600), &state))
        };
        cancel.cancel();
        assert!(!waiter.join().unwrap(), "the wait went on to an attempt");
        assert!(!cancel.enter(&state));
        assert_eq!(state.attempts(), 0);
        assert_eq!(state.delivery(), Delivery::NotSent);
    }

    #[test]
    fn an_attempt_under_way_or_one_that_ended_unknown_makes_delivery_unknown() {
        let state = CallState::default();
        assert!(Cancel::default().enter(&state));
        assert_eq!(state.delivery(), Delivery::Unknown, "under way");
        state.ended(Some(&Error::new(
            ErrorKind::Transport,
            Delivery::NotSent,
            "refused",
        )));
        assert_eq!(state.delivery(), Delivery::NotSent);
        assert!(Cancel::default().wait_then_enter(Duration::ZERO, &state));
        state.ended(Some(&Error::new(
            ErrorKind::Server,
            Delivery::Unknown,
            "502",
        )));
        assert_eq!(state.delivery(), Delivery::Unknown);
        assert_eq!(state.attempts(), 2);
        assert_eq!(state.last_error().unwrap().kind(), ErrorKind::Server);
    }
}
