//! What the sandbox answers: the service's behaviour as a plain function of
//! the request, with no I/O, so the HTTP glue holds no logic.

use std::hash::BuildHasher;
use std::io::Write;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::Deserialize;
use serde_json::{json, Value};

use super::{Fault, RecordedMessage, RenderedSms, State, Stats};

/// A request as the server read it.
pub(crate) struct Incoming<'a> {
    pub method: &'a str,
    pub path: &'a str,
    pub user_agent: Option<String>,
    pub content_type: Option<String>,
    pub body: &'a [u8],
}

/// What to do with a request.
pub(crate) struct Plan {
    pub delay: Duration,
    pub reply: Reply,
}

pub(crate) enum Reply {
    Answer {
        status: u16,
        content_type: &'static str,
        headers: Vec<(String, String)>,
        body: String,
    },
    /// Close the connection without answering.
    Drop,
}

impl Reply {
    fn json(status: u16, body: Value) -> Reply {
        Reply::Answer {
            status,
            content_type: "application/json",
            headers: Vec::new(),
            body: body.to_string(),
        }
    }

    fn html(status: u16, text: &str) -> Reply {
        Reply::Answer {
            status,
            content_type: "text/html",
            headers: Vec::new(),
            body: format!(
                "<html><head><title>{text}</title></head><body><h1>{text}</h1></body></html>"
            ),
        }
    }
}

fn now(reply: Reply) -> Plan {
    Plan {
        delay: Duration::ZERO,
        reply,
    }
}

const CONTROL: &str = "/_sandbox/";
const SERVICE_PREFIX: &str = "/api/triggersms/";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LiveSettings {
    latency_ms: Option<u64>,
    #[serde(default, deserialize_with = "some")]
    credit: Option<Option<u64>>,
    fail_rate: Option<f64>,
    /// Design IDs with their text, added or replaced.
    design_texts: Option<std::collections::HashMap<String, String>>,
}

