//! `splio_set_log_callback`: the core's log records (attempts, retries,
//! outcomes; target `splio_sms`) handed to a C function.

use std::ffi::{c_char, c_int, c_void, CString};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{OnceLock, RwLock};

use log::{LevelFilter, Log, Metadata, Record};

use super::boundary::c_boundary;

/// How much the log callback hears; each level includes those above it.
/// Records are about one send attempt (`SPLIO_LOG_DEBUG`), a retry
/// (`SPLIO_LOG_WARN`), or a final outcome (`SPLIO_LOG_INFO` when sent,
/// `SPLIO_LOG_WARN` when not).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum splio_log_level {
    /// No record (removes the callback).
    SPLIO_LOG_OFF = 0,
    /// Errors.
    SPLIO_LOG_ERROR = 1,
    /// Retries, and sends that failed.
    SPLIO_LOG_WARN = 2,
    /// Sends accepted by the service.
    SPLIO_LOG_INFO = 3,
    /// Every attempt: URL, attempt number, recipients, elapsed time.
    SPLIO_LOG_DEBUG = 4,
    /// Everything.
    SPLIO_LOG_TRACE = 5,
}

/// A `splio_log_level` as C passes it in: any `int` (an out-of-range enum
/// would be undefined behaviour in Rust). cbindgen.toml prints it as `splio_log_level`.
#[repr(transparent)]
#[derive(Debug, Clone, Copy)]
pub struct splio_log_level_arg(pub c_int);

/// Receives one log record: its level, its text (UTF-8, NUL-terminated,
/// valid only during the call: copy it to keep it), and the `user_data`
/// given to `splio_set_log_callback`. Called on the thread that sends (a
/// batch's pieces: several threads at once); must not call
/// `splio_set_log_callback`.
pub type splio_log_callback = Option<
    unsafe extern "C" fn(level: splio_log_level, message: *const c_char, user_data: *mut c_void),
>;

/// The callback and its user data, shared with the sending threads.
struct Sink {
    callback: unsafe extern "C" fn(splio_log_level, *const c_char, *mut c_void),
    user_data: *mut c_void,
    level: LevelFilter,
}

// SAFETY: the caller of splio_set_log_callback promises that the callback
// may be called from any thread with its user_data (the function's contract).
unsafe impl Send for Sink {}
// SAFETY: as above; the sink itself is never changed, only replaced under the lock.
unsafe impl Sync for Sink {}

static SINK: RwLock<Option<Sink>> = RwLock::new(None);
static LEVEL: AtomicUsize = AtomicUsize::new(0);
static INSTALLED: OnceLock<bool> = OnceLock::new();

struct CLogger;

impl Log for CLogger {
    fn enabled(&self, m: &Metadata<'_>) -> bool {
        m.target().starts_with(crate::logs::TARGET)
            && m.level() as usize <= LEVEL.load(Ordering::Relaxed)
    }

    fn log(&self, record: &Record<'_>) {
        if !self.enabled(record.metadata()) {
            return;
        }
        let text = record.args().to_string().replace('\0', " ");
        let Ok(text) = CString::new(text) else { return };
        // Read-locked for the call, so that a change of callback waits for
        // the calls under way and the old one is never called after it.
        let sink = SINK.read().unwrap_or_else(|p| p.into_inner());
        // The level again, under the lock: the callback may have just changed.
        if let Some(sink) = sink.as_ref().filter(|s| record.level() <= s.level) {
            let level = match record.level() {
                log::Level::Error => splio_log_level::SPLIO_LOG_ERROR,
                log::Level::Warn => splio_log_level::SPLIO_LOG_WARN,
                log::Level::Info => splio_log_level::SPLIO_LOG_INFO,
                log::Level::Debug => splio_log_level::SPLIO_LOG_DEBUG,
                log::Level::Trace => splio_log_level::SPLIO_LOG_TRACE,
            };
            // SAFETY: a function and user data the caller registered for
            // exactly this call, from any thread (the function's contract).
            unsafe { (sink.callback)(level, text.as_ptr(), sink.user_data) };
        }
    }

    fn flush(&self) {}
}

static LOGGER: CLogger = CLogger;

/// Sends the library's log records at `level` and above to `callback`, with
/// `user_data` passed back as given: one record per send attempt
/// (`SPLIO_LOG_DEBUG`: URL, attempt number, recipients, elapsed time), per
/// retry (`SPLIO_LOG_WARN`: why, and the wait), per final outcome
/// (`SPLIO_LOG_INFO` when sent, `SPLIO_LOG_WARN` when not). Records never
/// hold the API key; phone numbers are masked (`+336****5678`) unless the
/// client's `log_full_numbers` setting is true.
///
/// `SPLIO_LOG_OFF` or a NULL `callback` removes the callback. Thread-safe,
/// and may be called at any time: when it returns, calls to the previous
/// callback have ended and it is never called again (so its `user_data`
/// may be released). The callback is called on the sending threads, several
/// at once during a batch; it must not call `splio_set_log_callback`.
///
/// Returns 1, or 0 when `level` is not a `splio_log_level` or when the
/// process's Rust `log` facade already has another logger (a Rust program
/// linking this library statically).
///
/// # Safety
/// `callback` is NULL or a function that may be called from any thread
/// with `user_data`, until a later call of this function has returned.
#[no_mangle]
pub unsafe extern "C" fn splio_set_log_callback(
    level: splio_log_level_arg,
    callback: splio_log_callback,
    user_data: *mut c_void,
) -> c_int {
    c_boundary!(if_panic: 0, {
        let filter = match level.0 {
            0 => LevelFilter::Off,
            1 => LevelFilter::Error,
            2 => LevelFilter::Warn,
            3 => LevelFilter::Info,
            4 => LevelFilter::Debug,
            5 => LevelFilter::Trace,
            _ => return 0,
        };
        let sink = match callback {
            Some(callback) if filter != LevelFilter::Off => Some(Sink {
                callback,
                user_data,
                level: filter,
            }),
            _ => None,
        };
        if sink.is_some() && !*INSTALLED.get_or_init(|| log::set_logger(&LOGGER).is_ok()) {
            return 0;
        }
        let mut current = SINK.write().unwrap_or_else(|p| p.into_inner());
        let level = if sink.is_some() { filter } else { LevelFilter::Off };
        *current = sink;
        LEVEL.store(level as usize, Ordering::Relaxed);
        if INSTALLED.get() == Some(&true) {
            log::set_max_level(level);
        }
        1
    })
}
