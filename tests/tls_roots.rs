//! Clients of one process share the TLS configuration built from their roots;
//! what they trust still follows each client's `ca_file` as it reads now.

mod common;

use common::*;
use splio_sms::{Client, Delivery, ErrorKind};

fn trusting(url: &str, ca_file: &std::path::Path) -> Client {
    Client::builder(UNIVERSE, KEY)
        .base_url(url)
        .ca_file(ca_file)
        .build()
        .unwrap()
}

#[test]
fn many_clients_with_one_ca_file_each_send_over_tls() {
    let (url, pem) = tls_server(&["127.0.0.1"]);
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
    let (old_url, old_pem) = tls_server(&["127.0.0.1"]);
    let (new_url, new_pem) = tls_server(&["127.0.0.1"]);
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
