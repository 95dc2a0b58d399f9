//! Reading the service's answer, as a table: HTTP status × `Retry-After` ×
//! `Location` × body → outcome, per the contract's "Reading the answer"
//! table. No HTTP: the answer goes straight to the reader a send uses, so
//! each edge is one line here; the loopback tests (`outcomes.rs`) prove the
//! same reader is the one on the wire.

use std::time::Duration;

use splio_sms::bench_support::read_answer_with;
use splio_sms::Delivery::{NotSent, Unknown};
use splio_sms::ErrorKind::*;
use splio_sms::{Delivery, ErrorKind};

/// The URL the reader names in a 404.
const URL: &str = "http://127.0.0.1/";
const ONE_MIB: usize = 1024 * 1024;

struct Row {
    name: &'static str,
    status: u16,
    retry_after: Option<&'static str>,
    location: Option<&'static str>,
    body: Vec<u8>,
    expect: Expect,
}

enum Expect {
    Ok {
        todo: Option<u64>,
        done: Option<u64>,
        inserted: Option<u64>,
        campaign_id: Option<&'static str>,
    },
    Err {
        kind: ErrorKind,
        delivery: Delivery,
        retry_after: Option<Duration>,
        /// Words the message must carry.
        says: Vec<&'static str>,
    },
}

fn row(name: &'static str, status: u16, body: impl Into<Vec<u8>>, expect: Expect) -> Row {
    Row {
        name,
        status,
        retry_after: None,
        location: None,
        body: body.into(),
        expect,
    }
}

impl Row {
    fn retry_after(mut self, value: &'static str) -> Self {
        self.retry_after = Some(value);
        self
    }
    fn location(mut self, value: &'static str) -> Self {
        self.location = Some(value);
        self
    }
}

fn ok(
    todo: Option<u64>,
    done: Option<u64>,
    inserted: Option<u64>,
    id: Option<&'static str>,
) -> Expect {
    Expect::Ok {
        todo,
        done,
        inserted,
        campaign_id: id,
    }
}

fn no_counts() -> Expect {
    ok(None, None, None, None)
}

