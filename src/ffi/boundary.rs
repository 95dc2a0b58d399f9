//! The C boundary, written once: the body of every exported function is one
//! [`c_boundary!`] call, so no function can forget to catch a panic or to
//! honour the out-parameter rules. `tests/c_boundary.rs` fails when an
//! `extern "C" fn` in `src/ffi` is written any other way.
//!
//! The functions stay ordinary `#[no_mangle] pub extern "C" fn` items (the
//! shape rustls-ffi's `ffi_panic_boundary!` uses, not hyper's `ffi_fn!`
//! that emits the whole item) because cbindgen reads the source unexpanded:
//! a function made by a macro would vanish from the header.

use std::ffi::c_char;
use std::panic::{catch_unwind, AssertUnwindSafe};

use super::{failure, into_c_string, splio_status, Outcome};
use crate::error::Error;

/// The body of an exported function, in one of three forms:
///
/// - `c_boundary!(out_json, { .. })`: the body returns `Result<Outcome>`;
///   an `Err` becomes its status and error document. The document goes to
///   `*out_json` whenever `out_json` is not NULL, on success and failure alike.
/// - `c_boundary!(out_json, out_x, { .. })`: as above for a function that
///   makes an object. The body returns `Result<(T, String)>` (the object and
///   its document); a NULL `out_x` is refused before the body runs, and
///   `*out_x` receives the boxed object on success only, never on failure.
/// - `c_boundary!(if_panic: value, { .. })`: a function with no status; the
///   body's value, or `value` if it panics.
///
/// In each form a panic never crosses into C: it becomes `SPLIO_ERR_INTERNAL`
/// with an error document, or the given value. `return` and `?` in the body
/// leave the body only; the boundary still does its part.
macro_rules! c_boundary {
    (if_panic: $fallback:expr, $body:block) => {
        $crate::ffi::boundary::or_on_panic($fallback, || $body)
    };
    ($out_json:ident, $body:block) => {
        $crate::ffi::boundary::reply(
            $out_json,
            || -> ::std::result::Result<$crate::ffi::Outcome, $crate::Error> { $body },
        )
    };
    ($out_json:ident, $out:ident, $body:block) => {
        $crate::ffi::boundary::reply_with_object(
            $out,
            stringify!($out),
            $out_json,
            || -> ::std::result::Result<(_, String), $crate::Error> { $body },
        )
    };
}
pub(super) use c_boundary;

/// Runs `body`, turning an error or a panic into its status and document,
/// and stores the document in `*out_json` when `out_json` is not NULL.
pub(super) fn reply(
    out_json: *mut *mut c_char,
    body: impl FnOnce() -> Result<Outcome, Error>,
) -> splio_status {
    let (status, json) = match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(outcome)) => outcome,
        Ok(Err(e)) => failure(&e),
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

/// [`reply`] for a function that makes an object: `*out` receives it, boxed,
/// only when the call succeeds, so a failed call leaves the caller's pointer
/// as it was and a panic leaks nothing into it.
pub(super) fn reply_with_object<T>(
    out: *mut *mut T,
    name: &str,
    out_json: *mut *mut c_char,
    body: impl FnOnce() -> Result<(T, String), Error>,
) -> splio_status {
    let mut made = None;
    let status = reply(out_json, || {
        if out.is_null() {
            return Err(Error::invalid_argument(format!("{name} is NULL")));
        }
        let (object, doc) = body()?;
        made = Some(object);
        Ok((splio_status::SPLIO_OK, doc))
    });
    if let (splio_status::SPLIO_OK, Some(object)) = (status, made) {
        // SAFETY: `out` is not NULL (the body would not have run) and points
        // to storage for one pointer, per the exported function's contract.
        unsafe { out.write(Box::into_raw(Box::new(object))) };
    }
    status
}

/// Runs `body`, giving `fallback` instead if it panics.
pub(super) fn or_on_panic<R>(fallback: R, body: impl FnOnce() -> R) -> R {
    catch_unwind(AssertUnwindSafe(body)).unwrap_or(fallback)
}

