/*
 * splio-sms: send SMS through Splio's Trigger SMS API.
 *
 * Conventions, the same for every function:
 *  - Strings in are UTF-8, NUL-terminated, and copied: no pointer is kept.
 *  - Every call that can fail returns a splio_status and, when out_json is
 *    not NULL, stores a JSON document in *out_json on success and on failure
 *    alike. Release it with splio_string_free(), never free().
 *  - A NULL, non-UTF-8 or non-JSON argument is SPLIO_ERR_INVALID_ARGUMENT,
 *    never a crash. No Rust panic crosses this boundary (SPLIO_ERR_INTERNAL).
 *  - A splio_client may be used by many threads at once; splio_client_free()
 *    must not race with a call on the same client.
 */

/*
 * Settings: the JSON object splio_client_new() takes, e.g.
 * {"universe": "my_universe", "key": "my_api_key", "timeout_ms": 5000}.
 * Those marked [validation] change what validation accepts: they are
 * also what splio_validate_with() and splio_preview()'s "settings" take.
 * An unknown name or a bad value is SPLIO_ERR_INVALID_ARGUMENT; null
 * leaves a setting at its default. (From the table in src/settings/schema.rs.)
 *
 *  universe: string, required
 *      The universe (account) ID.
 *
 *  key: string, required
 *      The universe's SMS API key (never shown in any output).
 *
 *  region: "eu" | "asia", default "eu"
 *      Where the universe is hosted; ignored when base_url is set.
 *
 *  base_url: string, optional
 *      Overrides the region's URL (https://, or http:// to a loopback
 *      host).
 *
 *  endpoint: string, default "nph-4.pl"
 *      The script name under the base URL.
 *
 *  method: "PUT" | "POST", default "PUT"
 *      PUT (the provider's) or POST (for proxies that drop PUT); never GET.
 *
 *  timeout_ms: milliseconds, 1 to 3600000, default 30000
 *      The longest one attempt may take, connecting to last byte of the
 *      answer.
 *
 *  connect_timeout_ms: milliseconds, 1 to 3600000, default 10000
 *      The longest connecting (DNS, TCP, TLS) may take.
 *
 *  max_retries: integer 0 to 10, default 2
 *      Automatic retries of failures that cannot have sent anything.
 *
 *  retry_unknown: true or false, default false
 *      Also retry failures whose delivery is unknown (may send an SMS
 *      twice).
 *
 *  proxy: string, optional
 *      An HTTP(S) or SOCKS proxy URL; without it the usual proxy variables
 *      apply.
 *
 *  ca_file: string (a file path), optional
 *      A PEM file of certificates trusted in addition to the built-in
 *      roots.
 *
 *  allow_insecure_http: true or false, default false
 *      Allow plain http:// to a host that is not loopback (the key travels
 *      in clear).
 *
 *  user_agent_suffix: string, optional
 *      Text appended to the User-Agent, e.g. your application's name.
 *
 *  duplicates: "reject" | "dedupe" | "allow", default "reject" [validation]
 *      A number repeated in one request: reject it, dedupe (keep the
 *      first), or allow.
 *
 *  default_country: string, optional [validation]
 *      Read national numbers (06 12 34 56 78) as this country's (ISO 3166-1
 *      alpha-2, e.g. FR).
 *
 *  number_check: "valid" | "possible", default "valid" [validation]
 *      valid: a number valid for its country that can receive SMS;
 *      possible: its length only.
 *
 *  batch_size: integer 1 to 10000, default 1000
 *      Recipients per request in a batch send.
 *
 *  concurrency: integer 1 to 64, default 4
 *      Requests in flight at once, over one connection pool: a batch's
 *      pieces, or an AsyncClient's sends.
 *
 *  log_full_numbers: true or false, default false
 *      Log records show phone numbers whole instead of masked
 *      (+336****5678).
 */

#ifndef SPLIO_SMS_H
#define SPLIO_SMS_H

/* Generated from src/ffi/ (cbindgen, in build.rs) and the settings table (tests/c_header.rs). Do not edit: run `make header`. */

#include <stddef.h>

