//! Sequential sends through the Rust API, for comparing with the same loop
//! through the C ABI (examples/c/send_loop.c). Prints sends per second.
//!
//! `cargo run --release --example send_loop -- BASE_URL [N]` against
//! `cargo run --release --features cli -- sandbox`.

use std::time::Instant;

use splio_sms::{Client, SendRequest};

fn main() {
    let mut args = std::env::args().skip(1);
    let base_url = args.next().expect("usage: send_loop BASE_URL [N]");
    let n: u32 = args
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
    for _ in 0..n {
        client.send(&request).expect("send");
    }
    let secs = started.elapsed().as_secs_f64();
    println!(
        "rust: {n} sends in {secs:.2} s = {:.0} sends/s",
        f64::from(n) / secs
    );
}
