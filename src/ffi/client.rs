//! `splio_client`: a client handle and the calls made with it.

use std::ffi::c_char;

use serde_json::json;

use super::boundary::c_boundary;
use super::{c_str, c_str_or_null, guards, splio_status};
use crate::batch::{BatchControl, BatchStatus, Journal};
use crate::client::Client;
use crate::settings::ClientBuilder;
use crate::{Guards, SendRequest};

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
/// (`{"universe": "...", "key": "...", "timeout_ms": 5000, ...}`; every
/// setting is listed under "Settings" at the top of this header). Each setting is checked here, once.
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
/// Each pointer is NULL or valid: `settings_json` NUL-terminated,
/// `out_client` and `out_json` writable.
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
/// Each pointer is NULL or valid: `client` a live handle from
/// `splio_client_new`, `request_json` NUL-terminated, `out_json` writable.
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

/// `splio_client_send` with options, a JSON object (NULL: none): the guards
/// `{"text": "Hello $firstname$", "max_segments": 2}`.
///
/// `text`: the design's text; a recipient with no value for one of its
/// `$placeholders$` is refused. `max_segments` (needs `text`): a recipient
/// whose SMS needs more parts than this is refused. A refusal is
/// `SPLIO_ERR_VALIDATION` with one problem per recipient concerned
/// (`{"path": "rcpts[3]", "message": ...}`), made before any byte leaves; a
/// request that does not validate is refused as by `splio_client_send`,
/// first. Unknown keys are `SPLIO_ERR_INVALID_ARGUMENT`. Statuses and
/// `*out_json` otherwise as for `splio_client_send`. Thread-safe.
///
/// # Safety
/// Each pointer is NULL or valid as described above: strings NUL-terminated,
/// `client` a live handle from `splio_client_new`, `out_*` writable.
#[no_mangle]
pub unsafe extern "C" fn splio_client_send_with(
    client: *const splio_client,
    request_json: *const c_char,
    options_json: *const c_char,
    out_json: *mut *mut c_char,
) -> splio_status {
    c_boundary!(out_json, {
        // SAFETY: NULL is allowed here; else NUL-terminated per the contract (checked by c_str).
        let options = unsafe { c_str_or_null(options_json, "options_json") }?;
        let guards = guards::only(options)?;
        // SAFETY: forwarded from this function's contract.
        let result = unsafe {
            with_request(client, request_json, |c, r| {
                let request = SendRequest::from_json(r)?;
                guards.check_request(&request, c.settings().validation())?;
                c.send(&request)
            })
        }?;
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
/// Each pointer is NULL or valid: `client` a live handle from
/// `splio_client_new`, `request_json` NUL-terminated, `out_json` writable.
#[no_mangle]
pub unsafe extern "C" fn splio_client_send_batch(
    client: *const splio_client,
    request_json: *const c_char,
    out_json: *mut *mut c_char,
) -> splio_status {
    c_boundary!(out_json, {
        // SAFETY: forwarded from this function's contract.
        let report = unsafe { with_request(client, request_json, |c, r| c.send_batch_json(r)) }?;
        Ok((batch_status(&report), report.to_json()))
    })
}

/// `splio_client_send_batch` with options, a JSON object (NULL: none):
/// `{"journal": "/var/lib/app/campaign-42.journal", "include_unknown": false,
/// "only": [3, 17], "text": "Hello $firstname$", "max_segments": 2}`.
///
/// `text` and `max_segments`: the guards, as for `splio_client_send_with`;
/// a recipient they refuse refuses the whole batch before any piece leaves.
///
/// `journal`: a file where every recipient is recorded (by position and a
/// hash of its content, never the content) as leaving before its piece
/// leaves, and with its outcome after. The first call creates it; a later
/// call with the same path and the same request resumes it, after a crash
/// say: only the recipients not sent yet are sent, and the report's
/// `already_sent` counts the others. Those whose fate is unknown (in flight at
/// the crash) are in `unknown` and are sent again only with
/// `"include_unknown": true`. A request that is not the one the journal
/// holds (another design, a recipient changed, added, removed or moved) is
/// refused with `SPLIO_ERR_INVALID_ARGUMENT` before anything is sent, as is
/// a journal another process is using. `only`: send only these positions of
/// `rcpts`. Unknown keys are `SPLIO_ERR_INVALID_ARGUMENT`. Statuses and
/// `*out_json` as for `splio_client_send_batch`. Thread-safe (one journal
/// per batch at a time).
///
/// # Safety
/// Each pointer is NULL or valid: `client` a live handle from
/// `splio_client_new`, `request_json` and `options_json` NUL-terminated,
/// `out_json` writable.
#[no_mangle]
pub unsafe extern "C" fn splio_client_send_batch_with(
    client: *const splio_client,
    request_json: *const c_char,
    options_json: *const c_char,
    out_json: *mut *mut c_char,
) -> splio_status {
    c_boundary!(out_json, {
        let (control, guards) = if options_json.is_null() {
            (BatchControl::new(), Guards::default())
        } else {
            // SAFETY: not NULL, and NUL-terminated per the contract (checked by c_str).
            batch_options(unsafe { c_str(options_json, "options_json") }?)?
        };
        // SAFETY: forwarded from this function's contract.
        let report = unsafe {
            with_request(client, request_json, |c, r| {
                let request = SendRequest::from_json(r)?;
                guards.check_request(&request, c.settings().validation())?;
                c.send_batch_with(&request, &control)
            })
        }?;
        Ok((batch_status(&report), report.to_json()))
    })
}

/// The status a batch report stands for.
fn batch_status(report: &crate::BatchReport) -> splio_status {
    match report.status {
        BatchStatus::Ok => splio_status::SPLIO_OK,
        BatchStatus::Partial => splio_status::SPLIO_ERR_PARTIAL,
        BatchStatus::Error => report
            .first_error()
            .map_or(splio_status::SPLIO_ERR_INTERNAL, |e| {
                splio_status::from_kind(e.kind())
            }),
    }
}

/// Reads `splio_client_send_batch_with`'s options.
fn batch_options(text: &str) -> crate::Result<(BatchControl, Guards)> {
    let bad = guards::bad;
    let mut doc = guards::options(text)?;
    let guards = guards::take(&mut doc)?;
    let mut journal: Option<Journal> = None;
    let (mut include_unknown, mut only) = (false, None);
    for (key, value) in &doc {
        match key.as_str() {
            "journal" => match value {
                serde_json::Value::String(p) if !p.is_empty() => journal = Some(Journal::new(p)),
                serde_json::Value::Null => {}
                _ => return Err(bad("journal must be a file path".into())),
            },
            "include_unknown" => {
                include_unknown = value
                    .as_bool()
                    .ok_or_else(|| bad("include_unknown must be true or false".into()))?
            }
            "only" => {
                let positions = value
                    .as_array()
                    .and_then(|a| {
                        a.iter()
                            .map(|v| v.as_u64().map(|i| i as usize))
                            .collect::<Option<Vec<usize>>>()
                    })
                    .ok_or_else(|| bad("only must be an array of positions in rcpts".into()))?;
                only = Some(positions);
            }
            other => {
                return Err(bad(format!(
                    "{other}: unknown option (expected journal, include_unknown, only, text, max_segments)"
                )))
            }
        }
    }
    let control = BatchControl::new();
    let control = match journal {
        Some(j) => {
            let j = j.include_unknown(include_unknown);
            control.journal(match only {
                Some(o) => j.only(o),
                None => j,
            })
        }
        None if include_unknown || only.is_some() => {
            return Err(bad("include_unknown and only need a journal".into()))
        }
        None => control,
    };
    Ok((control, guards))
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
/// Each pointer is NULL or valid: `request_json` NUL-terminated, `out_json`
/// writable.
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
/// Each pointer is NULL or valid: `settings_json` and `request_json`
/// NUL-terminated, `out_json` writable.
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

/// `splio_validate_with` with options, a JSON object (NULL: none): the
/// guards `{"text": "Hello $firstname$", "max_segments": 2}`, checked after
/// every other rule, as `splio_client_send_with` checks them (a recipient
/// they refuse is a problem at `rcpts[i]`). `settings_json` as for
/// `splio_validate_with` (NULL: the defaults). Unknown option keys are
/// `SPLIO_ERR_INVALID_ARGUMENT`. `*out_json` and the statuses as for
/// `splio_validate`. Thread-safe.
///
/// # Safety
/// Each pointer is NULL or valid as described above: strings NUL-terminated,
/// `out_json` writable.
#[no_mangle]
pub unsafe extern "C" fn splio_validate_with_options(
    settings_json: *const c_char,
    request_json: *const c_char,
    options_json: *const c_char,
    out_json: *mut *mut c_char,
) -> splio_status {
    c_boundary!(out_json, {
        // SAFETY: NULL is allowed here; else NUL-terminated per the contract (checked by c_str).
        let settings = unsafe { c_str_or_null(settings_json, "settings_json") }?;
        // SAFETY: NULL is allowed here; else NUL-terminated per the contract (checked by c_str).
        let guards = guards::only(unsafe { c_str_or_null(options_json, "options_json") }?)?;
        // SAFETY: the caller passes NULL or a NUL-terminated string (checked by c_str).
        let request = SendRequest::from_json(unsafe { c_str(request_json, "request_json") }?)?;
        let rules = match settings {
            Some(s) => crate::validation_settings_json(s)?,
            None => Default::default(),
        };
        crate::validate_with(&request, rules)?;
        guards.check(&request, rules)?;
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
/// `s` is NULL or a string this library returned, not yet freed.
#[no_mangle]
pub unsafe extern "C" fn splio_string_free(s: *mut c_char) {
    c_boundary!(if_panic: (), {
        if !s.is_null() {
            // SAFETY: a pointer from CString::into_raw in this library, not freed before (contract).
            drop(unsafe { std::ffi::CString::from_raw(s) });
        }
    })
}
