//! Each request goes out in one write (head and body together), and a body
//! larger than the connection's buffer still arrives whole and in order.

mod common;

use std::io::{Read, Write};
use std::net::TcpListener;

use common::*;
use splio_sms::{Client, SendRequest};

const OK_BODY: &str = r#"{"status":"ok","result":{"done":1,"inserted":"1","campaign_id":"6tJglf8zd","todo":1},"message":"ok","code":200}"#;

/// Whether `data` is one whole request: a head and the Content-Length body.
fn is_whole_request(data: &[u8]) -> bool {
    let Some(end) = data.windows(4).position(|w| w == b"\r\n\r\n") else {
        return false;
    };
    let head = String::from_utf8_lossy(&data[..end]).to_ascii_lowercase();
    let length: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    length > 0 && data.len() == end + 4 + length
}

#[test]
fn each_request_reaches_the_server_in_one_segment() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    // The server's first read of each request returns what is on the
    // socket: with the head written before the body it would be the head
    // alone, since the server reads as soon as anything arrives.
    let server = std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        let mut first_reads = Vec::new();
        let mut buf = vec![0u8; 64 * 1024];
        for _ in 0..3 {
            let n = stream.read(&mut buf).unwrap();
            first_reads.push(buf[..n].to_vec());
            let answer = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{OK_BODY}",
                OK_BODY.len()
            );
            stream.write_all(answer.as_bytes()).unwrap();
        }
        first_reads
    });
    let client = Client::builder(UNIVERSE, KEY)
        .base_url(format!("http://127.0.0.1:{port}/api/triggersms/"))
        .build()
        .unwrap();
    for _ in 0..3 {
        client.send(&one("+33612345678")).unwrap();
    }
    for (i, read) in server.join().unwrap().iter().enumerate() {
        assert!(
            is_whole_request(read),
            "request {i}: the first read held {} bytes, not the whole request",
            read.len()
        );
    }
}

#[test]
fn a_body_larger_than_the_connection_buffer_arrives_whole_and_in_order() {
    let sandbox = sandbox();
    let client = client(&sandbox);
    // About 400 kB of body: several times ureq's 128 KiB output buffer.
    let big = SendRequest::new(DESIGN).recipients(
        numbers(3000)
            .into_iter()
            .enumerate()
            .map(|(i, r)| r.field("c0", format!("{i:0>100}"))),
    );
    client.send(&big).unwrap();
    client.send(&one("+33612345678")).unwrap();
    let messages = sandbox.messages();
    assert_eq!(messages.len(), 2);
    let rcpts = &messages[0].rcpts;
    assert_eq!(rcpts.len(), 3000);
    for (i, r) in rcpts.iter().enumerate() {
        assert_eq!(r["c0"], format!("{i:0>100}"));
        assert_eq!(r["cellphone"], format!("+336{i:08}"));
    }
    assert_eq!(messages[1].rcpts.len(), 1);
}

#[test]
fn a_pooled_connection_the_server_closed_while_idle_is_not_used_again() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let (closed_tx, closed_rx) = std::sync::mpsc::channel();
    // Each connection: one request answered with keep-alive, then closed
    // the way an idle timeout closes it (no `Connection: close`).
    let server = std::thread::spawn(move || {
        let mut requests = 0;
        for _ in 0..2 {
            let (mut stream, _) = listener.accept().unwrap();
            let mut seen = Vec::new();
            let mut buf = [0u8; 4096];
            while !is_whole_request(&seen) {
                let n = stream.read(&mut buf).unwrap();
                assert!(n > 0, "the client closed before a whole request");
                seen.extend_from_slice(&buf[..n]);
            }
            requests += 1;
            let answer = format!(
                "HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n{OK_BODY}",
                OK_BODY.len()
            );
            stream.write_all(answer.as_bytes()).unwrap();
            stream.shutdown(std::net::Shutdown::Both).unwrap();
            drop(stream);
            closed_tx.send(()).unwrap();
        }
        requests
    });
    let client = Client::builder(UNIVERSE, KEY)
        .base_url(format!("http://127.0.0.1:{port}/api/triggersms/"))
        .max_retries(0)
        .build()
        .unwrap();
    client.send(&one("+33612345678")).unwrap();
    closed_rx.recv().unwrap();
    let second = client.send(&one("+33612345678")).unwrap();
    assert_eq!(second.attempts, 1);
    assert_eq!(server.join().unwrap(), 2);
}
