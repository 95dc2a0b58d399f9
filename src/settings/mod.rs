//! Client settings: a builder in Rust, one JSON object for the C ABI,
//! keywords in Python, flags and `SPLIO_*` variables in the command — all
//! read through the one table in [`schema`] and checked once, into a
//! [`Settings`] value the client is made from. This module knows nothing of
//! the client.
#![forbid(unsafe_code)]

mod read;
mod schema;

use std::fmt;
use std::net::IpAddr;
use std::path::PathBuf;
use std::time::Duration;

use serde_json::Value as Json;

pub use read::{SettingInput, Text};
pub use schema::{Face, Kind, Setting, SETTINGS};

use crate::error::{Error, ErrorKind, Problem, Result};
use crate::phone::NumberCheck;

const COUNTRY_PROBLEM: &str =
    "must be an ISO 3166-1 alpha-2 country code the phone metadata knows, such as FR";

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
    /// The names settings use, in the order of [`Region::ALL`].
    pub const NAMES: &'static [&'static str] = &["eu", "asia"];
    const ALL: [Region; 2] = [Region::Eu, Region::Asia];

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

impl Method {
    /// The names settings use, in the order of [`Method::ALL`].
    pub const NAMES: &'static [&'static str] = &["PUT", "POST"];
    const ALL: [Method; 2] = [Method::Put, Method::Post];
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
    /// The names settings use, in the order of [`Duplicates::ALL`].
    pub const NAMES: &'static [&'static str] = &["reject", "dedupe", "allow"];
    const ALL: [Duplicates; 3] = [Duplicates::Reject, Duplicates::Dedupe, Duplicates::Allow];
}

/// The settings that change what validation accepts, for checking a request
/// without a client ([`crate::validate_with`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct ValidationSettings {
    /// The duplicate-number policy.
    pub duplicates: Duplicates,
    /// The country whose national numbers (`06 12 34 56 78`) are read as its own (`FR`).
    pub default_country: Option<&'static str>,
    /// How strictly numbers are checked against the metadata.
    pub number_check: NumberCheck,
}

impl From<Duplicates> for ValidationSettings {
    fn from(duplicates: Duplicates) -> Self {
        ValidationSettings::default().duplicates(duplicates)
    }
}

impl ValidationSettings {
    /// The duplicate-number policy.
    pub fn duplicates(mut self, policy: Duplicates) -> Self {
        self.duplicates = policy;
        self
    }

    /// National numbers are read as `country`'s (ISO 3166-1 alpha-2, any case);
    /// `Err` names a country the metadata does not know.
    pub fn default_country(mut self, country: &str) -> Result<Self> {
        self.default_country = Some(crate::phone::country(country).ok_or_else(|| {
            Error::with_problems(
                ErrorKind::InvalidArgument,
                vec![Problem::new("settings.default_country", COUNTRY_PROBLEM)],
            )
        })?);
        Ok(self)
    }

    /// How strictly numbers are checked.
    pub fn number_check(mut self, check: NumberCheck) -> Self {
        self.number_check = check;
        self
    }

    /// Reads the validation settings (and only those) from `entries`, each
    /// spelled as its face writes it; any other name is refused.
    pub fn read<'a>(
        entries: impl IntoIterator<Item = (Face, &'a str, &'a dyn SettingInput)>,
    ) -> Result<Self> {
        let mut b = ClientBuilder::empty();
        for (face, name, input) in entries {
            match Setting::find(face, name) {
                Some(s) if s.validation => b.read_setting(s, face, input),
                _ => b.problems.push(unknown(face, name, true)),
            }
        }
        let problems = b.problems_of(|s| s.validation);
        match problems.is_empty() {
            true => Ok(b.settings.validation),
            false => Err(Error::with_problems(ErrorKind::InvalidArgument, problems)),
        }
    }
}

