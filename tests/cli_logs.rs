//! `splio-sms -v` / `-vv`: the library's log records on stderr, numbers
//! masked unless --log-full-numbers, never the key.
#![cfg(feature = "cli")]

mod common;

use common::cli::{cmd, run};
use common::*;
use splio_sms::sandbox::{Fault, Sandbox};

fn send(sandbox: &Sandbox, extra: &[&str]) -> String {
    let (code, _, err) = run(cmd(sandbox)
        .args(["send", "--message", DESIGN, "--to", "+33612345678"])
        .args(extra));
    assert_eq!(code, 0, "{err}");
    assert!(!err.contains(KEY), "the key on stderr: {err}");
    err
}

#[test]
fn vv_shows_each_attempt_the_retry_and_the_outcome_with_the_number_masked() {
    let sandbox = sandbox();
    sandbox.push_fault(Fault::RateLimit { retry_after: 0 });
    let err = send(&sandbox, &["-vv"]);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 4, "{err}");
    assert!(
        lines[0].starts_with("splio-sms: debug: attempt 1: http://127.0.0.1:"),
        "{err}"
    );
    assert!(
        lines[0].contains("1 recipient (+336****5678): rate_limited (not_sent)"),
        "{err}"
    );
    assert!(
        lines[1].starts_with("splio-sms: warning: attempt 1 for 1 recipient (+336****5678) failed"),
        "{err}"
    );
    assert!(lines[1].contains("retrying in 0 ms"), "{err}");
    assert!(
        lines[2].starts_with("splio-sms: debug: attempt 2: "),
        "{err}"
    );
    assert!(
        lines[3].starts_with("splio-sms: info: sent to 1 recipient (+336****5678): 1 queued"),
        "{err}"
    );
    assert!(!err.contains("+33612345678"), "{err}");
}

#[test]
fn v_shows_outcomes_only_and_no_flag_shows_nothing() {
    let sandbox = sandbox();
    let err = send(&sandbox, &["-v"]);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("splio-sms: info: sent to "), "{err}");
    assert_eq!(send(&sandbox, &[]), "");
}

#[test]
fn log_full_numbers_shows_them_whole() {
    let sandbox = sandbox();
    let err = send(&sandbox, &["-v", "--log-full-numbers"]);
    assert!(err.contains("1 recipient (+33612345678)"), "{err}");
}
