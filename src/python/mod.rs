//! The Python module `splio_sms._native`, wrapped by the `splio_sms`
//! package in `bindings/python`. It translates at its edge only: Python
//! values in, core calls with the GIL released, Python values and the
//! package's exception classes out.
#![forbid(unsafe_code)]

mod client;
mod convert;
mod errors;
mod interrupted;
mod logging;
mod preview;
mod results;
mod runner;
#[cfg(feature = "sandbox")]
mod sandbox;
mod settings;

use pyo3::prelude::*;

/// The native part of `splio_sms`; import `splio_sms` instead.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", crate::VERSION)?;
    errors::load(m.py())?;
    logging::install(m.py())?;
    m.add_class::<client::Client>()?;
    m.add_class::<client::Token>()?;
    // The class text lists every setting from the core's table.
    m.getattr("Client")?
        .setattr("__doc__", settings::client_doc())?;
    m.add("SETTINGS", settings::table(m.py())?)?;
    m.add_class::<results::SendResult>()?;
    m.add_class::<results::BatchReport>()?;
    m.add_function(wrap_pyfunction!(client::validate, m)?)?;
    m.add_function(wrap_pyfunction!(preview::preview, m)?)?;
    m.add_class::<preview::Preview>()?;
    m.add_class::<preview::RecipientPreview>()?;
    #[cfg(feature = "sandbox")]
    m.add_class::<sandbox::Sandbox>()?;
    Ok(())
}
