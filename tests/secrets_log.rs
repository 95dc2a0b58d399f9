//! No log line, at any level and from any crate (ureq logs through `log`),
//! shows the key the client sends. Its own test binary, so that the logger
//! sees only this traffic (another test has a hostile server echo the key in
//! a response header, which ureq would log as it logs every header).

mod common;

use std::time::Duration;

use common::*;
use splio_sms::sandbox::Fault;
use splio_sms::Client;

/// Every log record.
struct Capture(std::sync::Mutex<Vec<String>>);

impl log::Log for Capture {
    fn enabled(&self, _: &log::Metadata<'_>) -> bool {
        true
    }
    fn log(&self, record: &log::Record<'_>) {
        let line = format!("{} {}: {}", record.level(), record.target(), record.args());
        self.0.lock().unwrap().push(line);
    }
    fn flush(&self) {}
}

#[test]
fn no_log_line_at_any_level_shows_the_key() {
    static CAPTURE: Capture = Capture(std::sync::Mutex::new(Vec::new()));
    log::set_logger(&CAPTURE).unwrap();
    log::set_max_level(log::LevelFilter::Trace);

    let sandbox = sandbox();
    let client = builder(&sandbox)
        .max_retries(1)
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    client.send(&one("+33612345678")).unwrap();
    for fault in [
        Fault::status(500, "x"),
        Fault::Drop,
        Fault::Latency { ms: 600 },
        Fault::RateLimit { retry_after: 0 },
    ] {
        sandbox.push_fault(fault);
        let _ = client.send(&one("+33612345678"));
    }
    let refused = Client::builder(UNIVERSE, KEY)
        .base_url(format!("http://127.0.0.1:{}/", closed_port()))
        .max_retries(1)
        .build()
        .unwrap();
    let _ = refused.send(&one("+33612345678"));

    let lines = CAPTURE.0.lock().unwrap();
    assert!(
        lines.len() > 10,
        "the logger saw too little to prove anything: {lines:?}"
    );
    for line in lines.iter() {
        assert!(!line.contains(KEY), "key in a log line: {line}");
    }
}
