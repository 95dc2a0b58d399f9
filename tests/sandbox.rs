//! The sandbox as other languages' tests use it: over HTTP, with the
//! service's answers and the control endpoints.

mod common;

use common::*;
use serde_json::Value;
use splio_sms::sandbox::{campaign_id, Sandbox, SandboxConfig};
use splio_sms::{ErrorKind, Recipient, SendRequest};

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .new_agent()
}

fn put_form(sandbox: &Sandbox, pairs: &[(&str, &str)]) -> (u16, Value) {
    let body: String = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish();
    let mut r = agent()
        .put(format!("{}nph-4.pl", sandbox.base_url()))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .send(&body)
        .unwrap();
    let status = r.status().as_u16();
    (
        status,
        serde_json::from_str(&r.body_mut().read_to_string().unwrap()).unwrap(),
    )
}

fn control(sandbox: &Sandbox, what: &str, body: Option<&str>) -> (u16, Value) {
    let url = format!("http://{}/_sandbox/{what}", sandbox.addr());
    let mut r = match body {
        Some(b) => agent().post(&url).send(b).unwrap(),
        None => agent().get(&url).call().unwrap(),
    };
    let status = r.status().as_u16();
    (
        status,
        serde_json::from_str(&r.body_mut().read_to_string().unwrap()).unwrap(),
    )
}

const RCPT: &str = r#"[{"cellphone":"+33612345678"}]"#;

/// A valid send of one recipient with the sandbox's account.
fn send_one(sandbox: &Sandbox) -> (u16, Value) {
    put_form(
        sandbox,
        &[
            ("universe", UNIVERSE),
            ("key", KEY),
            ("message", DESIGN),
            ("rcpts", RCPT),
        ],
    )
}

#[test]
fn answers_like_the_service_with_inserted_as_a_string() {
    let sandbox = sandbox();
    let (status, v) = send_one(&sandbox);
    assert_eq!(status, 200);
    assert_eq!(v["status"], "ok");
    assert_eq!(v["code"], 200);
    assert_eq!(v["result"]["inserted"], "1");
    assert_eq!(v["result"]["todo"], 1);
}

#[test]
fn refuses_like_the_service() {
    let sandbox = Sandbox::start(config().design(DESIGN)).unwrap();
    let cases: [(&[(&str, &str)], &str); 5] = [
        (
            &[("universe", UNIVERSE), ("key", KEY), ("message", DESIGN)],
            "missing parameters",
        ),
        (
            &[
                ("universe", UNIVERSE),
                ("key", "nope"),
                ("message", DESIGN),
                ("rcpts", RCPT),
            ],
            "invalid key for this universe",
        ),
        (
            &[
                ("universe", "other"),
                ("key", KEY),
                ("message", DESIGN),
                ("rcpts", RCPT),
            ],
            "invalid universe ID",
        ),
        (
            &[
                ("universe", UNIVERSE),
                ("key", KEY),
                ("message", "QqQqQq111"),
                ("rcpts", RCPT),
            ],
            "invalid message ID",
        ),
        (
            &[
                ("universe", UNIVERSE),
                ("key", KEY),
                ("message", DESIGN),
                ("rcpts", "[{"),
            ],
            "invalid JSON",
        ),
    ];
    for (pairs, expected) in cases {
        let (status, v) = put_form(&sandbox, pairs);
        assert_eq!(status, 400, "{expected}");
        assert_eq!(v["status"], "error");
        assert_eq!(v["message"], expected);
        assert_eq!(v["code"], 400);
    }
    assert!(sandbox.messages().is_empty());
}

#[test]
fn credit_is_spent_per_valid_number_then_sends_are_blocked() {
    let sandbox = Sandbox::start(config().credit(3)).unwrap();
    let client = client(&sandbox);
    let two = splio_sms::SendRequest::new(DESIGN).recipients(numbers(2));
    client.send(&two).unwrap();
    assert_eq!(sandbox.stats().credit, Some(1));
    let e = client.send(&two).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InsufficientCredit);
    client.send(&one("+33612345678")).unwrap();
    assert_eq!(sandbox.stats().credit, Some(0));
}

#[test]
fn campaign_ids_are_stable_per_day_and_design() {
    let sandbox = sandbox();
    let client = client(&sandbox);
    let a = client
        .send(&one("+33612345678"))
        .unwrap()
        .campaign_id
        .unwrap();
    let b = client
        .send(&one("+33612345679"))
        .unwrap()
        .campaign_id
        .unwrap();
    let c = client
        .send(&splio_sms::SendRequest::new("ZzZzZz999").recipients(numbers(1)))
        .unwrap()
        .campaign_id
        .unwrap();
    assert_eq!(a, b);
    assert_ne!(a, c);
    let today = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        / 86_400;
    assert_eq!(a, campaign_id(UNIVERSE, DESIGN, today));
}