fn err(kind: ErrorKind, delivery: Delivery, says: &[&'static str]) -> Expect {
    Expect::Err {
        kind,
        delivery,
        retry_after: None,
        says: says.to_vec(),
    }
}

fn rate_limited(after_secs: Option<u64>, says: &[&'static str]) -> Expect {
    Expect::Err {
        kind: RateLimited,
        delivery: NotSent,
        retry_after: after_secs.map(Duration::from_secs),
        says: says.to_vec(),
    }
}

/// A body of exactly `len` bytes: an accepted answer padded with spaces.
fn padded_ok(len: usize) -> Vec<u8> {
    let mut body = br#"{"status":"ok","result":{"inserted":1}}"#.to_vec();
    body.resize(len, b' ');
    body
}

/// Reads every row and reports every row that disagrees, by name.
fn check(rows: Vec<Row>) {
    let mut wrong = Vec::new();
    for r in &rows {
        let got = read_answer_with(r.status, r.retry_after, r.location, &r.body);
        let problem = match (&r.expect, &got) {
            (
                Expect::Ok {
                    todo,
                    done,
                    inserted,
                    campaign_id,
                },
                Ok(res),
            ) => {
                let want = (*todo, *done, *inserted, *campaign_id, r.status);
                let have = (
                    res.todo,
                    res.done,
                    res.inserted,
                    res.campaign_id.as_deref(),
                    res.http_status,
                );
                (want != have).then(|| format!("want {want:?}, got {have:?}"))
            }
            (
                Expect::Err {
                    kind,
                    delivery,
                    retry_after,
                    says,
                },
                Err(e),
            ) => {
                let want = (*kind, *delivery, Some(r.status), *retry_after);
                let have = (e.kind(), e.delivery(), e.http_status(), e.retry_after());
                let missing: Vec<_> = says.iter().filter(|w| !e.message().contains(*w)).collect();
                if want != have {
                    Some(format!("want {want:?}, got {have:?} ({e})"))
                } else if !missing.is_empty() {
                    Some(format!("message lacks {missing:?}: {e}"))
                } else if e.message().to_ascii_lowercase().contains("<html") {
                    Some(format!("message quotes HTML: {e}"))
                } else if e.message().trim() != e.message() || e.message().contains(" )") {
                    Some(format!("message has stray spaces: {e:?}"))
                } else {
                    None
                }
            }
            (_, got) => Some(format!("got {:?}", got.as_ref().map(|r| r.http_status))),
        };
        if let Some(p) = problem {
            wrong.push(format!("{} (HTTP {}): {p}", r.name, r.status));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} row(s) wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

#[test]
#[rustfmt::skip]
fn accepted_answers_succeed_whatever_their_counts_look_like() {
    check(vec![
        row("the page's example, inserted as a string", 200, r#"{"status":"ok","result":{"done":1,"inserted":"1","campaign_id":"6tJglf8zd","todo":1},"message":"ok","code":200}"#, ok(Some(1), Some(1), Some(1), Some("6tJglf8zd"))),
        row("counts as numbers", 200, r#"{"status":"ok","result":{"todo":3,"done":2,"inserted":2,"campaign_id":"abc"}}"#, ok(Some(3), Some(2), Some(2), Some("abc"))),
        row("counts as numeric strings, spaces around", 200, r#"{"status":"ok","result":{"todo":"3","done":" 2 ","inserted":"2"}}"#, ok(Some(3), Some(2), Some(2), None)),
        row("no result at all", 200, r#"{"status":"ok"}"#, no_counts()),
        row("an empty result", 200, r#"{"status":"ok","result":{}}"#, no_counts()),
        row("a null result", 200, r#"{"status":"ok","result":null}"#, no_counts()),
        row("odd counts read as unknown, not as a failure", 200, r#"{"status":"ok","result":{"todo":-1,"done":1.5,"inserted":"many","campaign_id":""}}"#, no_counts()),
        row("null and boolean counts", 200, r#"{"status":"ok","result":{"todo":null,"done":true,"inserted":[1]}}"#, no_counts()),
        row("a numeric campaign ID", 200, r#"{"status":"ok","result":{"campaign_id":7}}"#, ok(None, None, None, Some("7"))),
        row("status ok wins over an error code beside it", 200, r#"{"status":"ok","code":400,"result":{"inserted":1}}"#, ok(None, None, Some(1), None)),
        row("the code/name/description shape with code 200", 200, r#"{"code":200,"name":"OK","description":"message queued","result":{"todo":1,"done":1,"inserted":1}}"#, ok(Some(1), Some(1), Some(1), None)),
        row("code 200 as a string", 200, r#"{"code":"200","name":"OK"}"#, no_counts()),
        row("another 2xx status", 201, r#"{"status":"ok"}"#, no_counts()),
        row("a body of exactly 1 MiB is read", 200, padded_ok(ONE_MIB), ok(None, None, Some(1), None)),
    ]);
}

#[test]
#[rustfmt::skip]
fn refusals_read_as_auth_when_they_speak_of_key_or_universe_else_bad_request() {
    check(vec![
        row("status blocked", 200, r#"{"status":"blocked","message":"insufficient credit","code":200}"#, err(InsufficientCredit, NotSent, &["insufficient credit"])),
        row("status blocked under an HTTP 4xx", 402, r#"{"status":"blocked","message":"insufficient credit","code":402}"#, err(InsufficientCredit, NotSent, &["insufficient credit"])),
        row("the page's example: a wrong key, as HTTP 200", 200, r#"{"status":"error","message":"invalid key for this universe","code":400}"#, err(Auth, NotSent, &["invalid key for this universe"])),
        row("the page's example as HTTP 400", 400, r#"{"status":"error","message":"invalid key for this universe","code":400}"#, err(Auth, NotSent, &["invalid key for this universe"])),
        row("an unknown universe", 400, r#"{"status":"error","message":"invalid universe ID","code":400}"#, err(Auth, NotSent, &["invalid universe ID"])),
        row("text in capitals still speaks of the key", 200, r#"{"status":"error","message":"INVALID API KEY"}"#, err(Auth, NotSent, &["INVALID API KEY"])),
        row("a bad design ID keeps the service's text", 200, r#"{"status":"error","message":"invalid message ID","code":400}"#, err(BadRequest, NotSent, &["invalid message ID"])),
        row("missing parameters as HTTP 400", 400, r#"{"status":"error","message":"missing parameters","code":400}"#, err(BadRequest, NotSent, &["missing parameters"])),
        row("status error with no text", 200, r#"{"status":"error"}"#, err(BadRequest, NotSent, &["refused the request"])),
        row("status error with code 500 is the server's failure", 200, r#"{"status":"error","message":"db down","code":500}"#, err(Server, Unknown, &["db down"])),
        row("code/name/description, code 400, description stands for message", 200, r#"{"code":400,"name":"Bad Request","description":"invalid message ID"}"#, err(BadRequest, NotSent, &["invalid message ID"])),
        row("code/name/description, code 400 about the key", 200, r#"{"code":400,"name":"Bad Request","description":"invalid key for this universe"}"#, err(Auth, NotSent, &["invalid key for this universe"])),
        row("code/name/description, code 401", 200, r#"{"code":401,"name":"Unauthorized","description":"wrong credentials"}"#, err(Auth, NotSent, &["wrong credentials"])),
        row("code/name/description, code 403", 200, r#"{"code":403,"name":"Forbidden","description":"not allowed"}"#, err(Auth, NotSent, &["not allowed"])),
        row("code/name/description, code 429", 200, r#"{"code":429,"name":"Too Many Requests","description":"slow down"}"#, rate_limited(None, &["slow down"])),
        row("code/name/description, code 429, honours Retry-After", 200, r#"{"code":429,"name":"Too Many Requests","description":"slow down"}"#, rate_limited(Some(4), &["slow down"])).retry_after("4"),
        row("code/name/description, code 500", 200, r#"{"code":500,"name":"Internal Server Error","description":"Something is broken"}"#, err(Server, Unknown, &["Something is broken"])),
        row("code/name/description, code as a string", 200, r#"{"code":"400","name":"Bad Request","description":"invalid JSON"}"#, err(BadRequest, NotSent, &["invalid JSON"])),
        row("only a name", 200, r#"{"code":400,"name":"Bad Request"}"#, err(BadRequest, NotSent, &["Bad Request"])),
    ]);
}

#[test]
#[rustfmt::skip]
fn http_statuses_read_as_the_contract_says_whatever_the_body() {
    const LIMITED: &[&str] = &["rate limiting", "HTTP 429"];
    check(vec![
        row("401 without a body", 401, "", err(Auth, NotSent, &["HTTP 401"])),
        row("401 with the service's text", 401, r#"{"message":"bad credentials"}"#, err(Auth, NotSent, &["HTTP 401", "bad credentials"])),
        row("403 with HTML", 403, "<html><body>Forbidden</body></html>", err(Auth, NotSent, &["HTTP 403"])),
        row("404 names the URL tried", 404, "<html>Not Found</html>", err(BadRequest, NotSent, &[URL, "HTTP 404"])),
        row("408", 408, "", err(Timeout, NotSent, &["HTTP 408"])),
        row("429 with Retry-After", 429, "", rate_limited(Some(7), LIMITED)).retry_after("7"),
        row("429 with Retry-After in spaces", 429, "", rate_limited(Some(3), LIMITED)).retry_after(" 3 "),
        row("429 with Retry-After 0", 429, "", rate_limited(Some(0), LIMITED)).retry_after("0"),
        row("429 without Retry-After", 429, "", rate_limited(None, LIMITED)),
        row("429 with a word for Retry-After", 429, "", rate_limited(None, LIMITED)).retry_after("soon"),
        row("429 with a negative Retry-After", 429, "", rate_limited(None, LIMITED)).retry_after("-1"),
        row("429 with a fractional Retry-After", 429, "", rate_limited(None, LIMITED)).retry_after("1.5"),
        row("429 with an HTTP-date Retry-After", 429, "", rate_limited(None, LIMITED)).retry_after("Wed, 21 Oct 2015 07:28:00 GMT"),
        row("429 carries the service's text", 429, r#"{"message":"quota exceeded"}"#, rate_limited(Some(2), &["HTTP 429", "quota exceeded"])).retry_after("2"),
        row("another 4xx reads the body's text", 422, r#"{"status":"error","message":"invalid JSON"}"#, err(BadRequest, NotSent, &["invalid JSON"])),
        row("a 4xx in plain text is quoted", 400, "invalid key\nfor this universe", err(Auth, NotSent, &["invalid key for this universe"])),
        row("a 4xx in HTML is not quoted", 400, "<html><body>Bad Request</body></html>", err(BadRequest, NotSent, &["HTTP 400 Bad Request"])),
        row("a 4xx without a body", 409, "", err(BadRequest, NotSent, &["HTTP 409 Conflict"])),
        row("a 4xx without a reason phrase", 499, "", err(BadRequest, NotSent, &["HTTP 499"])),
        row("500 with the page's own shape", 500, r#"{"code":500,"name":"Internal Server Error","description":"Something is broken"}"#, err(Server, Unknown, &["HTTP 500", "Something is broken"])),
        row("502 with a proxy's HTML", 502, "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>", err(Server, Unknown, &["HTTP 502 Bad Gateway"])),
        row("503 without a body", 503, "", err(Server, Unknown, &["HTTP 503"])),
        row("a 5xx without a reason phrase", 599, "", err(Server, Unknown, &["(HTTP 599)"])),
        row("a 5xx is a failure even when its body says ok", 500, r#"{"status":"ok","result":{"inserted":1}}"#, err(Server, Unknown, &["HTTP 500"])),
        row("a 5xx ignores Retry-After", 503, "", err(Server, Unknown, &["HTTP 503"])).retry_after("5"),
        row("302 names where it points, and is not followed", 302, "", err(Protocol, Unknown, &["redirect", "HTTP 302", "to https://elsewhere.example/api/"])).location("https://elsewhere.example/api/"),
        row("301 without Location", 301, "", err(Protocol, Unknown, &["redirect", "HTTP 301"])),
        row("307 with an accepted body is still a redirect", 307, r#"{"status":"ok"}"#, err(Protocol, Unknown, &["HTTP 307"])).location("/elsewhere"),
        row("1xx is not an answer", 100, "", err(Protocol, Unknown, &["unexpected HTTP status 100"])),
    ]);
}

#[test]
#[rustfmt::skip]
fn a_2xx_that_is_not_the_services_json_is_a_protocol_error_of_unknown_delivery() {
    let not_json = &["not the service's JSON"][..];
    check(vec![
        row("an empty body", 200, "", err(Protocol, Unknown, not_json)),
        row("204 without a body", 204, "", err(Protocol, Unknown, not_json)),
        row("plain text", 200, "OK", err(Protocol, Unknown, not_json)),
        row("HTML", 200, "<html><body>ok</body></html>", err(Protocol, Unknown, not_json)),
        row("truncated JSON", 200, r#"{"status":"ok","res"#, err(Protocol, Unknown, not_json)),
        row("a JSON array", 200, r#"[{"status":"ok"}]"#, err(Protocol, Unknown, not_json)),
        row("a JSON string", 200, r#""ok""#, err(Protocol, Unknown, not_json)),
        row("not UTF-8", 200, b"\xff\xfe{}".to_vec(), err(Protocol, Unknown, not_json)),
        row("JSON without status or code", 200, r#"{"result":{"inserted":1}}"#, err(Protocol, Unknown, &["no known status"])),
        row("a status the contract does not know", 200, r#"{"status":"queued"}"#, err(Protocol, Unknown, &["no known status"])),
        row("1 MiB + 1 is not read", 200, padded_ok(ONE_MIB + 1), err(Protocol, Unknown, &["larger than 1048576 bytes"])),
        row("1 MiB + 1 under a 5xx is still the server's failure", 500, padded_ok(ONE_MIB + 1), err(Server, Unknown, &["HTTP 500"])),
        row("1 MiB + 1 under a 4xx is still a refusal", 400, padded_ok(ONE_MIB + 1), err(BadRequest, NotSent, &["HTTP 400 Bad Request"])),
    ]);
}
