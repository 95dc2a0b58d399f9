//! Delivery certainty and the retry policy: what may have queued an SMS is
//! never sent again on its own; what cannot have is retried.

mod common;

use std::time::{Duration, Instant};

use common::*;
use splio_sms::sandbox::{Fault, Sandbox};
use splio_sms::{Client, Delivery, ErrorKind};

#[test]
fn a_500_reaches_the_server_exactly_once() {
    let sandbox = sandbox();
    sandbox.push_fault(Fault::status(500, "<html>Internal Server Error</html>"));
    let e = client(&sandbox).send(&one("+33612345678")).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Server);
    assert_eq!(e.delivery(), Delivery::Unknown);
    assert_eq!(e.attempts(), 1);
    assert_eq!(sandbox.hits(), 1);
}

#[test]
fn a_timeout_waiting_for_the_answer_reaches_the_server_exactly_once() {
    let sandbox = sandbox();
    sandbox.push_fault(Fault::Latency { ms: 1500 });
    let client = builder(&sandbox)
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let e = client.send(&one("+33612345678")).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Timeout);
    assert_eq!(e.delivery(), Delivery::Unknown);
    assert_eq!(e.attempts(), 1);
    // The service went on and queued it: exactly why the delivery is unknown.
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(sandbox.hits(), 1);
    assert_eq!(sandbox.messages().len(), 1);
}

#[test]
fn a_connection_dropped_after_the_request_was_written_reaches_the_server_exactly_once() {
    let sandbox = sandbox();
    sandbox.push_fault(Fault::Drop);
    let e = client(&sandbox).send(&one("+33612345678")).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Transport, "{e}");
    assert_eq!(e.delivery(), Delivery::Unknown);
    assert_eq!(e.attempts(), 1);
    assert_eq!(sandbox.hits(), 1);
}

#[test]
fn connection_refused_is_not_sent_and_retried_max_retries_times() {
    let client = Client::builder(UNIVERSE, KEY)
        .base_url(format!(
            "http://127.0.0.1:{}/api/triggersms/",
            closed_port()
        ))
        .max_retries(2)
        .build()
        .unwrap();
    let e = client.send(&one("+33612345678")).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Transport);
    assert_eq!(e.delivery(), Delivery::NotSent);
    assert_eq!(e.attempts(), 3);
    assert!(e.message().contains("refused"), "{e}");
}

#[test]
fn max_retries_zero_makes_one_attempt() {
    let client = Client::builder(UNIVERSE, KEY)
        .base_url(format!(
            "http://127.0.0.1:{}/api/triggersms/",
            closed_port()
        ))
        .max_retries(0)
        .build()
        .unwrap();
    assert_eq!(client.send(&one("+33612345678")).unwrap_err().attempts(), 1);
}

#[test]
fn connection_refused_is_retried_until_the_service_comes_up() {
    let port = closed_port();
    let starter = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(150));
        Sandbox::start(config().port(port)).unwrap()
    });
    let client = Client::builder(UNIVERSE, KEY)
        .base_url(format!("http://127.0.0.1:{port}/api/triggersms/"))
        .max_retries(6)
        .build()
        .unwrap();
    let result = client.send(&one("+33612345678")).unwrap();
    assert!(result.attempts >= 2, "attempts: {}", result.attempts);
    let sandbox = starter.join().unwrap();
    assert_eq!(sandbox.hits(), 1);
    assert_eq!(sandbox.messages().len(), 1);
}

#[test]
fn rate_limited_is_retried_after_the_retry_after_delay() {
    let sandbox = sandbox();
    sandbox.push_fault(Fault::RateLimit { retry_after: 1 });
    let started = Instant::now();
    let result = client(&sandbox).send(&one("+33612345678")).unwrap();
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "Retry-After was not honoured"
    );
    assert_eq!(result.attempts, 2);
    assert_eq!(sandbox.hits(), 2);
    assert_eq!(sandbox.messages().len(), 1);
}

#[test]
fn retry_after_beyond_the_cap_is_returned_to_the_caller() {
    let sandbox = sandbox();
    sandbox.push_fault(Fault::RateLimit { retry_after: 3600 });
    let e = client(&sandbox).send(&one("+33612345678")).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::RateLimited);
    assert_eq!(e.attempts(), 1);
    assert_eq!(e.retry_after(), Some(Duration::from_secs(3600)));
}

#[test]
fn refusals_by_the_service_are_not_retried() {
    let sandbox = sandbox();
    let client = Client::builder(UNIVERSE, "bad-key")
        .base_url(sandbox.base_url())
        .max_retries(5)
        .build()
        .unwrap();
    let e = client.send(&one("+33612345678")).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Auth);
    assert_eq!(e.attempts(), 1);
    assert_eq!(sandbox.hits(), 1);
}

#[test]
fn unknown_outcomes_are_resent_only_when_the_caller_opts_in() {
    let sandbox = sandbox();
    sandbox.push_fault(Fault::status(503, "busy"));
    sandbox.push_fault(Fault::Drop);
    let client = builder(&sandbox).retry_unknown(true).build().unwrap();
    let result = client.send(&one("+33612345678")).unwrap();
    assert_eq!(result.attempts, 3);
    assert_eq!(sandbox.hits(), 3);
}

#[test]
fn a_final_not_sent_after_an_unknown_attempt_still_reports_unknown() {
    let sandbox = sandbox();
    sandbox.push_fault(Fault::status(500, "oops"));
    sandbox.push_fault(Fault::RateLimit { retry_after: 3600 });
    let client = builder(&sandbox).retry_unknown(true).build().unwrap();
    let e = client.send(&one("+33612345678")).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::RateLimited);
    assert_eq!(e.attempts(), 2);
    assert_eq!(
        e.delivery(),
        Delivery::Unknown,
        "the first attempt may have queued it"
    );
}

#[test]
fn validation_failures_make_no_request() {
    let sandbox = sandbox();
    let e = client(&sandbox).send(&one("not a number")).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Validation);
    assert_eq!(e.delivery(), Delivery::NotSent);
    assert_eq!(e.attempts(), 0);
    assert_eq!(sandbox.hits(), 0);
}

#[test]
fn a_reused_connection_closed_by_the_server_is_not_a_failure() {
    // Keep-alive: the second send reuses the pooled connection; a server that
    // closed it in between must not turn into an unknown delivery.
    let sandbox = sandbox();
    let client = client(&sandbox);
    client.send(&one("+33612345678")).unwrap();
    sandbox.push_fault(Fault::status_with_headers(
        200,
        r#"{"status":"ok","result":{"todo":1,"done":1,"inserted":1}}"#,
        &[("Connection", "close")],
    ));
    client.send(&one("+33612345679")).unwrap();
    std::thread::sleep(Duration::from_millis(50));
    let r = client.send(&one("+33612345670")).unwrap();
    assert_eq!(r.attempts, 1);
    assert_eq!(sandbox.hits(), 3);
}
