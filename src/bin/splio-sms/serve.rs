//! `serve --stdio`: the library as a coprocess, for runtimes that can start a
//! program but load no library (COBOL batch, old shells, a language without
//! FFI). One client, and so one connection pool, for the life of the
//! process; one request per line in, one answer per line out, in order.
//!
//! What a caller can rely on (the README's "Coprocess" section says it too):
//! every line gets exactly one answer line, written only once that line's
//! work is over. A line without a whole answer line was never started —
//! unless stdout closed while its answer was being written: that one request
//! ran, and a send's outcome is then unknown to the caller. Once stdout has
//! no reader, nothing more is read or sent.

use std::borrow::Cow;
use std::fmt;
use std::io::{BufRead, Write};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, Mutex, MutexGuard};

use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;
use splio_sms::{BatchControl, Client, Delivery, Error, Guards, SendRequest};

use crate::args::ServeArgs;
use crate::output::err;
use crate::{Failure, INTERRUPTED, OK, UNREPORTED, USAGE};

const OPS: &str = "send, send_batch, validate or preview";

pub fn run(a: ServeArgs) -> Result<u8, Failure> {
    let client = a.settings.client()?;
    let gate = Arc::new(Gate::default());
    let on_signal = gate.clone();
    let _ = ctrlc::set_handler(move || on_signal.interrupt());

    let mut input = Lines::new(std::io::stdin().lock(), a.max_line_bytes);
    let mut stdout = std::io::stdout().lock();
    let mut number = 0u64;
    loop {
        let line = match input.next() {
            None => return Ok(OK),
            Some(Ok(line)) => line,
            Some(Err(e)) => {
                err(format!("cannot read standard input: {e}"));
                return Ok(USAGE);
            }
        };
        number += 1;
        let Some(control) = gate.start() else {
            return Ok(INTERRUPTED);
        };
        if !has_reader(&stdout) {
            return Ok(UNREPORTED);
        }
        let (answer, sends) =
            catch_unwind(AssertUnwindSafe(|| answer(&client, number, line, &control)))
                .unwrap_or_else(|_| {
                    let e = Error::internal(format!("line {number}: a bug, please report it"));
                    (with(None, number, &e.to_json()), false)
                });
        if writeln!(stdout, "{answer}")
            .and_then(|()| stdout.flush())
            .is_err()
        {
            if sends {
                err(format!(
                    "standard output closed: line {number} was handled but its answer \
                     not written (a send: read its delivery as unknown)"
                ));
            }
            return Ok(UNREPORTED);
        }
        if !gate.finish() {
            return Ok(INTERRUPTED);
        }
    }
}

/// Whether a signal came, and whether a line is being handled (then the
/// handler lets it finish and be answered; otherwise it ends the process).
#[derive(Default)]
struct Gate(Mutex<Phase>);

#[derive(Default)]
struct Phase {
    busy: Option<Arc<BatchControl>>,
    interrupted: bool,
}

impl Gate {
    fn lock(&self) -> MutexGuard<'_, Phase> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The control of the line about to start; `None` after a signal.
    fn start(&self) -> Option<Arc<BatchControl>> {
        let mut phase = self.lock();
        if phase.interrupted {
            return None;
        }
        let control = Arc::new(BatchControl::new());
        phase.busy = Some(control.clone());
        Some(control)
    }

    /// `false` when a signal came while the line was handled.
    fn finish(&self) -> bool {
        let mut phase = self.lock();
        phase.busy = None;
        !phase.interrupted
    }

    fn interrupt(&self) {
        let mut phase = self.lock();
        let Some(control) = phase.busy.clone() else {
            // Idle, waiting for a line: nothing to finish. Exiting with the
            // lock held keeps the reader from starting one.
            std::process::exit(i32::from(INTERRUPTED));
        };
        if phase.interrupted {
            err("still answering the line in hand (it ends within timeout_ms)");
        } else {
            err("interrupted: answering the line in hand, then exiting");
            phase.interrupted = true;
            // A batch starts no new piece; those in flight finish and are reported.
            control.cancel();
        }
    }
}

