//! The Rust API's face for the conformance suite (tests/conformance): reads
//! cases as three lines each on stdin — the operation, the settings JSON,
//! the request JSON — and answers each with one line, `OK <document>` or
//! `ERR <document>`. The texts are passed on as they are, so the suite sees
//! exactly what the JSON entry points make of them.

use std::io::{self, BufRead, Write};

use splio_sms::{Client, Error};

fn main() -> io::Result<()> {
    let mut lines = io::stdin().lock().lines();
    let mut out = io::stdout().lock();
    while let Some(op) = lines.next() {
        let op = op?;
        let settings = lines.next().transpose()?.unwrap_or_default();
        let request = lines.next().transpose()?.unwrap_or_default();
        let answer = run(&op, &settings, &request);
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