#[test]
fn control_endpoints_drive_faults_settings_and_records_over_http() {
    let sandbox = sandbox();
    let client = builder(&sandbox).max_retries(0).build().unwrap();

    let (status, v) = control(
        &sandbox,
        "faults",
        Some(
            r#"[{"fault":"status","status":503,"body":"busy"},{"fault":"rate_limit","retry_after":60}]"#,
        ),
    );
    assert_eq!((status, &v["queued"]), (200, &Value::from(2)));
    assert_eq!(
        client.send(&one("+33612345678")).unwrap_err().kind(),
        ErrorKind::Server
    );
    assert_eq!(
        client.send(&one("+33612345678")).unwrap_err().kind(),
        ErrorKind::RateLimited
    );

    client.send(&one("+33612345678")).unwrap();
    let (_, messages) = control(&sandbox, "messages", None);
    assert_eq!(messages[0]["universe"], UNIVERSE);
    assert_eq!(messages[0]["rcpts"][0]["cellphone"], "+33612345678");

    let (_, stats) = control(&sandbox, "settings", Some(r#"{"credit":0}"#));
    assert_eq!(stats["credit"], 0);
    assert_eq!(
        client.send(&one("+33612345678")).unwrap_err().kind(),
        ErrorKind::InsufficientCredit
    );

    let (_, stats) = control(&sandbox, "stats", None);
    assert_eq!(
        (stats["hits"].as_u64(), stats["accepted"].as_u64()),
        (Some(4), Some(1))
    );
    control(&sandbox, "reset", Some(""));
    assert_eq!(sandbox.hits(), 0);
    assert!(sandbox.messages().is_empty());
}

#[test]
fn control_endpoints_refuse_what_they_do_not_understand() {
    let sandbox = sandbox();
    assert_eq!(
        control(&sandbox, "faults", Some(r#"{"fault":"explode"}"#)).0,
        400
    );
    assert_eq!(
        control(&sandbox, "settings", Some(r#"{"fail_rate":2}"#)).0,
        400
    );
    assert_eq!(
        control(&sandbox, "settings", Some(r#"{"latncy_ms":2}"#)).0,
        400
    );
}

#[test]
fn drop_fault_closes_the_connection_without_an_answer() {
    let sandbox = sandbox();
    sandbox.push_fault(splio_sms::sandbox::Fault::Drop);
    let r = agent()
        .put(format!("{}nph-4.pl", sandbox.base_url()))
        .send("universe=x");
    assert!(
        r.is_err(),
        "expected no answer, got {:?}",
        r.map(|r| r.status())
    );
}

#[test]
fn a_configured_port_is_used_and_a_bad_fail_rate_refused() {
    let port = closed_port();
    let sandbox = Sandbox::start(config().port(port)).unwrap();
    assert_eq!(sandbox.addr().port(), port);
    assert!(Sandbox::start(SandboxConfig::default().fail_rate(1.5)).is_err());
}

#[test]
fn fail_rate_one_answers_every_request_with_500() {
    let sandbox = Sandbox::start(config().fail_rate(1.0)).unwrap();
    let e = builder(&sandbox)
        .build()
        .unwrap()
        .send(&one("+33612345678"))
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Server);
    assert!(sandbox.messages().is_empty());
}

#[test]
fn a_design_with_its_text_is_rendered_recorded_and_charged_per_segment() {
    let sandbox = Sandbox::start(
        config()
            .design_text(DESIGN, "Bonjour $firstname$, votre code: $c0$")
            .credit(4),
    )
    .unwrap();
    let client = client(&sandbox);
    let long = "x".repeat(150);
    let request = SendRequest::new(DESIGN)
        .recipient(
            Recipient::new("+33612345678")
                .field("firstname", "Zoé")
                .field("c0", "1234"),
        )
        .recipient(Recipient::new("+33612345679").field("firstname", "Łukasz"))
        .recipient(Recipient::new("+33612345670").field("firstname", long.as_str()));
    client.send(&request).unwrap();
    let sms = &sandbox.messages()[0].sms;
    assert_eq!(sms[0].text, "Bonjour Zoé, votre code: 1234");
    assert_eq!((sms[0].encoding.as_str(), sms[0].segments), ("gsm7", 1));
    assert_eq!(
        (sms[1].encoding.as_str(), sms[1].text.as_str()),
        ("ucs2", "Bonjour Łukasz, votre code: ")
    );
    assert_eq!(sms[2].segments, 2, "{} characters", sms[2].text.len());
    // 1 + 1 + 2 segments: the credit of 4 is spent exactly.
    assert_eq!(sandbox.stats().credit, Some(0));
    let e = client.send(&one("+33612345678")).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InsufficientCredit);
}

#[test]
fn design_texts_can_be_given_over_http_and_other_designs_stay_unrendered() {
    let sandbox = sandbox();
    let (status, _) = control(
        &sandbox,
        "settings",
        Some(r#"{"design_texts": {"TeXt00001": "Hi $firstname$"}}"#),
    );
    assert_eq!(status, 200);
    let client = client(&sandbox);
    client
        .send(
            &SendRequest::new("TeXt00001")
                .recipient(Recipient::new("+33612345678").field("firstname", "Ann")),
        )
        .unwrap();
    client.send(&one("+33612345678")).unwrap();
    let messages = sandbox.messages();
    assert_eq!(messages[0].sms[0].text, "Hi Ann");
    assert!(messages[1].sms.is_empty());
}

#[test]
fn an_answer_never_comes_before_its_latency_whichever_path_waits() {
    // The wait is the timer's up to a few milliseconds before the deadline,
    // then a sleep: latencies on each side of that hand-over, and one the
    // timer alone would round up. A lower bound only: later is the machine's.
    for ms in [1, 3, 7] {
        let sandbox =
            Sandbox::start(config().latency(std::time::Duration::from_millis(ms))).unwrap();
        let start = std::time::Instant::now();
        let (status, v) = send_one(&sandbox);
        let took = start.elapsed();
        assert_eq!((status, &v["status"]), (200, &Value::from("ok")));
        assert!(
            took >= std::time::Duration::from_millis(ms),
            "answered after {took:?}, before its {ms} ms latency"
        );
    }
}
