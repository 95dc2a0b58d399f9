//! `splio_sms.preview`: what each recipient will read and what it will cost.

use pyo3::prelude::*;
use pyo3::types::PyDict;

use super::{convert, errors, settings};

/// What one recipient will read.
#[pyclass(frozen, get_all, module = "splio_sms")]
pub(crate) struct RecipientPreview {
    index: usize,
    cellphone: String,
    text: String,
    encoding: &'static str,
    units: usize,
    segments: usize,
    forcing_ucs2: Vec<String>,
    missing: Vec<String>,
    unused: Vec<String>,
}

#[pymethods]
impl RecipientPreview {
    fn __repr__(&self) -> String {
        format!(
            "RecipientPreview(index={}, encoding='{}', units={}, segments={}, missing={:?})",
            self.index, self.encoding, self.units, self.segments, self.missing
        )
    }
}

/// Every recipient's message and the totals.
#[pyclass(frozen, get_all, module = "splio_sms")]
pub(crate) struct Preview {
    recipients: Vec<Py<RecipientPreview>>,
    /// Recipients previewed.
    total_recipients: usize,
    /// SMS parts billed in all.
    total_segments: usize,
    gsm7: usize,
    ucs2: usize,
}

#[pymethods]
impl Preview {
    fn __repr__(&self) -> String {
        format!(
            "Preview(recipients={}, segments={}, gsm7={}, ucs2={})",
            self.total_recipients, self.total_segments, self.gsm7, self.ucs2
        )
    }
}

/// Renders `text` (`$firstname$` placeholders) for each recipient and tells
/// its encoding and SMS segments; takes the settings that change validation
/// (`default_country`, …). Raises `ValidationError` like a send would.
#[pyfunction]
#[pyo3(signature = (text, rcpts, **settings))]
pub(crate) fn preview(
    py: Python<'_>,
    text: &str,
    rcpts: &Bound<'_, PyAny>,
    settings: Option<&Bound<'_, PyDict>>,
) -> PyResult<Preview> {
    let rules = settings::validation(settings)?;
    let request = convert::recipients(rcpts)?;
    let p = crate::preview_with(text, &request, rules).map_err(|e| errors::to_py(py, &e))?;
    let recipients = p
        .recipients
        .into_iter()
        .map(|r| {
            Py::new(
                py,
                RecipientPreview {
                    index: r.index,
                    cellphone: r.cellphone,
                    text: r.text,
                    encoding: match r.encoding {
                        crate::Encoding::Gsm7 => "gsm7",
                        crate::Encoding::Ucs2 => "ucs2",
                    },
                    units: r.units,
                    segments: r.segments,
                    forcing_ucs2: r.forcing_ucs2,
                    missing: r.missing,
                    unused: r.unused,
                },
            )
        })
        .collect::<PyResult<_>>()?;
    Ok(Preview {
        recipients,
        total_recipients: p.totals.recipients,
        total_segments: p.totals.segments,
        gsm7: p.totals.gsm7,
        ucs2: p.totals.ucs2,
    })
}
