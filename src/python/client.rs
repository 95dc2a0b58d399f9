//! `splio_sms.Client` and `splio_sms.validate`.

use pyo3::prelude::*;
use pyo3::types::PyDict;

use std::sync::Arc;

use super::convert;
use super::errors;
use super::interrupted;
use super::logging;
use super::results::{BatchReport, SendResult};
use super::runner::{self, Waited};
use super::settings::{self, PyInput};
use crate::cancel::{CallState, Cancel};
use crate::error::ErrorKind;
use crate::settings::{ClientBuilder, Face};
use crate::BatchControl;

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

    /// Validates and sends one request; returns a `SendResult` or raises a
    /// `SplioError`. Ctrl-C ends the wait at once with `splio_sms.Interrupted`
    /// (a `KeyboardInterrupt`) saying whether the request may have been queued.
    ///
    /// `text`: the design's text (`"Hello $firstname$"`); a recipient with no
    /// value for one of its placeholders is refused. `max_segments` (needs
    /// `text`): a recipient whose SMS needs more parts is refused. A refusal
    /// is a `ValidationError` with one problem per recipient concerned
    /// (`rcpts[3]`), raised before any byte leaves.
    #[pyo3(signature = (message, rcpts, *, opcode = None, category = None, text = None, max_segments = None))]
    #[allow(clippy::too_many_arguments)]
    fn send(
        &self,
        py: Python<'_>,
        message: &Bound<'_, PyAny>,
        rcpts: &Bound<'_, PyAny>,
        opcode: Option<&Bound<'_, PyAny>>,
        category: Option<&Bound<'_, PyAny>>,
        text: Option<&Bound<'_, PyAny>>,
        max_segments: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<SendResult> {
        let request = convert::request(message, rcpts, opcode, category)?;
        let guards = convert::guards(text, max_segments)?;
        logging::refresh(py);
        let (client, watch) = (self.inner.clone(), Arc::new(Watch::default()));
        let job = {
            let watch = watch.clone();
            move || guarded_send(&client, &guards, &request, &watch)
        };
        match runner::run(py, job)? {
            Waited::Done(outcome) => sent(py, outcome),
            Waited::Interrupted { raised, finished } => {
                watch.cancel.cancel();
                Err(interrupted::send(
                    py,
                    raised,
                    &watch.state,
                    finished.flatten(),
                ))
            }
        }
    }

    /// Sends in `batch_size` pieces, `concurrency` at a time, and returns a
    /// `BatchReport` accounting for every recipient — also when no piece was
    /// accepted (its `status` is then `"error"`). Raises only when nothing
    /// was sent: a request that does not validate (`ValidationError`), bad
    /// arguments. Ctrl-C starts no new piece and ends the wait at once with
    /// `splio_sms.Interrupted`, whose `report` accounts for every recipient.
    ///
    /// `journal`: a file path where every recipient is recorded before its
    /// piece leaves and with its outcome after. Called again with the same
    /// journal and the same recipients (after a crash, say), it sends only
    /// those not sent yet; those whose fate is unknown are sent again only
    /// with `include_unknown=True`. A changed list, or a journal in use, is
    /// refused with `ValueError` before anything is sent.
    ///
    /// `text` and `max_segments`: the guards, as for `send`; a recipient they
    /// refuse refuses the whole batch (`ValidationError`) before any piece leaves.
    #[pyo3(signature = (message, rcpts, *, opcode = None, category = None, journal = None, include_unknown = false, text = None, max_segments = None))]
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
        text: Option<&Bound<'_, PyAny>>,
        max_segments: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<BatchReport> {
        let request = convert::request(message, rcpts, opcode, category)?;
        let guards = convert::guards(text, max_segments)?;
        logging::refresh(py);
        let control = match journal {
            Some(path) => BatchControl::new()
                .journal(crate::Journal::new(path).include_unknown(include_unknown)),
            None if include_unknown => {
                return Err(pyo3::exceptions::PyTypeError::new_err(
                    "include_unknown needs a journal",
                ))
            }
            None => BatchControl::new(),
        };
        let (client, control) = (self.inner.clone(), Arc::new(control));
        let job = {
            let control = control.clone();
            move || guarded_batch(&client, &guards, &request, &control)
        };
        match runner::run(py, job)? {
            Waited::Done(outcome) => outcome
                .map(BatchReport::from)
                .map_err(|e| errors::to_py(py, &e)),
            Waited::Interrupted { raised, finished } => {
                control.cancel();
                Err(interrupted::batch(py, raised, &control, finished))
            }
        }
    }

    /// `send` for `AsyncClient`, run on its worker threads: `token.cancel()`
    /// stops it between attempts.
    #[pyo3(signature = (token, message, rcpts, opcode = None, category = None, text = None, max_segments = None))]
    #[allow(clippy::too_many_arguments)]
    fn _send_with(
        &self,
        py: Python<'_>,
        token: &Token,
        message: &Bound<'_, PyAny>,
        rcpts: &Bound<'_, PyAny>,
        opcode: Option<&Bound<'_, PyAny>>,
        category: Option<&Bound<'_, PyAny>>,
        text: Option<&Bound<'_, PyAny>>,
        max_segments: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<SendResult> {
        let request = convert::request(message, rcpts, opcode, category)?;
        let guards = convert::guards(text, max_segments)?;
        logging::refresh(py);
        let watch = &token.0.send;
        let outcome = py.detach(|| guarded_send(&self.inner, &guards, &request, watch));
        sent(py, outcome)
    }

    /// `send_batch` for `AsyncClient`, run on its worker threads.
    #[pyo3(signature = (token, message, rcpts, opcode = None, category = None, text = None, max_segments = None))]
    #[allow(clippy::too_many_arguments)]
    fn _send_batch_with(
        &self,
        py: Python<'_>,
        token: &Token,
        message: &Bound<'_, PyAny>,
        rcpts: &Bound<'_, PyAny>,
        opcode: Option<&Bound<'_, PyAny>>,
        category: Option<&Bound<'_, PyAny>>,
        text: Option<&Bound<'_, PyAny>>,
        max_segments: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<BatchReport> {
        let request = convert::request(message, rcpts, opcode, category)?;
        let guards = convert::guards(text, max_segments)?;
        logging::refresh(py);
        let control = &token.0.batch;
        py.detach(|| guarded_batch(&self.inner, &guards, &request, control))
            .map(BatchReport::from)
            .map_err(|e| errors::to_py(py, &e))
    }

    /// Requests in flight at once (the `concurrency` setting): an
    /// `AsyncClient`'s worker threads.
    #[getter]
    fn _concurrency(&self) -> usize {
        self.inner.settings().concurrency()
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        format!(
            "<splio_sms.Client universe={} url={}>",
            convert::py_repr(py, self.inner.universe()),
            convert::py_repr(py, self.inner.url())
        )
    }
}

/// The guards, then the send, on the waiting thread (a long list is checked
/// without holding the GIL); a refusal is an outcome like any other.
fn guarded_send(
    client: &crate::Client,
    guards: &crate::Guards,
    request: &crate::SendRequest,
    watch: &Watch,
) -> Option<crate::Result<crate::SendResult>> {
    match guards.check_request(request, client.settings().validation()) {
        Ok(()) => client.send_watched(request, &watch.cancel, &watch.state),
        Err(e) => Some(Err(e)),
    }
}

/// [`guarded_send`] for a batch.
fn guarded_batch(
    client: &crate::Client,
    guards: &crate::Guards,
    request: &crate::SendRequest,
    control: &BatchControl,
) -> crate::Result<crate::BatchReport> {
    guards.check_request(request, client.settings().validation())?;
    client.send_batch_with(request, control)
}

/// A send's cancel switch and where it stands.
#[derive(Default)]
pub(crate) struct Watch {
    pub cancel: Cancel,
    pub state: CallState,
}

/// The outcome of a watched send; `None` (cancelled before its first
/// attempt) only reaches a caller who has stopped listening.
fn sent(py: Python<'_>, outcome: Option<crate::Result<crate::SendResult>>) -> PyResult<SendResult> {
    match outcome {
        Some(Ok(r)) => Ok(SendResult::from(r)),
        Some(Err(e)) => Err(errors::to_py(py, &e)),
        None => Err(pyo3::exceptions::asyncio::CancelledError::new_err(
            "cancelled before the request was sent",
        )),
    }
}

struct Switches {
    send: Watch,
    batch: BatchControl,
}

/// An `AsyncClient` call's cancel switch: `cancel()` stops the call between
/// attempts (and a batch before its next piece).
#[pyclass(frozen, module = "splio_sms", name = "_Token")]
pub(crate) struct Token(Arc<Switches>);

#[pymethods]
impl Token {
    #[new]
    fn new() -> Self {
        Token(Arc::new(Switches {
            send: Watch::default(),
            batch: BatchControl::new(),
        }))
    }

    fn cancel(&self) {
        self.0.send.cancel.cancel();
        self.0.batch.cancel();
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
/// problem. Takes the settings that change validation (`duplicates`), and
/// the guards `text` and `max_segments` as `Client.send` does.
#[pyfunction]
#[pyo3(signature = (message, rcpts, *, opcode = None, category = None, text = None, max_segments = None, **settings))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn validate(
    py: Python<'_>,
    message: &Bound<'_, PyAny>,
    rcpts: &Bound<'_, PyAny>,
    opcode: Option<&Bound<'_, PyAny>>,
    category: Option<&Bound<'_, PyAny>>,
    text: Option<&Bound<'_, PyAny>>,
    max_segments: Option<&Bound<'_, PyAny>>,
    settings: Option<&Bound<'_, PyDict>>,
) -> PyResult<()> {
    let rules = settings::validation(settings)?;
    let request = convert::request(message, rcpts, opcode, category)?;
    let guards = convert::guards(text, max_segments)?;
    crate::validate_with(&request, rules)
        .and_then(|()| guards.check(&request, rules))
        .map_err(|e| errors::to_py(py, &e))
}
