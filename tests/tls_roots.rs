//! Clients of one process share the TLS configuration built from their roots;
//! what they trust still follows each client's `ca_file` as it reads now.

mod common;

use std::io::{Read, Write};
use std::net::TcpListener;

use common::*;
use splio_sms::{Client, Delivery, ErrorKind};

const OK_BODY: &str = r#"{"status":"ok","result":{"done":1,"inserted":"1","campaign_id":"6tJglf8zd","todo":1},"message":"ok","code":200}"#;

/// A keep-alive TLS server on loopback with a self-signed certificate; its
/// base URL and the certificate's PEM.
fn tls_server() -> (String, String) {
    let (config, pem) = self_signed_tls(&["127.0.0.1"]);
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for tcp in listener.incoming().flatten() {
            let config = config.clone();
            std::thread::spawn(move || {
                let Ok(conn) = rustls::ServerConnection::new(config) else {
                    return;
                };
                let mut tls = rustls::StreamOwned::new(conn, tcp);
                let mut buf = [0u8; 8192];
                let mut seen = Vec::new();
                loop {
                    match tls.read(&mut buf) {
                        Ok(0) | Err(_) => return,
                        Ok(n) => seen.extend_from_slice(&buf[..n]),
                    }
                    // The form body ends the request; each gets an answer.
                    if String::from_utf8_lossy(&seen).contains("rcpts=") {
                        seen.clear();
                        let _ = write!(
                            tls,
                            "HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n{OK_BODY}",
                            OK_BODY.len()
                        );
                        let _ = tls.flush();
                    }
                }
            });
        }
    });
    (format!("https://127.0.0.1:{port}/api/triggersms/"), pem)
}

fn trusting(url: &str, ca_file: &std::path::Path) -> Client {
    Client::builder(UNIVERSE, KEY)
        .base_url(url)
        .ca_file(ca_file)
        .build()
        .unwrap()
}

#[test]
fn many_clients_with_one_ca_file_each_send_over_tls() {
    let (url, pem) = tls_server();
    let ca = std::env::temp_dir().join(format!("splio-roots-many-{}.pem", std::process::id()));
    std::fs::write(&ca, pem).unwrap();
    let kept = trusting(&url, &ca);
    for _ in 0..5 {
        let client = trusting(&url, &ca);
        assert_eq!(client.send(&one("+33612345678")).unwrap().inserted, Some(1));
        assert_eq!(kept.send(&one("+33612345678")).unwrap().inserted, Some(1));
    }
    std::fs::remove_file(&ca).ok();
}

#[test]
fn a_ca_file_rewritten_with_another_certificate_is_trusted_by_the_next_client() {
    let (old_url, old_pem) = tls_server();
    let (new_url, new_pem) = tls_server();
    let ca = std::env::temp_dir().join(format!("splio-roots-new-{}.pem", std::process::id()));
    std::fs::write(&ca, old_pem).unwrap();
    let before = trusting(&old_url, &ca);
    assert_eq!(before.send(&one("+33612345678")).unwrap().inserted, Some(1));

    std::fs::write(&ca, new_pem).unwrap();
    let after = trusting(&new_url, &ca);
    assert_eq!(after.send(&one("+33612345678")).unwrap().inserted, Some(1));
    let refused = trusting(&old_url, &ca)
        .send(&one("+33612345678"))
        .unwrap_err();
    std::fs::remove_file(&ca).ok();
    assert_eq!(
        (refused.kind(), refused.delivery()),
        (ErrorKind::Transport, Delivery::NotSent),
        "{refused}"
    );
    assert!(refused.message().contains("certificate"), "{refused}");
}
