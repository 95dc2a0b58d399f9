//! Reading the service's answer, whatever its HTTP status: the service answers
//! errors both as HTTP 4xx and as HTTP 200 with `"code": 400` in the body.
#![forbid(unsafe_code)]

use std::time::Duration;

use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::error::{Delivery, Error, ErrorKind};
use crate::transport::{Answer, Body, MAX_BODY};

/// What the service said about an accepted send. Counts the service left out,
/// or gave in a form that does not read as a number, are `None`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct SendResult {
    /// Cellphone numbers the service received.
    pub todo: Option<u64>,
    /// Valid cellphone numbers.
    pub done: Option<u64>,
    /// Messages queued.
    pub inserted: Option<u64>,
    /// Splio's campaign ID (campaigns are grouped per day and design).
    pub campaign_id: Option<String>,
    /// The HTTP status of the answer.
    pub http_status: u16,
    /// HTTP requests made, retries included.
    pub attempts: u32,
    /// Recipients left out because their number repeated an earlier one
    /// (with the `dedupe` policy).
    pub dropped_duplicates: usize,
}

impl SendResult {
    /// The contract's success document:
    /// `{"status": "ok", "result": {...}, "http_status": 200, "attempts": 1, "dropped_duplicates": 0}`.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

impl Serialize for SendResult {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(5))?;
        m.serialize_entry("status", "ok")?;
        m.serialize_entry("result", &Counts(self))?;
        m.serialize_entry("http_status", &self.http_status)?;
        m.serialize_entry("attempts", &self.attempts)?;
        m.serialize_entry("dropped_duplicates", &self.dropped_duplicates)?;
        m.end()
    }
}

pub(crate) struct Counts<'a>(pub &'a SendResult);

impl Serialize for Counts<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(4))?;
        m.serialize_entry("todo", &self.0.todo)?;
        m.serialize_entry("done", &self.0.done)?;
        m.serialize_entry("inserted", &self.0.inserted)?;
        m.serialize_entry("campaign_id", &self.0.campaign_id)?;
        m.end()
    }
}

/// Reads an answer into a result or an error, per the contract's outcomes table.
/// `url` is named in a 404's message.
pub(crate) fn read(answer: &Answer, url: &str) -> Result<SendResult, Error> {
    let status = answer.status;
    if let (200..=299, Body::Read(bytes)) = (status, &answer.body) {
        if let Some(result) = plainly_accepted(status, bytes) {
            return Ok(result);
        }
    }
    read_any(answer, url)
}

/// [`read`] for any answer, through the document as a `Value`.
fn read_any(answer: &Answer, url: &str) -> Result<SendResult, Error> {
    let status = answer.status;
    let json = match &answer.body {
        Body::Read(bytes) => serde_json::from_slice::<Value>(bytes).ok(),
        _ => None,
    };
    let obj = json.as_ref().and_then(Value::as_object);
    let text = obj.and_then(service_text);
    let err = |kind, delivery, message: String| {
        Error::new(kind, delivery, message).with_http_status(status)
    };

    match status {
        500..=599 => Err(err(
            ErrorKind::Server,
            Delivery::Unknown,
            with_text(
                format!("the service failed ({})", status_line(status)),
                text,
            ),
        )),
        429 => Err(rate_limited(status, text, answer.retry_after.as_deref())),
        300..=399 => Err(err(
            ErrorKind::Protocol,
            Delivery::Unknown,
            format!(
                "the service answered with a redirect (HTTP {status}{}); redirects are never \
                 followed so that the key is not sent elsewhere: check base_url",
                answer
                    .location
                    .as_deref()
                    .map(|l| format!(" to {}", snippet(l)))
                    .unwrap_or_default()
            ),
        )),
        408 => Err(err(
            ErrorKind::Timeout,
            Delivery::NotSent,
            "the service timed out waiting for the request (HTTP 408)".to_owned(),
        )),
        401 | 403 => Err(err(
            ErrorKind::Auth,
            Delivery::NotSent,
            with_text(
                format!("the service refused the credentials (HTTP {status})"),
                text,
            ),
        )),
        404 => Err(err(
            ErrorKind::BadRequest,
            Delivery::NotSent,
            format!("no such endpoint: {url} answered HTTP 404; check base_url and endpoint"),
        )),
        // The body's own word is more precise than a generic 4xx.
        400..=499 if body_status(obj) == Some("blocked") => Err(blocked(status, text)),
        400..=499 => {
            let message = text
                .map(str::to_owned)
                .or_else(|| body_snippet(&answer.body))
                .unwrap_or_else(|| status_line(status));
            Err(err(refusal_kind(&message), Delivery::NotSent, message))
        }
        200..=299 => read_document(status, obj, text, answer),
        _ => Err(err(
            ErrorKind::Protocol,
            Delivery::Unknown,
            format!("unexpected HTTP status {status}"),
        )),
    }
}

