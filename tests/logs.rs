//! The core's log records (target `splio_sms`): one per attempt at debug,
//! one per retry at warning, one per outcome at info or warning; numbers
//! masked unless `log_full_numbers`; never the key. Its own test binary: the
//! logger is process-wide.

mod common;

use std::sync::Mutex;
use std::time::Duration;

use common::*;
use splio_sms::sandbox::Fault;
use splio_sms::{Client, Recipient, SendRequest};

struct Capture(Mutex<Vec<(log::Level, String, String)>>);

impl log::Log for Capture {
    fn enabled(&self, _: &log::Metadata<'_>) -> bool {
        true
    }
    fn log(&self, record: &log::Record<'_>) {
        let line = (
            record.level(),
            record.target().to_owned(),
            record.args().to_string(),
        );
        self.0.lock().unwrap().push(line);
    }
    fn flush(&self) {}
}

static CAPTURE: Capture = Capture(Mutex::new(Vec::new()));
/// The tests share the logger: one at a time.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// The core's records made while `f` runs.
fn records(f: impl FnOnce()) -> Vec<(log::Level, String)> {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
    let _ = log::set_logger(&CAPTURE);
    log::set_max_level(log::LevelFilter::Trace);
    CAPTURE.0.lock().unwrap().clear();
    f();
    let all = std::mem::take(&mut *CAPTURE.0.lock().unwrap());
    for (_, _, text) in &all {
        assert!(!text.contains(KEY), "the key in a log record: {text}");
    }
    all.into_iter()
        .filter(|(_, target, _)| target == "splio_sms")
        .map(|(level, _, text)| (level, text))
        .collect()
}

fn two() -> SendRequest {
    SendRequest::new(DESIGN)
        .recipient(Recipient::new("+33612345678"))
        .recipient(Recipient::new("+8618612345678"))
}

#[test]
fn a_send_logs_its_attempt_at_debug_and_its_outcome_at_info_with_numbers_masked() {
    let sandbox = sandbox();
    let client = client(&sandbox);
    let got = records(|| {
        client.send(&two()).unwrap();
    });
    assert_eq!(got.len(), 2, "{got:?}");
    let (level, attempt) = &got[0];
    assert_eq!(*level, log::Level::Debug);
    assert!(attempt.starts_with("attempt 1: "), "{attempt}");
    assert!(attempt.contains(client.url()), "{attempt}");
    assert!(
        attempt.contains("2 recipients (+336****5678, +861****5678)"),
        "{attempt}"
    );
    assert!(attempt.contains("HTTP 200 in "), "{attempt}");
    assert!(attempt.ends_with(" ms"), "{attempt}");
    let (level, outcome) = &got[1];
    assert_eq!(*level, log::Level::Info);
    assert!(outcome.starts_with("sent to 2 recipients"), "{outcome}");
    assert!(outcome.contains("2 queued, campaign "), "{outcome}");
    for (_, text) in &got {
        assert!(!text.contains("+33612345678"), "a whole number: {text}");
    }
}

#[test]
fn log_full_numbers_shows_them_whole() {
    let sandbox = sandbox();
    let client = builder(&sandbox).log_full_numbers(true).build().unwrap();
    let got = records(|| {
        client.send(&two()).unwrap();
    });
    assert!(
        got[0].1.contains("(+33612345678, +8618612345678)"),
        "{got:?}"
    );
}

#[test]
fn a_retry_is_a_warning_saying_why_and_how_long_it_waits() {
    let sandbox = sandbox();
    let client = client(&sandbox);
    sandbox.push_fault(Fault::RateLimit { retry_after: 0 });
    let got = records(|| {
        client.send(&one("+33612345678")).unwrap();
    });
    let levels: Vec<log::Level> = got.iter().map(|(l, _)| *l).collect();
    use log::Level::*;
    assert_eq!(levels, [Debug, Warn, Debug, Info], "{got:?}");
    let retry = &got[1].1;
    assert!(
        retry.starts_with(
            "attempt 1 for 1 recipient (+336****5678) failed (rate_limited, not_sent): "
        ),
        "{retry}"
    );
    assert!(
        retry.contains("retrying in 0 ms (the service's Retry-After)"),
        "{retry}"
    );
    assert!(got[2].1.starts_with("attempt 2: "), "{got:?}");
}

#[test]
fn a_final_failure_is_a_warning_with_its_delivery_and_attempts() {
    let refused = Client::builder(UNIVERSE, KEY)
        .base_url(format!("http://127.0.0.1:{}/", closed_port()))
        .max_retries(2)
        .build()
        .unwrap();
    let got = records(|| {
        refused.send(&one("+33612345678")).unwrap_err();
    });
    let warnings: Vec<&String> = got
        .iter()
        .filter(|(l, _)| *l == log::Level::Warn)
        .map(|(_, t)| t)
        .collect();
    assert_eq!(warnings.len(), 3, "two retries and the outcome: {got:?}");
    let last = warnings[2];
    assert!(
        last.starts_with("not sent for 1 recipient (+336****5678): transport: "),
        "{last}"
    );
    assert!(last.contains("after 3 attempts"), "{last}");
    let attempts = got.iter().filter(|(l, _)| *l == log::Level::Debug).count();
    assert_eq!(attempts, 3);
}

#[test]
fn numbers_the_service_echoes_in_an_error_are_masked() {
    let sandbox = sandbox();
    let client = client(&sandbox);
    sandbox.push_fault(Fault::status(400, "bad cellphone +33612345678"));
    let got = records(|| {
        client.send(&one("+33612345678")).unwrap_err();
    });
    assert!(
        got.iter()
            .any(|(_, t)| t.contains("bad cellphone +336****5678")),
        "{got:?}"
    );
    assert!(
        got.iter().all(|(_, t)| !t.contains("+33612345678")),
        "{got:?}"
    );
}

#[test]
fn a_batch_logs_each_piece_with_its_count() {
    let sandbox = sandbox();
    let client = builder(&sandbox)
        .batch_size(3)
        .concurrency(1)
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    let request = SendRequest::new(DESIGN).recipients(numbers(7));
    let got = records(|| {
        client.send_batch(&request).unwrap();
    });
    let sent: Vec<&String> = got
        .iter()
        .filter(|(l, _)| *l == log::Level::Info)
        .map(|(_, t)| t)
        .collect();
    assert_eq!(sent.len(), 3, "{got:?}");
    assert!(
        sent[0].starts_with("sent to 3 recipients (+336****0000, +336****0001, +336****0002)"),
        "{}",
        sent[0]
    );
    assert!(
        sent[2].starts_with("sent to 1 recipient (+336****0006)"),
        "{}",
        sent[2]
    );
}
