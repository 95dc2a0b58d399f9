//! `splio_preview`: what each recipient will read and what it will cost.

use std::ffi::c_char;

use super::boundary::c_boundary;
use super::{c_str, splio_status};

/// Previews a design's text for each recipient, without sending anything
/// and without a client: `{"text": "Hello $firstname$", "rcpts": [...]}`,
/// with an optional `"settings"` object of the settings that change
/// validation (`{"default_country": "FR"}`). Recipients go through the same
/// validation and number rules as a send.
///
/// Returns `SPLIO_OK` with `{"status": "ok", "recipients": [{"index",
/// "cellphone", "text", "encoding", "units", "segments", "forcing_ucs2",
/// "missing", "unused"}], "totals": {"recipients", "segments", "gsm7",
/// "ucs2"}}` in `*out_json`; `SPLIO_ERR_VALIDATION` for a refused recipient
/// or a `$MobileWalletsUrl$` placeholder; `SPLIO_ERR_INVALID_ARGUMENT` for
/// NULL, non-UTF-8 or non-JSON text. `*out_json` is written whenever
/// `out_json` is not NULL; release it with `splio_string_free`. Thread-safe.
///
/// # Safety
/// Each pointer is NULL or valid: `preview_json` NUL-terminated, `out_json`
/// writable.
#[no_mangle]
pub unsafe extern "C" fn splio_preview(
    preview_json: *const c_char,
    out_json: *mut *mut c_char,
) -> splio_status {
    c_boundary!(out_json, {
        // SAFETY: the caller passes NULL or a NUL-terminated string (checked by c_str).
        let preview = crate::preview_json(unsafe { c_str(preview_json, "preview_json") }?)?;
        Ok((splio_status::SPLIO_OK, preview.to_json()))
    })
}
