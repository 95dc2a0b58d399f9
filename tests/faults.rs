//! The fault matrix: each case a misbehaving loopback server, each ending in
//! a definite outcome within the configured timeout, with the right delivery.

mod common;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::*;
use splio_sms::{Client, Delivery, Error, ErrorKind, SendResult};

const OK_BODY: &str = r#"{"status":"ok","result":{"done":1,"inserted":"1","campaign_id":"6tJglf8zd","todo":1},"message":"ok","code":200}"#;
const TIMEOUT: Duration = Duration::from_millis(800);

/// A server whose every connection gets `behave`; counts the requests it read.
struct Misbehaving {
    port: u16,
    requests: Arc<AtomicUsize>,
}

impl Misbehaving {
    fn start(behave: impl Fn(TcpStream, &AtomicUsize) + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let requests = Arc::new(AtomicUsize::new(0));
        let (count, behave) = (requests.clone(), Arc::new(behave));
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (count, behave) = (count.clone(), behave.clone());
                std::thread::spawn(move || behave(stream, &count));
            }
        });
        Misbehaving { port, requests }
    }

    fn send(&self, retries: u32) -> (Result<SendResult, Error>, Duration) {
        let client = Client::builder(UNIVERSE, KEY)
            .base_url(format!("http://127.0.0.1:{}/api/triggersms/", self.port))
            .timeout(TIMEOUT)
            .max_retries(retries)
            .build()
            .unwrap();
        let started = Instant::now();
        let outcome = client.send(&one("+33612345678"));
        (outcome, started.elapsed())
    }

    fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }
}

/// Reads one request (headers and a Content-Length body); counts it.
fn read_request(stream: &mut TcpStream, count: &AtomicUsize) -> bool {
    let mut buf = Vec::new();
    let mut byte = [0u8; 1];
    while !buf.ends_with(b"\r\n\r\n") {
        match stream.read(&mut byte) {
            Ok(1) => buf.push(byte[0]),
            _ => return false,
        }
    }
    let head = String::from_utf8_lossy(&buf).to_ascii_lowercase();
    let length: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    if head.contains("expect: 100-continue") {
        let _ = stream.write_all(b"HTTP/1.1 100 Continue\r\n\r\n");
    }
    let mut body = vec![0u8; length];
    if stream.read_exact(&mut body).is_err() {
        return false;
    }
    count.fetch_add(1, Ordering::SeqCst);
    true
}

/// Closes with a TCP reset instead of an orderly close.
fn reset(stream: TcpStream) {
    let socket = socket2::Socket::from(stream);
    let _ = socket.set_linger(Some(Duration::ZERO));
    drop(socket);
}

fn assert_failed(
    outcome: &Result<SendResult, Error>,
    kinds: &[ErrorKind],
    delivery: Delivery,
) -> Error {
    let e = outcome.clone().expect_err("expected a failure");
    assert!(
        kinds.contains(&e.kind()),
        "kind {:?} not in {kinds:?}: {e}",
        e.kind()
    );
    assert_eq!(e.delivery(), delivery, "{e}");
    e
}

/// "Within the configured timeout": the whole attempt is bounded by it (plus scheduling slack).
fn assert_bounded(elapsed: Duration) {
    assert!(
        elapsed < TIMEOUT + Duration::from_secs(2),
        "took {elapsed:?}"
    );
}

#[test]
fn connection_refused_is_not_sent_and_retried() {
    let port = closed_port();
    let client = Client::builder(UNIVERSE, KEY)
        .base_url(format!("http://127.0.0.1:{port}/"))
        .max_retries(1)
        .build()
        .unwrap();
    let e = client.send(&one("+33612345678")).unwrap_err();
    assert_eq!(
        (e.kind(), e.delivery(), e.attempts()),
        (ErrorKind::Transport, Delivery::NotSent, 2)
    );
}

#[test]
fn reset_before_the_request_is_read_is_unknown_once_written() {
    // The request is written into the socket, then the server resets without
    // reading it: the client cannot know that, so it must not re-send.
    let server = Misbehaving::start(|stream, _| {
        std::thread::sleep(Duration::from_millis(100));
        reset(stream);
    });
    let (outcome, elapsed) = server.send(3);
    let e = assert_failed(&outcome, &[ErrorKind::Transport], Delivery::Unknown);
    assert_eq!(e.attempts(), 1);
    assert_bounded(elapsed);
}

