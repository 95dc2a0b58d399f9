//! `send_batch` of 100,000 recipients held in memory, in 1,000-recipient
//! pieces with 4 in flight; prints the time. Used by `make bench` against a
//! sandbox that adds 50 ms to every answer (ideal: 100 × 50 ms ÷ 4 = 1.25 s).
//!
//! `cargo run --release --example batch_100k -- BASE_URL`

use std::time::Instant;

use splio_sms::{BatchStatus, Client, Recipient, SendRequest};

fn main() {
    let base_url = std::env::args().nth(1).expect("usage: batch_100k BASE_URL");
    let client = Client::builder("sandbox", "sandbox-key")
        .base_url(base_url)
        .batch_size(1000)
        .concurrency(4)
        .build()
        .expect("client");
    let request = SendRequest::new("AbCdEf123").recipients((0..100_000).map(|i| {
        Recipient::new(format!("+336{i:08}"))
            .field("firstname", format!("First{i}"))
            .field("c0", i.to_string())
    }));
    let started = Instant::now();
    let report = client.send_batch(&request).expect("valid batch");
    let secs = started.elapsed().as_secs_f64();
    assert_eq!(report.status, BatchStatus::Ok, "{}", report.to_json());
    println!(
        "batch: {} recipients in {} pieces in {secs:.3} s",
        report.totals.inserted,
        report.batches.len()
    );
}
