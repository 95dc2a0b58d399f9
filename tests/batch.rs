//! `send_batch`: pieces, concurrency, and an account of every recipient.

mod common;

use std::time::Duration;

use common::*;
use splio_sms::sandbox::{Fault, Sandbox};
use splio_sms::{BatchStatus, Client, Delivery, Duplicates, ErrorKind, Recipient, SendRequest};

fn request(n: usize) -> SendRequest {
    SendRequest::new(DESIGN).recipients(numbers(n))
}

fn batch_client(sandbox: &Sandbox, size: usize, concurrency: usize) -> Client {
    builder(sandbox)
        .batch_size(size)
        .concurrency(concurrency)
        .build()
        .unwrap()
}

#[test]
fn recipients_are_cut_into_batch_size_pieces_and_all_accounted_for() {
    let sandbox = sandbox();
    let report = batch_client(&sandbox, 1000, 2)
        .send_batch(&request(2500))
        .unwrap();
    assert_eq!(report.status, BatchStatus::Ok);
    let shape: Vec<(usize, usize)> = report.batches.iter().map(|b| (b.first, b.count)).collect();
    assert_eq!(shape, [(0, 1000), (1000, 1000), (2000, 500)]);
    assert_eq!(
        (
            report.totals.todo,
            report.totals.done,
            report.totals.inserted
        ),
        (2500, 2500, 2500)
    );
    assert!(report.not_sent.is_empty() && report.unknown.is_empty());
    let got = received(&sandbox);
    assert_eq!(got.len(), 2500);
    assert!(got.values().all(|&n| n == 1));
}

#[test]
fn a_failing_piece_makes_a_partial_report_naming_its_recipients() {
    let sandbox = sandbox();
    // In order: piece 0 normal, piece 1 gets a 500, piece 2 is refused.
    sandbox.push_fault(Fault::Latency { ms: 0 });
    sandbox.push_fault(Fault::status(500, "<html>down</html>"));
    sandbox.push_fault(Fault::status(
        400,
        r#"{"status":"error","message":"invalid JSON","code":400}"#,
    ));
    let report = batch_client(&sandbox, 10, 1)
        .send_batch(&request(25))
        .unwrap();
    assert_eq!(report.status, BatchStatus::Partial);
    assert_eq!(report.totals.inserted, 10);
    assert_eq!(report.unknown, (10..20).collect::<Vec<_>>());
    assert_eq!(report.not_sent, (20..25).collect::<Vec<_>>());
    let piece1 = report.batches[1].outcome.as_ref().unwrap_err();
    assert_eq!(
        (piece1.kind(), piece1.delivery()),
        (ErrorKind::Server, Delivery::Unknown)
    );
    let piece2 = report.batches[2].outcome.as_ref().unwrap_err();
    assert_eq!(piece2.kind(), ErrorKind::BadRequest);

    let json: serde_json::Value = serde_json::from_str(&report.to_json()).unwrap();
    assert_eq!(json["status"], "partial");
    assert_eq!(json["batches"][1]["error"]["delivery"], "unknown");
    assert_eq!(json["batches"][0]["result"]["inserted"], 10);
    assert_eq!(json["not_sent"].as_array().unwrap().len(), 5);
}

#[test]
fn resending_exactly_the_not_sent_recipients_doubles_no_one() {
    let sandbox = sandbox();
    sandbox.push_fault(Fault::status(
        400,
        r#"{"status":"error","message":"invalid JSON","code":400}"#,
    ));
    let client = batch_client(&sandbox, 10, 1);
    let all = request(30);
    let report = client.send_batch(&all).unwrap();
    assert_eq!(report.not_sent, (0..10).collect::<Vec<_>>());

    let again = SendRequest::new(DESIGN)
        .recipients(report.not_sent.iter().map(|&i| all.rcpts()[i].clone()));
    assert_eq!(client.send_batch(&again).unwrap().status, BatchStatus::Ok);
    let got = received(&sandbox);
    assert_eq!(got.len(), 30);
    assert!(got.values().all(|&n| n == 1), "someone got two SMS");
}

#[test]
fn an_auth_failure_stops_the_batch_and_leaves_everyone_not_sent() {
    let sandbox = sandbox();
    let client = Client::builder(UNIVERSE, "wrong")
        .base_url(sandbox.base_url())
        .batch_size(10)
        .concurrency(1)
        .build()
        .unwrap();
    let report = client.send_batch(&request(50)).unwrap();
    assert_eq!(report.status, BatchStatus::Error);
    assert_eq!(
        sandbox.hits(),
        1,
        "later pieces must not be sent with a refused key"
    );
    assert_eq!(report.not_sent, (0..50).collect::<Vec<_>>());
    for b in &report.batches {
        assert_eq!(b.outcome.as_ref().unwrap_err().kind(), ErrorKind::Auth);
    }
}

#[test]
fn pieces_are_sent_concurrency_at_a_time() {
    let sandbox = Sandbox::start(config().latency(Duration::from_millis(300))).unwrap();
    let report = batch_client(&sandbox, 5, 4)
        .send_batch(&request(40))
        .unwrap();
    assert_eq!(report.status, BatchStatus::Ok);
    assert_eq!(report.batches.len(), 8);
    assert_eq!(sandbox.stats().peak_in_flight, 4);
}

#[test]
fn dedupe_in_a_batch_reports_the_dropped_indexes() {
    let sandbox = sandbox();
    let client = builder(&sandbox)
        .batch_size(2)
        .duplicates(Duplicates::Dedupe)
        .build()
        .unwrap();
    let request = SendRequest::new(DESIGN).recipients(
        [
            "+33600000001",
            "+33600000002",
            "0033600000001",
            "+33600000003",
        ]
        .map(Recipient::new),
    );
    let report = client.send_batch(&request).unwrap();
    assert_eq!(report.dropped, [2]);
    assert_eq!(report.totals.inserted, 3);
    assert_eq!(received(&sandbox).len(), 3);
}

#[test]
fn a_batch_that_does_not_validate_sends_nothing() {
    let sandbox = sandbox();
    let mut rcpts = numbers(30);
    rcpts[17] = Recipient::new("abc");
    let e = batch_client(&sandbox, 10, 2)
        .send_batch(&SendRequest::new(DESIGN).recipients(rcpts))
        .unwrap_err();
    assert_eq!(e.problems()[0].path, "rcpts[17].cellphone");
    assert_eq!(sandbox.hits(), 0);
}

#[test]
fn progress_is_told_in_order_and_never_goes_backwards() {
    let sandbox = sandbox();
    let client = batch_client(&sandbox, 10, 8);
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let control = splio_sms::BatchControl::new().on_progress({
        let seen = seen.clone();
        move |p| seen.lock().unwrap().push(p.done)
    });
    let report = client.send_batch_with(&request(400), &control).unwrap();
    assert_eq!(report.status, BatchStatus::Ok);
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 40);
    assert!(seen.windows(2).all(|w| w[0] < w[1]), "{seen:?}");
    assert_eq!(seen.last(), Some(&400));
}