#[test]
fn reset_after_the_request_is_read_is_unknown_and_not_resent() {
    let server = Misbehaving::start(|mut stream, count| {
        read_request(&mut stream, count);
        reset(stream);
    });
    let (outcome, elapsed) = server.send(3);
    assert_failed(&outcome, &[ErrorKind::Transport], Delivery::Unknown);
    assert_eq!(
        server.requests(),
        1,
        "an unknown outcome must not be sent again"
    );
    assert_bounded(elapsed);
}

#[test]
fn closed_in_the_middle_of_the_headers_is_unknown() {
    let server = Misbehaving::start(|mut stream, count| {
        read_request(&mut stream, count);
        let _ = stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Ty");
    });
    let (outcome, elapsed) = server.send(3);
    assert_failed(
        &outcome,
        &[ErrorKind::Transport, ErrorKind::Protocol],
        Delivery::Unknown,
    );
    assert_eq!(server.requests(), 1);
    assert_bounded(elapsed);
}

#[test]
fn closed_in_the_middle_of_the_body_is_unknown() {
    let server = Misbehaving::start(|mut stream, count| {
        read_request(&mut stream, count);
        let _ =
            stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"status\":\"ok\"");
    });
    let (outcome, elapsed) = server.send(3);
    assert_failed(
        &outcome,
        &[ErrorKind::Transport, ErrorKind::Protocol],
        Delivery::Unknown,
    );
    assert_eq!(server.requests(), 1);
    assert_bounded(elapsed);
}

#[test]
fn a_server_that_never_answers_times_out_unknown() {
    let server = Misbehaving::start(|mut stream, count| {
        read_request(&mut stream, count);
        std::thread::sleep(Duration::from_secs(10));
    });
    let (outcome, elapsed) = server.send(3);
    assert_failed(&outcome, &[ErrorKind::Timeout], Delivery::Unknown);
    assert!(
        elapsed >= TIMEOUT,
        "gave up before the timeout: {elapsed:?}"
    );
    assert_bounded(elapsed);
    assert_eq!(server.requests(), 1);
}

#[test]
fn a_server_that_trickles_one_byte_a_second_is_cut_at_the_timeout() {
    let server = Misbehaving::start(|mut stream, count| {
        read_request(&mut stream, count);
        let answer = format!(
            "HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n{OK_BODY}",
            OK_BODY.len()
        );
        for b in answer.bytes() {
            if stream.write_all(&[b]).is_err() {
                return;
            }
            std::thread::sleep(Duration::from_secs(1));
        }
    });
    let (outcome, elapsed) = server.send(0);
    assert_failed(&outcome, &[ErrorKind::Timeout], Delivery::Unknown);
    assert_bounded(elapsed);
}

#[test]
fn a_content_length_longer_than_the_body_is_unknown() {
    let server = Misbehaving::start(move |mut stream, count| {
        read_request(&mut stream, count);
        let _ = write!(
            stream,
            "HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n{OK_BODY}",
            OK_BODY.len() + 50
        );
    });
    let (outcome, elapsed) = server.send(0);
    assert_failed(
        &outcome,
        &[
            ErrorKind::Transport,
            ErrorKind::Protocol,
            ErrorKind::Timeout,
        ],
        Delivery::Unknown,
    );
    assert_bounded(elapsed);
}

#[test]
fn a_content_length_shorter_than_the_body_reads_a_cut_document_as_protocol() {
    let server = Misbehaving::start(move |mut stream, count| {
        read_request(&mut stream, count);
        let _ = write!(
            stream,
            "HTTP/1.1 200 OK\r\nContent-Length: 20\r\n\r\n{OK_BODY}"
        );
    });
    let (outcome, _) = server.send(0);
    assert_failed(&outcome, &[ErrorKind::Protocol], Delivery::Unknown);
}

fn answered(response: &'static str) -> Misbehaving {
    Misbehaving::start(move |mut stream, count| {
        if read_request(&mut stream, count) {
            let _ = stream.write_all(response.as_bytes());
        }
    })
}