/// Every setting, checked: what a client is made from.
#[derive(Clone)]
pub struct Settings {
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
    pub(crate) validation: ValidationSettings,
    /// `default_country` as given, kept to name it in a problem when unknown.
    pub(crate) default_country: Option<String>,
    pub(crate) batch_size: usize,
    pub(crate) concurrency: usize,
    pub(crate) log_full_numbers: bool,
    pub(crate) binding: String,
    /// Which face wrote each setting (by position in [`SETTINGS`]), so that a
    /// problem found later — at the check, or when the file a setting names
    /// is read — names it as its writer spelled it.
    origin: Vec<Face>,
}

impl Settings {
    /// Every setting at the table's default (universe and key empty).
    fn defaults() -> Self {
        let mut s = Settings {
            universe: String::new(),
            key: String::new(),
            region: Region::Eu,
            base_url: None,
            endpoint: String::new(),
            method: Method::Put,
            timeout: Duration::ZERO,
            connect_timeout: Duration::ZERO,
            max_retries: 0,
            retry_unknown: false,
            proxy: None,
            ca_file: None,
            allow_insecure_http: false,
            user_agent_suffix: None,
            validation: ValidationSettings::default(),
            default_country: None,
            batch_size: 0,
            concurrency: 0,
            log_full_numbers: false,
            binding: "rust".to_owned(),
            origin: vec![Face::Json; SETTINGS.len()],
        };
        for setting in SETTINGS {
            if let Some(default) = setting.default {
                // The table's defaults are valid: a test reads every one.
                if let Ok(Some(v)) = read::parse(setting, Face::Json, &Text(default)) {
                    (setting.set)(&mut s, v);
                }
            }
        }
        s
    }

    /// How a problem names the setting `json` (a [`Setting::json`] name):
    /// as the face that wrote it spells it.
    pub(crate) fn path_of(&self, json: &str) -> String {
        match SETTINGS.iter().position(|s| s.json == json) {
            Some(i) => SETTINGS[i].path(self.origin[i]),
            None => format!("settings.{json}"),
        }
    }

    /// The URL a send goes to, after region, base URL and endpoint are applied.
    pub fn url(&self) -> String {
        let base = self.base_url.as_deref().unwrap_or(self.region.base_url());
        if base.ends_with('/') {
            format!("{base}{}", self.endpoint)
        } else {
            format!("{base}/{}", self.endpoint)
        }
    }

    /// The universe.
    pub fn universe(&self) -> &str {
        &self.universe
    }

    /// The settings validation uses.
    pub fn validation(&self) -> ValidationSettings {
        self.validation
    }

    /// Recipients per request in a batch.
    pub fn batch_size(&self) -> usize {
        self.batch_size
    }

    /// Batch requests in flight at once.
    pub fn concurrency(&self) -> usize {
        self.concurrency
    }

    /// The `User-Agent` header: `splio-sms/<version> (<binding>) [suffix]`.
    pub(crate) fn user_agent(&self) -> String {
        let mut ua = format!("splio-sms/{} ({})", env!("CARGO_PKG_VERSION"), self.binding);
        if let Some(suffix) = self.user_agent_suffix.as_deref().filter(|s| !s.is_empty()) {
            ua.push(' ');
            ua.push_str(suffix);
        }
        ua
    }
}

impl fmt::Debug for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Settings")
            .field("universe", &self.universe)
            .field("key", &"***")
            .field("url", &self.url())
            .field("method", &self.method)
            .field("timeout", &self.timeout)
            .field("max_retries", &self.max_retries)
            .field("retry_unknown", &self.retry_unknown)
            .field("duplicates", &self.validation.duplicates)
            .finish_non_exhaustive()
    }
}

/// Every setting of a client, as given. Made by [`crate::Client::builder`],
/// [`ClientBuilder::from_json`] or read setting by setting from any face with
/// [`ClientBuilder::read`]; [`ClientBuilder::check`] (or `build`) applies the rules.
#[derive(Clone)]
pub struct ClientBuilder {
    settings: Settings,
    given: Vec<bool>,
    /// Problems found while reading; reported with the others at `check`.
    problems: Vec<Problem>,
}

