//! The `options_json` argument read as a JSON object; its guard keys are
//! read by the core (`Guards::take_options`), where the rule lives.

use serde_json::{Map, Value};

use crate::Guards;

/// The argument's name in every message about it.
const WHAT: &str = "options_json";

/// An `options_json` object, or the error naming the argument.
pub(super) fn options(text: &str) -> crate::Result<Map<String, Value>> {
    serde_json::from_str(text).map_err(|e| bad(format!("not a JSON object: {e}")))
}

/// `options_json: {why}`, the one spelling of a bad option.
pub(super) fn bad(why: String) -> crate::Error {
    crate::Error::invalid_argument(format!("{WHAT}: {why}"))
}

/// Takes `"text"` and `"max_segments"` out of `doc`.
pub(super) fn take(doc: &mut Map<String, Value>) -> crate::Result<Guards> {
    Guards::take_options(doc, WHAT)
}

/// An options object holding only guard keys (NULL: none).
pub(super) fn only(text: Option<&str>) -> crate::Result<Guards> {
    match text {
        None => Ok(Guards::default()),
        Some(text) => Guards::from_options(options(text)?, WHAT),
    }
}
