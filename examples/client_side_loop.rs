//! One client-side path alone, looped, for callgrind (no request is made):
//! `intl` reads, validates and encodes a 1,000-recipient request with
//! +E.164 numbers; `national` the same with French national numbers read
//! with `default_country` `FR`; `answer` reads the service's answer.
//!
//! The instructions of one send are the difference between two counts
//! divided by the difference in sends, so that start-up and the first
//! number of a country (which compiles its patterns) are left out:
//! `valgrind --tool=callgrind target/release/examples/client_side_loop intl 2`
//! and the same with 12.

use splio_sms::bench_support::{prepare_json, read_answer, request_json, ANSWER};
use splio_sms::Client;

fn main() {
    let mut args = std::env::args().skip(1);
    let usage = "usage: client_side_loop intl|national|answer COUNT";
    let mode = args.next().expect(usage);
    let count: usize = args.next().and_then(|n| n.parse().ok()).expect(usage);
    let mut total = 0;
    match mode.as_str() {
        "intl" | "national" => {
            let national = mode == "national";
            let mut builder = Client::builder("bench_universe", "bench-key")
                .base_url("http://127.0.0.1:9/api/triggersms/");
            if national {
                builder = builder.default_country("FR");
            }
            let client = builder.build().expect("client");
            let json = request_json(1000, national);
            for _ in 0..count {
                total += prepare_json(&client, std::hint::black_box(&json)).expect("valid");
            }
        }
        "answer" => {
            for _ in 0..count {
                let result = read_answer(200, std::hint::black_box(ANSWER)).expect("ok");
                total += result.inserted.unwrap_or(0) as usize;
            }
        }
        _ => panic!("{usage}"),
    }
    println!("{mode} × {count}: {total}");
}
