//! The one table of settings: each setting's name in every face, its type,
//! default, range and allowed values. The JSON reader, the Python keywords,
//! the command's flags and the `SPLIO_*` variables all read through it, so a
//! setting added here exists everywhere with the same rules.
#![forbid(unsafe_code)]

use std::path::PathBuf;
use std::time::Duration;

use super::{Duplicates, Method, Region, Settings};
use crate::phone::NumberCheck;

/// Where a setting was written; it decides how a problem names the setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Face {
    /// The contract's JSON object (C ABI, `--config` files) and the Rust builder: `settings.timeout_ms`.
    #[default]
    Json,
    /// Python keyword arguments: `timeout` (durations in seconds).
    Python,
    /// The command's flags: `--timeout-ms`.
    Cli,
    /// Environment variables: `SPLIO_TIMEOUT_MS`.
    Env,
}

/// What kind of value a setting holds, with its limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Kind {
    /// Text, required (`universe`, `key`).
    Required,
    /// Text with a default (`endpoint`).
    Text,
    /// Text that may be absent (`base_url`, `proxy`).
    OptionalText,
    /// A file path that may be absent (`ca_file`).
    OptionalPath,
    /// `true` or `false`.
    Bool,
    /// A whole number in `min..=max`.
    Count {
        /// Smallest allowed.
        min: u64,
        /// Largest allowed.
        max: u64,
    },
    /// A duration: milliseconds in JSON, flags and variables; seconds in Python.
    Duration {
        /// Largest allowed, in milliseconds (the smallest is 1 ms).
        max_ms: u64,
    },
    /// One of a fixed list of names, matched without regard to case.
    Choice(&'static [&'static str]),
}

impl Kind {
    /// The kind's name in `tests/conformance/settings.json`.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Required | Kind::Text | Kind::OptionalText => "string",
            Kind::OptionalPath => "path",
            Kind::Bool => "bool",
            Kind::Count { .. } => "count",
            Kind::Duration { .. } => "duration_ms",
            Kind::Choice(_) => "choice",
        }
    }
}

/// A setting's value, typed by its [`Kind`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Value {
    Text(String),
    Absent,
    Path(PathBuf),
    Bool(bool),
    Count(u64),
    Duration(Duration),
    /// The position of the name in the kind's list.
    Choice(usize),
}

/// One setting. The table is [`SETTINGS`].
#[non_exhaustive]
pub struct Setting {
    /// The contract's JSON name: `timeout_ms`.
    pub json: &'static str,
    /// The Python keyword: `timeout`.
    pub python: &'static str,
    /// The command's flag: `--timeout-ms`.
    pub flag: &'static str,
    /// The environment variable: `SPLIO_TIMEOUT_MS`.
    pub env: &'static str,
    /// Its type and limits.
    pub kind: Kind,
    /// The default, as it would be written in JSON (`None`: required or absent).
    pub default: Option<&'static str>,
    /// Whether it changes what validation accepts (so `validate` takes it too).
    pub validation: bool,
    /// One line of help, shared by every face's documentation.
    pub doc: &'static str,
    pub(crate) get: fn(&Settings) -> Value,
    pub(crate) set: fn(&mut Settings, Value),
    /// A rule beyond the kind's limits, given every setting (`base_url` needs
    /// `allow_insecure_http`). Never quotes the value: it may hold a secret.
    pub(crate) check: Option<fn(&Settings) -> Option<String>>,
}

impl std::fmt::Debug for Setting {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Setting").field("json", &self.json).finish()
    }
}

impl Setting {
    /// The setting's name as `face` spells it.
    pub fn name(&self, face: Face) -> &'static str {
        match face {
            Face::Json => self.json,
            Face::Python => self.python,
            Face::Cli => self.flag,
            Face::Env => self.env,
        }
    }

    /// How a problem with this setting names it in `face`: `settings.timeout_ms`, `timeout`, `--timeout-ms`.
    pub fn path(&self, face: Face) -> String {
        match face {
            Face::Json => format!("settings.{}", self.json),
            _ => self.name(face).to_owned(),
        }
    }

    /// The setting spelled `name` in `face`.
    pub fn find(face: Face, name: &str) -> Option<&'static Setting> {
        SETTINGS.iter().find(|s| s.name(face) == name)
    }
}

fn text(v: Value) -> String {
    match v {
        Value::Text(s) => s,
        _ => String::new(),
    }
}

fn optional_text(v: Value) -> Option<String> {
    match v {
        Value::Text(s) => Some(s),
        _ => None,
    }
}

fn flag(v: Value) -> bool {
    matches!(v, Value::Bool(true))
}

fn count(v: Value) -> u64 {
    match v {
        Value::Count(n) => n,
        _ => 0,
    }
}

fn duration(v: Value) -> Duration {
    match v {
        Value::Duration(d) => d,
        _ => Duration::ZERO,
    }
}

fn choice(v: Value) -> usize {
    match v {
        Value::Choice(i) => i,
        _ => 0,
    }
}