#[test]
fn chunked_encoding_is_read() {
    let (a, b) = OK_BODY.split_at(40);
    let response = format!(
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n{:x}\r\n{a}\r\n{:x}\r\n{b}\r\n0\r\n\r\n",
        a.len(),
        b.len()
    );
    let server = answered(Box::leak(response.into_boxed_str()));
    let (outcome, _) = server.send(0);
    let r = outcome.unwrap();
    assert_eq!((r.todo, r.inserted), (Some(1), Some(1)));
}

#[test]
fn http_1_0_without_a_length_is_read_to_the_close() {
    let server = answered(
        "HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n{\"status\":\"ok\",\"result\":{\"inserted\":1}}",
    );
    let (outcome, _) = server.send(0);
    assert_eq!(outcome.unwrap().inserted, Some(1));
}

#[test]
fn an_interim_100_continue_is_skipped() {
    let response = format!(
        "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n{OK_BODY}",
        OK_BODY.len()
    );
    let server = answered(Box::leak(response.into_boxed_str()));
    let (outcome, _) = server.send(0);
    assert_eq!(outcome.unwrap().inserted, Some(1));
}

#[test]
fn an_unknown_certificate_fails_before_sending_and_its_ca_file_makes_it_work() {
    let (url, ca_pem) = tls_server(&["localhost", "127.0.0.1"]);
    let client = Client::builder(UNIVERSE, KEY)
        .base_url(&url)
        .max_retries(3)
        .build()
        .unwrap();
    let e = client.send(&one("+33612345678")).unwrap_err();
    assert_eq!(
        (e.kind(), e.delivery()),
        (ErrorKind::Transport, Delivery::NotSent),
        "{e}"
    );
    assert!(
        e.message().contains("TLS") && e.message().contains("certificate"),
        "{e}"
    );
    assert_eq!(
        e.attempts(),
        1,
        "a certificate failure does not pass by retrying"
    );

    let dir = std::env::temp_dir().join(format!("splio-ca-{}.pem", std::process::id()));
    std::fs::write(&dir, &ca_pem).unwrap();
    let trusted = Client::builder(UNIVERSE, KEY)
        .base_url(&url)
        .ca_file(&dir)
        .build()
        .unwrap();
    let r = trusted.send(&one("+33612345678"));
    std::fs::remove_file(&dir).ok();
    assert_eq!(r.unwrap().inserted, Some(1));
}

/// tinyproxy from the distribution, on a free port, allowing loopback clients.
struct Proxy {
    port: u16,
    child: Child,
    _dir: std::path::PathBuf,
}

impl Drop for Proxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self._dir);
    }
}

fn tinyproxy() -> Proxy {
    let port = closed_port();
    let dir = std::env::temp_dir().join(format!("splio-tinyproxy-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let conf = dir.join("tinyproxy.conf");
    std::fs::write(
        &conf,
        format!(
            "Port {port}\nListen 127.0.0.1\nTimeout 30\nAllow 127.0.0.1\nMaxClients 20\n\
             LogLevel Error\nLogFile \"{}\"\nDisableViaHeader Yes\n",
            dir.join("log").display()
        ),
    )
    .unwrap();
    let child = Command::new("tinyproxy")
        .arg("-d")
        .arg("-c")
        .arg(&conf)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("tinyproxy is installed (make test installs it)");
    let started = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "tinyproxy did not start"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    Proxy {
        port,
        child,
        _dir: dir,
    }
}

#[test]
fn a_real_proxy_in_between_carries_the_send() {
    let proxy = tinyproxy();
    let sandbox = sandbox();
    let client = builder(&sandbox)
        .proxy(format!("http://127.0.0.1:{}", proxy.port))
        .build()
        .unwrap();
    let r = client.send(&one("+33612345678")).unwrap();
    assert_eq!(r.inserted, Some(1));
    assert_eq!(sandbox.messages().len(), 1);
}

#[test]
fn a_dead_proxy_is_a_transport_failure_not_sent() {
    let sandbox = sandbox();
    let client = builder(&sandbox)
        .proxy(format!("http://127.0.0.1:{}", closed_port()))
        .max_retries(0)
        .build()
        .unwrap();
    let e = client.send(&one("+33612345678")).unwrap_err();
    assert_eq!(
        (e.kind(), e.delivery()),
        (ErrorKind::Transport, Delivery::NotSent),
        "{e}"
    );
    assert_eq!(sandbox.hits(), 0);
}
