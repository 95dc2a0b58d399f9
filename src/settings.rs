//! Client settings: a builder in Rust, one JSON object for the C ABI.
//!
//! Settings are checked once, in [`ClientBuilder::build`]; a send never
//! re-reads them.
#![forbid(unsafe_code)]

use std::fmt;
use std::net::IpAddr;
use std::path::PathBuf;
use std::time::Duration;

use serde_json::{Map, Value};

use crate::client::Client;
use crate::error::{Error, ErrorKind, Problem, Result};

/// Where the universe is hosted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Region {
    /// Europe hosting: `https://s3s.fr/api/triggersms/`.
    #[default]
    Eu,
    /// Asia hosting: `https://api.spl4cn.com/api/triggersms/`.
    Asia,
}

impl Region {
    /// The service's base URL for this region.
    pub fn base_url(self) -> &'static str {
        match self {
            Region::Eu => "https://s3s.fr/api/triggersms/",
            Region::Asia => "https://api.spl4cn.com/api/triggersms/",
        }
    }
}

/// The HTTP method of a send. `GET` is never offered: it would put the key in URLs and logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Method {
    /// The provider's documented method.
    #[default]
    Put,
    /// For proxies that drop `PUT`; same body.
    Post,
}

/// What to do when the same number appears more than once in one request
/// (the service would send one SMS per occurrence).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Duplicates {
    /// Refuse the request with a `validation` error naming each repeated number.
    #[default]
    Reject,
    /// Keep the first occurrence, drop the others and report how many were dropped.
    Dedupe,
    /// Send as given: one SMS per occurrence.
    Allow,
}

impl Duplicates {
    fn parse(s: &str) -> Option<Self> {
        match s {
            "reject" => Some(Duplicates::Reject),
            "dedupe" => Some(Duplicates::Dedupe),
            "allow" => Some(Duplicates::Allow),
            _ => None,
        }
    }
}

pub(crate) const DEFAULT_ENDPOINT: &str = "nph-4.pl";
const MAX_TIMEOUT: Duration = Duration::from_secs(3600);
const MAX_RETRIES: u32 = 10;
const MAX_BATCH_SIZE: usize = 10_000;
const MAX_CONCURRENCY: usize = 64;

/// Every setting of a [`Client`], as given. Build one with [`Client::builder`]
/// or [`ClientBuilder::from_json`].
#[derive(Clone)]
pub struct ClientBuilder {
    pub(crate) universe: String,
    pub(crate) key: String,
    pub(crate) region: Region,
    pub(crate) base_url: Option<String>,
    pub(crate) endpoint: String,
    pub(crate) method: Method,
    pub(crate) timeout: Duration,
    pub(crate) connect_timeout: Duration,
    pub(crate) max_retries: u32,
    pub(crate) retry_unknown: bool,
    pub(crate) proxy: Option<String>,
    pub(crate) ca_file: Option<PathBuf>,
    pub(crate) allow_insecure_http: bool,
    pub(crate) user_agent_suffix: Option<String>,
    pub(crate) duplicates: Duplicates,
    pub(crate) batch_size: usize,
    pub(crate) concurrency: usize,
    pub(crate) binding: String,
}

impl ClientBuilder {
    pub(crate) fn new(universe: impl Into<String>, key: impl Into<String>) -> Self {
        ClientBuilder {
            universe: universe.into(),
            key: key.into(),
            region: Region::Eu,
            base_url: None,
            endpoint: DEFAULT_ENDPOINT.to_owned(),
            method: Method::Put,
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            max_retries: 2,
            retry_unknown: false,
            proxy: None,
            ca_file: None,
            allow_insecure_http: false,
            user_agent_suffix: None,
            duplicates: Duplicates::Reject,
            batch_size: 1000,
            concurrency: 4,
            binding: "rust".to_owned(),
        }
    }

    /// The hosting region (default [`Region::Eu`]); ignored when a base URL is set.
    pub fn region(mut self, region: Region) -> Self {
        self.region = region;
        self
    }