/// Tells an explicit `null` (unlimited credit) from a missing field.
fn some<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Option<u64>>, D::Error> {
    Option::<u64>::deserialize(d).map(Some)
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Faults {
    One(Fault),
    Many(Vec<Fault>),
}

impl State {
    pub(crate) fn stats(&self) -> Stats {
        let live = self.live();
        Stats {
            hits: live.hits,
            accepted: live.messages.len() as u64,
            credit: live.credit,
            peak_in_flight: live.peak_in_flight,
            connections: live.connections,
        }
    }

    /// Counts a TCP connection accepted.
    pub(crate) fn connected(&self) {
        self.live().connections += 1;
    }

    /// Counts a service request from its arrival to its answer.
    pub(crate) fn enter(&self) {
        let mut live = self.live();
        live.in_flight += 1;
        live.peak_in_flight = live.peak_in_flight.max(live.in_flight);
    }

    pub(crate) fn leave(&self) {
        let mut live = self.live();
        live.in_flight = live.in_flight.saturating_sub(1);
    }

    pub(crate) fn reset(&self) {
        let mut live = self.live();
        live.hits = 0;
        live.peak_in_flight = live.in_flight;
        live.messages.clear();
        live.faults.clear();
    }

    pub(crate) fn handle(&self, req: &Incoming<'_>) -> Plan {
        if let Some(what) = req.path.strip_prefix(CONTROL) {
            return now(self.control(req.method, what, req.body));
        }
        match req.path.strip_prefix(SERVICE_PREFIX) {
            Some(script) if script == self.config.endpoint => self.service(req),
            _ => now(Reply::html(404, "404 Not Found")),
        }
    }

    fn control(&self, method: &str, what: &str, body: &[u8]) -> Reply {
        let bad = |why: String| Reply::json(400, json!({ "error": why }));
        match (method, what) {
            ("GET", "messages") => Reply::json(200, json!(self.live().messages)),
            ("GET", "stats") => Reply::json(200, json!(self.stats())),
            ("POST", "reset") => {
                self.reset();
                Reply::json(200, json!({ "reset": true }))
            }
            ("POST", "faults") => match serde_json::from_slice::<Faults>(body) {
                Ok(Faults::One(f)) => {
                    self.live().faults.push_back(f);
                    Reply::json(200, json!({ "queued": 1 }))
                }
                Ok(Faults::Many(fs)) => {
                    let n = fs.len();
                    self.live().faults.extend(fs);
                    Reply::json(200, json!({ "queued": n }))
                }
                Err(e) => bad(format!("not a fault: {e}")),
            },
            ("POST", "settings") => match serde_json::from_slice::<LiveSettings>(body) {
                Ok(s) if s.fail_rate.is_some_and(|r| !(0.0..=1.0).contains(&r)) => {
                    bad("fail_rate must be between 0.0 and 1.0".to_owned())
                }
                Ok(s) => {
                    let mut live = self.live();
                    if let Some(ms) = s.latency_ms {
                        live.latency = Duration::from_millis(ms);
                    }
                    if let Some(credit) = s.credit {
                        live.credit = credit;
                    }
                    if let Some(rate) = s.fail_rate {
                        live.fail_rate = rate;
                    }
                    if let Some(texts) = s.design_texts {
                        live.texts.extend(texts);
                    }
                    drop(live);
                    Reply::json(200, json!(self.stats()))
                }
                Err(e) => bad(format!("bad settings: {e}")),
            },
            _ => Reply::html(404, "404 Not Found"),
        }
    }

    fn service(&self, req: &Incoming<'_>) -> Plan {
        let (fault, mut delay, fail_rate) = {
            let mut live = self.live();
            live.hits += 1;
            (live.faults.pop_front(), live.latency, live.fail_rate)
        };
        match fault {
            Some(Fault::Drop) => {
                return Plan {
                    delay,
                    reply: Reply::Drop,
                }
            }
            Some(Fault::Status {
                status,
                body,
                headers,
            }) => {
                let content_type = if body.trim_start().starts_with('<') {
                    "text/html"
                } else {
                    "application/json"
                };
                let reply = Reply::Answer {
                    status,
                    content_type,
                    headers,
                    body,
                };
                return Plan { delay, reply };
            }
            Some(Fault::RateLimit { retry_after }) => {
                let reply = Reply::Answer {
                    status: 429,
                    content_type: "application/json",
                    headers: vec![("Retry-After".to_owned(), retry_after.to_string())],
                    body: json!({"status": "error", "message": "too many requests", "code": 429})
                        .to_string(),
                };
                return Plan { delay, reply };
            }
            Some(Fault::Latency { ms }) => delay += Duration::from_millis(ms),
            None => {}
        }
        if fail_rate > 0.0 && random_fraction() < fail_rate {
            return Plan {
                delay,
                reply: Reply::html(500, "500 Internal Server Error"),
            };
        }
        Plan {
            delay,
            reply: self.process(req),
        }
    }

    /// The service proper: checks the parameters, spends credit, records the send.
    fn process(&self, req: &Incoming<'_>) -> Reply {
        if req.method != "PUT" && req.method != "POST" {
            return Reply::html(405, "405 Method Not Allowed");
        }
        let fields: Vec<(String, String)> = form_urlencoded::parse(req.body).into_owned().collect();
        let get = |name: &str| {
            fields
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.as_str())
                .filter(|v| !v.is_empty())
        };
        let (Some(universe), Some(key), Some(message), Some(rcpts)) =
            (get("universe"), get("key"), get("message"), get("rcpts"))
        else {
            return self.refuse("missing parameters");
        };
        let Some((_, expected_key)) = self.config.accounts.iter().find(|(u, _)| u == universe)
        else {
            return self.refuse("invalid universe ID");
        };
        if expected_key != key {
            return self.refuse("invalid key for this universe");
        }
        let text = self.live().texts.get(message).cloned();
        let design_ok = message.len() == 9
            && message.bytes().all(|b| b.is_ascii_alphanumeric())
            && (self.config.designs.is_empty()
                || text.is_some()
                || self.config.designs.iter().any(|d| d == message));
        if !design_ok {
            return self.refuse("invalid message ID");
        }
        let Some(rcpts) = serde_json::from_str::<Value>(rcpts)
            .ok()
            .and_then(|v| v.as_array().cloned())
            .filter(|a| {
                !a.is_empty()
                    && a.iter()
                        .all(|r| r.get("cellphone").is_some_and(Value::is_string))
            })
        else {
            return self.refuse("invalid JSON");
        };
        let todo = rcpts.len() as u64;
        let done = rcpts
            .iter()
            .filter(|r| r["cellphone"].as_str().is_some_and(plausible_number))
            .count() as u64;
        let campaign = campaign_id(universe, message, today());
        let sms = match text.as_deref().map(|t| render(t, &rcpts)).transpose() {
            Ok(sms) => sms.unwrap_or_default(),
            Err(why) => return self.refuse(&why),
        };
        // The provider bills per segment; without a text, one SMS each.
        let cost = if text.is_some() {
            sms.iter()
                .filter(|s| plausible_number(&s.cellphone))
                .map(|s| s.segments as u64)
                .sum()
        } else {
            done
        };

        let mut live = self.live();
        if let Some(credit) = live.credit {
            if credit < cost {
                return Reply::json(
                    200,
                    json!({"status": "blocked", "message": "insufficient credit", "code": 200}),
                );
            }
            live.credit = Some(credit - cost);
        }
        let recorded = RecordedMessage {
            universe: universe.to_owned(),
            message: message.to_owned(),
            rcpts,
            opcode: get("opcode").map(str::to_owned),
            category: get("category").map(str::to_owned),
            campaign_id: campaign.clone(),
            method: req.method.to_owned(),
            user_agent: req.user_agent.clone(),
            content_type: req.content_type.clone(),
            field_order: fields.into_iter().map(|(n, _)| n).collect(),
            sms,
        };
        if let Some(file) = &self.record {
            // One write per line, under a lock, so that lines never interleave.
            let mut line = serde_json::to_vec(&recorded).unwrap_or_default();
            line.push(b'\n');
            let _ = file
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .write_all(&line);
        }
        live.messages.push(recorded);
        drop(live);
        // `inserted` as a string, as the real service sends it.
        Reply::json(
            200,
            json!({
                "status": "ok",
                "result": {"done": done, "inserted": done.to_string(), "campaign_id": campaign, "todo": todo},
                "message": "ok",
                "code": 200
            }),
        )
    }

    fn refuse(&self, message: &str) -> Reply {
        let status = if self.config.errors_as_http_200 {
            200
        } else {
            400
        };
        Reply::json(
            status,
            json!({"status": "error", "message": message, "code": 400}),
        )
    }
}