fn read_document(
    status: u16,
    obj: Option<&Map<String, Value>>,
    text: Option<&str>,
    answer: &Answer,
) -> Result<SendResult, Error> {
    let unknown = |kind, message: String| {
        Err(Error::new(kind, Delivery::Unknown, message).with_http_status(status))
    };
    let Some(obj) = obj else {
        return match &answer.body {
            Body::TooLarge => unknown(
                ErrorKind::Protocol,
                format!("the answer is larger than {MAX_BODY} bytes; it was not read"),
            ),
            Body::Broken(e) => Err(e.clone().with_http_status(status)),
            Body::Read(_) => unknown(
                ErrorKind::Protocol,
                format!("HTTP {status} with an answer that is not the service's JSON"),
            ),
        };
    };
    let code = obj.get("code").and_then(count);
    let from_code = |code| from_code(status, code, text, answer.retry_after.as_deref());
    match body_status(Some(obj)) {
        Some("ok") => Ok(accepted(status, obj)),
        Some("blocked") => Err(blocked(status, text)),
        Some("error") => Err(from_code(code)),
        None if code.is_some_and(|c| (200..300).contains(&c)) => Ok(accepted(status, obj)),
        None if code.is_some() => Err(from_code(code)),
        _ => unknown(
            ErrorKind::Protocol,
            format!("HTTP {status} with a JSON answer that has no known status"),
        ),
    }
}

/// The usual answer, `{"status":"ok","result":{"todo":…,"done":…,"inserted":…,
/// "campaign_id":…},…}`, read straight into its counts: building the whole
/// document as a `Value` tree first was most of the cost of reading an
/// answer. Anything else (another shape, a duplicate key, an escaped
/// status, a count that is not a whole number or text) is `None`, and read
/// the general way, which gives the same result for what this accepts.
fn plainly_accepted(status: u16, bytes: &[u8]) -> Option<SendResult> {
    #[derive(serde::Deserialize)]
    struct Doc<'a> {
        status: &'a str,
        result: Counted,
    }
    #[derive(serde::Deserialize)]
    struct Counted {
        todo: Option<Plain>,
        done: Option<Plain>,
        inserted: Option<Plain>,
        campaign_id: Option<Plain>,
    }
    // Read as serde_json reads a struct: an array in its place would pass.
    if bytes.trim_ascii_start().first() != Some(&b'{') {
        return None;
    }
    let doc: Doc<'_> = serde_json::from_slice(bytes).ok()?;
    if doc.status != "ok" {
        return None;
    }
    let r = doc.result;
    Some(SendResult {
        todo: r.todo.and_then(Plain::count),
        done: r.done.and_then(Plain::count),
        inserted: r.inserted.and_then(Plain::count),
        campaign_id: r.campaign_id.and_then(|c| match c {
            Plain::Whole(n) => Some(n.to_string()),
            Plain::Text(s) => (!s.is_empty()).then_some(s),
        }),
        http_status: status,
        attempts: 0,
        dropped_duplicates: 0,
    })
}

/// A whole number or a text, as counts come; anything else fails the fast read.
enum Plain {
    Whole(u64),
    Text(String),
}

impl Plain {
    /// As [`count`] reads it.
    fn count(self) -> Option<u64> {
        match self {
            Plain::Whole(n) => Some(n),
            Plain::Text(s) => s.trim().parse().ok(),
        }
    }
}

impl<'de> serde::Deserialize<'de> for Plain {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Plain;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a whole number or a string")
            }
            fn visit_u64<E>(self, n: u64) -> Result<Plain, E> {
                Ok(Plain::Whole(n))
            }
            fn visit_str<E>(self, s: &str) -> Result<Plain, E> {
                Ok(Plain::Text(s.to_owned()))
            }
        }
        d.deserialize_any(V)
    }
}

fn body_status(obj: Option<&Map<String, Value>>) -> Option<&str> {
    obj?.get("status")?.as_str()
}

fn blocked(status: u16, text: Option<&str>) -> Error {
    Error::new(
        ErrorKind::InsufficientCredit,
        Delivery::NotSent,
        with_text(
            "insufficient credit: the service blocked the send".to_owned(),
            text,
        ),
    )
    .with_http_status(status)
}

/// An error carried in a 2xx body, read by its `code` as if it were the
/// HTTP status (so a code 429 honours `Retry-After` too).
fn from_code(
    status: u16,
    code: Option<u64>,
    text: Option<&str>,
    retry_after: Option<&str>,
) -> Error {
    let message = text.unwrap_or("the service refused the request").to_owned();
    let (kind, delivery) = match code {
        Some(500..=599) => (ErrorKind::Server, Delivery::Unknown),
        Some(429) => return rate_limited(status, text, retry_after),
        Some(401) | Some(403) => (ErrorKind::Auth, Delivery::NotSent),
        _ => (refusal_kind(&message), Delivery::NotSent),
    };
    Error::new(kind, delivery, message).with_http_status(status)
}

