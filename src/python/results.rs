//! `SendResult` and `BatchReport`: plain, typed, read-only result objects.

use pyo3::prelude::*;
use pyo3::types::PyDict;

use super::convert::{json_to_py, py_repr};

/// What the service said about an accepted send. Counts it left out are `None`.
#[pyclass(frozen, get_all, module = "splio_sms")]
pub(crate) struct SendResult {
    todo: Option<u64>,
    done: Option<u64>,
    inserted: Option<u64>,
    campaign_id: Option<String>,
    http_status: u16,
    attempts: u32,
    dropped_duplicates: usize,
}

impl From<crate::SendResult> for SendResult {
    fn from(r: crate::SendResult) -> Self {
        SendResult {
            todo: r.todo,
            done: r.done,
            inserted: r.inserted,
            campaign_id: r.campaign_id,
            http_status: r.http_status,
            attempts: r.attempts,
            dropped_duplicates: r.dropped_duplicates,
        }
    }
}

fn show<T: std::fmt::Display>(v: &Option<T>) -> String {
    v.as_ref()
        .map_or_else(|| "None".to_owned(), |v| v.to_string())
}

#[pymethods]
impl SendResult {
    fn __repr__(&self, py: Python<'_>) -> String {
        format!(
            "SendResult(todo={}, done={}, inserted={}, campaign_id={}, http_status={}, attempts={}, dropped_duplicates={})",
            show(&self.todo),
            show(&self.done),
            show(&self.inserted),
            self.campaign_id
                .as_ref()
                .map_or_else(|| "None".to_owned(), |c| py_repr(py, c)),
            self.http_status,
            self.attempts,
            self.dropped_duplicates
        )
    }
}

/// What became of every recipient of a `send_batch`.
#[pyclass(frozen, module = "splio_sms")]
pub(crate) struct BatchReport {
    report: crate::BatchReport,
    document: serde_json::Value,
}

impl From<crate::BatchReport> for BatchReport {
    fn from(report: crate::BatchReport) -> Self {
        let document = serde_json::to_value(&report).unwrap_or_default();
        BatchReport { report, document }
    }
}

#[pymethods]
impl BatchReport {
    /// `"ok"`, `"partial"` or `"error"`.
    #[getter]
    fn status(&self) -> &'static str {
        self.report.status.as_str()
    }

    /// `{"todo": n, "done": n, "inserted": n}` over the accepted pieces.
    #[getter]
    fn totals<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json_to_py(py, &self.document["totals"])
    }

    /// One dict per piece: `first`, `count`, `status`, and `result` or `error`.
    #[getter]
    fn batches<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json_to_py(py, &self.document["batches"])
    }

    /// Indexes into `rcpts` that surely got no SMS: safe to send again.
    #[getter]
    fn not_sent(&self) -> Vec<usize> {
        self.report.not_sent.clone()
    }

    /// Indexes into `rcpts` whose SMS may or may not be queued.
    #[getter]
    fn unknown(&self) -> Vec<usize> {
        self.report.unknown.clone()
    }

    /// Indexes into `rcpts` left out as repeats (`duplicates="dedupe"`).
    #[getter]
    fn dropped(&self) -> Vec<usize> {
        self.report.dropped.clone()
    }

    /// Recipients a journal says an earlier run sent (so this one did not).
    #[getter]
    fn already_sent(&self) -> usize {
        self.report.already_sent
    }

    /// The whole report as the contract's JSON document, as a dict.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        Ok(json_to_py(py, &self.document)?.cast_into::<PyDict>()?)
    }

    fn __repr__(&self) -> String {
        let t = &self.report.totals;
        format!(
            "BatchReport(status='{}', batches={}, inserted={}, not_sent={}, unknown={}, dropped={})",
            self.status(),
            self.report.batches.len(),
            t.inserted,
            self.report.not_sent.len(),
            self.report.unknown.len(),
            self.report.dropped.len()
        )
    }
}
