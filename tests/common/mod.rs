//! Helpers shared by the integration tests: a sandbox and a client aimed at it.
#![allow(dead_code)]

#[cfg(feature = "cli")]
pub mod cli;

use std::time::Duration;

use splio_sms::sandbox::{Sandbox, SandboxConfig};
use splio_sms::{Client, ClientBuilder, Recipient, SendRequest};

pub const UNIVERSE: &str = "test_universe";
pub const KEY: &str = "K3y-Never-Shown-0123";
pub const DESIGN: &str = "AbCdEf123";

pub fn config() -> SandboxConfig {
    SandboxConfig::default().account(UNIVERSE, KEY)
}

pub fn sandbox() -> Sandbox {
    Sandbox::start(config()).expect("sandbox starts")
}

/// Settings for `sandbox`, with short backoff-friendly timeouts.
pub fn builder(sandbox: &Sandbox) -> ClientBuilder {
    Client::builder(UNIVERSE, KEY)
        .base_url(sandbox.base_url())
        .timeout(Duration::from_secs(5))
}

pub fn client(sandbox: &Sandbox) -> Client {
    builder(sandbox).build().expect("client builds")
}

pub fn one(cellphone: &str) -> SendRequest {
    SendRequest::new(DESIGN).recipient(Recipient::new(cellphone))
}

/// `n` distinct valid French mobile numbers.
pub fn numbers(n: usize) -> Vec<Recipient> {
    (0..n)
        .map(|i| Recipient::new(format!("+336{:08}", i)))
        .collect()
}

/// A loopback port with nothing listening on it.
pub fn closed_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

/// How many SMS each number got, over everything the sandbox accepted.
pub fn received(sandbox: &Sandbox) -> std::collections::HashMap<String, usize> {
    let mut count = std::collections::HashMap::new();
    for m in sandbox.messages() {
        for r in m.rcpts {
            *count
                .entry(r["cellphone"].as_str().unwrap().to_owned())
                .or_default() += 1;
        }
    }
    count
}

/// A TLS server configuration with a self-signed certificate for `names`
/// (no public root vouches for it), and that certificate's PEM — what a
/// client's `ca_file` must hold to trust it.
pub fn self_signed_tls(names: &[&str]) -> (std::sync::Arc<rustls::ServerConfig>, String) {
    let names = names.iter().map(|n| n.to_string()).collect::<Vec<_>>();
    let certified = rcgen::generate_simple_self_signed(names).unwrap();
    let pem = certified.cert.pem();
    let key = rustls::pki_types::PrivateKeyDer::Pkcs8(certified.signing_key.serialize_der().into());
    let config = rustls::ServerConfig::builder_with_provider(std::sync::Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(vec![certified.cert.der().clone()], key)
    .unwrap();
    (std::sync::Arc::new(config), pem)
}

/// The service's usual success answer, as the TLS test servers give it.
pub const TLS_OK_BODY: &str = r#"{"status":"ok","result":{"done":1,"inserted":"1","campaign_id":"6tJglf8zd","todo":1},"message":"ok","code":200}"#;

/// A keep-alive TLS server on loopback with a self-signed certificate for
/// `names`, answering each request (once its form body has arrived) with
/// [`TLS_OK_BODY`]: its base URL and the certificate's PEM.
pub fn tls_server(names: &[&str]) -> (String, String) {
    use std::io::{Read, Write};
    let (config, pem) = self_signed_tls(names);
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
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
                            "HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n{TLS_OK_BODY}",
                            TLS_OK_BODY.len()
                        );
                        let _ = tls.flush();
                    }
                }
            });
        }
    });
    (format!("https://127.0.0.1:{port}/api/triggersms/"), pem)
}
