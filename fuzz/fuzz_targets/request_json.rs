//! Any text as a request: read, validated and encoded as a send would, never
//! a panic; every validation error names at least one problem.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use splio_sms::{bench_support::prepare_json, Client, ErrorKind};

static CLIENT: OnceLock<Client> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    // No request is ever made: the client only holds credentials and policy.
    let client = CLIENT.get_or_init(|| {
        Client::builder("fuzz", "fuzz-key")
            .base_url("http://127.0.0.1:9/")
            .build()
            .expect("fixed settings are valid")
    });
    match prepare_json(client, text) {
        Ok(len) => assert!(len > 0),
        Err(e) if e.kind() == ErrorKind::Validation => assert!(!e.problems().is_empty()),
        Err(e) => assert_eq!(e.kind(), ErrorKind::InvalidArgument),
    }
    let _ = splio_sms::validate_json(text);
    let _ = splio_sms::Recipient::from_json(text);
});