    /// Overrides the region's base URL, e.g. a sandbox's `http://127.0.0.1:8080/api/triggersms/`.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// The script name under the base URL (default `nph-4.pl`).
    pub fn endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.endpoint = endpoint.into();
        self
    }

    /// `PUT` (default) or `POST`.
    pub fn method(mut self, method: Method) -> Self {
        self.method = method;
        self
    }

    /// The longest one attempt may take, from connecting to the last byte of the answer (default 30 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The longest connecting (DNS, TCP, TLS) may take (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Automatic retries of failures that cannot have sent anything (default 2).
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.max_retries = retries;
        self
    }

    /// Also retry failures whose delivery is unknown. This may send an SMS twice.
    pub fn retry_unknown(mut self, yes: bool) -> Self {
        self.retry_unknown = yes;
        self
    }

    /// An HTTP(S) or SOCKS proxy URL; without it the usual proxy variables apply.
    pub fn proxy(mut self, url: impl Into<String>) -> Self {
        self.proxy = Some(url.into());
        self
    }

    /// A PEM file whose certificates are trusted in addition to the built-in roots.
    pub fn ca_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.ca_file = Some(path.into());
        self
    }

    /// Allows plain `http://` to a host that is not loopback. The key then travels in clear.
    pub fn allow_insecure_http(mut self, yes: bool) -> Self {
        self.allow_insecure_http = yes;
        self
    }

    /// Text appended to the `User-Agent`, e.g. your application's name.
    pub fn user_agent_suffix(mut self, suffix: impl Into<String>) -> Self {
        self.user_agent_suffix = Some(suffix.into());
        self
    }

    /// The duplicate-number policy (default [`Duplicates::Reject`]).
    pub fn duplicates(mut self, policy: Duplicates) -> Self {
        self.duplicates = policy;
        self
    }

    /// Recipients per request in [`Client::send_batch`] (default 1000).
    pub fn batch_size(mut self, size: usize) -> Self {
        self.batch_size = size;
        self
    }

    /// Batch requests in flight at once in [`Client::send_batch`] (default 4).
    pub fn concurrency(mut self, n: usize) -> Self {
        self.concurrency = n;
        self
    }

    /// Names the binding in the `User-Agent` (`c`, `python 3.12`, `cli`).
    #[doc(hidden)]
    pub fn binding(mut self, binding: impl Into<String>) -> Self {
        self.binding = binding.into();
        self
    }

    /// Checks every setting and makes the client (its connection pool and TLS
    /// configuration are made here, once).
    pub fn build(self) -> Result<Client> {
        let problems = self.problems();
        if !problems.is_empty() {
            return Err(Error::with_problems(ErrorKind::InvalidArgument, problems));
        }
        Client::from_builder(self)
    }

    /// Reads settings from one JSON object with the contract's names
    /// (`universe`, `key`, `timeout_ms`, …). Unknown names are refused.
    pub fn from_json(json: &str) -> Result<Self> {
        let value: Value = serde_json::from_str(json)
            .map_err(|e| Error::invalid_argument(format!("settings are not valid JSON: {e}")))?;
        let Value::Object(map) = value else {
            return Err(Error::invalid_argument("settings must be a JSON object"));
        };
        let mut problems = Vec::new();
        let builder = from_map(&map, &mut problems);
        // Report value problems with the type problems, not one round later.
        for p in builder.problems() {
            if !problems.iter().any(|q| q.path == p.path) {
                problems.push(p);
            }
        }
        if problems.is_empty() {
            Ok(builder)
        } else {
            Err(Error::with_problems(ErrorKind::InvalidArgument, problems))
        }
    }

    /// The URL a send goes to, after region, base URL and endpoint are applied.
    pub(crate) fn url(&self) -> String {
        let base = self.base_url.as_deref().unwrap_or(self.region.base_url());
        if base.ends_with('/') {
            format!("{base}{}", self.endpoint)
        } else {
            format!("{base}/{}", self.endpoint)
        }
    }

    fn problems(&self) -> Vec<Problem> {
        let mut p = Vec::new();
        // Never quote the key: a problem names it, not its value.
        if let Some(why) = credential_problem(&self.universe) {
            p.push(Problem::new("settings.universe", why));
        }
        if let Some(why) = credential_problem(&self.key) {
            p.push(Problem::new("settings.key", why));
        }
        if let Some(url) = &self.base_url {
            if let Err(why) = check_base_url(url, self.allow_insecure_http) {
                p.push(Problem::new("settings.base_url", why));
            }
        }
        if self.endpoint.is_empty()
            || !self
                .endpoint
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
        {
            p.push(Problem::new(
                "settings.endpoint",
                "must be a script name such as nph-4.pl (letters, digits, '.', '_', '-')",
            ));
        }
        check_duration(&mut p, "settings.timeout_ms", self.timeout);
        check_duration(&mut p, "settings.connect_timeout_ms", self.connect_timeout);
        if self.max_retries > MAX_RETRIES {
            p.push(Problem::new(
                "settings.max_retries",
                format!("must be at most {MAX_RETRIES}"),
            ));
        }
        if self.batch_size == 0 || self.batch_size > MAX_BATCH_SIZE {
            p.push(Problem::new(
                "settings.batch_size",
                format!("must be between 1 and {MAX_BATCH_SIZE}"),
            ));
        }
        if self.concurrency == 0 || self.concurrency > MAX_CONCURRENCY {
            p.push(Problem::new(
                "settings.concurrency",
                format!("must be between 1 and {MAX_CONCURRENCY}"),
            ));
        }
        if let Some(s) = &self.user_agent_suffix {
            if s.chars().any(|c| c.is_control()) {
                p.push(Problem::new(
                    "settings.user_agent_suffix",
                    "must not contain control characters",
                ));
            }
        }
        p
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("universe", &self.universe)
            .field("key", &"***")
            .field("url", &self.url())
            .field("method", &self.method)
            .field("timeout", &self.timeout)
            .field("max_retries", &self.max_retries)
            .field("retry_unknown", &self.retry_unknown)
            .field("duplicates", &self.duplicates)
            .finish_non_exhaustive()
    }
}

