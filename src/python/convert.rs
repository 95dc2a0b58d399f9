//! Python values to and from the core's types, converted once at the edge.

use std::borrow::Cow;

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{
    PyBool, PyBytes, PyDict, PyFloat, PyInt, PyList, PyMapping, PySequence, PyString, PyTuple,
};

use crate::recipient::{FieldNames, FieldValue, Recipient, RecipientBuilder};
use crate::request::SendRequest;

/// Builds a request from `send(message, rcpts, opcode=, category=)`'s
/// arguments. Wrong argument types are `TypeError`s naming the argument;
/// each recipient goes through the core's one recipient builder, so its
/// problems are kept for validation, which reports them all.
pub(crate) fn request(
    message: &Bound<'_, PyAny>,
    rcpts: &Bound<'_, PyAny>,
    opcode: Option<&Bound<'_, PyAny>>,
    category: Option<&Bound<'_, PyAny>>,
) -> PyResult<SendRequest> {
    let message = message
        .cast::<PyString>()
        .map_err(|_| type_error("message", "str (the 9-character design ID)", message))?;
    let mut req = recipients(rcpts)?;
    req.message = message.to_cow()?.into_owned();
    req.opcode = optional_str(opcode, "opcode")?;
    req.category = optional_str(category, "category")?;
    Ok(req)
}

/// A request holding `rcpts` alone (no design yet, as a preview takes them).
pub(crate) fn recipients(rcpts: &Bound<'_, PyAny>) -> PyResult<SendRequest> {
    let items = sequence(rcpts)?;
    let mut req = SendRequest::new(String::new());
    let mut names = FieldNames::default();
    req.rcpts.reserve(items.len());
    for item in &items {
        req.rcpts.push(recipient(item, &mut names)?);
    }
    Ok(req)
}

/// Any sequence of recipients (list, tuple, or a `collections.abc.Sequence`),
/// but not text: a str is a sequence of characters, never of recipients.
fn sequence<'py>(rcpts: &Bound<'py, PyAny>) -> PyResult<Vec<Bound<'py, PyAny>>> {
    if let Ok(list) = rcpts.cast::<PyList>() {
        return Ok(list.iter().collect());
    }
    if let Ok(tuple) = rcpts.cast::<PyTuple>() {
        return Ok(tuple.iter().collect());
    }
    let is_text = rcpts.cast::<PyString>().is_ok() || rcpts.cast::<PyBytes>().is_ok();
    if !is_text && rcpts.cast::<PySequence>().is_ok() {
        return rcpts.try_iter()?.collect();
    }
    Err(type_error(
        "rcpts",
        "a sequence of mappings (a list of dicts)",
        rcpts,
    ))
}

fn recipient(item: &Bound<'_, PyAny>, names: &mut FieldNames) -> PyResult<Recipient> {
    let entries: Vec<(Bound<'_, PyAny>, Bound<'_, PyAny>)> = if let Ok(dict) = item.cast::<PyDict>()
    {
        dict.iter().collect()
    } else if let Ok(mapping) = item.cast::<PyMapping>() {
        mapping
            .items()?
            .iter()
            .map(|kv| kv.extract())
            .collect::<PyResult<_>>()?
    } else {
        return Ok(RecipientBuilder::not_an_object());
    };
    let mut r = RecipientBuilder::new(names);
    for (key, value) in entries {
        let Ok(key) = key.cast::<PyString>() else {
            r.name_not_text();
            continue;
        };
        r.field(&key.to_cow()?, field_value(&value)?);
    }
    Ok(r.finish())
}

/// A field value as the core reads it: text, a number's text, a boolean,
/// `None` (left out), or anything else (refused).
fn field_value<'a>(v: &'a Bound<'_, PyAny>) -> PyResult<FieldValue<'a>> {
    if v.is_none() {
        return Ok(FieldValue::Null);
    }
    if let Ok(s) = v.cast::<PyString>() {
        return Ok(FieldValue::Text(Cow::Owned(s.to_cow()?.into_owned())));
    }
    // bool before int: True is an int in Python.
    if let Ok(b) = v.cast::<PyBool>() {
        return Ok(FieldValue::Bool(b.is_true()));
    }
    if v.cast::<PyInt>().is_ok() {
        return Ok(FieldValue::Number(v.str()?.to_cow()?.into_owned()));
    }
    if let Ok(f) = v.cast::<PyFloat>() {
        // The same text as a JSON number would give; NaN and infinities are refused.
        return Ok(serde_json::Number::from_f64(f.value())
            .map_or(FieldValue::Other, |n| FieldValue::Number(n.to_string())));
    }
    Ok(FieldValue::Other)
}

