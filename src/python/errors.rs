//! Core errors as the package's exception classes (defined in Python, in
//! `splio_sms/_errors.py`, so that `TimeoutError` can also be the builtin one).

use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyModule};

use crate::error::{Error, ErrorKind};

static ERRORS: PyOnceLock<Py<PyModule>> = PyOnceLock::new();

/// The exception for `e`: `ValueError` for bad arguments, else the
/// `SplioError` subclass of its kind, with every attribute set.
pub(crate) fn to_py(py: Python<'_>, e: &Error) -> PyErr {
    if e.kind() == ErrorKind::InvalidArgument {
        return PyValueError::new_err(e.message().to_owned());
    }
    build(py, e).unwrap_or_else(|err| {
        PyRuntimeError::new_err(format!("{e} (and splio_sms._errors failed: {err})"))
    })
}

fn build(py: Python<'_>, e: &Error) -> PyResult<PyErr> {
    let module = ERRORS.get_or_try_init(py, || {
        PyModule::import(py, "splio_sms._errors").map(Bound::unbind)
    })?;
    let class = module.bind(py).getattr(class_name(e.kind()))?;
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