fn rate_limited(status: u16, text: Option<&str>, retry_after: Option<&str>) -> Error {
    let after = retry_after
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(Duration::from_secs);
    Error::new(
        ErrorKind::RateLimited,
        Delivery::NotSent,
        with_text(
            "the service is rate limiting requests (HTTP 429)".to_owned(),
            text,
        ),
    )
    .with_http_status(status)
    .with_retry_after(after)
}

/// `auth` when the service's text speaks of the key or universe.
fn refusal_kind(text: &str) -> ErrorKind {
    let lower = text.to_ascii_lowercase();
    if lower.contains("key") || lower.contains("universe") {
        ErrorKind::Auth
    } else {
        ErrorKind::BadRequest
    }
}

fn accepted(status: u16, obj: &Map<String, Value>) -> SendResult {
    let result = obj.get("result").and_then(Value::as_object);
    let field = |name| result.and_then(|r| r.get(name));
    SendResult {
        todo: field("todo").and_then(count),
        done: field("done").and_then(count),
        inserted: field("inserted").and_then(count),
        campaign_id: field("campaign_id").and_then(|v| match v {
            Value::String(s) if !s.is_empty() => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        }),
        http_status: status,
        attempts: 0,
        dropped_duplicates: 0,
    }
}

/// A count given as a number or a numeric string (`"inserted": "1"` is real).
fn count(v: &Value) -> Option<u64> {
    match v {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// The service's human text: `description` (the code/name/description shape) or `message`.
fn service_text(obj: &Map<String, Value>) -> Option<&str> {
    ["description", "message", "name"]
        .iter()
        .filter_map(|k| obj.get(*k).and_then(Value::as_str))
        .map(str::trim)
        .find(|s| !s.is_empty())
}

fn with_text(base: String, text: Option<&str>) -> String {
    match text {
        Some(t) => format!("{base}: {}", snippet(t)),
        None => base,
    }
}

fn body_snippet(body: &Body) -> Option<String> {
    let Body::Read(bytes) = body else { return None };
    let text = String::from_utf8_lossy(bytes);
    let text = text.trim();
    (!text.is_empty() && !text.starts_with('<')).then(|| snippet(text))
}

/// At most 300 characters, control characters replaced, so that a message stays one readable line.
fn snippet(s: &str) -> String {
    let mut out: String = s
        .chars()
        .take(300)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if s.chars().nth(300).is_some() {
        out.push('…');
    }
    out
}

/// `HTTP 502 Bad Gateway`, or `HTTP 599` for a status without a known reason.
fn status_line(status: u16) -> String {
    match ureq::http::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
    {
        Some(reason) => format!("HTTP {status} {reason}"),
        None => format!("HTTP {status}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fast_reading_of_a_success_gives_what_the_general_reading_gives() {
        let documents = [
            r#"{"status":"ok","result":{"done":1,"inserted":"1","campaign_id":"6tJglf8zd","todo":1},"message":"ok","code":200}"#,
            r#" {"result":{"todo":" 12 ","done":"x","inserted":3,"campaign_id":42},"status":"ok"}"#,
            r#"{"status":"ok","result":{"campaign_id":""}}"#,
            r#"{"status":"ok","result":{}}"#,
            r#"{"status":"ok","result":{"todo":-1,"done":1.5,"inserted":null,"campaign_id":true}}"#,
            r#"{"status":"ok","result":{"todo":1,"todo":2}}"#,
            r#"{"status":"ok","status":"error","result":{"todo":1}}"#,
            r#"{"status":"\u006fk","result":{"todo":1}}"#,
            r#"{"status":"ok","result":null}"#,
            r#"{"status":"ok"}"#,
            r#"{"status":"error","code":400,"result":{"todo":1}}"#,
            r#"["ok",{"todo":1,"done":1,"inserted":1,"campaign_id":"c"}]"#,
            r#"{"status":"ok","result":{"todo":1}} trailing"#,
        ];
        for doc in documents {
            for status in [200, 201] {
                let answer = Answer {
                    status,
                    retry_after: None,
                    location: None,
                    body: Body::Read(doc.as_bytes().to_vec()),
                };
                let url = "http://127.0.0.1/";
                let general = read_any(&answer, url);
                if let Some(fast) = plainly_accepted(status, doc.as_bytes()) {
                    assert_eq!(Ok(fast), general, "{doc}");
                }
                assert_eq!(read(&answer, url), general, "{doc}");
            }
        }
        // The usual answer takes the fast way.
        assert!(plainly_accepted(200, documents[0].as_bytes()).is_some());
    }
}
