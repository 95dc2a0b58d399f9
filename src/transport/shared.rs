//! What the clients of one process share: the connector chain, and in it the
//! TLS configuration built from the root certificates.
//!
//! ureq builds a rustls configuration per agent, on its first connection:
//! with a `ca_file`, that parses every root certificate again (milliseconds),
//! so a program that makes a client per send paid it on every send. Clients
//! with the same roots share one chain, so its configuration (and its TLS
//! session cache, which lets a new client resume a session) is built once per
//! process. The key is the `ca_file`'s content, not its path: a file replaced
//! by a new certificate gives a new configuration.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use ureq::tls::{Certificate, PemItem, RootCerts, TlsConfig};
use ureq::unversioned::transport::{
    ChainedConnector, ConnectionDetails, Connector, DefaultConnector, Transport,
};

use super::coalesce::{Coalesce, Coalesced};
use super::{Witnessed, WriteWitness};

type Chain = ChainedConnector<(), ChainedConnector<(), DefaultConnector, WriteWitness>, Coalesce>;

/// One process-wide chain, handed to each agent made with the same roots.
#[derive(Debug, Clone)]
pub(super) struct SharedConnector(Arc<Chain>);

impl Connector<()> for SharedConnector {
    type Out = Coalesced<Witnessed<Box<dyn Transport>>>;

    fn connect(
        &self,
        details: &ConnectionDetails,
        chained: Option<()>,
    ) -> Result<Option<Self::Out>, ureq::Error> {
        self.0.connect(details, chained)
    }
}

/// The TLS configuration and connector for roots: the built-in ones, plus
/// the certificates of `ca_pem` when given.
#[derive(Debug, Clone)]
pub(super) struct Shared {
    pub tls: TlsConfig,
    pub connector: SharedConnector,
}

/// Why a `ca_file` cannot be used.
pub(super) enum BadPem {
    Invalid(String),
    NoCertificate,
}

pub(super) fn for_roots(ca_pem: Option<Vec<u8>>) -> Result<Shared, BadPem> {
    static BY_ROOTS: OnceLock<Mutex<HashMap<Option<Vec<u8>>, Shared>>> = OnceLock::new();
    let map = BY_ROOTS.get_or_init(Mutex::default);
    if let Some(shared) = map.lock().unwrap_or_else(|p| p.into_inner()).get(&ca_pem) {
        return Ok(shared.clone());
    }
    // Built outside the lock: another thread may build the same in parallel,
    // and the first one stored wins.
    let tls = match &ca_pem {
        None => TlsConfig::builder().build(),
        Some(pem) => tls_with(pem)?,
    };
    let shared = Shared {
        tls,
        connector: SharedConnector(Arc::new(
            DefaultConnector::new().chain(WriteWitness).chain(Coalesce),
        )),
    };
    let mut map = map.lock().unwrap_or_else(|p| p.into_inner());
    Ok(map.entry(ca_pem).or_insert(shared).clone())
}

/// The built-in roots (full DER, so the file adds to them) and the file's.
fn tls_with(pem: &[u8]) -> Result<TlsConfig, BadPem> {
    let mut roots: Vec<Certificate<'static>> = webpki_root_certs::TLS_SERVER_ROOT_CERTS
        .iter()
        .map(|c| Certificate::from_der(c.as_ref()).to_owned())
        .collect();
    let builtin = roots.len();
    for item in ureq::tls::parse_pem(pem) {
        match item {
            Ok(PemItem::Certificate(c)) => roots.push(c),
            Ok(_) => {}
            Err(e) => return Err(BadPem::Invalid(e.to_string())),
        }
    }
    if roots.len() == builtin {
        return Err(BadPem::NoCertificate);
    }
    Ok(TlsConfig::builder()
        .root_certs(RootCerts::from(roots))
        .build())
}
