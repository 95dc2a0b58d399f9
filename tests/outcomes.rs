//! Every row of the contract's "reading the answer" table, against the
//! sandbox over real loopback HTTP.

mod common;

use common::*;
use splio_sms::sandbox::{Fault, Sandbox};
use splio_sms::{Delivery, Error, ErrorKind, SendResult};

fn send(sandbox: &Sandbox) -> Result<SendResult, Error> {
    let client = builder(sandbox).max_retries(0).build().unwrap();
    client.send(&one("+33612345678"))
}

fn canned(status: u16, body: &str) -> Result<SendResult, Error> {
    let sandbox = sandbox();
    sandbox.push_fault(Fault::status(status, body));
    send(&sandbox)
}

#[test]
fn status_ok_is_success_with_counts_read_from_numbers_and_numeric_strings() {
    let sandbox = sandbox();
    let r = send(&sandbox).unwrap();
    // The sandbox sends "inserted" as a string, like the real service.
    assert_eq!((r.todo, r.done, r.inserted), (Some(1), Some(1), Some(1)));
    assert_eq!(r.http_status, 200);
    assert_eq!(r.attempts, 1);
    assert_eq!(r.campaign_id.as_deref().map(str::len), Some(9));
}

#[test]
fn odd_counts_read_as_unknown_not_as_failure() {
    let r = canned(
        200,
        r#"{"status":"ok","result":{"todo":"3","done":-1,"inserted":"many","campaign_id":7}}"#,
    )
    .unwrap();
    assert_eq!(r.todo, Some(3));
    assert_eq!(r.done, None);
    assert_eq!(r.inserted, None);
    assert_eq!(r.campaign_id.as_deref(), Some("7"));
}

#[test]
fn status_ok_without_result_is_still_success() {
    let r = canned(200, r#"{"status":"ok"}"#).unwrap();
    assert_eq!(
        (r.todo, r.done, r.inserted, r.campaign_id),
        (None, None, None, None)
    );
}

#[test]
fn status_blocked_is_insufficient_credit_not_sent() {
    let sandbox = Sandbox::start(config().credit(0)).unwrap();
    let e = send(&sandbox).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InsufficientCredit);
    assert_eq!(e.delivery(), Delivery::NotSent);
    assert!(sandbox.messages().is_empty());
}

#[test]
fn wrong_key_is_auth_with_the_services_text() {
    let sandbox = sandbox();
    let client = splio_sms::Client::builder(UNIVERSE, "wrong-key")
        .base_url(sandbox.base_url())
        .build()
        .unwrap();
    let e = client.send(&one("+33612345678")).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Auth);
    assert_eq!(e.http_status(), Some(400));
    assert_eq!(e.delivery(), Delivery::NotSent);
    assert_eq!(e.attempts(), 1);
    assert!(e.message().contains("invalid key for this universe"), "{e}");
}

#[test]
fn error_in_an_http_200_body_is_read_like_an_http_400() {
    let sandbox = Sandbox::start(config().errors_as_http_200(true)).unwrap();
    let client = splio_sms::Client::builder("unknown_universe", KEY)
        .base_url(sandbox.base_url())
        .build()
        .unwrap();
    let e = client.send(&one("+33612345678")).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Auth);
    assert_eq!(e.http_status(), Some(200));
    assert!(e.message().contains("universe"), "{e}");
}

#[test]
fn http_401_and_403_are_auth_whatever_the_body() {
    for status in [401, 403] {
        let e = canned(status, "<html>Forbidden</html>").unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Auth, "{status}");
        assert_eq!(e.delivery(), Delivery::NotSent);
        assert_eq!(e.http_status(), Some(status));
    }
}

#[test]
fn bad_design_is_bad_request_with_the_services_text() {
    let sandbox = Sandbox::start(config().design("ZzZzZz999")).unwrap();
    let e = send(&sandbox).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::BadRequest);
    assert_eq!(e.delivery(), Delivery::NotSent);
    assert!(e.message().contains("invalid message ID"), "{e}");
}

#[test]
fn http_404_is_bad_request_naming_the_url_tried() {
    let sandbox = sandbox();
    let client = builder(&sandbox).endpoint("nph-9.pl").build().unwrap();
    let e = client.send(&one("+33612345678")).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::BadRequest);
    assert_eq!(e.http_status(), Some(404));
    assert!(
        e.message()
            .contains(&format!("{}nph-9.pl", sandbox.base_url())),
        "{e}"
    );
}

#[test]
fn code_name_description_shape_is_read_with_description_as_message() {
    let e = canned(
        400,
        r#"{"code":400,"name":"Bad Request","description":"invalid JSON"}"#,
    )
    .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::BadRequest);
    assert!(e.message().contains("invalid JSON"), "{e}");

    let e = canned(
        200,
        r#"{"code":400,"name":"Bad Request","description":"invalid API key"}"#,
    )
    .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Auth);

    let r = canned(
        200,
        r#"{"code":200,"name":"OK","description":"ok","result":{"todo":1,"done":1,"inserted":1,"campaign_id":"abc"}}"#,
    )
    .unwrap();
    assert_eq!(r.inserted, Some(1));
}

#[test]
fn http_429_is_rate_limited_not_sent_with_retry_after() {
    let sandbox = sandbox();
    sandbox.push_fault(Fault::RateLimit { retry_after: 7 });
    let e = send(&sandbox).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::RateLimited);
    assert_eq!(e.delivery(), Delivery::NotSent);
    assert_eq!(e.retry_after(), Some(std::time::Duration::from_secs(7)));
}

#[test]
fn http_5xx_with_any_body_is_server_with_unknown_delivery() {
    for (status, body) in [
        (500, "<html><body>Internal Server Error</body></html>"),
        (502, "Bad Gateway"),
        (503, r#"{"status":"ok"}"#),
    ] {
        let e = canned(status, body).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Server, "{status}");
        assert_eq!(e.delivery(), Delivery::Unknown);
        assert_eq!(e.http_status(), Some(status));
    }
}

#[test]
fn http_200_with_a_body_that_is_not_the_services_json_is_protocol() {
    for body in ["<html>hello</html>", "", r#"{"hello":"world"}"#, "[1,2]"] {
        let e = canned(200, body).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Protocol, "{body:?}");
        assert_eq!(e.delivery(), Delivery::Unknown);
    }
}

#[test]
fn answer_body_over_one_mebibyte_is_protocol() {
    let huge = format!(
        r#"{{"status":"ok","pad":"{}"}}"#,
        "x".repeat(1024 * 1024 + 10)
    );
    let e = canned(200, &huge).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Protocol);
    assert!(e.message().contains("larger than"), "{e}");
}

#[test]
fn redirects_are_errors_and_never_followed() {
    let elsewhere = sandbox();
    let sandbox = sandbox();
    let target = format!("{}nph-4.pl", elsewhere.base_url());
    for status in [301, 302, 307, 308] {
        sandbox.push_fault(Fault::status_with_headers(
            status,
            "",
            &[("Location", &target)],
        ));
        let e = send(&sandbox).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Protocol, "{status}");
        assert_eq!(e.http_status(), Some(status));
        assert!(e.message().contains("redirect"), "{e}");
    }
    assert_eq!(elsewhere.hits(), 0, "the key must never follow a redirect");
}

#[test]
fn http_4xx_with_a_plain_text_body_quotes_it() {
    let e = canned(422, "design is archived").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::BadRequest);
    assert!(e.message().contains("design is archived"), "{e}");
    assert_eq!(e.delivery(), Delivery::NotSent);
}