/* The version of this header; splio_version() gives the library's. */
#define SPLIO_VERSION "0.1.0"
#define SPLIO_VERSION_MAJOR 0
#define SPLIO_VERSION_MINOR 1
#define SPLIO_VERSION_PATCH 0

/**
 * The result of every call that can fail. Values are never reused: a value
 * keeps its meaning in every future version, and new ones are only added.
 *
 * The details of a failure (message, HTTP status, delivery certainty) are in
 * the JSON document written to `*out_json`.
 */
typedef enum splio_status {
  /**
   * Success.
   */
  SPLIO_OK = 0,
  /**
   * A NULL, non-UTF-8 or non-JSON argument, or bad settings. Nothing was sent.
   */
  SPLIO_ERR_INVALID_ARGUMENT = 1,
  /**
   * The request broke a rule; `error.problems` lists each one. Nothing was sent.
   */
  SPLIO_ERR_VALIDATION = 2,
  /**
   * The service refused the universe or key. Nothing was sent.
   */
  SPLIO_ERR_AUTH = 3,
  /**
   * The service refused the request (bad design ID, missing parameter, 404). Nothing was sent.
   */
  SPLIO_ERR_BAD_REQUEST = 4,
  /**
   * Not enough credit (`"status": "blocked"`). Nothing was sent.
   */
  SPLIO_ERR_INSUFFICIENT_CREDIT = 5,
  /**
   * HTTP 429; `error.retry_after_ms` may say when to try again. Nothing was sent.
   */
  SPLIO_ERR_RATE_LIMITED = 6,
  /**
   * HTTP 5xx. Delivery is unknown: do not blindly send again.
   */
  SPLIO_ERR_SERVER = 7,
  /**
   * A connect timeout (not sent) or no answer in time (unknown): read `error.delivery`.
   */
  SPLIO_ERR_TIMEOUT = 8,
  /**
   * DNS, connection or TLS failure: read `error.delivery`.
   */
  SPLIO_ERR_TRANSPORT = 9,
  /**
   * An answer that is not the service's. Delivery is unknown.
   */
  SPLIO_ERR_PROTOCOL = 10,
  /**
   * `splio_client_send_batch` only: some pieces were accepted, some not; see the report.
   */
  SPLIO_ERR_PARTIAL = 11,
  /**
   * A bug in splio-sms (a caught panic). Delivery is unknown.
   */
  SPLIO_ERR_INTERNAL = 12,
} splio_status;

/**
 * How much the log callback hears; each level includes those above it.
 * Records are about one send attempt (`SPLIO_LOG_DEBUG`), a retry
 * (`SPLIO_LOG_WARN`), or a final outcome (`SPLIO_LOG_INFO` when sent,
 * `SPLIO_LOG_WARN` when not).
 */
typedef enum splio_log_level {
  /**
   * No record (removes the callback).
   */
  SPLIO_LOG_OFF = 0,
  /**
   * Errors.
   */
  SPLIO_LOG_ERROR = 1,
  /**
   * Retries, and sends that failed.
   */
  SPLIO_LOG_WARN = 2,
  /**
   * Sends accepted by the service.
   */
  SPLIO_LOG_INFO = 3,
  /**
   * Every attempt: URL, attempt number, recipients, elapsed time.
   */
  SPLIO_LOG_DEBUG = 4,
  /**
   * Everything.
   */
  SPLIO_LOG_TRACE = 5,
} splio_log_level;

/**
 * A client for one universe: its settings, key and connection pool.
 *
 * Underneath it is a Rust `splio_sms::Client` behind a pointer from
 * `splio_client_new`. Thread rules: one client may be used by many threads
 * at once (`splio_client_send` and `splio_client_send_batch` take it as
 * `const`); `splio_client_free` must not race with a call on the same
 * client. C sees only this forward declaration.
 */
typedef struct splio_client splio_client;

/**
 * Receives one log record: its level, its text (UTF-8, NUL-terminated,
 * valid only during the call: copy it to keep it), and the `user_data`
 * given to `splio_set_log_callback`. Called on the thread that sends (a
 * batch's pieces: several threads at once); must not call
 * `splio_set_log_callback`.
 */
typedef void (*splio_log_callback)(enum splio_log_level level, const char *message, void *user_data);

