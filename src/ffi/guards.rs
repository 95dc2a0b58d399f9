//! The guard keys of an `options_json` (`"text"`, `"max_segments"`), read
//! into the core's `Guards`: the rule itself lives in `src/preview`.

use serde_json::{Map, Value};

use crate::Guards;

/// An `options_json` object, or the error naming the argument.
pub(super) fn options(text: &str) -> crate::Result<Map<String, Value>> {
    serde_json::from_str(text).map_err(|e| bad(format!("not a JSON object: {e}")))
}

/// `options_json: {why}`, the one spelling of a bad option.
pub(super) fn bad(why: String) -> crate::Error {
    crate::Error::invalid_argument(format!("options_json: {why}"))
}

/// Takes `"text"` and `"max_segments"` out of `doc` (null is absent).
pub(super) fn take(doc: &mut Map<String, Value>) -> crate::Result<Guards> {
    let mut guards = Guards::default();
    match doc.remove("text") {
        None | Some(Value::Null) => {}
        Some(Value::String(t)) => guards = guards.text(t),
        Some(_) => return Err(bad("text must be a string (the design's text)".into())),
    }
    match doc.remove("max_segments") {
        None | Some(Value::Null) => {}
        Some(n) => {
            let n = n
                .as_u64()
                .and_then(|n| usize::try_from(n).ok())
                .ok_or_else(|| bad("max_segments must be a whole number of SMS parts".into()))?;
            guards = guards.max_segments(n);
        }
    }
    Ok(guards)
}

/// An options object holding only guard keys (NULL: none).
pub(super) fn only(text: Option<&str>) -> crate::Result<Guards> {
    let Some(text) = text else {
        return Ok(Guards::default());
    };
    let mut doc = options(text)?;
    let guards = take(&mut doc)?;
    match doc.keys().next() {
        Some(other) => Err(bad(format!(
            "{other}: unknown option (expected text, max_segments)"
        ))),
        None => Ok(guards),
    }
}
