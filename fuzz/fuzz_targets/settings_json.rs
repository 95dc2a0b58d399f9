//! Any text as settings JSON: an error or a builder, never a panic, and an
//! error never quotes the key.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Err(e) = splio_sms::ClientBuilder::from_json(text) {
        let _ = e.to_json();
    }
});
