//! Core errors as the package's exception classes (defined in Python, in
//! `splio_sms/_errors.py`, so that `TimeoutError` can also be the builtin one).

use pyo3::exceptions::{PyKeyboardInterrupt, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyModule};

use crate::error::{Error, ErrorKind};

static ERRORS: PyOnceLock<Py<PyModule>> = PyOnceLock::new();

/// Imports `splio_sms._errors` when the module loads, so that making an
/// exception later runs no import (where a Ctrl-C could land).
pub(crate) fn load(py: Python<'_>) -> PyResult<()> {
    errors_module(py).map(|_| ())
}

fn errors_module(py: Python<'_>) -> PyResult<&Bound<'_, PyModule>> {
    ERRORS
        .get_or_try_init(py, || {
            PyModule::import(py, "splio_sms._errors").map(Bound::unbind)
        })
        .map(|m| m.bind(py))
}

/// The exception for `e`: `ValueError` for bad arguments, else the
/// `SplioError` subclass of its kind, with every attribute set. Should
/// making it fail (a Ctrl-C while the class runs), that failure is raised
/// as it is: a `KeyboardInterrupt` stays one.
pub(crate) fn to_py(py: Python<'_>, e: &Error) -> PyErr {
    if e.kind() == ErrorKind::InvalidArgument {
        return PyValueError::new_err(e.message().to_owned());
    }
    build(py, e).unwrap_or_else(|failure| failure)
}

/// What is known of a call when a signal handler interrupted the wait for it.
#[derive(Default)]
pub(crate) struct Known {
    pub message: String,
    /// `not_sent` or `unknown` while the outcome is not known.
    pub delivery: Option<&'static str>,
    pub attempts: u32,
    pub result: Option<Py<PyAny>>,
    pub report: Option<Py<PyAny>>,
    pub error: Option<PyErr>,
}

/// The exception for a wait that a signal handler ended by raising
/// `raised`: a `KeyboardInterrupt` becomes `splio_sms.Interrupted` (a
/// `KeyboardInterrupt` too) carrying what is known; any other exception a
/// handler raised is raised as it is.
pub(crate) fn interrupted(py: Python<'_>, raised: PyErr, known: Known) -> PyErr {
    if !raised.is_instance_of::<PyKeyboardInterrupt>(py) {
        return raised;
    }
    let build = || -> PyResult<PyErr> {
        let class = errors_module(py)?.getattr("Interrupted")?;
        let kwargs = PyDict::new(py);
        kwargs.set_item("delivery", known.delivery)?;
        kwargs.set_item("attempts", known.attempts)?;
        kwargs.set_item("result", known.result)?;
        kwargs.set_item("report", known.report)?;
        kwargs.set_item("error", known.error.map(|e| e.into_value(py)))?;
        let instance = class.call((known.message,), Some(&kwargs))?;
        Ok(PyErr::from_value(instance))
    };
    build().unwrap_or(raised)
}

fn build(py: Python<'_>, e: &Error) -> PyResult<PyErr> {
    let class = errors_module(py)?.getattr(class_name(e.kind()))?;
    let kwargs = PyDict::new(py);
    kwargs.set_item("kind", e.kind().as_str())?;
    kwargs.set_item("http_status", e.http_status())?;
    kwargs.set_item("delivery", e.delivery().as_str())?;
    kwargs.set_item("attempts", e.attempts())?;
    let problems: Vec<(String, String)> = e
        .problems()
        .iter()
        .map(|p| (p.path.clone(), p.message.clone()))
        .collect();
    kwargs.set_item("problems", problems)?;
    kwargs.set_item("retry_after", e.retry_after().map(|d| d.as_secs_f64()))?;
    let instance = class.call((e.message(),), Some(&kwargs))?;
    Ok(PyErr::from_value(instance))
}

fn class_name(kind: ErrorKind) -> &'static str {
    match kind {
        ErrorKind::Validation => "ValidationError",
        ErrorKind::Auth => "AuthenticationError",
        ErrorKind::BadRequest => "BadRequestError",
        ErrorKind::InsufficientCredit => "InsufficientCreditError",
        ErrorKind::RateLimited => "RateLimitedError",
        ErrorKind::Server => "ServerError",
        ErrorKind::Timeout => "TimeoutError",
        ErrorKind::Transport => "TransportError",
        ErrorKind::Protocol => "ProtocolError",
        _ => "SplioError",
    }
}
