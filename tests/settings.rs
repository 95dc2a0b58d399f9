//! Settings: the JSON form used by the C ABI, the builder, and the rules
//! checked once when a client is built.

mod common;

use common::*;
use splio_sms::{Client, ErrorKind, Region};

fn problems(json: &str) -> Vec<String> {
    let e = Client::from_settings_json(json).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidArgument, "{e}");
    e.problems().iter().map(|p| p.path.clone()).collect()
}

#[test]
fn every_contract_setting_is_accepted_from_json() {
    let json = r#"{"universe":"u","key":"k","region":"asia","base_url":null,"endpoint":"nph-3.pl",
        "method":"POST","timeout_ms":5000,"connect_timeout_ms":1000,"max_retries":0,"retry_unknown":false,
        "proxy":null,"ca_file":null,"allow_insecure_http":false,"user_agent_suffix":"shop/1.2",
        "duplicates":"dedupe","batch_size":500,"concurrency":2}"#;
    let client = Client::from_settings_json(json).unwrap();
    assert_eq!(
        client.url(),
        "https://api.spl4cn.com/api/triggersms/nph-3.pl"
    );
    assert_eq!(client.universe(), "u");
}

#[test]
fn unknown_settings_are_refused_by_name() {
    assert_eq!(
        problems(r#"{"universe":"u","key":"k","timout_ms":5}"#),
        ["settings.timout_ms"]
    );
}

#[test]
fn universe_and_key_are_required_and_checked() {
    let mut p = problems(r#"{}"#);
    p.sort();
    assert_eq!(p, ["settings.key", "settings.universe"]);
    let mut p = problems(r#"{"universe":"","key":"a key"}"#);
    p.sort();
    assert_eq!(p, ["settings.key", "settings.universe"]);
}

#[test]
fn wrong_types_and_ranges_are_each_named() {
    let mut p = problems(
        r#"{"universe":"u","key":"k","region":"us","method":"GET","timeout_ms":-1,"max_retries":"2",
            "retry_unknown":"yes","duplicates":"skip","batch_size":0,"concurrency":0,"connect_timeout_ms":0}"#,
    );
    p.sort();
    assert_eq!(
        p,
        [
            "settings.batch_size",
            "settings.concurrency",
            "settings.connect_timeout_ms",
            "settings.duplicates",
            "settings.max_retries",
            "settings.method",
            "settings.region",
            "settings.retry_unknown",
            "settings.timeout_ms"
        ]
    );
}

#[test]
fn settings_text_that_is_not_a_json_object_is_refused() {
    for bad in ["", "nope", "[]", "null"] {
        let e = Client::from_settings_json(bad).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidArgument, "{bad:?}");
    }
}

#[test]
fn plain_http_is_refused_unless_loopback_or_allowed() {
    let e = Client::builder("u", "k")
        .base_url("http://sms.example.com/api/")
        .build()
        .unwrap_err();
    assert_eq!(e.problems()[0].path, "settings.base_url");
    assert!(e.message().contains("allow_insecure_http"), "{e}");
    assert!(Client::builder("u", "k")
        .base_url("http://sms.example.com/api/")
        .allow_insecure_http(true)
        .build()
        .is_ok());
    for ok in [
        "http://127.0.0.1:1/",
        "http://localhost:1/x/",
        "http://[::1]:1/",
        "https://sms.example.com/",
    ] {
        assert!(
            Client::builder("u", "k").base_url(ok).build().is_ok(),
            "{ok}"
        );
    }
}

#[test]
fn region_picks_the_hosting_and_base_url_overrides_it() {
    let eu = Client::builder("u", "k").build().unwrap();
    assert_eq!(eu.url(), "https://s3s.fr/api/triggersms/nph-4.pl");
    let asia = Client::builder("u", "k")
        .region(Region::Asia)
        .build()
        .unwrap();
    assert_eq!(asia.url(), "https://api.spl4cn.com/api/triggersms/nph-4.pl");
    let own = Client::builder("u", "k")
        .region(Region::Asia)
        .base_url("https://proxy.example.com/sms")
        .build()
        .unwrap();
    assert_eq!(own.url(), "https://proxy.example.com/sms/nph-4.pl");
}

#[test]
fn ca_file_that_cannot_be_read_or_holds_no_certificate_is_refused() {
    let e = Client::builder("u", "k")
        .ca_file("/nonexistent/ca.pem")
        .build()
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidArgument);
    assert!(e.message().contains("/nonexistent/ca.pem"), "{e}");

    let empty = std::env::temp_dir().join(format!("splio-empty-{}.pem", std::process::id()));
    std::fs::write(&empty, "not a certificate\n").unwrap();
    let e = Client::builder("u", "k")
        .ca_file(&empty)
        .build()
        .unwrap_err();
    std::fs::remove_file(&empty).ok();
    assert!(e.message().contains("no certificate"), "{e}");
}

#[test]
fn a_bad_proxy_url_is_refused_without_quoting_it() {
    let e = Client::builder("u", "k")
        .proxy("::user:s3cr3t@")
        .build()
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidArgument);
    assert!(!e.message().contains("s3cr3t"), "{e}");
}

#[test]
fn the_key_is_never_quoted_by_settings_errors() {
    for json in [
        format!(r#"{{"universe":"u","key":"{KEY} with space"}}"#),
        format!(r#"{{"universe":"u","key":["{KEY}"]}}"#),
        format!(r#"{{"universe":"u","key":"{KEY}","base_url":"ftp://x"}}"#),
    ] {
        let e = Client::from_settings_json(&json).unwrap_err();
        for text in [e.to_string(), format!("{e:?}"), e.to_json()] {
            assert!(!text.contains(KEY), "{text}");
        }
    }
}

#[test]
fn client_and_builder_debug_never_show_the_key() {
    let sandbox = sandbox();
    let b = builder(&sandbox);
    assert!(!format!("{b:?}").contains(KEY));
    let c = b.build().unwrap();
    let shown = format!("{c:?}");
    assert!(!shown.contains(KEY) && shown.contains(UNIVERSE), "{shown}");
}