impl ClientBuilder {
    pub(crate) fn new(universe: impl Into<String>, key: impl Into<String>) -> Self {
        let mut b = ClientBuilder::empty();
        b.settings.universe = universe.into();
        b.settings.key = key.into();
        b.given[0] = true;
        b.given[1] = true;
        b
    }

    /// Every setting at its default, no universe or key yet: for reading
    /// settings one by one with [`read`](ClientBuilder::read).
    pub fn empty() -> Self {
        ClientBuilder {
            settings: Settings::defaults(),
            given: vec![false; SETTINGS.len()],
            problems: Vec::new(),
        }
    }

    /// Reads one setting spelled `name` in `face` (`timeout` in Python,
    /// `timeout_ms` in JSON, `--timeout-ms` on the command line). A problem —
    /// an unknown name, a wrong type, a value out of range — is kept and
    /// reported by [`check`](ClientBuilder::check) with every other.
    pub fn read(mut self, face: Face, name: &str, input: &dyn SettingInput) -> Self {
        match Setting::find(face, name) {
            Some(setting) => self.read_setting(setting, face, input),
            None => self.problems.push(unknown(face, name, false)),
        }
        self
    }

    fn read_setting(&mut self, setting: &'static Setting, face: Face, input: &dyn SettingInput) {
        let at = position(setting);
        self.given[at] = true;
        self.settings.origin[at] = face;
        match read::parse(setting, face, input) {
            Ok(Some(value)) => (setting.set)(&mut self.settings, value),
            Ok(None) => {}
            Err(p) => self.problems.push(p),
        }
    }

    /// Reads every setting whose `SPLIO_*` variable is set (and not empty).
    pub fn read_env(mut self) -> Self {
        for setting in SETTINGS {
            match std::env::var(setting.env) {
                Ok(v) if !v.is_empty() => self.read_setting(setting, Face::Env, &Text(&v)),
                Err(std::env::VarError::NotUnicode(_)) => {
                    // Given, and refused: not also "not set" or "empty".
                    let at = position(setting);
                    self.given[at] = true;
                    self.settings.origin[at] = Face::Env;
                    self.problems
                        .push(Problem::new(setting.env, "is not valid UTF-8"));
                }
                _ => {}
            }
        }
        self
    }

    /// Whether `json` (a [`Setting::json`] name) was given by any face.
    pub fn is_given(&self, json: &str) -> bool {
        SETTINGS
            .iter()
            .position(|s| s.json == json)
            .is_some_and(|i| self.given[i])
    }

    /// Notes a problem with every required setting not given, spelled for `face`.
    pub fn require(mut self, face: Face) -> Self {
        for (i, setting) in SETTINGS.iter().enumerate() {
            if setting.kind == Kind::Required && !self.given[i] {
                let problem = match face {
                    Face::Env => Problem::new(setting.env, "is not set"),
                    _ => Problem::new(setting.path(face), "is required"),
                };
                self.problems.push(problem);
            }
        }
        self
    }

    /// Reads settings from one JSON object with the contract's names
    /// (`universe`, `key`, `timeout_ms`, …). Unknown names are refused, and
    /// every problem is reported at once.
    pub fn from_json(json: &str) -> Result<Self> {
        let value: Json = serde_json::from_str(json)
            .map_err(|e| Error::invalid_argument(format!("settings are not valid JSON: {e}")))?;
        let Json::Object(map) = value else {
            return Err(Error::invalid_argument("settings must be a JSON object"));
        };
        let mut b = ClientBuilder::empty();
        for (name, v) in &map {
            b = b.read(Face::Json, name, v);
        }
        let b = b.require(Face::Json);
        let problems = b.problems_of(|_| true);
        match problems.is_empty() {
            true => Ok(b),
            false => Err(Error::with_problems(ErrorKind::InvalidArgument, problems)),
        }
    }

    /// Checks every setting: the settings a client is made from, or every problem at once.
    pub fn check(self) -> Result<Settings> {
        let problems = self.problems_of(|_| true);
        if problems.is_empty() {
            Ok(self.settings)
        } else {
            Err(Error::with_problems(ErrorKind::InvalidArgument, problems))
        }
    }

