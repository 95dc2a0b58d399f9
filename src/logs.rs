//! What the core tells through the `log` facade, under the target
//! `splio_sms`: one record per attempt (debug: URL, attempt number,
//! recipients, elapsed time), one per retry (warning: why, and the wait), one
//! per final outcome (info when sent, warning when not). Every face routes
//! these records: Python's `logging`, the C callback, the command's `-v`.
//!
//! Records never hold the key (texts come from errors the sender has
//! already redacted, and the body is never shown) and show phone numbers
//! masked — `+336****5678` — unless the `log_full_numbers` setting asks for
//! them whole. Nothing is formatted unless a logger wants the record.
#![forbid(unsafe_code)]

use std::borrow::Cow;
use std::time::Duration;

use log::Level;

use crate::answer::SendResult;
use crate::error::{Delivery, Error};
use crate::wire;

/// The target of every record of the core.
pub(crate) const TARGET: &str = "splio_sms";

/// How many numbers a record names before saying how many more there are.
const SHOWN: usize = 3;

/// What a record is about: one request (a whole send, or a batch piece).
pub(crate) struct Subject<'a> {
    pub url: &'a str,
    pub body: &'a [u8],
    pub recipients: usize,
    pub full_numbers: bool,
}

impl Subject<'_> {
    /// `2 recipients (+336****5678, +861****5678)`, `1000 recipients (…, 997 more)`.
    fn recipients(&self) -> String {
        let mut names: Vec<String> = wire::cellphones(self.body)
            .take(SHOWN)
            .map(|n| if self.full_numbers { n } else { mask(&n) })
            .collect();
        if self.recipients > names.len() && !names.is_empty() {
            names.push(format!("{} more", self.recipients - names.len()));
        }
        let noun = if self.recipients == 1 {
            "recipient"
        } else {
            "recipients"
        };
        format!("{} {noun} ({})", self.recipients, names.join(", "))
    }

    /// An error's text as a record shows it: numbers the service echoed are masked too.
    fn error<'e>(&self, e: &'e Error) -> Cow<'e, str> {
        if self.full_numbers {
            Cow::Borrowed(e.message())
        } else {
            mask_numbers(e.message())
        }
    }
}

/// Debug: one attempt and how it ended.
pub(crate) fn attempt(
    s: &Subject<'_>,
    n: u32,
    outcome: &Result<SendResult, Error>,
    took: Duration,
) {
    if !log::log_enabled!(target: TARGET, Level::Debug) {
        return;
    }
    let ended = match outcome {
        Ok(r) => format!("HTTP {}", r.http_status),
        Err(e) => format!("{} ({}): {}", e.kind(), e.delivery(), s.error(e)),
    };
    log::debug!(target: TARGET,
        "attempt {n}: {} for {}: {ended} in {}",
        s.url, s.recipients(), duration(took)
    );
}

/// Warning: an attempt failed and another follows after `wait`.
pub(crate) fn retry(s: &Subject<'_>, n: u32, e: &Error, wait: Duration) {
    let why = if e.retry_after().is_some() {
        " (the service's Retry-After)"
    } else {
        ""
    };
    log::warn!(target: TARGET,
        "attempt {n} for {} failed ({}, {}): {}; retrying in {}{why}",
        s.recipients(), e.kind(), e.delivery(), s.error(e), duration(wait)
    );
}

/// Info: the service accepted the request.
pub(crate) fn sent(s: &Subject<'_>, r: &SendResult, took: Duration) {
    let show = |v: Option<u64>| v.map_or_else(|| "?".to_owned(), |v| v.to_string());
    log::info!(target: TARGET,
        "sent to {}: {} queued, campaign {}, after {} in {}",
        s.recipients(),
        show(r.inserted),
        r.campaign_id.as_deref().unwrap_or("?"),
        attempts(r.attempts),
        duration(took)
    );
}

/// Warning: the request ended without being accepted.
pub(crate) fn failed(s: &Subject<'_>, e: &Error, took: Duration, cancelled: bool) {
    let fate = match e.delivery() {
        Delivery::NotSent => "not sent",
        Delivery::Unknown => "delivery unknown",
    };
    let stop = if cancelled {
        "; cancelled, so not retried"
    } else {
        ""
    };
    log::warn!(target: TARGET,
        "{fate} for {}: {}: {} after {} in {}{stop}",
        s.recipients(), e.kind(), s.error(e), attempts(e.attempts()), duration(took)
    );
}

fn attempts(n: u32) -> String {
    format!("{n} attempt{}", if n == 1 { "" } else { "s" })
}

/// `12 ms`, `1.50 s`.
fn duration(d: Duration) -> String {
    if d < Duration::from_secs(1) {
        format!("{} ms", d.as_millis())
    } else {
        format!("{:.2} s", d.as_secs_f64())
    }
}

/// `+33612345678` → `+336****5678`: the country and the last digits stay,
/// enough to tell numbers apart in a log, not enough to call one.
pub(crate) fn mask(number: &str) -> String {
    let chars: Vec<char> = number.chars().collect();
    let keep = (chars.len() / 3).min(4);
    let head: String = chars[..keep].iter().collect();
    let tail: String = chars[chars.len() - keep..].iter().collect();
    format!("{head}****{tail}")
}

/// `text` with every run of 8 or more digits (with its `+`) masked: a phone
/// number the service echoed in an error. Borrows when there is none.
pub(crate) fn mask_numbers(text: &str) -> Cow<'_, str> {
    let bytes = text.as_bytes();
    let mut out: Option<String> = None;
    let (mut copied, mut i) = (0, 0);
    while i < bytes.len() {
        let start = i;
        let plus = bytes[i] == b'+';
        let digits = bytes[i + usize::from(plus)..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        let end = start + usize::from(plus) + digits;
        let inside_word = start > 0 && bytes[start - 1].is_ascii_digit();
        if digits >= 8 && !inside_word {
            let o = out.get_or_insert_with(|| String::with_capacity(text.len()));
            o.push_str(&text[copied..start]);
            o.push_str(&mask(&text[start..end]));
            copied = end;
        }
        i = end.max(start + 1);
    }
    match out {
        Some(mut o) => {
            o.push_str(&text[copied..]);
            Cow::Owned(o)
        }
        None => Cow::Borrowed(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_number_keeps_its_country_and_last_digits() {
        assert_eq!(mask("+33612345678"), "+336****5678");
        assert_eq!(mask("+8618612345678"), "+861****5678");
        assert_eq!(mask("12345678"), "12****78");
    }

    #[test]
    fn numbers_inside_a_text_are_masked_and_short_ones_left() {
        assert_eq!(
            mask_numbers("bad number +33612345678 at HTTP 400, port 8080"),
            "bad number +336****5678 at HTTP 400, port 8080"
        );
        assert_eq!(
            mask_numbers("0612345678;33698765432"),
            "061****678;336****432"
        );
        assert!(matches!(mask_numbers("nothing here 123"), Cow::Borrowed(_)));
    }
}
