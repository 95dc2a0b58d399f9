//! `send_batch` of 100,000 recipients held in memory, in 1,000-recipient
//! pieces with 4 in flight; prints the time. Used by `make bench` against a
//! sandbox that adds 50 ms to every answer (ideal: 100 × 50 ms ÷ 4 = 1.25 s).
//! Given a journal path (a file that must not exist yet), it keeps a journal
//! there and prints the journal's size too.
//!
//! `cargo run --release --example batch_100k -- BASE_URL [JOURNAL]`

use std::time::Instant;

use splio_sms::{BatchControl, BatchStatus, Client, Recipient, SendRequest};

fn main() {
    let mut args = std::env::args().skip(1);
    let base_url = args.next().expect("usage: batch_100k BASE_URL [JOURNAL]");
    let journal = args.next();
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
    let control = BatchControl::new();
    #[cfg(feature = "journal")]
    let control = match &journal {
        Some(path) => control.journal(splio_sms::Journal::new(path)),
        None => control,
    };
    let started = Instant::now();
    let report = client
        .send_batch_with(&request, &control)
        .expect("valid batch");
    let secs = started.elapsed().as_secs_f64();
    assert_eq!(report.status, BatchStatus::Ok, "{}", report.to_json());
    assert_eq!(report.already_sent, 0, "the journal must be new");
    println!(
        "batch: {} recipients in {} pieces in {secs:.3} s",
        report.totals.inserted,
        report.batches.len()
    );
    if let Some(path) = journal {
        let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        println!("journal: {size} bytes");
    }
}
