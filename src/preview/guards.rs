//! Guards on sending: the design's text checked against every recipient
//! before any byte leaves, and the one reader of their option keys
//! (`"text"`, `"max_segments"`) that the C ABI and `serve --stdio` share.

use serde_json::{Map, Value};

use super::{preview_stream, Encoding};
use crate::error::{Error, Problem, Result};
use crate::request::{RecipientSource, SendRequest};
use crate::settings::ValidationSettings;
use crate::validation::{self, Problems};

/// What a send must not do, checked against the design's text before any
/// byte leaves: leave a placeholder empty, or cost more than `max_segments`
/// SMS for one recipient.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Guards {
    /// The design's text (`$firstname$` placeholders): a recipient with no
    /// value for one of them is refused.
    pub text: Option<String>,
    /// A recipient whose SMS needs more parts than this is refused.
    pub max_segments: Option<usize>,
}

impl Guards {
    /// Guards for the design's `text`.
    pub fn text(mut self, text: impl Into<String>) -> Self {
        self.text = Some(text.into());
        self
    }

    /// At most `n` SMS parts per recipient (needs the text).
    pub fn max_segments(mut self, n: usize) -> Self {
        self.max_segments = Some(n);
        self
    }

    /// Checks every recipient of `source` (read once, one in memory), naming
    /// each one refused; `Ok` when there is no text to check against.
    pub fn check_stream<S: RecipientSource>(
        &self,
        source: &S,
        rules: impl Into<ValidationSettings>,
    ) -> Result<()> {
        if self.max_segments == Some(0) {
            // Every SMS has at least one part: 0 would refuse everyone, unseen as a mistake.
            return Err(Error::invalid_argument(
                "max_segments must be at least 1 (an SMS has at least one part)",
            ));
        }
        let Some(text) = &self.text else {
            // A limit with nothing to measure would pass every send unseen.
            return match self.max_segments {
                Some(_) => Err(Error::invalid_argument(
                    "max_segments needs the design's text (text)",
                )),
                None => Ok(()),
            };
        };
        let mut p = Problems::default();
        preview_stream(text, source, rules, |one| {
            let at = format!("rcpts[{}]", one.index);
            for name in &one.missing {
                p.push(Problem::new(
                    at.clone(),
                    format!("no value for ${name}$, which the design's text uses"),
                ));
            }
            if let Some(max) = self.max_segments.filter(|max| one.segments > *max) {
                p.push(Problem::new(
                    at.clone(),
                    format!(
                        "its SMS needs {} parts ({} {}), more than max_segments {max}",
                        one.segments,
                        one.units,
                        if one.encoding == Encoding::Gsm7 {
                            "GSM-7 septets"
                        } else {
                            "UCS-2 units"
                        }
                    ),
                ));
            }
        })?;
        p.finish()
    }

    /// [`Guards::check_stream`] for a request held in memory.
    pub fn check(&self, request: &SendRequest, rules: impl Into<ValidationSettings>) -> Result<()> {
        let rcpts = || Ok::<_, String>(request.rcpts.iter().cloned().map(Ok));
        self.check_stream(&rcpts, rules)
    }

    /// What a library face runs before a guarded send: the whole request
    /// checked as the send will check it (so a bad request is refused with
    /// every problem, as without guards), then the guards. Without guards it
    /// checks nothing, leaving validation to the send.
    pub fn check_request(
        &self,
        request: &SendRequest,
        rules: impl Into<ValidationSettings>,
    ) -> Result<()> {
        if *self == Guards::default() {
            return Ok(());
        }
        let rules = rules.into();
        validation::validate_with(request, rules)?;
        self.check(request, rules)
    }

    /// [`Guards::check_request`] for recipients read from `source`, `head`
    /// giving the design, opcode and category (as `Client::send_stream`).
    pub fn check_request_stream<S: RecipientSource>(
        &self,
        head: &SendRequest,
        source: &S,
        rules: impl Into<ValidationSettings>,
    ) -> Result<()> {
        if *self == Guards::default() {
            return Ok(());
        }
        let rules = rules.into();
        validation::check_stream(head, source, rules)?;
        self.check_stream(source, rules)
    }
}

impl Guards {
    /// Takes `"text"` and `"max_segments"` out of an options object (null
    /// is absent); a bad value is an error that starts with `what`, the
    /// argument's name in the caller's face (`options_json`, `options`).
    pub fn take_options(doc: &mut Map<String, Value>, what: &str) -> Result<Guards> {
        let bad = |why: &str| Error::invalid_argument(format!("{what}: {why}"));
        let mut guards = Guards::default();
        match doc.remove("text") {
            None | Some(Value::Null) => {}
            Some(Value::String(t)) => guards = guards.text(t),
            Some(_) => return Err(bad("text must be a string (the design's text)")),
        }
        match doc.remove("max_segments") {
            None | Some(Value::Null) => {}
            Some(n) => {
                let n = n
                    .as_u64()
                    .and_then(|n| usize::try_from(n).ok())
                    .ok_or_else(|| bad("max_segments must be a whole number of SMS parts"))?;
                guards = guards.max_segments(n);
            }
        }
        Ok(guards)
    }

    /// An options object that may hold only the guard keys.
    pub fn from_options(mut doc: Map<String, Value>, what: &str) -> Result<Guards> {
        let guards = Guards::take_options(&mut doc, what)?;
        match doc.keys().next() {
            Some(other) => Err(Error::invalid_argument(format!(
                "{what}: {other}: unknown option (expected text, max_segments)"
            ))),
            None => Ok(guards),
        }
    }
}