/// Whether anyone can still read stdout. A pipe whose reader is gone polls
/// as an error; a file or a terminal always has a reader.
#[cfg(unix)]
fn has_reader(stdout: &std::io::StdoutLock<'_>) -> bool {
    use nix::poll::{poll, PollFd, PollFlags, PollTimeout};
    use std::os::fd::AsFd;
    let mut fds = [PollFd::new(stdout.as_fd(), PollFlags::POLLOUT)];
    match poll(&mut fds, PollTimeout::ZERO) {
        Ok(_) => !fds[0]
            .revents()
            .is_some_and(|r| r.intersects(PollFlags::POLLERR | PollFlags::POLLHUP)),
        Err(_) => true,
    }
}

#[cfg(not(unix))]
fn has_reader(_: &std::io::StdoutLock<'_>) -> bool {
    true
}

/// The answer line for one input line, and whether an SMS may have left.
fn answer(client: &Client, number: u64, line: Line, control: &BatchControl) -> (String, bool) {
    let bad = |why: String| {
        let doc = Error::invalid_argument(format!("line {number}: {why}")).to_json();
        (with(None, number, &doc), false)
    };
    let text = match line {
        Line::Text(text) => text,
        Line::TooLong(max) => return bad(format!("longer than {max} bytes (--max-line-bytes)")),
        Line::NotUtf8(at) => return bad(format!("not UTF-8 (byte {at} of the line)")),
    };
    if text.trim().is_empty() {
        return bad("blank: expected one JSON request per line".into());
    }
    let line: Request<'_> = match serde_json::from_str::<&RawValue>(&text) {
        Err(e) => return bad(format!("not JSON: {}", column(&e))),
        Ok(raw) if !raw.get().starts_with('{') => {
            return bad(
                r#"not a JSON object (a request is {"message": ..., "rcpts": [...]})"#.into(),
            )
        }
        Ok(raw) => match serde_json::from_str(raw.get()) {
            Ok(request) => request,
            Err(e) => return bad(column(&e)),
        },
    };
    let id = line.id;
    let op = match line.op.map(|op| serde_json::from_str::<String>(op.get())) {
        None => Cow::Borrowed("send"),
        Some(Ok(op)) => Cow::Owned(op),
        Some(Err(_)) => {
            let why = format!("line {number}: \"op\" must be a string: {OPS}");
            return (
                with(id, number, &Error::invalid_argument(why).to_json()),
                false,
            );
        }
    };
    // The same guard keys as the C ABI's options_json, read by the core.
    let guards = match line.options.map(|o| serde_json::from_str(o.get())) {
        None => Ok(Guards::default()),
        Some(Ok(options)) if op != "preview" => {
            Guards::from_options(options, &format!("line {number}: options"))
        }
        Some(Ok(_)) => Err(Error::invalid_argument(format!(
            "line {number}: options: preview takes none"
        ))),
        Some(Err(_)) => Err(Error::invalid_argument(format!(
            "line {number}: options must be an object (text, max_segments)"
        ))),
    };
    let guards = match guards {
        Ok(guards) => guards,
        Err(e) => return (with(id, number, &e.to_json()), false),
    };
    let rules = client.settings().validation();
    let request = || {
        let r = SendRequest::from_json(&line.rest)?;
        guards.check_request(&r, rules).map(|()| r)
    };
    let (doc, sends) = match &*op {
        "send" => match request().and_then(|r| client.send(&r)) {
            Ok(r) => (r.to_json(), true),
            Err(e) => (e.to_json(), e.delivery() != Delivery::NotSent),
        },
        // An error instead of a report: refused before any piece left.
        "send_batch" => match request().and_then(|r| client.send_batch_with(&r, control)) {
            Ok(report) => (report.to_json(), true),
            Err(e) => (e.to_json(), false),
        },
        "validate" => (
            match request().and_then(|r| splio_sms::validate_with(&r, rules)) {
                Ok(()) => r#"{"status":"ok"}"#.to_owned(),
                Err(e) => e.to_json(),
            },
            false,
        ),
        "preview" => (
            match splio_sms::preview_json(&line.rest) {
                Ok(p) => p.to_json(),
                Err(e) => e.to_json(),
            },
            false,
        ),
        other => {
            let doc = Error::invalid_argument(format!(
                "line {number}: unknown op {other:?} (expected {OPS})"
            ))
            .to_json();
            (doc, false)
        }
    };
    (with(id, number, &doc), sends)
}

