//! `send_stream` and `validate_stream`: validated whole, sent piece by piece,
//! with memory bounded by the pieces in flight, cancellation and progress.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::*;
use splio_sms::sandbox::Sandbox;
use splio_sms::{
    validate_stream, BatchControl, BatchStatus, Duplicates, ErrorKind, Recipient, SendRequest,
};

type Item = Result<Recipient, String>;

fn head() -> SendRequest {
    SendRequest::new(DESIGN)
}

#[test]
fn a_stream_is_validated_whole_then_sent_once_each() {
    let sandbox = sandbox();
    let client = builder(&sandbox)
        .batch_size(100)
        .concurrency(3)
        .build()
        .unwrap();
    let opened = AtomicUsize::new(0);
    let source = || {
        opened.fetch_add(1, Ordering::SeqCst);
        Ok(numbers(2500).into_iter().map(Ok::<_, String>))
    };
    let report = client
        .send_stream(&head(), &source, &BatchControl::new())
        .unwrap();
    assert_eq!(report.status, BatchStatus::Ok);
    assert_eq!(report.totals.inserted, 2500);
    assert_eq!(report.batches.len(), 25);
    assert_eq!(
        opened.load(Ordering::SeqCst),
        2,
        "one reading to validate, one to send"
    );
    let got = received(&sandbox);
    assert_eq!(got.len(), 2500);
    assert!(got.values().all(|&n| n == 1));
}

#[test]
fn the_reader_never_runs_ahead_of_the_pieces_in_flight() {
    let sandbox = Sandbox::start(config().latency(Duration::from_millis(20))).unwrap();
    let client = builder(&sandbox)
        .batch_size(50)
        .concurrency(4)
        .build()
        .unwrap();
    let pulled = Arc::new(AtomicUsize::new(0));
    let ahead = Arc::new(Mutex::new(0usize));
    let source = {
        let pulled = pulled.clone();
        move || {
            pulled.store(0, Ordering::SeqCst);
            let pulled = pulled.clone();
            Ok(numbers(2000).into_iter().map(move |r| {
                pulled.fetch_add(1, Ordering::SeqCst);
                Ok::<_, String>(r)
            }))
        }
    };
    let control = {
        let (pulled, ahead) = (pulled.clone(), ahead.clone());
        BatchControl::new().on_progress(move |p| {
            let mut a = ahead.lock().unwrap();
            *a = (*a).max(pulled.load(Ordering::SeqCst) - p.done);
        })
    };
    let report = client.send_stream(&head(), &source, &control).unwrap();
    assert_eq!(report.status, BatchStatus::Ok);
    let most = *ahead.lock().unwrap();
    assert!(most <= 50 * 4, "read {most} recipients ahead of those sent");
}

#[test]
fn a_bad_record_anywhere_stops_the_stream_before_anything_is_sent() {
    let sandbox = sandbox();
    let client = client(&sandbox);
    let source = || {
        let mut items: Vec<Item> = numbers(300).into_iter().map(Ok).collect();
        items[120] = Err("bad UTF-8 on this line".to_owned());
        items[250] = Ok(Recipient::new("12"));
        Ok(items.into_iter())
    };
    let e = client
        .send_stream(&head(), &source, &BatchControl::new())
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Validation);
    let paths: Vec<&str> = e.problems().iter().map(|p| p.path.as_str()).collect();
    assert_eq!(paths, ["rcpts[120]", "rcpts[250].cellphone"]);
    assert_eq!(sandbox.hits(), 0);
}

#[test]
fn repeated_numbers_in_a_stream_are_rejected_naming_the_first() {
    let source = || {
        Ok(["+33600000001", "+33600000002", "0033600000001"]
            .map(|n| Ok::<_, String>(Recipient::new(n)))
            .into_iter())
    };
    let e = validate_stream(&head(), &source, Duplicates::Reject).unwrap_err();
    assert_eq!(e.problems()[0].path, "rcpts[2].cellphone");
    assert!(e.problems()[0].message.contains("repeats rcpts[0]"), "{e}");
    assert_eq!(
        validate_stream(&head(), &source, Duplicates::Dedupe).unwrap(),
        3
    );
}

#[test]
fn past_a_thousand_problems_the_rest_are_counted() {
    let source = || Ok((0..1500).map(|_| Ok::<_, String>(Recipient::new("x"))));
    let e = validate_stream(&head(), &source, Duplicates::Reject).unwrap_err();
    assert_eq!(e.problems().len(), 1001);
    assert_eq!(e.problems()[1000].message, "500 more problems not listed");
}

