//! Sends from THREADS threads sharing one client, N sends in all; prints
//! sends per second. Used by `make bench` (bench/run.py).
//!
//! `cargo run --release --example send_threads -- BASE_URL THREADS [N]`

use std::time::Instant;

use splio_sms::{Client, SendRequest};

fn main() {
    let mut args = std::env::args().skip(1);
    let base_url = args
        .next()
        .expect("usage: send_threads BASE_URL THREADS [N]");
    let threads: usize = args
        .next()
        .map_or(1, |s| s.parse().expect("THREADS is a number"));
    let n: usize = args
        .next()
        .map_or(20_000, |s| s.parse().expect("N is a number"));
    let client = Client::builder("sandbox", "sandbox-key")
        .base_url(base_url)
        .build()
        .expect("client");
    let request = SendRequest::from_json(
        r#"{"message":"AbCdEf123","rcpts":[{"cellphone":"+33612345678","firstname":"John"}]}"#,
    )
    .expect("request");
    for _ in 0..200 {
        client.send(&request).expect("warm-up send");
    }
    let started = Instant::now();
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                for _ in 0..n / threads {
                    client.send(&request).expect("send");
                }
            });
        }
    });
    let secs = started.elapsed().as_secs_f64();
    let sent = n / threads * threads;
    println!(
        "threads={threads}: {sent} sends in {secs:.2} s = {:.0} sends/s",
        sent as f64 / secs
    );
}
