//! `splio_sms.Client` and `splio_sms.validate`.

use std::time::Duration;

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

use super::convert;
use super::errors;
use super::results::{BatchReport, SendResult};
use crate::settings::{ClientBuilder, Duplicates, Method, Region};

/// Sends Trigger SMS for one universe. Safe to share between threads; the
/// GIL is released while a send waits. Every setting is a keyword argument;
/// timeouts are in seconds.
#[pyclass(frozen, subclass, module = "splio_sms")]
pub(crate) struct Client {
    inner: crate::Client,
}

#[pymethods]
impl Client {
    #[new]
    #[pyo3(signature = (
        universe, key, *, region = "eu", base_url = None, endpoint = "nph-4.pl", method = "PUT",
        timeout = 30.0, connect_timeout = 10.0, max_retries = 2, retry_unknown = false,
        proxy = None, ca_file = None, allow_insecure_http = false, user_agent_suffix = None,
        duplicates = "reject", batch_size = 1000, concurrency = 4
    ))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        universe: String,
        key: String,
        region: &str,
        base_url: Option<String>,
        endpoint: &str,
        method: &str,
        timeout: f64,
        connect_timeout: f64,
        max_retries: u32,
        retry_unknown: bool,
        proxy: Option<String>,
        ca_file: Option<std::path::PathBuf>,
        allow_insecure_http: bool,
        user_agent_suffix: Option<String>,
        duplicates: &str,
        batch_size: usize,
        concurrency: usize,
    ) -> PyResult<Self> {
        let version = py.version_info();
        let mut b = ClientBuilder::new(universe, key)
            .region(match region {
                "eu" => Region::Eu,
                "asia" => Region::Asia,
                _ => return Err(PyValueError::new_err("region must be \"eu\" or \"asia\"")),
            })
            .endpoint(endpoint)
            .method(match method.to_ascii_uppercase().as_str() {
                "PUT" => Method::Put,
                "POST" => Method::Post,
                _ => return Err(PyValueError::new_err("method must be \"PUT\" or \"POST\"")),
            })
            .timeout(seconds("timeout", timeout)?)
            .connect_timeout(seconds("connect_timeout", connect_timeout)?)
            .max_retries(max_retries)
            .retry_unknown(retry_unknown)
            .allow_insecure_http(allow_insecure_http)
            .duplicates(match duplicates {
                "reject" => Duplicates::Reject,
                "dedupe" => Duplicates::Dedupe,
                "allow" => Duplicates::Allow,
                _ => {
                    return Err(PyValueError::new_err(
                        "duplicates must be \"reject\", \"dedupe\" or \"allow\"",
                    ))
                }
            })
            .batch_size(batch_size)
            .concurrency(concurrency)
            .binding(format!("python {}.{}", version.major, version.minor));
        if let Some(url) = base_url {
            b = b.base_url(url);
        }
        if let Some(proxy) = proxy {
            b = b.proxy(proxy);
        }
        if let Some(path) = ca_file {
            b = b.ca_file(path);
        }
        if let Some(suffix) = user_agent_suffix {
            b = b.user_agent_suffix(suffix);
        }
        let inner = b.build().map_err(|e| errors::to_py(py, &e))?;
        Ok(Client { inner })
    }

    /// The universe this client sends for.
    #[getter]
    fn universe(&self) -> &str {
        self.inner.universe()
    }

    /// The URL sends go to.
    #[getter]
    fn url(&self) -> &str {
        self.inner.url()
    }

    /// Validates and sends one request; returns a `SendResult` or raises a `SplioError`.
    #[pyo3(signature = (message, rcpts, *, opcode = None, category = None))]
    fn send(
        &self,
        py: Python<'_>,
        message: &Bound<'_, PyAny>,
        rcpts: &Bound<'_, PyAny>,
        opcode: Option<&Bound<'_, PyAny>>,
        category: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<SendResult> {
        let request = convert::request(message, rcpts, opcode, category)?;
        self.detached(py, |c| c.send(&request))
            .map(SendResult::from)
    }

    /// Sends in `batch_size` pieces, `concurrency` at a time; returns a `BatchReport`
    /// accounting for every recipient. Raises only when nothing was sent.
    #[pyo3(signature = (message, rcpts, *, opcode = None, category = None))]
    fn send_batch(
        &self,
        py: Python<'_>,
        message: &Bound<'_, PyAny>,
        rcpts: &Bound<'_, PyAny>,
        opcode: Option<&Bound<'_, PyAny>>,
        category: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<BatchReport> {
        let request = convert::request(message, rcpts, opcode, category)?;
        self.detached(py, |c| c.send_batch(&request))
            .map(BatchReport::from)
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        format!(
            "<splio_sms.Client universe={} url={}>",
            convert::py_repr(py, self.inner.universe()),
            convert::py_repr(py, self.inner.url())
        )
    }
}

impl Client {
    /// Runs `f` with the GIL released (a send waits on the network), then
    /// turns its error into the package's exception.
    fn detached<T: Send>(
        &self,
        py: Python<'_>,
        f: impl FnOnce(&crate::Client) -> crate::Result<T> + Send,
    ) -> PyResult<T> {
        let client = &self.inner;
        py.detach(|| f(client)).map_err(|e| errors::to_py(py, &e))
    }
}

/// Checks a request without sending it; raises `ValidationError` listing every problem.
#[pyfunction]
#[pyo3(signature = (message, rcpts, *, opcode = None, category = None))]
pub(crate) fn validate(
    py: Python<'_>,
    message: &Bound<'_, PyAny>,
    rcpts: &Bound<'_, PyAny>,
    opcode: Option<&Bound<'_, PyAny>>,
    category: Option<&Bound<'_, PyAny>>,
) -> PyResult<()> {
    let request = convert::request(message, rcpts, opcode, category)?;
    crate::validate(&request).map_err(|e| errors::to_py(py, &e))
}

fn seconds(name: &str, value: f64) -> PyResult<Duration> {
    if value.is_finite() && value > 0.0 && value <= 3600.0 {
        Ok(Duration::from_secs_f64(value))
    } else {
        Err(PyValueError::new_err(format!(
            "{name} must be a number of seconds above 0 and at most 3600, not {value}"
        )))
    }
}
