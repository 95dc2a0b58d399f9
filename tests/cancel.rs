//! A batch stopped from another thread: a piece waiting to retry stops
//! waiting and keeps its last error, and the report as things stand
//! accounts for every recipient while pieces are still under way.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::*;
use splio_sms::sandbox::{Fault, Sandbox};
use splio_sms::{BatchControl, BatchStatus, Delivery, ErrorKind, SendRequest};

/// Waits (bounded) until the sandbox has seen `n` requests.
fn until_hits(sandbox: &Sandbox, n: u64) {
    for _ in 0..500 {
        if sandbox.stats().hits >= n {
            return;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    panic!("the sandbox never saw {n} requests");
}

#[test]
fn a_cancel_ends_a_retry_after_wait_and_the_piece_keeps_its_rate_limited_error() {
    let sandbox = sandbox();
    let client = builder(&sandbox)
        .batch_size(2)
        .concurrency(1)
        .build()
        .unwrap();
    sandbox.push_fault(Fault::RateLimit { retry_after: 20 });
    let control = Arc::new(BatchControl::new());
    let request = SendRequest::new(DESIGN).recipients(numbers(4));
    let running = {
        let (client, control) = (client.clone(), control.clone());
        std::thread::spawn(move || client.send_batch_with(&request, &control))
    };
    until_hits(&sandbox, 1);
    control.cancel();
    let report = running.join().unwrap().unwrap();
    assert!(report.interrupted);
    assert_eq!(
        sandbox.stats().hits,
        1,
        "a retry or a new piece left after the cancel"
    );
    let first = report.batches[0].outcome.as_ref().unwrap_err();
    assert_eq!(first.kind(), ErrorKind::RateLimited);
    assert_eq!(first.attempts(), 1);
    assert_eq!(report.not_sent, [0, 1, 2, 3]);
}

#[test]
fn the_report_so_far_accounts_for_every_recipient_while_a_piece_is_under_way() {
    let sandbox = sandbox();
    let client = builder(&sandbox)
        .batch_size(2)
        .concurrency(1)
        .build()
        .unwrap();
    let control = Arc::new(BatchControl::new());
    assert!(control.report_so_far().is_none(), "nothing planned yet");
    // The first piece is answered at once, the second waits 2 s.
    sandbox.push_fault(Fault::Latency { ms: 0 });
    sandbox.push_fault(Fault::Latency { ms: 2000 });
    let request = SendRequest::new(DESIGN).recipients(numbers(5));
    let running = {
        let (client, control) = (client.clone(), control.clone());
        std::thread::spawn(move || client.send_batch_with(&request, &control))
    };
    until_hits(&sandbox, 2);
    control.cancel();
    let so_far = control.report_so_far().unwrap();
    assert!(so_far.interrupted);
    assert_eq!(so_far.status, BatchStatus::Partial);
    assert_eq!(so_far.unknown, [2, 3], "the piece under way may be queued");
    assert_eq!(so_far.not_sent, [4], "the piece not started");
    let under_way = so_far.batches[1].outcome.as_ref().unwrap_err();
    assert_eq!(under_way.delivery(), Delivery::Unknown);
    assert!(under_way.message().contains("interrupted while waiting"));

    // The batch itself ends once the piece under way is answered.
    let report = running.join().unwrap().unwrap();
    assert_eq!(report.batches.len(), 2);
    assert_eq!(report.not_sent, [4]);
    assert!(report.unknown.is_empty());
}
