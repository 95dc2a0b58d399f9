//! `splio_status`, its names, and the library version.

use std::ffi::{c_char, c_int};

use super::boundary::c_boundary;

/// The result of every call that can fail. Values are never reused: a value
/// keeps its meaning in every future version, and new ones are only added.
///
/// The details of a failure (message, HTTP status, delivery certainty) are in
/// the JSON document written to `*out_json`.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum splio_status {
    /// Success.
    SPLIO_OK = 0,
    /// A NULL, non-UTF-8 or non-JSON argument, or bad settings. Nothing was sent.
    SPLIO_ERR_INVALID_ARGUMENT = 1,
    /// The request broke a rule; `error.problems` lists each one. Nothing was sent.
    SPLIO_ERR_VALIDATION = 2,
    /// The service refused the universe or key. Nothing was sent.
    SPLIO_ERR_AUTH = 3,
    /// The service refused the request (bad design ID, missing parameter, 404). Nothing was sent.
    SPLIO_ERR_BAD_REQUEST = 4,
    /// Not enough credit (`"status": "blocked"`). Nothing was sent.
    SPLIO_ERR_INSUFFICIENT_CREDIT = 5,
    /// HTTP 429; `error.retry_after_ms` may say when to try again. Nothing was sent.
    SPLIO_ERR_RATE_LIMITED = 6,
    /// HTTP 5xx. Delivery is unknown: do not blindly send again.
    SPLIO_ERR_SERVER = 7,
    /// A connect timeout (not sent) or no answer in time (unknown): read `error.delivery`.
    SPLIO_ERR_TIMEOUT = 8,
    /// DNS, connection or TLS failure: read `error.delivery`.
    SPLIO_ERR_TRANSPORT = 9,
    /// An answer that is not the service's. Delivery is unknown.
    SPLIO_ERR_PROTOCOL = 10,
    /// `splio_client_send_batch` only: some pieces were accepted, some not; see the report.
    SPLIO_ERR_PARTIAL = 11,
    /// A bug in splio-sms (a caught panic). Delivery is unknown.
    SPLIO_ERR_INTERNAL = 12,
}

/// A `splio_status` as C passes it in: any `int`. Taking the enum itself
/// would make an out-of-range value from C undefined behaviour in Rust.
/// (cbindgen.toml prints this type as `splio_status`.)
#[repr(transparent)]
#[derive(Debug, Clone, Copy)]
pub struct splio_status_arg(pub c_int);

const NAMES: [&std::ffi::CStr; 13] = [
    c"SPLIO_OK",
    c"SPLIO_ERR_INVALID_ARGUMENT",
    c"SPLIO_ERR_VALIDATION",
    c"SPLIO_ERR_AUTH",
    c"SPLIO_ERR_BAD_REQUEST",
    c"SPLIO_ERR_INSUFFICIENT_CREDIT",
    c"SPLIO_ERR_RATE_LIMITED",
    c"SPLIO_ERR_SERVER",
    c"SPLIO_ERR_TIMEOUT",
    c"SPLIO_ERR_TRANSPORT",
    c"SPLIO_ERR_PROTOCOL",
    c"SPLIO_ERR_PARTIAL",
    c"SPLIO_ERR_INTERNAL",
];
const UNKNOWN: &std::ffi::CStr = c"SPLIO_UNKNOWN_STATUS";
const VERSION: &std::ffi::CStr = match std::ffi::CStr::from_bytes_with_nul(
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_bytes(),
) {
    Ok(v) => v,
    Err(_) => panic!("the crate version holds no NUL byte"),
};

/// The name of `status` as a static string, e.g. `"SPLIO_ERR_AUTH"`;
/// `"SPLIO_UNKNOWN_STATUS"` for a value this version does not know.
///
/// Never NULL. The string is static: do not free it. Thread-safe.
#[no_mangle]
pub extern "C" fn splio_status_name(status: splio_status_arg) -> *const c_char {
    c_boundary!(if_panic: UNKNOWN.as_ptr(), {
        usize::try_from(status.0)
            .ok()
            .and_then(|i| NAMES.get(i))
            .map_or(UNKNOWN.as_ptr(), |name| name.as_ptr())
    })
}

/// The library's version as a static string, e.g. `"0.1.0"`; it matches the
/// `SPLIO_VERSION_MAJOR`, `_MINOR` and `_PATCH` macros of the header the
/// program was compiled with when the two are the same release.
///
/// Never NULL. The string is static: do not free it. Thread-safe.
#[no_mangle]
pub extern "C" fn splio_version() -> *const c_char {
    c_boundary!(if_panic: VERSION.as_ptr(), { VERSION.as_ptr() })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::CStr;

    fn name(code: c_int) -> String {
        // SAFETY: splio_status_name always returns a static NUL-terminated string.
        unsafe { CStr::from_ptr(splio_status_name(splio_status_arg(code))) }
            .to_str()
            .unwrap()
            .to_owned()
    }

    #[test]
    fn every_status_has_its_own_name_and_unknown_values_are_safe() {
        assert_eq!(name(splio_status::SPLIO_OK as c_int), "SPLIO_OK");
        assert_eq!(
            name(splio_status::SPLIO_ERR_AUTH as c_int),
            "SPLIO_ERR_AUTH"
        );
        assert_eq!(
            name(splio_status::SPLIO_ERR_INTERNAL as c_int),
            "SPLIO_ERR_INTERNAL"
        );
        assert_eq!(name(13), "SPLIO_UNKNOWN_STATUS");
        assert_eq!(name(-1), "SPLIO_UNKNOWN_STATUS");
        for (i, n) in NAMES.iter().enumerate() {
            assert!(n.to_str().unwrap().starts_with("SPLIO_"), "{i}");
        }
    }

    #[test]
    fn version_is_the_crate_version() {
        // SAFETY: splio_version returns a static NUL-terminated string.
        let v = unsafe { CStr::from_ptr(splio_version()) };
        assert_eq!(v.to_str().unwrap(), env!("CARGO_PKG_VERSION"));
    }
}
