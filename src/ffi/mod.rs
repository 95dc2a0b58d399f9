//! The C ABI: opaque client handles, JSON documents in and out (feature
//! `capi`, on by default).
//!
//! This is the crate's only `unsafe` code. The body of every exported
//! function is one `c_boundary!` call (`boundary.rs`), which catches panics
//! (→ `SPLIO_ERR_INTERNAL`) and applies the out-parameter rules; pointers are
//! read through the helpers below, never by hand in a function body. The C
//! conventions (ownership, NULL, threads) are written once in the README and
//! in each function's doc comment, which cbindgen copies into
//! `include/splio_sms.h`.
#![allow(unsafe_code)]
#![allow(non_camel_case_types)]

mod boundary;
mod client;
mod guards;
mod logging;
mod preview;
mod status;

use std::ffi::{c_char, CStr, CString};
use std::ptr;

pub use client::*;
pub use logging::*;
pub use preview::*;
pub use status::*;

use crate::error::{Error, ErrorKind};

/// What a function body hands back: a status and the JSON document for `*out_json`.
type Outcome = (splio_status, String);

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

/// [`c_str`] for an argument where NULL means "none".
///
/// # Safety
/// As for [`c_str`].
unsafe fn c_str_or_null<'a>(p: *const c_char, name: &str) -> Result<Option<&'a str>, Error> {
    if p.is_null() {
        return Ok(None);
    }
    // SAFETY: not NULL, and NUL-terminated per this function's contract.
    unsafe { c_str(p, name) }.map(Some)
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
