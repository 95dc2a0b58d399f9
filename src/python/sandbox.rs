//! The Rust sandbox for Python tests; `splio_sms.testing.Sandbox` wraps it.

use std::sync::Mutex;
use std::time::Duration;

use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;

use super::convert::{json_to_py, py_to_json};
use crate::sandbox::{Fault, Sandbox as Server, SandboxConfig};

/// A running sandbox (use `splio_sms.testing.Sandbox`).
#[pyclass(frozen, module = "splio_sms.testing", name = "_Sandbox")]
pub(crate) struct Sandbox {
    server: Mutex<Option<Server>>,
    base_url: String,
}

impl Sandbox {
    fn with<T>(&self, f: impl FnOnce(&Server) -> T) -> PyResult<T> {
        let guard = self.server.lock().unwrap_or_else(|p| p.into_inner());
        guard
            .as_ref()
            .map(f)
            .ok_or_else(|| PyRuntimeError::new_err("the sandbox is stopped"))
    }
}

#[pymethods]
impl Sandbox {
    #[new]
    #[pyo3(signature = (*, universe, key, designs, credit, latency, port, fail_rate, errors_as_http_200))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        universe: String,
        key: String,
        designs: Vec<(String, Option<String>)>,
        credit: Option<u64>,
        latency: f64,
        port: u16,
        fail_rate: f64,
        errors_as_http_200: bool,
    ) -> PyResult<Self> {
        let mut config = SandboxConfig::default()
            .account(universe, key)
            .latency(seconds(latency)?)
            .port(port)
            .fail_rate(fail_rate)
            .errors_as_http_200(errors_as_http_200);
        for (id, text) in designs {
            config = match text {
                Some(text) => config.design_text(id, text),
                None => config.design(id),
            };
        }
        if let Some(c) = credit {
            config = config.credit(c);
        }
        let server =
            Server::start(config).map_err(|e| PyRuntimeError::new_err(format!("sandbox: {e}")))?;
        Ok(Sandbox {
            base_url: server.base_url(),
            server: Mutex::new(Some(server)),
        })
    }

    #[getter]
    fn base_url(&self) -> &str {
        &self.base_url
    }

    fn messages<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let messages = self.with(|s| serde_json::to_value(s.messages()).unwrap_or_default())?;
        json_to_py(py, &messages)
    }

    fn stats<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let stats = self.with(|s| serde_json::to_value(s.stats()).unwrap_or_default())?;
        json_to_py(py, &stats)
    }

    /// Queues a fault given as the HTTP control endpoint takes it, e.g. `{"fault": "drop"}`.
    fn push_fault(&self, fault: &Bound<'_, PyAny>) -> PyResult<()> {
        let fault: Fault = serde_json::from_value(py_to_json(fault)?)
            .map_err(|e| PyValueError::new_err(format!("not a sandbox fault: {e}")))?;
        self.with(|s| s.push_fault(fault))
    }

    #[pyo3(signature = (credit))]
    fn set_credit(&self, credit: Option<u64>) -> PyResult<()> {
        self.with(|s| s.set_credit(credit))
    }

    fn set_latency(&self, seconds_: f64) -> PyResult<()> {
        let latency = seconds(seconds_)?;
        self.with(|s| s.set_latency(latency))
    }

    fn reset(&self) -> PyResult<()> {
        self.with(Server::reset)
    }

    /// Stops serving; later calls raise `RuntimeError`. Stopping twice is harmless.
    fn stop(&self, py: Python<'_>) {
        let server = self.server.lock().unwrap_or_else(|p| p.into_inner()).take();
        py.detach(move || drop(server));
    }
}

fn seconds(value: f64) -> PyResult<Duration> {
    if value.is_finite() && value >= 0.0 {
        Ok(Duration::from_secs_f64(value))
    } else {
        Err(PyValueError::new_err(format!(
            "latency must be 0 or more seconds, not {value}"
        )))
    }
}
