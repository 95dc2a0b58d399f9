//! The core's log records (target `splio_sms`) in Python's `logging`,
//! under the logger `splio_sms`.
//!
//! What pyo3-log does, with one difference that keeps a disabled logger
//! free: the logger's level is read from Python at the start of each call
//! (with the GIL already held) and becomes the `log` facade's maximum, so a
//! record nobody wants stops at one comparison, with no GIL and no
//! formatting. A level changed while a call runs applies from the next call.

use log::{Level, LevelFilter, Log, Metadata, Record};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;

static LOGGER: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

struct Bridge;

impl Log for Bridge {
    fn enabled(&self, m: &Metadata<'_>) -> bool {
        m.target().starts_with(crate::logs::TARGET) && m.level() <= log::max_level()
    }

    fn log(&self, record: &Record<'_>) {
        if !self.enabled(record.metadata()) {
            return;
        }
        let text = record.args().to_string();
        let level = python_level(record.level());
        // Not during interpreter shutdown, when attaching could hang.
        Python::try_attach(|py| {
            if let Some(logger) = LOGGER.get(py) {
                // A failing handler is logging's to report (Handler.handleError).
                let _ = logger.bind(py).call_method1("log", (level, text));
            }
        });
    }

    fn flush(&self) {}
}

static BRIDGE: Bridge = Bridge;

/// Installs the bridge (once per process; a program that set another
/// logger for the facade keeps it).
pub(crate) fn install(py: Python<'_>) -> PyResult<()> {
    let logger = PyModule::import(py, "logging")?
        .getattr("getLogger")?
        .call1(("splio_sms",))?;
    let _ = LOGGER.set(py, logger.unbind());
    let _ = log::set_logger(&BRIDGE);
    Ok(())
}

/// Makes the facade's maximum the `splio_sms` logger's level, as Python
/// sees it now (its handlers' levels are logging's to apply).
pub(crate) fn refresh(py: Python<'_>) {
    let Some(logger) = LOGGER.get(py) else {
        return;
    };
    let logger = logger.bind(py);
    let enabled = |level: Level| {
        logger
            .call_method1("isEnabledFor", (python_level(level),))
            .and_then(|v| v.is_truthy())
            .unwrap_or(false)
    };
    let max = [Level::Debug, Level::Info, Level::Warn, Level::Error]
        .into_iter()
        .find(|l| enabled(*l))
        .map_or(LevelFilter::Off, |l| l.to_level_filter());
    if log::max_level() != max {
        log::set_max_level(max);
    }
}

fn python_level(level: Level) -> u8 {
    match level {
        Level::Error => 40,
        Level::Warn => 30,
        Level::Info => 20,
        Level::Debug => 10,
        Level::Trace => 5,
    }
}
