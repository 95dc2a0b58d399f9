//! `splio_sms.Client` and `splio_sms.validate`.

use pyo3::prelude::*;
use pyo3::types::PyDict;

use super::convert;
use super::errors;
use super::results::{BatchReport, SendResult};
use super::settings::{self, PyInput};
use crate::error::ErrorKind;
use crate::settings::{ClientBuilder, Face, ValidationSettings};

/// Sends Trigger SMS for one universe (the full text, with every setting,
/// is made from the core's table when the module loads).
#[pyclass(frozen, subclass, module = "splio_sms", name = "Client")]
pub(crate) struct Client {
    inner: crate::Client,
}

#[pymethods]
impl Client {
    #[new]
    #[pyo3(signature = (universe, key, **settings))]
    fn new(
        py: Python<'_>,
        universe: &Bound<'_, PyAny>,
        key: &Bound<'_, PyAny>,
        settings: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Self> {
        let b = ClientBuilder::empty()
            .read(Face::Python, "universe", &PyInput(universe))
            .read(Face::Python, "key", &PyInput(key));
        build(py, settings::read(b, settings)?)
    }

    /// A client from the `SPLIO_*` environment variables (`SPLIO_UNIVERSE` and
    /// `SPLIO_KEY` required; any other setting's variable, such as
    /// `SPLIO_BASE_URL` or `SPLIO_TIMEOUT_MS`, when set); keywords override them.
    #[classmethod]
    #[pyo3(signature = (**settings))]
    fn from_env(
        _cls: &Bound<'_, pyo3::types::PyType>,
        py: Python<'_>,
        settings: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Self> {
        let b = settings::read(ClientBuilder::empty().read_env(), settings)?;
        build(py, b.require(Face::Env))
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
    ///
    /// `journal`: a file path where every recipient is recorded before its
    /// piece leaves and with its outcome after. Called again with the same
    /// journal and the same recipients (after a crash, say), it sends only
    /// those not sent yet; those whose fate is unknown are sent again only
    /// with `include_unknown=True`. A changed list, or a journal in use, is
    /// refused with `ValueError` before anything is sent.
    #[pyo3(signature = (message, rcpts, *, opcode = None, category = None, journal = None, include_unknown = false))]
    #[allow(clippy::too_many_arguments)]
    fn send_batch(
        &self,
        py: Python<'_>,
        message: &Bound<'_, PyAny>,
        rcpts: &Bound<'_, PyAny>,
        opcode: Option<&Bound<'_, PyAny>>,
        category: Option<&Bound<'_, PyAny>>,
        journal: Option<std::path::PathBuf>,
        include_unknown: bool,
    ) -> PyResult<BatchReport> {
        let request = convert::request(message, rcpts, opcode, category)?;
        let control = match journal {
            Some(path) => crate::BatchControl::new()
                .journal(crate::Journal::new(path).include_unknown(include_unknown)),
            None if include_unknown => {
                return Err(pyo3::exceptions::PyTypeError::new_err(
                    "include_unknown needs a journal",
                ))
            }
            None => crate::BatchControl::new(),
        };
        self.detached(py, |c| c.send_batch_with(&request, &control))
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

/// Makes the client, naming a bad setting by its keyword.
fn build(py: Python<'_>, b: ClientBuilder) -> PyResult<Client> {
    let version = py.version_info();
    let built = b
        .binding(format!("python {}.{}", version.major, version.minor))
        .build();
    match built {
        Ok(inner) => Ok(Client { inner }),
        Err(e) if e.kind() == ErrorKind::InvalidArgument => Err(settings::to_py(&e)),
        Err(e) => Err(errors::to_py(py, &e)),
    }
}

/// Checks a request without sending it; raises `ValidationError` listing every
/// problem. Takes the settings that change validation (`duplicates`).
#[pyfunction]
#[pyo3(signature = (message, rcpts, *, opcode = None, category = None, **settings))]
pub(crate) fn validate(
    py: Python<'_>,
    message: &Bound<'_, PyAny>,
    rcpts: &Bound<'_, PyAny>,
    opcode: Option<&Bound<'_, PyAny>>,
    category: Option<&Bound<'_, PyAny>>,
    settings: Option<&Bound<'_, PyDict>>,
) -> PyResult<()> {
    let mut given = Vec::new();
    if let Some(settings) = settings {
        for (name, value) in settings.iter() {
            given.push((
                name.cast::<pyo3::types::PyString>()?.to_cow()?.into_owned(),
                value,
            ));
        }
    }
    let inputs: Vec<PyInput<'_, '_>> = given.iter().map(|(_, v)| PyInput(v)).collect();
    let rules = ValidationSettings::read(given.iter().zip(&inputs).map(|((name, _), input)| {
        (
            Face::Python,
            name.as_str(),
            input as &dyn crate::settings::SettingInput,
        )
    }))
    .map_err(|e| settings::to_py(&e))?;
    let request = convert::request(message, rcpts, opcode, category)?;
    crate::validate_with(&request, rules).map_err(|e| errors::to_py(py, &e))
}
