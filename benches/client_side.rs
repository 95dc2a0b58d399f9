//! The client-side cost of a send, without the network: reading a
//! 1,000-recipient request from JSON, validating it and encoding the body,
//! and reading the service's answer.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use splio_sms::bench_support::{prepare_json, read_answer, request_json, ANSWER};
use splio_sms::Client;

fn bench(c: &mut Criterion) {
    // No request is made: the client only supplies the credentials and policy.
    let client = Client::builder("bench_universe", "bench-key")
        .base_url("http://127.0.0.1:9/api/triggersms/")
        .build()
        .unwrap();
    let json = request_json(1000, false);
    let mut g = c.benchmark_group("client_side");
    g.throughput(Throughput::Elements(1000));
    g.bench_function("read_validate_encode_1000_rcpts", |b| {
        b.iter(|| prepare_json(&client, std::hint::black_box(&json)).unwrap())
    });
    let french = Client::builder("bench_universe", "bench-key")
        .base_url("http://127.0.0.1:9/api/triggersms/")
        .default_country("FR")
        .build()
        .unwrap();
    let national = request_json(1000, true);
    g.bench_function("read_validate_encode_1000_national_rcpts", |b| {
        b.iter(|| prepare_json(&french, std::hint::black_box(&national)).unwrap())
    });
    g.finish();
    c.bench_function("read_answer", |b| {
        b.iter(|| read_answer(200, std::hint::black_box(ANSWER)).unwrap())
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
