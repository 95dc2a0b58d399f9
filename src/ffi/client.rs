//! `splio_client`: a client handle and the calls made with it.

use std::ffi::c_char;

use serde_json::json;

use super::boundary::c_boundary;
use super::{c_str, splio_status};
use crate::batch::BatchStatus;
use crate::client::Client;
use crate::settings::ClientBuilder;

/// A client for one universe: its settings, key and connection pool.
///
/// Underneath it is a Rust `splio_sms::Client` behind a pointer from
/// `splio_client_new`. Thread rules: one client may be used by many threads
/// at once (`splio_client_send` and `splio_client_send_batch` take it as
/// `const`); `splio_client_free` must not race with a call on the same
/// client. C sees only this forward declaration.
pub struct splio_client {
    client: Client,
}

/// Makes a client from a settings JSON object
/// (`{"universe": "...", "key": "...", "timeout_ms": 5000, ...}`; see the README
/// for every setting). Each setting is checked here, once.
///
/// On success returns `SPLIO_OK` and stores the new client in `*out_client`;
/// release it with `splio_client_free`. On failure `*out_client` is not
/// written. `*out_json` (when `out_json` is not NULL) receives
/// `{"status": "ok", "universe": ..., "url": ...}` or an error document; release
/// it with `splio_string_free`. `settings_json` is copied; the caller keeps it.
/// NULL `settings_json` or `out_client`, non-UTF-8 or non-JSON text, and bad
/// settings are `SPLIO_ERR_INVALID_ARGUMENT`. Thread-safe.
///
/// # Safety
/// Each pointer is NULL or valid as described above: strings NUL-terminated,
/// `client` a live handle from `splio_client_new`, `out_*` writable.
#[no_mangle]
pub unsafe extern "C" fn splio_client_new(
    settings_json: *const c_char,
    out_client: *mut *mut splio_client,
    out_json: *mut *mut c_char,
) -> splio_status {
    c_boundary!(out_json, out_client, {
        // SAFETY: the caller passes NULL or a NUL-terminated string (checked by c_str).
        let settings = unsafe { c_str(settings_json, "settings_json") }?;
        let client = ClientBuilder::from_json(settings)?.binding("c").build()?;
        let doc = json!({"status": "ok", "universe": client.universe(), "url": client.url()});
        Ok((splio_client { client }, doc.to_string()))
    })
}

/// Validates and sends one request JSON
/// (`{"message": "AbCdEf123", "rcpts": [{"cellphone": "+33612345678"}]}`) in one
/// HTTP request. Blocks until the service answers, the timeout passes or the
/// retries allowed for failures that cannot have sent anything are used up.
///
/// Returns `SPLIO_OK` with `{"status": "ok", "result": {"todo", "done",
/// "inserted", "campaign_id"}, "http_status", "attempts", "dropped_duplicates"}`
/// in `*out_json`, or an error status with `{"status": "error", "error": {"kind",
/// "message", "http_status", "delivery", "attempts", ...}}`. `error.delivery`
/// says whether an SMS may have been queued (`"unknown"`) or surely was not
/// (`"not_sent"`). `*out_json` is written whenever `out_json` is not NULL;
/// release it with `splio_string_free`. `request_json` is copied.
/// NULL `client` or `request_json` is `SPLIO_ERR_INVALID_ARGUMENT`.
/// Thread-safe: many threads may send on one client at once.
///
/// # Safety
/// Each pointer is NULL or valid as described above: strings NUL-terminated,
/// `client` a live handle from `splio_client_new`, `out_*` writable.
#[no_mangle]
pub unsafe extern "C" fn splio_client_send(
    client: *const splio_client,
    request_json: *const c_char,
    out_json: *mut *mut c_char,
) -> splio_status {
    c_boundary!(out_json, {
        // SAFETY: forwarded from this function's contract.
        let result = unsafe { with_request(client, request_json, |c, r| c.send_json(r)) }?;
        Ok((splio_status::SPLIO_OK, result.to_json()))
    })
}

/// Validates one request JSON, cuts its recipients into `batch_size` pieces
/// and sends them, `concurrency` at a time, over the client's pool.
///
/// When the request is valid, `*out_json` receives the batch report
/// `{"status": "ok"|"partial"|"error", "totals", "batches", "not_sent",
/// "unknown", "dropped"}` and the call returns `SPLIO_OK` (every piece
/// accepted), `SPLIO_ERR_PARTIAL` (some), or the status of the first piece's
/// error (none). `not_sent` and `unknown` are indexes into `rcpts`: re-sending
/// exactly `not_sent` doubles no one. When the request is refused before any
/// piece is sent (validation, bad argument), `*out_json` is an error document.
/// Release it with `splio_string_free`. NULL `client` or `request_json` is
/// `SPLIO_ERR_INVALID_ARGUMENT`. Thread-safe.
///
/// # Safety
/// Each pointer is NULL or valid as described above: strings NUL-terminated,
/// `client` a live handle from `splio_client_new`, `out_*` writable.
#[no_mangle]
pub unsafe extern "C" fn splio_client_send_batch(
    client: *const splio_client,
    request_json: *const c_char,
    out_json: *mut *mut c_char,
) -> splio_status {
    c_boundary!(out_json, {
        // SAFETY: forwarded from this function's contract.
        let report = unsafe { with_request(client, request_json, |c, r| c.send_batch_json(r)) }?;
        let status = match report.status {
            BatchStatus::Ok => splio_status::SPLIO_OK,
            BatchStatus::Partial => splio_status::SPLIO_ERR_PARTIAL,
            BatchStatus::Error => report
                .first_error()
                .map_or(splio_status::SPLIO_ERR_INTERNAL, |e| {
                    splio_status::from_kind(e.kind())
                }),
        };
        Ok((status, report.to_json()))
    })
}

