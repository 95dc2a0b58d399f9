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
