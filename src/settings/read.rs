//! Reading settings from any face through one input abstraction: a JSON
//! value, a Python object (in `crate::python`) or text from a flag or an
//! environment variable each say what they hold, and the table's kinds decide
//! what is accepted — the way pydantic-core feeds one set of rules from JSON
//! and Python alike.
#![forbid(unsafe_code)]

use std::borrow::Cow;
use std::time::Duration;

use serde_json::Value as Json;

use super::schema::{Face, Kind, Setting, Value};
use crate::error::Problem;

/// A setting's value as a face holds it, before the table's rules apply.
pub trait SettingInput {
    /// The value's type as the face names it (`int`, `string`…), for "must be str, not int".
    fn type_name(&self) -> Cow<'_, str>;
    /// `null` / `None`: the setting is left at its default.
    fn is_null(&self) -> bool;
    /// Text, when the value is text.
    fn as_text(&self) -> Option<Cow<'_, str>>;
    /// A boolean, when the value is one.
    fn as_bool(&self) -> Option<bool>;
    /// A whole number (never a boolean).
    fn as_integer(&self) -> Option<i128>;
    /// Any number (never a boolean); durations in Python are float seconds.
    fn as_number(&self) -> Option<f64>;
}

impl SettingInput for Json {
    fn type_name(&self) -> Cow<'_, str> {
        Cow::Borrowed(match self {
            Json::Null => "null",
            Json::Bool(_) => "boolean",
            Json::Number(_) => "number",
            Json::String(_) => "string",
            Json::Array(_) => "array",
            Json::Object(_) => "object",
        })
    }
    fn is_null(&self) -> bool {
        self.is_null()
    }
    fn as_text(&self) -> Option<Cow<'_, str>> {
        self.as_str().map(Cow::Borrowed)
    }
    fn as_bool(&self) -> Option<bool> {
        self.as_bool()
    }
    fn as_integer(&self) -> Option<i128> {
        self.as_i64()
            .map(i128::from)
            .or_else(|| self.as_u64().map(i128::from))
    }
    fn as_number(&self) -> Option<f64> {
        self.as_f64()
    }
}

/// A value written as text: a command flag, an environment variable, a default in the table.
#[derive(Debug, Clone, Copy)]
pub struct Text<'a>(pub &'a str);

impl SettingInput for Text<'_> {
    fn type_name(&self) -> Cow<'_, str> {
        Cow::Owned(format!("{:?}", self.0))
    }
    fn is_null(&self) -> bool {
        false
    }
    fn as_text(&self) -> Option<Cow<'_, str>> {
        Some(Cow::Borrowed(self.0))
    }
    fn as_bool(&self) -> Option<bool> {
        match self.0.trim().to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" | "on" => Some(true),
            "false" | "0" | "no" | "off" => Some(false),
            _ => None,
        }
    }
    fn as_integer(&self) -> Option<i128> {
        self.0.trim().parse().ok()
    }
    fn as_number(&self) -> Option<f64> {
        self.0.trim().parse().ok()
    }
}

/// Reads `input` for `setting` as `face` writes it: `Ok(None)` for a null
/// (the default stays), or the problem, spelled for `face`.
pub(crate) fn parse(
    setting: &Setting,
    face: Face,
    input: &dyn SettingInput,
) -> Result<Option<Value>, Problem> {
    if input.is_null() && !matches!(setting.kind, Kind::Required) {
        return Ok(None);
    }
    let path = setting.path(face);
    let wrong = || Problem::wrong_type(path.clone(), expected(setting.kind, face, input));
    let value = match setting.kind {
        Kind::Required | Kind::Text | Kind::OptionalText => {
            Value::Text(input.as_text().ok_or_else(wrong)?.into_owned())
        }
        Kind::OptionalPath => Value::Path(input.as_text().ok_or_else(wrong)?.as_ref().into()),
        Kind::Bool => Value::Bool(input.as_bool().ok_or_else(wrong)?),
        Kind::Count { .. } => {
            let n = input.as_integer().ok_or_else(wrong)?;
            // A negative count is out of range, not a wrong type.
            Value::Count(
                u64::try_from(n)
                    .map_err(|_| Problem::new(path.clone(), range(setting.kind, face)))?,
            )
        }
        Kind::Duration { .. } => {
            let ms = if face == Face::Python {
                input.as_number().ok_or_else(wrong)? * 1000.0
            } else {
                input.as_integer().ok_or_else(wrong)? as f64
            };
            if !(ms.is_finite() && ms >= 1.0) {
                return Err(Problem::new(path, range(setting.kind, face)));
            }
            Value::Duration(Duration::from_secs_f64(ms.min(u64::MAX as f64) / 1000.0))
        }
        Kind::Choice(names) => {
            let text = input.as_text().ok_or_else(wrong)?;
            let found = names
                .iter()
                .position(|n| n.eq_ignore_ascii_case(text.trim()));
            Value::Choice(found.ok_or_else(|| {
                Problem::new(
                    path.clone(),
                    format!("must be {}, not {:?}", one_of(names), text.as_ref()),
                )
            })?)
        }
    };
    match problem(setting.kind, face, &value) {
        Some(why) => Err(Problem::new(path, why)),
        None => Ok(Some(value)),
    }
}

/// The kind's limits broken by `value`, if any (also checked for values set in Rust).
pub(crate) fn problem(kind: Kind, face: Face, value: &Value) -> Option<String> {
    let inside = match (kind, value) {
        (Kind::Count { min, max }, Value::Count(n)) => (min..=max).contains(n),
        (Kind::Duration { max_ms }, Value::Duration(d)) => {
            *d >= Duration::from_millis(1) && *d <= Duration::from_millis(max_ms)
        }
        _ => true,
    };
    (!inside).then(|| range(kind, face))
}

fn range(kind: Kind, face: Face) -> String {
    match kind {
        Kind::Count { min, max } => format!("must be between {min} and {max}"),
        Kind::Duration { max_ms } if face == Face::Python => format!(
            "must be a number of seconds between 0.001 and {}",
            max_ms / 1000
        ),
        Kind::Duration { max_ms } => format!("must be between 1 and {max_ms} milliseconds"),
        _ => String::new(),
    }
}

/// What `kind` expects, in `face`'s words, and what was given instead.
fn expected(kind: Kind, face: Face, got: &dyn SettingInput) -> String {
    let got = got.type_name();
    match face {
        Face::Python => {
            let want = match kind {
                Kind::Bool => "bool",
                Kind::Count { .. } => "int",
                Kind::Duration { .. } => "a number of seconds (int or float)",
                Kind::OptionalPath => "str or os.PathLike",
                _ => "str",
            };
            format!("must be {want}, not {got}")
        }
        Face::Json => match kind {
            Kind::Bool => "must be true or false".to_owned(),
            Kind::Count { .. } => "must be a whole number".to_owned(),
            Kind::Duration { .. } => "must be a whole number of milliseconds".to_owned(),
            Kind::Choice(names) => format!("must be {}", one_of(names)),
            _ => "must be a string".to_owned(),
        },
        Face::Cli | Face::Env => match kind {
            Kind::Bool => format!("must be true or false, not {got}"),
            Kind::Count { .. } => format!("must be a whole number, not {got}"),
            Kind::Duration { .. } => format!("must be a whole number of milliseconds, not {got}"),
            _ => "must be text".to_owned(),
        },
    }
}

/// `"eu" or "asia"`, `"reject", "dedupe" or "allow"`.
pub(crate) fn one_of(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("{n:?}")).collect();
    match quoted.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    }
}
