//! The Rust API's face for the conformance suite (tests/conformance): reads
//! cases as three lines each on stdin — the operation, the settings JSON,
//! the request JSON — and answers each with one line, `OK <document>` or
//! `ERR <document>`. The texts are passed on as they are, so the suite sees
//! exactly what the JSON entry points make of them. A case's guards follow
//! the operation on its line (`send {"text": "...", "max_segments": 2}`).

use std::io::{self, BufRead, Write};

use serde_json::Value;
use splio_sms::settings::SettingInput;
use splio_sms::{Client, Error, Face, Guards, SendRequest, ValidationSettings};

fn main() -> io::Result<()> {
    let mut lines = io::stdin().lock().lines();
    let mut out = io::stdout().lock();
    while let Some(op) = lines.next() {
        let op = op?;
        let settings = lines.next().transpose()?.unwrap_or_default();
        let request = lines.next().transpose()?.unwrap_or_default();
        let (op, guards) = match op.split_once(' ') {
            Some((op, options)) => (op.to_owned(), Some(options.to_owned())),
            None => (op, None),
        };
        let answer = match guards {
            Some(options) => guarded(&op, &options, &settings, &request),
            None => run(&op, &settings, &request),
        };
        let line = match answer {
            Ok(doc) => format!("OK {doc}"),
            Err(e) => format!("ERR {}", e.to_json()),
        };
        writeln!(out, "{line}")?;
        out.flush()?;
    }
    Ok(())
}

fn run(op: &str, settings: &str, request: &str) -> Result<String, Error> {
    if op == "preview" {
        return splio_sms::preview_json(request).map(|p| p.to_json());
    }
    if op == "validate" {
        let checked = if settings.trim().is_empty() {
            splio_sms::validate_json(request)
        } else {
            splio_sms::validate_json_with(settings, request)
        };
        return checked.map(|()| r#"{"status":"ok"}"#.to_owned());
    }
    let client = Client::from_settings_json(settings)?;
    match op {
        "client_new" => Ok(serde_json::json!({
            "status": "ok",
            "universe": client.universe(),
            "url": client.url(),
        })
        .to_string()),
        "send" => client.send_json(request).map(|r| r.to_json()),
        "send_batch" => client.send_batch_json(request).map(|r| r.to_json()),
        other => Ok(serde_json::json!({"status": "unknown op", "op": other}).to_string()),
    }
}

/// A case with guards: the Rust API's `Guards`, checked as a guarded send
/// checks them (the whole request first), then the call itself.
fn guarded(op: &str, options: &str, settings: &str, request: &str) -> Result<String, Error> {
    let options: serde_json::Map<String, Value> =
        serde_json::from_str(options).expect("the runner writes an object");
    let mut guards = Guards::default();
    if let Some(text) = options.get("text").and_then(Value::as_str) {
        guards = guards.text(text);
    }
    if let Some(n) = options.get("max_segments").and_then(Value::as_u64) {
        guards = guards.max_segments(n as usize);
    }
    let parsed = SendRequest::from_json(request);
    if op == "validate" {
        let rules = if settings.trim().is_empty() {
            ValidationSettings::default()
        } else {
            let map: serde_json::Map<String, Value> =
                serde_json::from_str(settings).expect("the runner writes an object");
            ValidationSettings::read(
                map.iter()
                    .map(|(n, v)| (Face::Json, n.as_str(), v as &dyn SettingInput)),
            )?
        };
        let parsed = parsed?;
        splio_sms::validate_with(&parsed, rules)?;
        guards.check(&parsed, rules)?;
        return Ok(r#"{"status":"ok"}"#.to_owned());
    }
    let client = Client::from_settings_json(settings)?;
    let parsed = parsed?;
    guards.check_request(&parsed, client.settings().validation())?;
    match op {
        "send" => client.send(&parsed).map(|r| r.to_json()),
        _ => client.send_batch(&parsed).map(|r| r.to_json()),
    }
}