/// Checks the client handle and reads the request text, then runs `f` on them.
///
/// # Safety
/// `client` is NULL or a live handle; `request_json` NULL or NUL-terminated.
unsafe fn with_request<T>(
    client: *const splio_client,
    request_json: *const c_char,
    f: impl FnOnce(&Client, &str) -> crate::Result<T>,
) -> crate::Result<T> {
    // SAFETY: NULL or a live handle from splio_client_new, per the contract.
    let client = unsafe { client.as_ref() }
        .ok_or_else(|| crate::Error::invalid_argument("client is NULL"))?;
    // SAFETY: the caller passes NULL or a NUL-terminated string (checked by c_str).
    let request = unsafe { c_str(request_json, "request_json") }?;
    f(&client.client, request)
}

/// Checks a request JSON without sending it, refusing repeated numbers (the
/// default `duplicates` policy). No client is needed and nothing touches the
/// network.
///
/// National numbers are refused (no `default_country`): use
/// `splio_validate_with` to give the settings that change validation.
///
/// Returns `SPLIO_OK` with `{"status": "ok"}`, or `SPLIO_ERR_VALIDATION` with
/// every problem in `error.problems` (`[{"path": "rcpts[3].cellphone",
/// "message": ...}]`), or `SPLIO_ERR_INVALID_ARGUMENT` for NULL, non-UTF-8 or
/// non-JSON text. `*out_json` as for `splio_client_send`. Thread-safe.
///
/// # Safety
/// Each pointer is NULL or valid as described above: strings NUL-terminated,
/// `out_json` writable.
#[no_mangle]
pub unsafe extern "C" fn splio_validate(
    request_json: *const c_char,
    out_json: *mut *mut c_char,
) -> splio_status {
    c_boundary!(out_json, {
        // SAFETY: the caller passes NULL or a NUL-terminated string (checked by c_str).
        crate::validate_json(unsafe { c_str(request_json, "request_json") }?)?;
        Ok((splio_status::SPLIO_OK, json!({"status": "ok"}).to_string()))
    })
}

/// `splio_validate` with the settings that change validation, as a JSON
/// object of their contract names (`{"default_country": "FR", "duplicates":
/// "dedupe", "number_check": "possible"}`); any other setting is
/// `SPLIO_ERR_INVALID_ARGUMENT`. `settings_json` NULL is the defaults, as
/// `splio_validate`. `*out_json` and the statuses as for `splio_validate`.
/// Thread-safe.
///
/// # Safety
/// Each pointer is NULL or valid as described above: strings NUL-terminated,
/// `out_json` writable.
#[no_mangle]
pub unsafe extern "C" fn splio_validate_with(
    settings_json: *const c_char,
    request_json: *const c_char,
    out_json: *mut *mut c_char,
) -> splio_status {
    c_boundary!(out_json, {
        // SAFETY: the caller passes NULL or a NUL-terminated string (checked by c_str).
        let request = unsafe { c_str(request_json, "request_json") }?;
        if settings_json.is_null() {
            crate::validate_json(request)?;
        } else {
            // SAFETY: not NULL, and NUL-terminated per the contract (checked by c_str).
            let settings = unsafe { c_str(settings_json, "settings_json") }?;
            crate::validate_json_with(settings, request)?;
        }
        Ok((splio_status::SPLIO_OK, json!({"status": "ok"}).to_string()))
    })
}

/// Releases a client and its connection pool. NULL is accepted and ignored.
/// Must not be called while another thread uses the same client, nor twice
/// for one client.
///
/// # Safety
/// `client` is NULL or a handle from `splio_client_new` not yet freed.
#[no_mangle]
pub unsafe extern "C" fn splio_client_free(client: *mut splio_client) {
    // A panic while dropping is caught; the pool is then leaked.
    c_boundary!(if_panic: (), {
        if !client.is_null() {
            // SAFETY: a pointer from splio_client_new, not freed before (contract).
            drop(unsafe { Box::from_raw(client) });
        }
    })
}

/// Releases a string this library returned in an `out_json`. NULL is accepted
/// and ignored. Never pass it to `free()`, and never pass `free()`'s strings here.
///
/// # Safety
/// `s` is NULL or a string from this library's `out_json`, not yet freed.
#[no_mangle]
pub unsafe extern "C" fn splio_string_free(s: *mut c_char) {
    c_boundary!(if_panic: (), {
        if !s.is_null() {
            // SAFETY: a pointer from CString::into_raw in this library, not freed before (contract).
            drop(unsafe { std::ffi::CString::from_raw(s) });
        }
    })
}