#ifdef __cplusplus
extern "C" {
#endif // __cplusplus

/**
 * Makes a client from a settings JSON object
 * (`{"universe": "...", "key": "...", "timeout_ms": 5000, ...}`; every
 * setting is listed under "Settings" at the top of this header). Each setting is checked here, once.
 *
 * On success returns `SPLIO_OK` and stores the new client in `*out_client`;
 * release it with `splio_client_free`. On failure `*out_client` is not
 * written. `*out_json` (when `out_json` is not NULL) receives
 * `{"status": "ok", "universe": ..., "url": ...}` or an error document; release
 * it with `splio_string_free`. `settings_json` is copied; the caller keeps it.
 * NULL `settings_json` or `out_client`, non-UTF-8 or non-JSON text, and bad
 * settings are `SPLIO_ERR_INVALID_ARGUMENT`. Thread-safe.
 *
 * # Safety
 * Each pointer is NULL or valid: `settings_json` NUL-terminated,
 * `out_client` and `out_json` writable.
 */
enum splio_status splio_client_new(const char *settings_json,
                                   struct splio_client **out_client,
                                   char **out_json);

/**
 * Validates and sends one request JSON
 * (`{"message": "AbCdEf123", "rcpts": [{"cellphone": "+33612345678"}]}`) in one
 * HTTP request. Blocks until the service answers, the timeout passes or the
 * retries allowed for failures that cannot have sent anything are used up.
 *
 * Returns `SPLIO_OK` with `{"status": "ok", "result": {"todo", "done",
 * "inserted", "campaign_id"}, "http_status", "attempts", "dropped_duplicates"}`
 * in `*out_json`, or an error status with `{"status": "error", "error": {"kind",
 * "message", "http_status", "delivery", "attempts", ...}}`. `error.delivery`
 * says whether an SMS may have been queued (`"unknown"`) or surely was not
 * (`"not_sent"`). `*out_json` is written whenever `out_json` is not NULL;
 * release it with `splio_string_free`. `request_json` is copied.
 * NULL `client` or `request_json` is `SPLIO_ERR_INVALID_ARGUMENT`.
 * Thread-safe: many threads may send on one client at once.
 *
 * # Safety
 * Each pointer is NULL or valid: `client` a live handle from
 * `splio_client_new`, `request_json` NUL-terminated, `out_json` writable.
 */
enum splio_status splio_client_send(const struct splio_client *client,
                                    const char *request_json,
                                    char **out_json);

/**
 * `splio_client_send` with options, a JSON object (NULL: none): the guards
 * `{"text": "Hello $firstname$", "max_segments": 2}`.
 *
 * `text`: the design's text; a recipient with no value for one of its
 * `$placeholders$` is refused. `max_segments` (needs `text`): a recipient
 * whose SMS needs more parts than this is refused. A refusal is
 * `SPLIO_ERR_VALIDATION` with one problem per recipient concerned
 * (`{"path": "rcpts[3]", "message": ...}`), made before any byte leaves; a
 * request that does not validate is refused as by `splio_client_send`,
 * first. Unknown keys are `SPLIO_ERR_INVALID_ARGUMENT`. Statuses and
 * `*out_json` otherwise as for `splio_client_send`. Thread-safe.
 *
 * # Safety
 * Each pointer is NULL or valid as described above: strings NUL-terminated,
 * `client` a live handle from `splio_client_new`, `out_*` writable.
 */
enum splio_status splio_client_send_with(const struct splio_client *client,
                                         const char *request_json,
                                         const char *options_json,
                                         char **out_json);

/**
 * Validates one request JSON, cuts its recipients into `batch_size` pieces
 * and sends them, `concurrency` at a time, over the client's pool.
 *
 * When the request is valid, `*out_json` receives the batch report
 * `{"status": "ok"|"partial"|"error", "totals", "batches", "not_sent",
 * "unknown", "dropped"}` and the call returns `SPLIO_OK` (every piece
 * accepted), `SPLIO_ERR_PARTIAL` (some), or the status of the first piece's
 * error (none). `not_sent` and `unknown` are indexes into `rcpts`: re-sending
 * exactly `not_sent` doubles no one. When the request is refused before any
 * piece is sent (validation, bad argument), `*out_json` is an error document.
 * Release it with `splio_string_free`. NULL `client` or `request_json` is
 * `SPLIO_ERR_INVALID_ARGUMENT`. Thread-safe.
 *
 * # Safety
 * Each pointer is NULL or valid: `client` a live handle from
 * `splio_client_new`, `request_json` NUL-terminated, `out_json` writable.
 */
enum splio_status splio_client_send_batch(const struct splio_client *client,
                                          const char *request_json,
                                          char **out_json);

/**
 * `splio_client_send_batch` with options, a JSON object (NULL: none):
 * `{"journal": "/var/lib/app/campaign-42.journal", "include_unknown": false,
 * "only": [3, 17], "text": "Hello $firstname$", "max_segments": 2}`.
 *
 * `text` and `max_segments`: the guards, as for `splio_client_send_with`;
 * a recipient they refuse refuses the whole batch before any piece leaves.
 *
 * `journal`: a file where every recipient is recorded (by position and a
 * hash of its content, never the content) as leaving before its piece
 * leaves, and with its outcome after. The first call creates it; a later
 * call with the same path and the same request resumes it, after a crash
 * say: only the recipients not sent yet are sent, and the report's
 * `already_sent` counts the others. Those whose fate is unknown (in flight at
 * the crash) are in `unknown` and are sent again only with
 * `"include_unknown": true`. A request that is not the one the journal
 * holds (another design, a recipient changed, added, removed or moved) is
 * refused with `SPLIO_ERR_INVALID_ARGUMENT` before anything is sent, as is
 * a journal another process is using. `only`: send only these positions of
 * `rcpts`. Unknown keys are `SPLIO_ERR_INVALID_ARGUMENT`. Statuses and
 * `*out_json` as for `splio_client_send_batch`. Thread-safe (one journal
 * per batch at a time).
 *
 * # Safety
 * Each pointer is NULL or valid: `client` a live handle from
 * `splio_client_new`, `request_json` and `options_json` NUL-terminated,
 * `out_json` writable.
 */
enum splio_status splio_client_send_batch_with(const struct splio_client *client,
                                               const char *request_json,
                                               const char *options_json,
                                               char **out_json);

/**
 * Checks a request JSON without sending it, refusing repeated numbers (the
 * default `duplicates` policy). No client is needed and nothing touches the
 * network.
 *
 * National numbers are refused (no `default_country`): use
 * `splio_validate_with` to give the settings that change validation.
 *
 * Returns `SPLIO_OK` with `{"status": "ok"}`, or `SPLIO_ERR_VALIDATION` with
 * every problem in `error.problems` (`[{"path": "rcpts[3].cellphone",
 * "message": ...}]`), or `SPLIO_ERR_INVALID_ARGUMENT` for NULL, non-UTF-8 or
 * non-JSON text. `*out_json` as for `splio_client_send`. Thread-safe.
 *
 * # Safety
 * Each pointer is NULL or valid: `request_json` NUL-terminated, `out_json`
 * writable.
 */
enum splio_status splio_validate(const char *request_json, char **out_json);

/**
 * `splio_validate` with the settings that change validation, as a JSON
 * object of their contract names (`{"default_country": "FR", "duplicates":
 * "dedupe", "number_check": "possible"}`); any other setting is
 * `SPLIO_ERR_INVALID_ARGUMENT`. `settings_json` NULL is the defaults, as
 * `splio_validate`. `*out_json` and the statuses as for `splio_validate`.
 * Thread-safe.
 *
 * # Safety
 * Each pointer is NULL or valid: `settings_json` and `request_json`
 * NUL-terminated, `out_json` writable.
 */
enum splio_status splio_validate_with(const char *settings_json,
                                      const char *request_json,
                                      char **out_json);

/**
 * `splio_validate_with` with options, a JSON object (NULL: none): the
 * guards `{"text": "Hello $firstname$", "max_segments": 2}`, checked after
 * every other rule, as `splio_client_send_with` checks them (a recipient
 * they refuse is a problem at `rcpts[i]`). `settings_json` as for
 * `splio_validate_with` (NULL: the defaults). Unknown option keys are
 * `SPLIO_ERR_INVALID_ARGUMENT`. `*out_json` and the statuses as for
 * `splio_validate`. Thread-safe.
 *
 * # Safety
 * Each pointer is NULL or valid as described above: strings NUL-terminated,
 * `out_json` writable.
 */
enum splio_status splio_validate_with_options(const char *settings_json,
                                              const char *request_json,
                                              const char *options_json,
                                              char **out_json);

/**
 * Releases a client and its connection pool. NULL is accepted and ignored.
 * Must not be called while another thread uses the same client, nor twice
 * for one client.
 *
 * # Safety
 * `client` is NULL or a handle from `splio_client_new` not yet freed.
 */
void splio_client_free(struct splio_client *client);

/**
 * Releases a string this library returned in an `out_json`. NULL is accepted
 * and ignored. Never pass it to `free()`, and never pass `free()`'s strings here.
 *
 * # Safety
 * `s` is NULL or a string this library returned, not yet freed.
 */
void splio_string_free(char *s);

/**
 * Sends the library's log records at `level` and above to `callback`, with
 * `user_data` passed back as given: one record per send attempt
 * (`SPLIO_LOG_DEBUG`: URL, attempt number, recipients, elapsed time), per
 * retry (`SPLIO_LOG_WARN`: why, and the wait), per final outcome
 * (`SPLIO_LOG_INFO` when sent, `SPLIO_LOG_WARN` when not). Records never
 * hold the API key; phone numbers are masked (`+336****5678`) unless the
 * client's `log_full_numbers` setting is true.
 *
 * `SPLIO_LOG_OFF` or a NULL `callback` removes the callback. Thread-safe,
 * and may be called at any time: when it returns, calls to the previous
 * callback have ended and it is never called again (so its `user_data`
 * may be released). The callback is called on the sending threads, several
 * at once during a batch; it must not call `splio_set_log_callback`.
 *
 * Returns 1, or 0 when `level` is not a `splio_log_level` or when the
 * process's Rust `log` facade already has another logger (a Rust program
 * linking this library statically).
 *
 * # Safety
 * `callback` is NULL or a function that may be called from any thread
 * with `user_data`, until a later call of this function has returned.
 */
int splio_set_log_callback(splio_log_level level, splio_log_callback callback, void *user_data);

/**
 * Previews a design's text for each recipient, without sending anything
 * and without a client: `{"text": "Hello $firstname$", "rcpts": [...]}`,
 * with an optional `"settings"` object of the settings that change
 * validation (`{"default_country": "FR"}`). Recipients go through the same
 * validation and number rules as a send.
 *
 * Returns `SPLIO_OK` with `{"status": "ok", "recipients": [{"index",
 * "cellphone", "text", "encoding", "units", "segments", "forcing_ucs2",
 * "missing", "unused"}], "totals": {"recipients", "segments", "gsm7",
 * "ucs2"}}` in `*out_json`; `SPLIO_ERR_VALIDATION` for a refused recipient
 * or a `$MobileWalletsUrl$` placeholder; `SPLIO_ERR_INVALID_ARGUMENT` for
 * NULL, non-UTF-8 or non-JSON text. `*out_json` is written whenever
 * `out_json` is not NULL; release it with `splio_string_free`. Thread-safe.
 *
 * # Safety
 * Each pointer is NULL or valid: `preview_json` NUL-terminated, `out_json`
 * writable.
 */
enum splio_status splio_preview(const char *preview_json, char **out_json);

/**
 * The name of `status` as a static string, e.g. `"SPLIO_ERR_AUTH"`;
 * `"SPLIO_UNKNOWN_STATUS"` for a value this version does not know.
 *
 * Never NULL. The string is static: do not free it. Thread-safe.
 */
const char *splio_status_name(splio_status status);

/**
 * The library's version as a static string, e.g. `"0.1.0"`; it matches the
 * `SPLIO_VERSION_MAJOR`, `_MINOR` and `_PATCH` macros of the header the
 * program was compiled with when the two are the same release.
 *
 * Never NULL. The string is static: do not free it. Thread-safe.
 */
const char *splio_version(void);

#ifdef __cplusplus
}  // extern "C"
#endif  // __cplusplus

#endif  /* SPLIO_SMS_H */
