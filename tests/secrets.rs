//! The API key never appears in an error's message, `Display`, `Debug` or
//! JSON document, whatever the path that produced it.

mod common;

use std::time::Duration;

use common::*;
use splio_sms::sandbox::Fault;
use splio_sms::{Client, Error};

fn assert_hidden(e: &Error) {
    for text in [
        e.to_string(),
        format!("{e:?}"),
        e.to_json(),
        e.message().to_owned(),
    ] {
        assert!(!text.contains(KEY), "key leaked: {text}");
    }
}

#[test]
fn no_error_path_shows_the_key() {
    let sandbox = sandbox();
    let client = builder(&sandbox)
        .max_retries(0)
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let faults = [
        Fault::status(500, "<html>boom</html>"),
        Fault::status(
            400,
            format!(
                r#"{{"status":"error","message":"invalid key {KEY} for this universe","code":400}}"#
            ),
        ),
        Fault::status(200, format!("not json, key={KEY}")),
        Fault::status(401, KEY),
        Fault::status(502, format!(r#"{{"description":"echo {KEY}"}}"#)),
        Fault::status_with_headers(
            302,
            "",
            &[("Location", &format!("http://127.0.0.1:1/?key={KEY}"))],
        ),
        Fault::RateLimit { retry_after: 3600 },
        Fault::Drop,
        Fault::Latency { ms: 1000 },
    ];
    for fault in faults {
        sandbox.push_fault(fault.clone());
        let e = client.send(&one("+33612345678")).unwrap_err();
        assert_hidden(&e);
    }
    // Validation, refused connection, and a wrong key.
    assert_hidden(&client.send(&one("x")).unwrap_err());
    let refused = Client::builder(UNIVERSE, KEY)
        .base_url(format!("http://127.0.0.1:{}/", closed_port()))
        .max_retries(0)
        .build()
        .unwrap();
    assert_hidden(&refused.send(&one("+33612345678")).unwrap_err());
}

#[test]
fn a_key_echoed_by_the_service_is_masked() {
    let sandbox = sandbox();
    sandbox.push_fault(Fault::status(
        400,
        format!(r#"{{"status":"error","message":"bad key {KEY}","code":400}}"#),
    ));
    let e = client(&sandbox).send(&one("+33612345678")).unwrap_err();
    assert!(e.message().contains("bad key ***"), "{e}");
}
