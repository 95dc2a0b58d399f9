//! The client-side cost of a send, without the network: reading a
//! 1,000-recipient request from JSON, validating it and encoding the body,
//! and reading the service's answer.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use splio_sms::bench_support::{prepare_json, read_answer};
use splio_sms::Client;

fn request_json(n: usize) -> String {
    let rcpts: Vec<String> = (0..n)
        .map(|i| {
            format!(
                r#"{{"cellphone":"+336{:08}","firstname":"Jöhn {i}","lastname":"Doe","c0":"{}"}}"#,
                10_000_000 + i,
                100_000 + i
            )
        })
        .collect();
    format!(
        r#"{{"message":"AbCdEf123","rcpts":[{}],"opcode":"O12345","category":"welcome"}}"#,
        rcpts.join(",")
    )
}

fn bench(c: &mut Criterion) {
    // No request is made: the client only supplies the credentials and policy.
    let client = Client::builder("bench_universe", "bench-key")
        .base_url("http://127.0.0.1:9/api/triggersms/")
        .build()
        .unwrap();
    let json = request_json(1000);
    let mut g = c.benchmark_group("client_side");
    g.throughput(Throughput::Elements(1000));
    g.bench_function("read_validate_encode_1000_rcpts", |b| {
        b.iter(|| prepare_json(&client, std::hint::black_box(&json)).unwrap())
    });
    g.finish();
    let answer = br#"{"status":"ok","result":{"done":1000,"inserted":"1000","campaign_id":"6tJglf8zd","todo":1000},"message":"ok","code":200}"#;
    c.bench_function("read_answer", |b| {
        b.iter(|| read_answer(200, std::hint::black_box(answer)).unwrap())
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