/// `doc` (a JSON object) with `"id"` (as the caller wrote it) and `"line"` first.
fn with(id: Option<&RawValue>, number: u64, doc: &str) -> String {
    let rest = doc.strip_prefix('{').unwrap_or(doc);
    let id = id.map_or_else(String::new, |id| format!(r#""id":{},"#, id.get()));
    format!(r#"{{{id}"line":{number},{rest}"#)
}

/// serde's message without its "line 1": each input line is one JSON line.
fn column(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rfind(" at line ") {
        Some(at) => format!("{} at column {}", &text[..at], e.column()),
        None => text,
    }
}

/// One input line: `id` and `op` taken out, the rest (the contract's
/// request) as JSON text with every value exactly as written.
struct Request<'a> {
    id: Option<&'a RawValue>,
    op: Option<&'a RawValue>,
    /// The guards (`text`, `max_segments`), as in the C ABI's `options_json`.
    options: Option<&'a RawValue>,
    rest: String,
}

impl<'de: 'a, 'a> Deserialize<'de> for Request<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(RequestVisitor(std::marker::PhantomData))
    }
}

struct RequestVisitor<'a>(std::marker::PhantomData<&'a ()>);

impl<'de: 'a, 'a> Visitor<'de> for RequestVisitor<'a> {
    type Value = Request<'a>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Request<'a>, M::Error> {
        use serde::de::Error as _;
        let mut line = Request {
            id: None,
            op: None,
            options: None,
            rest: String::from("{"),
        };
        while let Some(key) = map.next_key::<String>()? {
            match &*key {
                "id" if line.id.is_some() => return Err(M::Error::custom("\"id\" given twice")),
                "op" if line.op.is_some() => return Err(M::Error::custom("\"op\" given twice")),
                "options" if line.options.is_some() => {
                    return Err(M::Error::custom("\"options\" given twice"))
                }
                "id" => line.id = Some(map.next_value()?),
                "options" => line.options = Some(map.next_value()?),
                "op" => line.op = Some(map.next_value()?),
                _ => {
                    let value: &RawValue = map.next_value()?;
                    if line.rest.len() > 1 {
                        line.rest.push(',');
                    }
                    line.rest
                        .push_str(&serde_json::to_string(&key).map_err(M::Error::custom)?);
                    line.rest.push(':');
                    line.rest.push_str(value.get());
                }
            }
        }
        line.rest.push('}');
        Ok(line)
    }
}

/// An input line, as far as bytes go.
enum Line {
    Text(String),
    /// Over the limit (given): skipped up to its end, never held whole.
    TooLong(usize),
    /// Not UTF-8 from this byte on.
    NotUtf8(usize),
}

/// Lines of at most `max` bytes, LF or CRLF ended (the last may have no
/// end), a UTF-8 byte-order mark on the first one dropped.
struct Lines<R> {
    input: R,
    max: usize,
    first: bool,
}

impl<R: BufRead> Lines<R> {
    fn new(input: R, max: usize) -> Self {
        Lines {
            input,
            max,
            first: true,
        }
    }

    fn next(&mut self) -> Option<std::io::Result<Line>> {
        let mut bytes = Vec::new();
        let (mut too_long, mut any) = (false, false);
        loop {
            let chunk = match self.input.fill_buf() {
                Ok(chunk) => chunk,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Some(Err(e)),
            };
            if chunk.is_empty() {
                if !any {
                    return None;
                }
                break;
            }
            any = true;
            let end = chunk.iter().position(|&b| b == b'\n');
            let take = end.unwrap_or(chunk.len());
            // The CR of a CRLF may still come: allow one byte over for it.
            if !too_long && bytes.len() + take > self.max + 1 {
                too_long = true;
                bytes = Vec::new();
            }
            if !too_long {
                bytes.extend_from_slice(&chunk[..take]);
            }
            self.input.consume(take + usize::from(end.is_some()));
            if end.is_some() {
                break;
            }
        }
        if bytes.last() == Some(&b'\r') {
            bytes.pop();
        }
        if std::mem::take(&mut self.first) && bytes.starts_with(b"\xEF\xBB\xBF") {
            bytes.drain(..3);
        }
        Some(Ok(if too_long || bytes.len() > self.max {
            Line::TooLong(self.max)
        } else {
            match String::from_utf8(bytes) {
                Ok(text) => Line::Text(text),
                Err(e) => Line::NotUtf8(e.utf8_error().valid_up_to() + 1),
            }
        }))
    }
}
