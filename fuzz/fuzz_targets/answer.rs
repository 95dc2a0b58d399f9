//! Any HTTP status, Retry-After, Location and body: read into a result or an
//! error per the outcomes table, never a panic. An accepted answer is never
//! an error, and a 5xx is never a success.
#![no_main]

use libfuzzer_sys::fuzz_target;
use splio_sms::bench_support::read_answer_with;

fuzz_target!(|input: (u16, Option<String>, Option<String>, Vec<u8>)| {
    let (status, retry_after, location, body) = input;
    let status = 100 + status % 500;
    let outcome = read_answer_with(status, retry_after.as_deref(), location.as_deref(), &body);
    if (500..600).contains(&status) {
        assert!(outcome.is_err(), "a 5xx read as a success");
    }
    if let Err(e) = &outcome {
        assert!(!e.message().is_empty());
        let _ = e.to_json();
    }
});
