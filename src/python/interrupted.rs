//! What `splio_sms.Interrupted` says when Ctrl-C ends the wait for a send
//! or a batch: the call is cancelled first (no attempt, retry or piece
//! starts after it), so what is read then stays true.

use pyo3::prelude::*;

use super::errors::{self, Known};
use super::results::{BatchReport, SendResult};
use crate::cancel::CallState;
use crate::error::Delivery;
use crate::BatchControl;

/// A send interrupted; `finished` is its outcome if it had just ended.
pub(crate) fn send(
    py: Python<'_>,
    raised: PyErr,
    state: &CallState,
    finished: Option<crate::Result<crate::SendResult>>,
) -> PyErr {
    let attempts = state.attempts();
    let plural = if attempts == 1 { "" } else { "s" };
    let known = match finished {
        Some(Ok(r)) => Known {
            message: "interrupted as the answer came: the service accepted the request \
                      (its result is in .result)"
                .to_owned(),
            attempts: r.attempts,
            result: Py::new(py, SendResult::from(r)).ok().map(Py::into_any),
            ..Known::default()
        },
        Some(Err(e)) => Known {
            message: format!("interrupted as the send failed: {e} ({})", e.delivery()),
            delivery: Some(e.delivery().as_str()),
            attempts: e.attempts(),
            error: Some(errors::to_py(py, &e)),
            ..Known::default()
        },
        None => {
            let delivery = state.delivery();
            let message = match delivery {
                Delivery::NotSent if attempts == 0 => {
                    "interrupted before the request was sent: nothing was sent (not_sent), \
                     it is safe to send again"
                        .to_owned()
                }
                Delivery::NotSent => format!(
                    "interrupted while waiting to retry: {attempts} attempt{plural} sent \
                     nothing (not_sent), it is safe to send again"
                ),
                Delivery::Unknown => format!(
                    "interrupted while waiting for the answer: the request was written and \
                     may still be accepted (delivery unknown, {attempts} attempt{plural}); \
                     sending it again may send it twice"
                ),
            };
            Known {
                message,
                delivery: Some(delivery.as_str()),
                attempts,
                ..Known::default()
            }
        }
    };
    errors::interrupted(py, raised, known)
}

/// A batch interrupted: its report as things stand (or whole, if it had
/// just ended) accounts for every recipient.
pub(crate) fn batch(
    py: Python<'_>,
    raised: PyErr,
    control: &BatchControl,
    finished: Option<crate::Result<crate::BatchReport>>,
) -> PyErr {
    let report = match finished {
        Some(Ok(report)) => Some(report),
        Some(Err(e)) => {
            let known = Known {
                message: format!("interrupted as the batch was refused: {e}"),
                delivery: Some(e.delivery().as_str()),
                error: Some(errors::to_py(py, &e)),
                ..Known::default()
            };
            return errors::interrupted(py, raised, known);
        }
        None => control.report_so_far(),
    };
    let known = match report {
        Some(report) => {
            let accepted: usize = report
                .batches
                .iter()
                .filter(|b| b.outcome.is_ok())
                .map(|b| b.count)
                .sum();
            Known {
                message: format!(
                    "interrupted: {accepted} recipients accepted, {} not sent (safe to send \
                     again), {} unknown (may be queued); .report accounts for every recipient",
                    report.not_sent.len(),
                    report.unknown.len()
                ),
                report: Py::new(py, BatchReport::from(report))
                    .ok()
                    .map(Py::into_any),
                ..Known::default()
            }
        }
        None => Known {
            message: "interrupted before any piece was sent: nothing was sent (not_sent)"
                .to_owned(),
            delivery: Some(Delivery::NotSent.as_str()),
            ..Known::default()
        },
    };
    errors::interrupted(py, raised, known)
}
