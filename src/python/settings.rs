//! Python keywords read through the core's one table of settings: a Python
//! object is one more input the table's rules read, so names, defaults,
//! ranges and allowed values are the core's, never restated here.

use std::borrow::Cow;

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString};

use crate::error::{Error, ErrorKind};
use crate::settings::{ClientBuilder, Face, Kind, SettingInput, ValidationSettings, SETTINGS};

/// A Python object as a setting's value.
pub(crate) struct PyInput<'a, 'py>(pub &'a Bound<'py, PyAny>);

impl SettingInput for PyInput<'_, '_> {
    fn type_name(&self) -> Cow<'_, str> {
        if let Ok(s) = self.0.cast::<PyString>() {
            if s.to_cow().is_err() {
                // Never quoted: it may be a key.
                return Cow::Borrowed("str holding a lone surrogate (bytes that were not UTF-8)");
            }
        }
        Cow::Owned(
            self.0
                .get_type()
                .name()
                .map(|n| n.to_string())
                .unwrap_or_else(|_| "object".to_owned()),
        )
    }
    fn is_null(&self) -> bool {
        self.0.is_none()
    }
    fn as_text(&self) -> Option<Cow<'_, str>> {
        if let Ok(s) = self.0.cast::<PyString>() {
            // A str holding a lone surrogate cannot be UTF-8: a wrong value, never quoted.
            return s.to_cow().ok().map(|c| Cow::Owned(c.into_owned()));
        }
        // os.PathLike, for ca_file.
        let path = self.0.call_method0("__fspath__").ok()?;
        let path = path.cast::<PyString>().ok()?;
        path.to_cow().ok().map(|c| Cow::Owned(c.into_owned()))
    }
    fn as_bool(&self) -> Option<bool> {
        self.0.cast::<PyBool>().ok().map(|b| b.is_true())
    }
    fn as_integer(&self) -> Option<i128> {
        if self.0.cast::<PyBool>().is_ok() || self.0.cast::<PyInt>().is_err() {
            return None;
        }
        // Past i128 is out of any range: read as the largest, so the range check says so.
        Some(self.0.extract::<i128>().unwrap_or(i128::MAX))
    }
    fn as_number(&self) -> Option<f64> {
        if self.0.cast::<PyBool>().is_ok() {
            return None;
        }
        if let Ok(f) = self.0.cast::<PyFloat>() {
            return Some(f.value());
        }
        self.0.cast::<PyInt>().ok()?.extract::<f64>().ok()
    }
}

/// Reads `settings` (keyword arguments) into `builder`.
pub(crate) fn read(
    mut builder: ClientBuilder,
    settings: Option<&Bound<'_, PyDict>>,
) -> PyResult<ClientBuilder> {
    if let Some(settings) = settings {
        for (name, value) in settings.iter() {
            let name = name.cast::<PyString>()?.to_cow()?;
            builder = builder.read(Face::Python, &name, &PyInput(&value));
        }
    }
    Ok(builder)
}

/// The settings that change validation, from keyword arguments.
pub(crate) fn validation(settings: Option<&Bound<'_, PyDict>>) -> PyResult<ValidationSettings> {
    let mut given = Vec::new();
    if let Some(settings) = settings {
        for (name, value) in settings.iter() {
            given.push((name.cast::<PyString>()?.to_cow()?.into_owned(), value));
        }
    }
    let inputs: Vec<PyInput<'_, '_>> = given.iter().map(|(_, v)| PyInput(v)).collect();
    ValidationSettings::read(
        given
            .iter()
            .zip(&inputs)
            .map(|((name, _), input)| (Face::Python, name.as_str(), input as &dyn SettingInput)),
    )
    .map_err(|e| to_py(&e))
}

/// A settings error as Python expects it: `TypeError` for a wrong type or an
/// unknown keyword, `ValueError` for a bad value, naming the keyword.
pub(crate) fn to_py(e: &Error) -> PyErr {
    debug_assert_eq!(e.kind(), ErrorKind::InvalidArgument);
    let Some(first) = e.problems().first() else {
        return PyValueError::new_err(e.message().to_owned());
    };
    // Every problem at once, each naming its keyword: one round of fixes.
    let message = e
        .problems()
        .iter()
        .map(|p| format!("{} {}", p.path, p.message))
        .collect::<Vec<_>>()
        .join("; ");
    if first.is_wrong_type() {
        PyTypeError::new_err(message)
    } else {
        PyValueError::new_err(message)
    }
}

/// The table as Python values: `[{"json", "python", "flag", "env", "kind", "choices", "default", "doc", "validation"}]`.
pub(crate) fn table(py: Python<'_>) -> PyResult<Bound<'_, PyList>> {
    let list = PyList::empty(py);
    for s in SETTINGS {
        let d = PyDict::new(py);
        d.set_item("json", s.json)?;
        d.set_item("python", s.python)?;
        d.set_item("flag", s.flag)?;
        d.set_item("env", s.env)?;
        d.set_item("kind", s.kind.name())?;
        if let Kind::Choice(names) = s.kind {
            d.set_item("choices", names.to_vec())?;
        }
        d.set_item("default", s.default)?;
        d.set_item("validation", s.validation)?;
        d.set_item("doc", s.doc)?;
        list.append(d)?;
    }
    Ok(list)
}

/// `help(splio_sms.Client)`: every keyword with its type, default and meaning.
pub(crate) fn client_doc() -> String {
    let mut doc = String::from(
        "Client(universe, key, **settings)\n\n\
         Sends Trigger SMS for one universe. Safe to share between threads; the\n\
         GIL is released while a send waits.\n\nSettings (keyword arguments):\n",
    );
    for s in SETTINGS.iter().skip(2) {
        let (kind, default) = match s.kind {
            Kind::Duration { .. } => (
                "float seconds".to_owned(),
                s.default
                    .and_then(|d| d.parse::<f64>().ok())
                    .map(|ms| format!("{:?}", ms / 1000.0)),
            ),
            Kind::Choice(names) => (names.join(" | "), s.default.map(|d| format!("{d:?}"))),
            Kind::Bool => ("bool".to_owned(), s.default.map(python_bool)),
            Kind::Count { min, max } => (format!("int {min}..{max}"), s.default.map(str::to_owned)),
            _ => ("str".to_owned(), s.default.map(|d| format!("{d:?}"))),
        };
        doc.push_str(&format!(
            "    {} ({kind}, default {}): {}\n",
            s.python,
            default.unwrap_or_else(|| "None".to_owned()),
            s.doc
        ));
    }
    doc
}

fn python_bool(text: &str) -> String {
    if text == "true" { "True" } else { "False" }.to_owned()
}
