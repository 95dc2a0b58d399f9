//! The C ABI: opaque client handles, JSON documents in and out.
//!
//! This is the crate's only `unsafe` code. Every exported function runs its
//! body through [`boundary`], which catches panics (→ `SPLIO_ERR_INTERNAL`)
//! and writes `*out_json`; pointers are read through the helpers below, never
//! by hand in a function body. The C conventions (ownership, NULL, threads)
//! are written once in the README and in each function's doc comment, which
//! cbindgen copies into `include/splio_sms.h`.
#![allow(unsafe_code)]
#![allow(non_camel_case_types)]

mod client;
mod status;

use std::ffi::{c_char, CStr, CString};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr;

pub use client::*;
pub use status::*;

use crate::error::{Error, ErrorKind};

/// What a function body hands back: a status and the JSON document for `*out_json`.
type Outcome = (splio_status, String);

/// Runs `body`, turning a panic into `SPLIO_ERR_INTERNAL`, and stores the
/// document in `*out_json` when `out_json` is not NULL.
fn boundary(out_json: *mut *mut c_char, body: impl FnOnce() -> Outcome) -> splio_status {
    let (status, json) = match catch_unwind(AssertUnwindSafe(body)) {
        Ok(outcome) => outcome,
        Err(_) => failure(&Error::internal(
            "a panic was caught at the C boundary; this is a bug in splio-sms, please report it",
        )),
    };
    if !out_json.is_null() {
        // SAFETY: the caller passes either NULL (checked above) or a pointer to
        // writable storage for one `char *`, as every function's doc says.
        unsafe { out_json.write(into_c_string(json)) };
    }
    status
}

/// The status and error document for `e`.
fn failure(e: &Error) -> Outcome {
    (splio_status::from_kind(e.kind()), e.to_json())
}

/// A heap C string for `json`, released by [`splio_string_free`].
fn into_c_string(json: String) -> *mut c_char {
    // serde_json escapes U+0000, so a document never holds a NUL byte; if one
    // ever did, the caller gets NULL rather than a truncated document.
    CString::new(json).map_or(ptr::null_mut(), CString::into_raw)
}

/// Reads a caller's string argument, naming it in the error.
///
/// # Safety
/// `p` is NULL or points to a NUL-terminated string that stays valid and
/// unchanged for the duration of the call.
unsafe fn c_str<'a>(p: *const c_char, name: &str) -> Result<&'a str, Error> {
    if p.is_null() {
        return Err(Error::invalid_argument(format!("{name} is NULL")));
    }
    // SAFETY: non-NULL and NUL-terminated per this function's contract.
    unsafe { CStr::from_ptr(p) }
        .to_str()
        .map_err(|e| Error::invalid_argument(format!("{name} is not valid UTF-8: {e}")))
}

/// An `invalid_argument` outcome for a NULL pointer argument.
fn null(name: &str) -> Outcome {
    failure(&Error::invalid_argument(format!("{name} is NULL")))
}

impl splio_status {
    fn from_kind(kind: ErrorKind) -> Self {
        match kind {
            ErrorKind::InvalidArgument => splio_status::SPLIO_ERR_INVALID_ARGUMENT,
            ErrorKind::Validation => splio_status::SPLIO_ERR_VALIDATION,
            ErrorKind::Auth => splio_status::SPLIO_ERR_AUTH,
            ErrorKind::BadRequest => splio_status::SPLIO_ERR_BAD_REQUEST,
            ErrorKind::InsufficientCredit => splio_status::SPLIO_ERR_INSUFFICIENT_CREDIT,
            ErrorKind::RateLimited => splio_status::SPLIO_ERR_RATE_LIMITED,
            ErrorKind::Server => splio_status::SPLIO_ERR_SERVER,
            ErrorKind::Timeout => splio_status::SPLIO_ERR_TIMEOUT,
            ErrorKind::Transport => splio_status::SPLIO_ERR_TRANSPORT,
            ErrorKind::Protocol => splio_status::SPLIO_ERR_PROTOCOL,
            ErrorKind::Internal => splio_status::SPLIO_ERR_INTERNAL,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_internal_with_an_error_document() {
        let mut out: *mut c_char = ptr::null_mut();
        let status = boundary(&mut out, || panic!("boom"));
        assert_eq!(status, splio_status::SPLIO_ERR_INTERNAL);
        assert!(!out.is_null());
        // SAFETY: `out` was just set by boundary from CString::into_raw.
        let doc = unsafe { CStr::from_ptr(out) }.to_str().unwrap().to_owned();
        // SAFETY: `out` came from this library and is freed once.
        unsafe { splio_string_free(out) };
        assert!(doc.contains(r#""kind":"internal""#), "{doc}");
    }

    #[test]
    fn a_null_out_json_is_skipped() {
        let status = boundary(ptr::null_mut(), || {
            (splio_status::SPLIO_OK, "{}".to_owned())
        });
        assert_eq!(status, splio_status::SPLIO_OK);
    }
}