#[test]
fn an_empty_stream_is_a_validation_error() {
    let source = || Ok(std::iter::empty::<Item>());
    let e = validate_stream(&head(), &source, Duplicates::Reject).unwrap_err();
    assert_eq!(e.problems()[0].path, "rcpts");
}

#[test]
fn cancelling_stops_new_pieces_and_reports_the_rest_not_sent() {
    let sandbox = sandbox();
    let client = builder(&sandbox)
        .batch_size(10)
        .concurrency(1)
        .build()
        .unwrap();
    let source = || Ok(numbers(100).into_iter().map(Ok::<_, String>));
    let seen = Arc::new(AtomicUsize::new(0));
    let real = {
        let seen = seen.clone();
        BatchControl::new().on_progress(move |p| seen.store(p.done, Ordering::SeqCst))
    };
    // Cancel from another thread once three pieces are through.
    std::thread::scope(|s| {
        s.spawn(|| {
            while seen.load(Ordering::SeqCst) < 30 {
                std::thread::sleep(Duration::from_millis(1));
            }
            real.cancel();
        });
        let report = client.send_stream(&head(), &source, &real).unwrap();
        assert!(report.interrupted);
        assert_eq!(report.status, BatchStatus::Partial);
        let sent = report.batches.len() * 10;
        assert!((30..100).contains(&sent), "{sent}");
        assert_eq!(report.not_sent, (sent..100).collect::<Vec<_>>());
        assert_eq!(sandbox.hits() as usize, report.batches.len());
    });
}

#[test]
fn after_a_cancel_later_repeats_of_sent_numbers_are_dropped_not_offered_again() {
    let sandbox = sandbox();
    let client = builder(&sandbox)
        .batch_size(2)
        .concurrency(1)
        .duplicates(Duplicates::Dedupe)
        .build()
        .unwrap();
    let source = || {
        Ok([
            "+33600000001",
            "+33600000002",
            "+33600000003",
            "0033600000001",
            "+33600000004",
        ]
        .map(|n| Ok::<_, String>(Recipient::new(n)))
        .into_iter())
    };
    let control = BatchControl::new();
    // Cancel before the first piece is taken: everything is in `rest`.
    control.cancel();
    let report = client.send_stream(&head(), &source, &control).unwrap();
    assert!(report.interrupted);
    assert_eq!(report.status, BatchStatus::Error);
    assert_eq!(report.not_sent, [0, 1, 2, 4]);
    assert_eq!(report.dropped, [3]);
    assert_eq!(sandbox.hits(), 0);
}

#[test]
fn a_stream_of_national_numbers_is_checked_told_and_sent_in_e164_with_default_country() {
    let national = || {
        Ok::<_, String>(
            [
                "06 12 34 56 78",
                "+33 (0)6 12 34 56 79",
                "0033612345670",
                "06.12.34.56.78",
            ]
            .map(|n| Ok::<_, String>(Recipient::new(n)))
            .into_iter(),
        )
    };
    let e = splio_sms::check_stream(&head(), &national, Duplicates::Allow).unwrap_err();
    assert!(
        e.problems()[0].message.contains("set default_country"),
        "{e}"
    );

    let rules = splio_sms::ValidationSettings::default()
        .duplicates(Duplicates::Allow)
        .default_country("FR")
        .unwrap();
    let summary = splio_sms::check_stream(&head(), &national, rules).unwrap();
    assert_eq!((summary.count, summary.rewritten), (4, 3));
    let rewrites: Vec<(usize, &str)> = summary
        .rewrites
        .iter()
        .map(|(i, _, to, _)| (*i, to.as_str()))
        .collect();
    assert_eq!(
        rewrites,
        [
            (0, "+33612345678"),
            (1, "+33612345679"),
            (3, "+33612345678")
        ]
    );

    // Under `reject`, the national and international writings are one number.
    let e = splio_sms::check_stream(&head(), &national, rules.duplicates(Duplicates::Reject))
        .unwrap_err();
    assert_eq!(e.problems()[0].path, "rcpts[3].cellphone");

    let sandbox = sandbox();
    let client = builder(&sandbox)
        .default_country("FR")
        .duplicates(Duplicates::Dedupe)
        .build()
        .unwrap();
    let report = client
        .send_stream(&head(), &national, &BatchControl::new())
        .unwrap();
    assert_eq!(report.dropped, [3]);
    let sent: Vec<String> = sandbox
        .messages()
        .iter()
        .flat_map(|m| m.rcpts.iter())
        .map(|r| r["cellphone"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(sent, ["+33612345678", "+33612345679", "+33612345670"]);
}