fn plausible_number(s: &str) -> bool {
    let digits = s.strip_prefix('+').unwrap_or(s);
    (6..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit())
}

fn today() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() / 86_400)
        .unwrap_or(0)
}

fn random_fraction() -> f64 {
    let r = std::collections::hash_map::RandomState::new().hash_one(SystemTime::now());
    (r >> 11) as f64 / (1u64 << 53) as f64
}

/// The campaign ID the sandbox gives a universe's design on a day (days since
/// 1970): the same all day, as the service groups campaigns per day and design.
pub fn campaign_id(universe: &str, design: &str, day: u64) -> String {
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    // FNV-1a: stable across runs and platforms, unlike std's hasher.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in universe
        .bytes()
        .chain([0])
        .chain(design.bytes())
        .chain([0])
        .chain(day.to_le_bytes())
    {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    (0..9)
        .map(|_| {
            let c = ALPHABET[(h % 62) as usize] as char;
            h /= 62;
            h = h.wrapping_mul(0x9e37_79b9_7f4a_7c15).rotate_left(17);
            c
        })
        .collect()
}

/// Each recipient's SMS from the design's `text`, as the core previews it.
fn render(text: &str, rcpts: &[Value]) -> Result<Vec<RenderedSms>, String> {
    let template = crate::Template::parse(text).map_err(|e| e.message().to_owned())?;
    Ok(rcpts
        .iter()
        .map(|r| {
            let fields: Vec<(&str, &str)> = r
                .as_object()
                .into_iter()
                .flatten()
                .filter(|(name, _)| *name != "cellphone")
                .filter_map(|(name, v)| v.as_str().map(|v| (name.as_str(), v)))
                .collect();
            let (text, _) = template.fill(&fields);
            let (encoding, _, segments, _) = crate::measure(&text);
            RenderedSms {
                cellphone: r["cellphone"].as_str().unwrap_or_default().to_owned(),
                text,
                encoding: match encoding {
                    crate::Encoding::Gsm7 => "gsm7",
                    _ => "ucs2",
                }
                .to_owned(),
                segments,
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn campaign_ids_are_stable_per_day_and_design() {
        let a = campaign_id("u", "AbCdEf123", 20_000);
        assert_eq!(a.len(), 9);
        assert!(a.bytes().all(|b| b.is_ascii_alphanumeric()));
        assert_eq!(a, campaign_id("u", "AbCdEf123", 20_000));
        assert_ne!(a, campaign_id("u", "AbCdEf123", 20_001));
        assert_ne!(a, campaign_id("u", "AbCdEf124", 20_000));
    }
}
