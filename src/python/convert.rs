//! Python values to and from the core's types, converted once at the edge.

use std::sync::Arc;

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};

use crate::error::Problem;
use crate::request::{Recipient, SendRequest};

/// Builds a request from `send(message, rcpts, opcode=, category=)`'s
/// arguments. Wrong argument types are `TypeError`s naming the argument;
/// problems inside `rcpts` are kept for validation, which reports them all.
pub(crate) fn request(
    message: &Bound<'_, PyAny>,
    rcpts: &Bound<'_, PyAny>,
    opcode: Option<&Bound<'_, PyAny>>,
    category: Option<&Bound<'_, PyAny>>,
) -> PyResult<SendRequest> {
    let message = message
        .cast::<PyString>()
        .map_err(|_| type_error("message", "a str (the 9-character design ID)", message))?;
    let mut req = SendRequest::new(message.to_cow()?);
    if let Some(opcode) = optional_str(opcode, "opcode")? {
        req.opcode = Some(opcode);
    }
    if let Some(category) = optional_str(category, "category")? {
        req.category = Some(category);
    }
    let items: Vec<Bound<'_, PyAny>> = if let Ok(list) = rcpts.cast::<PyList>() {
        list.iter().collect()
    } else if let Ok(tuple) = rcpts.cast::<PyTuple>() {
        tuple.iter().collect()
    } else {
        return Err(type_error("rcpts", "a list of dicts", rcpts));
    };
    let mut names: Vec<Arc<str>> = Vec::new();
    req.rcpts.reserve(items.len());
    for (i, item) in items.iter().enumerate() {
        let r = recipient(i, item, &mut names, &mut req.shape_problems)?;
        req.rcpts.push(r);
    }
    Ok(req)
}

fn recipient(
    i: usize,
    item: &Bound<'_, PyAny>,
    names: &mut Vec<Arc<str>>,
    p: &mut Vec<Problem>,
) -> PyResult<Recipient> {
    let mut r = Recipient::new(String::new());
    let Ok(dict) = item.cast::<PyDict>() else {
        p.push(Problem::new(
            format!("rcpts[{i}]"),
            "must be a dict with a cellphone",
        ));
        r.unreadable = true;
        return Ok(r);
    };
    let mut seen_cellphone = false;
    for (key, value) in dict.iter() {
        let Ok(key) = key.cast::<PyString>() else {
            p.push(Problem::new(
                format!("rcpts[{i}]"),
                "field names must be str",
            ));
            continue;
        };
        let name = key.to_cow()?;
        if name == "cellphone" {
            seen_cellphone = true;
            match value.cast::<PyString>() {
                Ok(s) => r.cellphone = s.to_cow()?.into_owned(),
                Err(_) => {
                    p.push(Problem::new(
                        format!("rcpts[{i}].cellphone"),
                        "must be a str",
                    ));
                    r.unreadable = true;
                }
            }
            continue;
        }
        match scalar_text(&value)? {
            Some(Some(text)) => r.push_field(shared_name(names, &name), &text),
            Some(None) => {}
            None => p.push(Problem::new(
                format!("rcpts[{i}].{name}"),
                "must be a str, int, float or bool (lists, dicts and other objects are refused)",
            )),
        }
    }
    if !seen_cellphone {
        p.push(Problem::new(format!("rcpts[{i}].cellphone"), "is required"));
        r.unreadable = true;
    }
    Ok(r)
}

/// A field value as text: `Some(None)` for `None` (left out), `None` when refused.
fn scalar_text(v: &Bound<'_, PyAny>) -> PyResult<Option<Option<String>>> {
    if v.is_none() {
        return Ok(Some(None));
    }
    if let Ok(s) = v.cast::<PyString>() {
        return Ok(Some(Some(s.to_cow()?.into_owned())));
    }
    // bool before int: True is an int in Python.
    if let Ok(b) = v.cast::<PyBool>() {
        return Ok(Some(Some(
            if b.is_true() { "true" } else { "false" }.to_owned(),
        )));
    }
    if v.cast::<PyInt>().is_ok() {
        return Ok(Some(Some(v.str()?.to_cow()?.into_owned())));
    }
    if let Ok(f) = v.cast::<PyFloat>() {
        // The same text as a JSON number would give; NaN and infinities are refused.
        return Ok(serde_json::Number::from_f64(f.value()).map(|n| Some(n.to_string())));
    }
    Ok(None)
}

fn shared_name(names: &mut Vec<Arc<str>>, name: &str) -> Arc<str> {
    if let Some(known) = names.iter().find(|n| &***n == name) {
        return known.clone();
    }
    let new: Arc<str> = Arc::from(name);
    if names.len() < 64 {
        names.push(new.clone());
    }
    new
}

fn optional_str(v: Option<&Bound<'_, PyAny>>, name: &str) -> PyResult<Option<String>> {
    match v {
        None => Ok(None),
        Some(v) if v.is_none() => Ok(None),
        Some(v) => match v.cast::<PyString>() {
            Ok(s) => Ok(Some(s.to_cow()?.into_owned())),
            Err(_) => Err(type_error(name, "a str or None", v)),
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