/// Why a universe or key is unusable, without quoting it.
pub(crate) fn credential_problem(s: &str) -> Option<&'static str> {
    if s.is_empty() {
        Some("must not be empty")
    } else if s.chars().any(|c| c.is_whitespace() || c.is_control()) {
        Some("must not contain whitespace or control characters")
    } else {
        None
    }
}

fn check_duration(p: &mut Vec<Problem>, path: &str, d: Duration) {
    if d.is_zero() || d > MAX_TIMEOUT {
        p.push(Problem::new(
            path,
            format!("must be between 1 ms and {} ms", MAX_TIMEOUT.as_millis()),
        ));
    }
}

fn check_base_url(url: &str, allow_insecure_http: bool) -> std::result::Result<(), String> {
    let uri: ureq::http::Uri = url
        .parse()
        .map_err(|_| "is not a valid absolute URL".to_owned())?;
    let host = uri
        .host()
        .ok_or_else(|| "must be an absolute URL with a host".to_owned())?;
    if uri.authority().is_some_and(|a| a.as_str().contains('@')) {
        return Err("must not contain user credentials".to_owned());
    }
    if uri.query().is_some() || url.contains('#') {
        return Err("must not contain a query or fragment".to_owned());
    }
    match uri.scheme_str() {
        Some("https") => Ok(()),
        Some("http") if allow_insecure_http || is_loopback(host) => Ok(()),
        Some("http") => Err(format!(
            "plain http:// to {host} would send the key in clear; use https://, \
             a loopback host, or set allow_insecure_http"
        )),
        _ => Err("must start with https:// (or http:// for a loopback host)".to_owned()),
    }
}

