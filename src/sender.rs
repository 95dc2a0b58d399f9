//! The attempt loop: one encoded request sent over the transport until it is
//! answered or the retry policy says stop. The whole policy — what is
//! transient, how long to wait, when delivery becomes unknown — is here, and
//! so are the log records of each attempt, retry and outcome (`logs.rs`).
#![forbid(unsafe_code)]

use std::hash::BuildHasher;
use std::time::{Duration, Instant};

use crate::answer::{self, SendResult};
use crate::cancel::{CallState, Cancel};
use crate::error::{Delivery, Error, ErrorKind, Result};
use crate::logs::{self, Subject};
use crate::settings::Settings;
use crate::transport::Transport;

/// The longest `Retry-After` honoured automatically; a longer one is returned
/// to the caller as a `rate_limited` error carrying it.
pub(crate) const MAX_RETRY_AFTER: Duration = Duration::from_secs(30);
const BACKOFF_BASE: Duration = Duration::from_millis(250);
const BACKOFF_MAX: Duration = Duration::from_secs(8);

/// When a failed attempt is tried again.
#[derive(Debug, Clone, Copy)]
struct RetryPolicy {
    max_retries: u32,
    retry_unknown: bool,
}

/// Sends encoded requests over one transport with one retry policy.
pub(crate) struct Sender {
    transport: Transport,
    policy: RetryPolicy,
    /// Kept only to scrub it from any text that leaves.
    key: String,
    /// `log_full_numbers`: records show numbers whole.
    full_numbers: bool,
}

/// One request to deliver: its recipients (for the logs), and optionally a
/// cancel switch and a state that another thread may read.
pub(crate) struct Call<'a> {
    pub recipients: usize,
    pub cancel: Option<&'a Cancel>,
    pub state: Option<&'a CallState>,
}

impl Sender {
    pub fn new(settings: &Settings) -> Result<Self> {
        let transport = Transport::new(settings).map_err(|e| e.redact(&settings.key))?;
        Ok(Sender {
            transport,
            policy: RetryPolicy {
                max_retries: settings.max_retries,
                retry_unknown: settings.retry_unknown,
            },
            key: settings.key.clone(),
            full_numbers: settings.log_full_numbers,
        })
    }

    pub fn url(&self) -> &str {
        self.transport.url()
    }

    /// Sends one encoded body to `recipients`, retrying what the policy allows.
    pub fn deliver(&self, body: &[u8], recipients: usize) -> Result<SendResult> {
        let call = Call {
            recipients,
            cancel: None,
            state: None,
        };
        // Without a cancel switch the first attempt always starts.
        self.deliver_unless_cancelled(body, &call)
            .unwrap_or_else(|| {
                Err(Error::internal(
                    "a send without a cancel switch was cancelled",
                ))
            })
    }

    /// [`deliver`](Sender::deliver) for a call that may be cancelled: `None`
    /// when it was cancelled before its first attempt (nothing left). A
    /// cancel during a wait for a retry ends the call with the last error.
    pub fn deliver_unless_cancelled(
        &self,
        body: &[u8],
        call: &Call<'_>,
    ) -> Option<Result<SendResult>> {
        let own = CallState::default();
        let state = call.state.unwrap_or(&own);
        let no_cancel = Cancel::default();
        let cancel = call.cancel.unwrap_or(&no_cancel);
        let subject = Subject {
            url: self.transport.url(),
            body,
            recipients: call.recipients,
            full_numbers: self.full_numbers,
        };
        let began = Instant::now();
        if !cancel.enter(state) {
            return None;
        }
        let mut attempts = 0;
        let mut ever_unknown = false;
        loop {
            attempts += 1;
            let at = Instant::now();
            let outcome = self
                .transport
                .attempt(body)
                .and_then(|answer| answer::read(&answer, self.transport.url()))
                .map_err(|e| e.redact(&self.key));
            state.ended(outcome.as_ref().err());
            logs::attempt(&subject, attempts, &outcome, at.elapsed());
            let mut error = match outcome {
                Ok(mut result) => {
                    result.attempts = attempts;
                    logs::sent(&subject, &result, began.elapsed());
                    return Some(Ok(result));
                }
                Err(e) => e,
            };
            ever_unknown |= error.delivery() == Delivery::Unknown;
            let wait = self.policy.wait(&error, attempts);
            if let Some(wait) = wait {
                logs::retry(&subject, attempts, &error, wait);
                if cancel.wait_then_enter(wait, state) {
                    continue;
                }
            }
            error.set_attempts(attempts);
            if ever_unknown {
                // An earlier attempt may have queued the SMS.
                error = error.with_delivery(Delivery::Unknown);
            }
            logs::failed(&subject, &error, began.elapsed(), wait.is_some());
            return Some(Err(error));
        }
    }
}

impl RetryPolicy {
    /// How long to wait before trying `error`'s request again, or `None` not to.
    fn wait(&self, error: &Error, attempts: u32) -> Option<Duration> {
        if attempts > self.max_retries {
            return None;
        }
        let retry = is_transient_not_sent(error)
            || (self.retry_unknown
                && error.delivery() == Delivery::Unknown
                && matches!(
                    error.kind(),
                    ErrorKind::Server
                        | ErrorKind::Timeout
                        | ErrorKind::Transport
                        | ErrorKind::Protocol
                ));
        if !retry {
            return None;
        }
        match error.retry_after() {
            Some(after) if after > MAX_RETRY_AFTER => None,
            Some(after) => Some(after),
            None => Some(backoff(attempts)),
        }
    }
}

/// Whether the failure may pass by itself, so that sending again after a
/// pause is worth it and cannot double an SMS.
fn is_transient_not_sent(error: &Error) -> bool {
    !error.is_lasting()
        && error.delivery() == Delivery::NotSent
        && matches!(
            error.kind(),
            ErrorKind::Transport | ErrorKind::Timeout | ErrorKind::RateLimited
        )
}

/// Exponential backoff with jitter: half to all of 250 ms × 2^(n−1), at most 8 s.
fn backoff(attempt: u32) -> Duration {
    let ceiling = BACKOFF_BASE
        .saturating_mul(1 << attempt.saturating_sub(1).min(10))
        .min(BACKOFF_MAX);
    let random = std::collections::hash_map::RandomState::new().hash_one(Instant::now());
    let fraction = 0.5 + (random >> 11) as f64 / (1u64 << 53) as f64 / 2.0;
    ceiling.mul_f64(fraction)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_stays_capped() {
        for attempt in 1..20 {
            let ceiling = BACKOFF_BASE
                .saturating_mul(1 << (attempt - 1).min(10))
                .min(BACKOFF_MAX);
            let b = backoff(attempt);
            assert!(b >= ceiling / 2 && b <= ceiling, "attempt {attempt}: {b:?}");
        }
    }

    #[test]
    fn only_transient_not_sent_failures_are_retried_by_default() {
        let policy = RetryPolicy {
            max_retries: 2,
            retry_unknown: false,
        };
        let refused = Error::new(ErrorKind::Transport, Delivery::NotSent, "refused");
        assert!(policy.wait(&refused, 1).is_some());
        assert!(policy.wait(&refused, 3).is_none(), "past max_retries");
        let lost = Error::new(ErrorKind::Transport, Delivery::Unknown, "lost");
        assert!(policy.wait(&lost, 1).is_none());
        assert!(policy.wait(&refused.clone().lasting(), 1).is_none());
        let auth = Error::new(ErrorKind::Auth, Delivery::NotSent, "key");
        assert!(policy.wait(&auth, 1).is_none());
    }
}