fn from_opt(v: &Option<String>) -> Value {
    v.clone().map_or(Value::Absent, Value::Text)
}

const HOUR_MS: u64 = 3_600_000;

/// Every setting, in the contract's order.
pub static SETTINGS: &[Setting] = &[
    Setting {
        json: "universe",
        python: "universe",
        flag: "--universe",
        env: "SPLIO_UNIVERSE",
        kind: Kind::Required,
        default: None,
        validation: false,
        doc: "The universe (account) ID.",
        get: |s| Value::Text(s.universe.clone()),
        set: |s, v| s.universe = text(v),
        check: Some(|s| super::credential_problem(&s.universe).map(str::to_owned)),
    },
    Setting {
        json: "key",
        python: "key",
        flag: "--key-file",
        env: "SPLIO_KEY",
        kind: Kind::Required,
        default: None,
        validation: false,
        doc: "The universe's SMS API key (never shown in any output).",
        get: |s| Value::Text(s.key.clone()),
        set: |s, v| s.key = text(v),
        check: Some(|s| super::credential_problem(&s.key).map(str::to_owned)),
    },
    Setting {
        json: "region",
        python: "region",
        flag: "--region",
        env: "SPLIO_REGION",
        kind: Kind::Choice(Region::NAMES),
        default: Some("eu"),
        validation: false,
        doc: "Where the universe is hosted; ignored when base_url is set.",
        get: |s| Value::Choice(s.region as usize),
        set: |s, v| s.region = Region::ALL[choice(v)],
        check: None,
    },
    Setting {
        json: "base_url",
        python: "base_url",
        flag: "--base-url",
        env: "SPLIO_BASE_URL",
        kind: Kind::OptionalText,
        default: None,
        validation: false,
        doc: "Overrides the region's URL (https://, or http:// to a loopback host).",
        get: |s| from_opt(&s.base_url),
        set: |s, v| s.base_url = optional_text(v),
        check: Some(|s| {
            let url = s.base_url.as_deref()?;
            super::check_base_url(url, s.allow_insecure_http).err()
        }),
    },
    Setting {
        json: "endpoint",
        python: "endpoint",
        flag: "--endpoint",
        env: "SPLIO_ENDPOINT",
        kind: Kind::Text,
        default: Some("nph-4.pl"),
        validation: false,
        doc: "The script name under the base URL.",
        get: |s| Value::Text(s.endpoint.clone()),
        set: |s, v| s.endpoint = text(v),
        check: Some(|s| super::endpoint_problem(&s.endpoint)),
    },
    Setting {
        json: "method",
        python: "method",
        flag: "--method",
        env: "SPLIO_METHOD",
        kind: Kind::Choice(Method::NAMES),
        default: Some("PUT"),
        validation: false,
        doc: "PUT (the provider's) or POST (for proxies that drop PUT); never GET.",
        get: |s| Value::Choice(s.method as usize),
        set: |s, v| s.method = Method::ALL[choice(v)],
        check: None,
    },
    Setting {
        json: "timeout_ms",
        python: "timeout",
        flag: "--timeout-ms",
        env: "SPLIO_TIMEOUT_MS",
        kind: Kind::Duration { max_ms: HOUR_MS },
        default: Some("30000"),
        validation: false,
        doc: "The longest one attempt may take, connecting to last byte of the answer.",
        get: |s| Value::Duration(s.timeout),
        set: |s, v| s.timeout = duration(v),
        check: None,
    },
    Setting {
        json: "connect_timeout_ms",
        python: "connect_timeout",
        flag: "--connect-timeout-ms",
        env: "SPLIO_CONNECT_TIMEOUT_MS",
        kind: Kind::Duration { max_ms: HOUR_MS },
        default: Some("10000"),
        validation: false,
        doc: "The longest connecting (DNS, TCP, TLS) may take.",
        get: |s| Value::Duration(s.connect_timeout),
        set: |s, v| s.connect_timeout = duration(v),
        check: None,
    },
    Setting {
        json: "max_retries",
        python: "max_retries",
        flag: "--max-retries",
        env: "SPLIO_MAX_RETRIES",
        kind: Kind::Count { min: 0, max: 10 },
        default: Some("2"),
        validation: false,
        doc: "Automatic retries of failures that cannot have sent anything.",
        get: |s| Value::Count(u64::from(s.max_retries)),
        set: |s, v| s.max_retries = count(v).min(u64::from(u32::MAX)) as u32,
        check: None,
    },
    Setting {
        json: "retry_unknown",
        python: "retry_unknown",
        flag: "--retry-unknown",
        env: "SPLIO_RETRY_UNKNOWN",
        kind: Kind::Bool,
        default: Some("false"),
        validation: false,
        doc: "Also retry failures whose delivery is unknown (may send an SMS twice).",
        get: |s| Value::Bool(s.retry_unknown),
        set: |s, v| s.retry_unknown = flag(v),
        check: None,
    },
    Setting {
        json: "proxy",
        python: "proxy",
        flag: "--proxy",
        env: "SPLIO_PROXY",
        kind: Kind::OptionalText,
        default: None,
        validation: false,
        doc: "An HTTP(S) or SOCKS proxy URL; without it the usual proxy variables apply.",
        get: |s| from_opt(&s.proxy),
        set: |s, v| s.proxy = optional_text(v),
        check: None,
    },
    Setting {
        json: "ca_file",
        python: "ca_file",
        flag: "--ca-file",
        env: "SPLIO_CA_FILE",
        kind: Kind::OptionalPath,
        default: None,
        validation: false,
        doc: "A PEM file of certificates trusted in addition to the built-in roots.",
        get: |s| s.ca_file.clone().map_or(Value::Absent, Value::Path),
        set: |s, v| {
            s.ca_file = match v {
                Value::Path(p) => Some(p),
                Value::Text(t) => Some(t.into()),
                _ => None,
            }
        },
        check: None,
    },
    Setting {
        json: "allow_insecure_http",
        python: "allow_insecure_http",
        flag: "--allow-insecure-http",
        env: "SPLIO_ALLOW_INSECURE_HTTP",
        kind: Kind::Bool,
        default: Some("false"),
        validation: false,
        doc: "Allow plain http:// to a host that is not loopback (the key travels in clear).",
        get: |s| Value::Bool(s.allow_insecure_http),
        set: |s, v| s.allow_insecure_http = flag(v),
        check: None,
    },
    Setting {
        json: "user_agent_suffix",
        python: "user_agent_suffix",
        flag: "--user-agent-suffix",
        env: "SPLIO_USER_AGENT_SUFFIX",
        kind: Kind::OptionalText,
        default: None,
        validation: false,
        doc: "Text appended to the User-Agent, e.g. your application's name.",
        get: |s| from_opt(&s.user_agent_suffix),
        set: |s, v| s.user_agent_suffix = optional_text(v),
        check: Some(|s| {
            s.user_agent_suffix
                .as_deref()
                .filter(|t| t.chars().any(char::is_control))
                .map(|_| "must not contain control characters".to_owned())
        }),
    },
    Setting {
        json: "duplicates",
        python: "duplicates",
        flag: "--duplicates",
        env: "SPLIO_DUPLICATES",
        kind: Kind::Choice(Duplicates::NAMES),
        default: Some("reject"),
        validation: true,
        doc: "A number repeated in one request: reject it, dedupe (keep the first), or allow.",
        get: |s| Value::Choice(s.validation.duplicates as usize),
        set: |s, v| s.validation.duplicates = Duplicates::ALL[choice(v)],
        check: None,
    },
    Setting {
        json: "default_country",
        python: "default_country",
        flag: "--default-country",
        env: "SPLIO_DEFAULT_COUNTRY",
        kind: Kind::OptionalText,
        default: None,
        validation: true,
        doc: "Read national numbers (06 12 34 56 78) as this country's (ISO 3166-1 alpha-2, e.g. FR).",
        get: |s| from_opt(&s.default_country),
        set: |s, v| {
            let given = optional_text(v);
            s.validation.default_country = given.as_deref().and_then(crate::phone::country);
            s.default_country = given;
        },
        check: Some(super::country_problem),
    },
    Setting {
        json: "number_check",
        python: "number_check",
        flag: "--number-check",
        env: "SPLIO_NUMBER_CHECK",
        kind: Kind::Choice(NumberCheck::NAMES),
        default: Some("valid"),
        validation: true,
        doc: "valid: a number valid for its country that can receive SMS; possible: its length only.",
        get: |s| Value::Choice(s.validation.number_check as usize),
        set: |s, v| s.validation.number_check = NumberCheck::ALL[choice(v)],
        check: None,
    },
    Setting {
        json: "batch_size",
        python: "batch_size",
        flag: "--batch-size",
        env: "SPLIO_BATCH_SIZE",
        kind: Kind::Count {
            min: 1,
            max: 10_000,
        },
        default: Some("1000"),
        validation: false,
        doc: "Recipients per request in a batch send.",
        get: |s| Value::Count(s.batch_size as u64),
        set: |s, v| s.batch_size = count(v) as usize,
        check: None,
    },
    Setting {
        json: "concurrency",
        python: "concurrency",
        flag: "--concurrency",
        env: "SPLIO_CONCURRENCY",
        kind: Kind::Count { min: 1, max: 64 },
        default: Some("4"),
        validation: false,
        doc: "Requests in flight at once, over one connection pool: a batch's pieces, or an AsyncClient's sends.",
        get: |s| Value::Count(s.concurrency as u64),
        set: |s, v| s.concurrency = count(v) as usize,
        check: None,
    },
    Setting {
        json: "log_full_numbers",
        python: "log_full_numbers",
        flag: "--log-full-numbers",
        env: "SPLIO_LOG_FULL_NUMBERS",
        kind: Kind::Bool,
        default: Some("false"),
        validation: false,
        doc: "Log records show phone numbers whole instead of masked (+336****5678).",
        get: |s| Value::Bool(s.log_full_numbers),
        set: |s, v| s.log_full_numbers = flag(v),
        check: None,
    },
];