#[cfg(test)]
mod tests {
    use std::ffi::CStr;
    use std::ptr;

    use super::*;
    use crate::ffi::splio_string_free;

    /// Takes the document the boundary stored, releasing it as C would.
    fn take(out: *mut c_char) -> String {
        assert!(!out.is_null(), "no document was stored");
        // SAFETY: `out` was just set by the boundary from CString::into_raw.
        let doc = unsafe { CStr::from_ptr(out) }.to_str().unwrap().to_owned();
        // SAFETY: `out` came from this library and is freed once.
        unsafe { splio_string_free(out) };
        doc
    }

    #[test]
    fn a_panic_becomes_internal_with_an_error_document() {
        let mut out: *mut c_char = ptr::null_mut();
        let out_json = &mut out as *mut *mut c_char;
        let status = c_boundary!(out_json, { panic!("boom") });
        assert_eq!(status, splio_status::SPLIO_ERR_INTERNAL);
        let doc = take(out);
        assert!(doc.contains(r#""kind":"internal""#), "{doc}");
    }

    #[test]
    fn an_error_becomes_its_status_and_document() {
        let mut out: *mut c_char = ptr::null_mut();
        let out_json = &mut out as *mut *mut c_char;
        let status = c_boundary!(out_json, {
            Err(Error::invalid_argument("request_json is NULL"))
        });
        assert_eq!(status, splio_status::SPLIO_ERR_INVALID_ARGUMENT);
        assert!(take(out).contains("request_json is NULL"));
    }

    #[test]
    fn a_null_out_json_is_skipped() {
        let out_json: *mut *mut c_char = ptr::null_mut();
        let status = c_boundary!(out_json, { Ok((splio_status::SPLIO_OK, "{}".to_owned())) });
        assert_eq!(status, splio_status::SPLIO_OK);
    }

    #[test]
    fn a_made_object_is_stored_only_on_success() {
        let mut out: *mut c_char = ptr::null_mut();
        let out_json = &mut out as *mut *mut c_char;
        let mut made: *mut u32 = ptr::null_mut();
        let out_object = &mut made as *mut *mut u32;
        let status = c_boundary!(out_json, out_object, { Ok((7_u32, "{}".to_owned())) });
        assert_eq!(status, splio_status::SPLIO_OK);
        assert_eq!(take(out), "{}");
        // SAFETY: the boundary stored a pointer from Box::into_raw; taken back once.
        assert_eq!(*unsafe { Box::from_raw(made) }, 7);

        let sentinel = ptr::dangling_mut::<u32>();
        for failing in [true, false] {
            let mut kept = sentinel;
            let out_object = &mut kept as *mut *mut u32;
            let status = c_boundary!(out_json, out_object, {
                if failing {
                    return Err(Error::invalid_argument("settings_json is NULL"));
                }
                panic!("boom")
            });
            assert_ne!(status, splio_status::SPLIO_OK);
            assert_eq!(kept, sentinel, "out_object written on failure");
            take(out);
        }
    }

    #[test]
    fn a_null_out_object_is_refused_before_the_body_runs() {
        let mut out: *mut c_char = ptr::null_mut();
        let out_json = &mut out as *mut *mut c_char;
        let out_client: *mut *mut u32 = ptr::null_mut();
        let mut ran = false;
        let status = c_boundary!(out_json, out_client, {
            ran = true;
            Ok((1_u32, "{}".to_owned()))
        });
        assert_eq!(status, splio_status::SPLIO_ERR_INVALID_ARGUMENT);
        assert!(!ran);
        assert!(take(out).contains("out_client is NULL"));
    }

    #[test]
    fn a_function_without_status_gives_its_fallback_on_panic() {
        let name: *const c_char = c_boundary!(if_panic: c"fallback".as_ptr(), { panic!("boom") });
        // SAFETY: a static C string literal.
        assert_eq!(unsafe { CStr::from_ptr(name) }, c"fallback");
        assert_eq!(c_boundary!(if_panic: 0, { 5 }), 5);
    }
}