fn is_loopback(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    bare.eq_ignore_ascii_case("localhost")
        || bare.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// Copies a settings object into a builder, noting every problem on the way.
fn from_map(map: &Map<String, Value>, p: &mut Vec<Problem>) -> ClientBuilder {
    let mut b = ClientBuilder::new(String::new(), String::new());
    let mut seen_universe = false;
    let mut seen_key = false;
    for (name, v) in map {
        let path = format!("settings.{name}");
        let path = path.as_str();
        match name.as_str() {
            "universe" => {
                seen_universe = true;
                b.universe = string(p, path, v).unwrap_or_default();
            }
            "key" => {
                seen_key = true;
                b.key = string(p, path, v).unwrap_or_default();
            }
            "region" => match v.as_str() {
                Some("eu") => b.region = Region::Eu,
                Some("asia") => b.region = Region::Asia,
                _ => p.push(Problem::new(path, "must be \"eu\" or \"asia\"")),
            },
            "base_url" => b.base_url = optional_string(p, path, v),
            "endpoint" => b.endpoint = string(p, path, v).unwrap_or_default(),
            "method" => match v.as_str() {
                Some(m) if m.eq_ignore_ascii_case("put") => b.method = Method::Put,
                Some(m) if m.eq_ignore_ascii_case("post") => b.method = Method::Post,
                _ => p.push(Problem::new(path, "must be \"PUT\" or \"POST\"")),
            },
            "timeout_ms" => {
                b.timeout = millis(p, path, v).unwrap_or(b.timeout);
            }
            "connect_timeout_ms" => {
                b.connect_timeout = millis(p, path, v).unwrap_or(b.connect_timeout);
            }
            "max_retries" => b.max_retries = whole(p, path, v).map_or(b.max_retries, |n| n as u32),
            "retry_unknown" => b.retry_unknown = boolean(p, path, v),
            "proxy" => b.proxy = optional_string(p, path, v),
            "ca_file" => b.ca_file = optional_string(p, path, v).map(PathBuf::from),
            "allow_insecure_http" => b.allow_insecure_http = boolean(p, path, v),
            "user_agent_suffix" => b.user_agent_suffix = optional_string(p, path, v),
            "duplicates" => match v.as_str().and_then(Duplicates::parse) {
                Some(d) => b.duplicates = d,
                None => p.push(Problem::new(
                    path,
                    "must be \"reject\", \"dedupe\" or \"allow\"",
                )),
            },
            "batch_size" => b.batch_size = whole(p, path, v).map_or(b.batch_size, |n| n as usize),
            "concurrency" => {
                b.concurrency = whole(p, path, v).map_or(b.concurrency, |n| n as usize)
            }
            _ => p.push(Problem::new(path, "unknown setting")),
        }
    }
    if !seen_universe {
        p.push(Problem::new("settings.universe", "is required"));
    }
    if !seen_key {
        p.push(Problem::new("settings.key", "is required"));
    }
    b
}

fn string(p: &mut Vec<Problem>, path: &str, v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        _ => {
            p.push(Problem::new(path, "must be a string"));
            None
        }
    }
}

fn optional_string(p: &mut Vec<Problem>, path: &str, v: &Value) -> Option<String> {
    if v.is_null() {
        None
    } else {
        string(p, path, v)
    }
}

fn boolean(p: &mut Vec<Problem>, path: &str, v: &Value) -> bool {
    v.as_bool().unwrap_or_else(|| {
        p.push(Problem::new(path, "must be true or false"));
        false
    })
}

fn whole(p: &mut Vec<Problem>, path: &str, v: &Value) -> Option<u64> {
    let n = v.as_u64().filter(|n| *n <= u32::MAX as u64);
    if n.is_none() {
        p.push(Problem::new(path, "must be a whole number, 0 or more"));
    }
    n
}

fn millis(p: &mut Vec<Problem>, path: &str, v: &Value) -> Option<Duration> {
    whole(p, path, v).map(Duration::from_millis)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_joins_base_and_endpoint_with_one_slash() {
        let b = ClientBuilder::new("u", "k").base_url("http://127.0.0.1:9/api/triggersms");
        assert_eq!(b.url(), "http://127.0.0.1:9/api/triggersms/nph-4.pl");
        let b = ClientBuilder::new("u", "k").region(Region::Asia);
        assert_eq!(b.url(), "https://api.spl4cn.com/api/triggersms/nph-4.pl");
    }

    #[test]
    fn loopback_hosts_are_recognised() {
        assert!(is_loopback("127.0.0.1"));
        assert!(is_loopback("127.1.2.3"));
        assert!(is_loopback("[::1]"));
        assert!(is_loopback("LOCALHOST"));
        assert!(!is_loopback("10.0.0.1"));
        assert!(!is_loopback("example.com"));
    }

    #[test]
    fn base_url_rules() {
        assert!(check_base_url("https://s3s.fr/api/triggersms/", false).is_ok());
        assert!(check_base_url("http://127.0.0.1:8080/", false).is_ok());
        assert!(check_base_url("http://example.com/", false).is_err());
        assert!(check_base_url("http://example.com/", true).is_ok());
        assert!(check_base_url("ftp://example.com/", true).is_err());
        assert!(check_base_url("https://user:pw@example.com/", false).is_err());
        assert!(check_base_url("https://example.com/?a=b", false).is_err());
        assert!(check_base_url("not a url", false).is_err());
    }
}