/// The guards from `text=` and `max_segments=` (the command's `--text` and
/// `--max-segments`); a wrong type is a `TypeError` naming the keyword. The
/// rule itself, and "max_segments needs text", are the core's.
pub(crate) fn guards(
    text: Option<&Bound<'_, PyAny>>,
    max_segments: Option<&Bound<'_, PyAny>>,
) -> PyResult<crate::Guards> {
    let mut guards = crate::Guards::default();
    if let Some(text) = optional_str(text, "text")? {
        guards = guards.text(text);
    }
    match max_segments {
        None => {}
        Some(n) if n.is_none() => {}
        Some(n) => {
            let whole = n.cast::<PyInt>().is_ok() && n.cast::<PyBool>().is_err();
            if !whole {
                return Err(type_error("max_segments", "int (SMS parts) or None", n));
            }
            let n: usize = n.extract().map_err(|_| {
                pyo3::exceptions::PyValueError::new_err(
                    "max_segments must be a whole number of SMS parts, 0 or more",
                )
            })?;
            guards = guards.max_segments(n);
        }
    }
    Ok(guards)
}

fn optional_str(v: Option<&Bound<'_, PyAny>>, name: &str) -> PyResult<Option<String>> {
    match v {
        None => Ok(None),
        Some(v) if v.is_none() => Ok(None),
        Some(v) => match v.cast::<PyString>() {
            Ok(s) => Ok(Some(s.to_cow()?.into_owned())),
            Err(_) => Err(type_error(name, "str or None", v)),
        },
    }
}

pub(crate) fn type_error(arg: &str, expected: &str, got: &Bound<'_, PyAny>) -> PyErr {
    let got = got
        .get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "?".to_owned());
    PyTypeError::new_err(format!("{arg} must be {expected}, not {got}"))
}

/// A JSON value as plain Python objects (dict, list, str, int, float, bool, None).
pub(crate) fn json_to_py<'py>(
    py: Python<'py>,
    v: &serde_json::Value,
) -> PyResult<Bound<'py, PyAny>> {
    use serde_json::Value;
    Ok(match v {
        Value::Null => py.None().into_bound(py),
        Value::Bool(b) => PyBool::new(py, *b).to_owned().into_any(),
        Value::Number(n) => match (n.as_u64(), n.as_i64(), n.as_f64()) {
            (Some(u), _, _) => u.into_pyobject(py)?.into_any(),
            (None, Some(i), _) => i.into_pyobject(py)?.into_any(),
            (_, _, Some(f)) => f.into_pyobject(py)?.into_any(),
            _ => py.None().into_bound(py),
        },
        Value::String(s) => PyString::new(py, s).into_any(),
        Value::Array(items) => {
            let list = PyList::empty(py);
            for item in items {
                list.append(json_to_py(py, item)?)?;
            }
            list.into_any()
        }
        Value::Object(map) => {
            let dict = PyDict::new(py);
            for (k, item) in map {
                dict.set_item(k, json_to_py(py, item)?)?;
            }
            dict.into_any()
        }
    })
}

/// Plain Python objects as a JSON value (for the sandbox's fault dicts).
#[cfg(feature = "sandbox")]
pub(crate) fn py_to_json(v: &Bound<'_, PyAny>) -> PyResult<serde_json::Value> {
    use serde_json::Value;
    if v.is_none() {
        return Ok(Value::Null);
    }
    if let Ok(b) = v.cast::<PyBool>() {
        return Ok(Value::Bool(b.is_true()));
    }
    if let Ok(s) = v.cast::<PyString>() {
        return Ok(Value::String(s.to_cow()?.into_owned()));
    }
    if v.cast::<PyInt>().is_ok() {
        return Ok(Value::from(v.extract::<i64>()?));
    }
    if let Ok(f) = v.cast::<PyFloat>() {
        return Ok(serde_json::Number::from_f64(f.value()).map_or(Value::Null, Value::Number));
    }
    if let Ok(d) = v.cast::<PyDict>() {
        let mut map = serde_json::Map::new();
        for (k, item) in d.iter() {
            map.insert(k.str()?.to_cow()?.into_owned(), py_to_json(&item)?);
        }
        return Ok(Value::Object(map));
    }
    if let Ok(l) = v.cast::<PyList>() {
        return l
            .iter()
            .map(|i| py_to_json(&i))
            .collect::<PyResult<Vec<_>>>()
            .map(Value::Array);
    }
    if let Ok(t) = v.cast::<PyTuple>() {
        return t
            .iter()
            .map(|i| py_to_json(&i))
            .collect::<PyResult<Vec<_>>>()
            .map(Value::Array);
    }
    Err(type_error("value", "a JSON-like value", v))
}

/// A string as Python's `repr` shows it (`'text'`).
pub(crate) fn py_repr(py: Python<'_>, s: &str) -> String {
    PyString::new(py, s)
        .repr()
        .and_then(|r| r.to_cow().map(|c| c.into_owned()))
        .unwrap_or_else(|_| format!("{s:?}"))
}