    /// The problems found while reading, and those of the settings `which` selects.
    fn problems_of(&self, which: impl Fn(&Setting) -> bool) -> Vec<Problem> {
        let mut problems = self.problems.clone();
        for (i, setting) in SETTINGS.iter().enumerate().filter(|(_, s)| which(s)) {
            let face = self.settings.origin[i];
            let path = setting.path(face);
            // A setting already refused while reading is not reported twice.
            if problems.iter().any(|p| p.path == path) {
                continue;
            }
            let why = read::problem(setting.kind, face, &(setting.get)(&self.settings))
                .or_else(|| setting.check.and_then(|check| check(&self.settings)));
            if let Some(why) = why {
                problems.push(Problem::new(path, why));
            }
        }
        problems
    }

    /// The hosting region (default [`Region::Eu`]); ignored when a base URL is set.
    pub fn region(mut self, region: Region) -> Self {
        self.settings.region = region;
        self
    }

    /// Overrides the region's base URL, e.g. a sandbox's `http://127.0.0.1:8080/api/triggersms/`.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.settings.base_url = Some(url.into());
        self
    }

    /// The script name under the base URL (default `nph-4.pl`).
    pub fn endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.settings.endpoint = endpoint.into();
        self
    }

    /// `PUT` (default) or `POST`.
    pub fn method(mut self, method: Method) -> Self {
        self.settings.method = method;
        self
    }

    /// The longest one attempt may take, from connecting to the last byte of the answer (default 30 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.settings.timeout = timeout;
        self
    }

    /// The longest connecting (DNS, TCP, TLS) may take (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.settings.connect_timeout = timeout;
        self
    }

    /// Automatic retries of failures that cannot have sent anything (default 2).
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.settings.max_retries = retries;
        self
    }

    /// Also retry failures whose delivery is unknown. This may send an SMS twice.
    pub fn retry_unknown(mut self, yes: bool) -> Self {
        self.settings.retry_unknown = yes;
        self
    }

    /// An HTTP(S) or SOCKS proxy URL; without it the usual proxy variables apply.
    pub fn proxy(mut self, url: impl Into<String>) -> Self {
        self.settings.proxy = Some(url.into());
        self
    }

    /// A PEM file whose certificates are trusted in addition to the built-in roots.
    pub fn ca_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.settings.ca_file = Some(path.into());
        self
    }

    /// Allows plain `http://` to a host that is not loopback. The key then travels in clear.
    pub fn allow_insecure_http(mut self, yes: bool) -> Self {
        self.settings.allow_insecure_http = yes;
        self
    }

    /// Text appended to the `User-Agent`, e.g. your application's name.
    pub fn user_agent_suffix(mut self, suffix: impl Into<String>) -> Self {
        self.settings.user_agent_suffix = Some(suffix.into());
        self
    }

    /// The duplicate-number policy (default [`Duplicates::Reject`]).
    pub fn duplicates(mut self, policy: Duplicates) -> Self {
        self.settings.validation.duplicates = policy;
        self
    }

    /// National numbers (`06 12 34 56 78`) are read as `country`'s (`FR`);
    /// an unknown country is named when the client is built.
    pub fn default_country(mut self, country: impl Into<String>) -> Self {
        let country = country.into();
        self.settings.validation.default_country = crate::phone::country(&country);
        self.settings.default_country = Some(country);
        self
    }

    /// How strictly numbers are checked (default [`NumberCheck::Valid`]).
    pub fn number_check(mut self, check: NumberCheck) -> Self {
        self.settings.validation.number_check = check;
        self
    }

    /// Recipients per request in a batch send (default 1000).
    pub fn batch_size(mut self, size: usize) -> Self {
        self.settings.batch_size = size;
        self
    }

    /// Requests in flight at once: a batch's pieces (default 4).
    pub fn concurrency(mut self, n: usize) -> Self {
        self.settings.concurrency = n;
        self
    }

    /// Log records show phone numbers whole instead of masked (default false).
    pub fn log_full_numbers(mut self, yes: bool) -> Self {
        self.settings.log_full_numbers = yes;
        self
    }

    /// Names the binding in the `User-Agent` (`c`, `python 3.12`, `cli`).
    #[doc(hidden)]
    pub fn binding(mut self, binding: impl Into<String>) -> Self {
        self.settings.binding = binding.into();
        self
    }

    /// The URL a send goes to.
    pub fn url(&self) -> String {
        self.settings.url()
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("ClientBuilder")
            .field(&self.settings)
            .finish()
    }
}

