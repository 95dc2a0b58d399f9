//! Client settings from a JSON file, `SPLIO_*` variables and flags (in
//! rising order of precedence), checked by the library in one go.

use serde_json::{Map, Value};
use splio_sms::{Client, ClientBuilder};

use crate::args::Settings;
use crate::{describe, exit_code, Failure};

pub fn client(s: &Settings) -> Result<Client, Failure> {
    if s.key.is_some() {
        return Err(Failure::usage(
            "--key is refused: a key on the command line lands in shell history and `ps`; \
             set SPLIO_KEY or use --key-file",
        ));
    }
    let mut map = match &s.config {
        Some(path) => read_config(path)?,
        None => Map::new(),
    };
    let mut set = |name: &str, v: Option<Value>| {
        if let Some(v) = v {
            map.insert(name.to_owned(), v);
        }
    };
    set("universe", s.universe.clone().map(Value::from));
    set("key", key(s)?.map(Value::from));
    set("region", s.region.clone().map(Value::from));
    set("base_url", s.base_url.clone().map(Value::from));
    set("endpoint", s.endpoint.clone().map(Value::from));
    set("method", s.method.clone().map(Value::from));
    set("timeout_ms", s.timeout_ms.map(Value::from));
    set("connect_timeout_ms", s.connect_timeout_ms.map(Value::from));
    set("max_retries", s.max_retries.map(Value::from));
    set(
        "retry_unknown",
        s.retry_unknown.then_some(Value::Bool(true)),
    );
    set("proxy", s.proxy.clone().map(Value::from));
    set(
        "ca_file",
        s.ca_file
            .as_ref()
            .map(|p| Value::from(p.display().to_string())),
    );
    set(
        "allow_insecure_http",
        s.allow_insecure_http.then_some(Value::Bool(true)),
    );
    set(
        "user_agent_suffix",
        s.user_agent_suffix.clone().map(Value::from),
    );
    set("duplicates", s.duplicates.clone().map(Value::from));
    set("batch_size", s.batch_size.map(Value::from));
    set("concurrency", s.concurrency.map(Value::from));
    if !map.contains_key("universe") {
        return Err(Failure::usage(
            "no universe: set SPLIO_UNIVERSE or --universe",
        ));
    }
    if !map.contains_key("key") {
        return Err(Failure::usage("no API key: set SPLIO_KEY or --key-file"));
    }
    ClientBuilder::from_json(&Value::Object(map).to_string())
        .and_then(|b| b.binding("cli").build())
        .map_err(|e| Failure {
            code: exit_code(e.kind()),
            message: format!("bad settings: {}", describe(&e)),
        })
}

/// The key from --key-file or SPLIO_KEY; `None` leaves the config file's.
fn key(s: &Settings) -> Result<Option<String>, Failure> {
    if let Some(path) = &s.key_file {
        let text = std::fs::read_to_string(path).map_err(|e| {
            Failure::usage(format!("cannot read the key file {}: {e}", path.display()))
        })?;
        let key = text.trim().to_owned();
        if key.is_empty() {
            return Err(Failure::usage(format!(
                "the key file {} is empty",
                path.display()
            )));
        }
        return Ok(Some(key));
    }
    Ok(std::env::var("SPLIO_KEY").ok().filter(|k| !k.is_empty()))
}

fn read_config(path: &std::path::Path) -> Result<Map<String, Value>, Failure> {
    let shown = path.display();
    let text = std::fs::read_to_string(path)
        .map_err(|e| Failure::usage(format!("cannot read the settings file {shown}: {e}")))?;
    match serde_json::from_str(&text) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(Failure::usage(format!("{shown} must hold one JSON object"))),
        Err(e) => Err(Failure::usage(format!("{shown} is not valid JSON: {e}"))),
    }
}