/// The endpoint a client uses unless told otherwise (the sandbox serves it too).
#[cfg(feature = "sandbox")]
pub(crate) fn default_endpoint() -> &'static str {
    Setting::find(Face::Json, "endpoint")
        .and_then(|s| s.default)
        .unwrap_or_default()
}

fn position(setting: &Setting) -> usize {
    SETTINGS
        .iter()
        .position(|s| std::ptr::eq(s, setting))
        .unwrap_or(0)
}

/// An unknown name, with the right spelling when it is another face's.
fn unknown(face: Face, name: &str, validation_only: bool) -> Problem {
    let path = match face {
        Face::Json => format!("settings.{name}"),
        _ => name.to_owned(),
    };
    let faces = [Face::Json, Face::Python, Face::Cli, Face::Env];
    let hint = faces
        .iter()
        .find_map(|&other| Setting::find(other, name))
        .filter(|s| !validation_only || s.validation)
        .map(|s| format!(" (did you mean {}?)", s.name(face)));
    let what = if validation_only {
        "not a setting that validation uses"
    } else {
        "unknown setting"
    };
    Problem::wrong_type(path, format!("{what}{}", hint.unwrap_or_default()))
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

fn country_problem(s: &Settings) -> Option<String> {
    let given = s.default_country.as_deref()?;
    crate::phone::country(given)
        .is_none()
        .then(|| COUNTRY_PROBLEM.to_owned())
}

fn endpoint_problem(endpoint: &str) -> Option<String> {
    let ok = !endpoint.is_empty()
        && endpoint
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b));
    (!ok).then(|| {
        "must be a script name such as nph-4.pl (letters, digits, '.', '_', '-')".to_owned()
    })
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

    #[test]
    fn every_default_in_the_table_reads_as_its_kind() {
        for s in SETTINGS {
            if let Some(d) = s.default {
                assert!(
                    matches!(read::parse(s, Face::Json, &Text(d)), Ok(Some(_))),
                    "{}",
                    s.json
                );
            }
        }
        let d = Settings::defaults();
        assert_eq!(d.timeout, Duration::from_secs(30));
        assert_eq!(d.endpoint, "nph-4.pl");
        assert_eq!((d.batch_size, d.concurrency, d.max_retries), (1000, 4, 2));
    }

    #[test]
    fn each_face_names_a_bad_setting_its_own_way() {
        let bad = Text("0");
        for (face, name, path) in [
            (Face::Json, "timeout_ms", "settings.timeout_ms"),
            (Face::Python, "timeout", "timeout"),
            (Face::Cli, "--timeout-ms", "--timeout-ms"),
            (Face::Env, "SPLIO_TIMEOUT_MS", "SPLIO_TIMEOUT_MS"),
        ] {
            let e = ClientBuilder::new("u", "k")
                .read(face, name, &bad)
                .check()
                .unwrap_err();
            assert_eq!(e.problems()[0].path, path);
        }
    }

    #[test]
    fn choices_are_read_without_regard_to_case_by_one_parser() {
        let s = ClientBuilder::new("u", "k")
            .read(Face::Json, "method", &Text("post"))
            .read(Face::Json, "duplicates", &Text("DEDUPE"))
            .read(Face::Json, "region", &Text("Asia"))
            .check()
            .unwrap();
        assert_eq!(s.method, Method::Post);
        assert_eq!(s.validation.duplicates, Duplicates::Dedupe);
        assert_eq!(s.region, Region::Asia);
    }
}
