//! The rules a request must meet before any byte leaves, all checked in one
//! pass so that every problem is reported at once — for a request held in
//! memory and for recipients streamed from a file alike.
#![forbid(unsafe_code)]

mod duplicates;

use std::borrow::Cow;

pub(crate) use duplicates::{Tracker, Verdict};

use crate::error::{Error, ErrorKind, Problem, Result};
use crate::phone::{self, Rewrite};
use crate::recipient::{all_graphic, Recipient};
use crate::request::{RecipientSource, SendRequest};
use crate::settings::ValidationSettings;

/// At most this many problems are listed, whatever the input; the rest are counted.
pub(crate) const MAX_PROBLEMS: usize = 1000;

/// A request that passed validation, borrowing from the [`SendRequest`].
#[derive(Debug)]
pub(crate) struct Validated<'a> {
    pub message: &'a str,
    pub rcpts: Vec<Clean<'a>>,
    pub opcode: Option<&'a str>,
    pub category: Option<&'a str>,
    /// Indexes (into the request's `rcpts`) dropped as duplicates.
    pub dropped: Vec<usize>,
}

impl<'a> Validated<'a> {
    /// The design, opcode and category of `req`, with no recipients yet.
    pub fn head(req: &'a SendRequest) -> Self {
        Validated {
            message: &req.message,
            rcpts: Vec::new(),
            opcode: req.opcode.as_deref(),
            category: req.category.as_deref(),
            dropped: Vec::new(),
        }
    }
}

/// One recipient ready to encode: the cleaned number and its fields.
#[derive(Debug)]
pub(crate) struct Clean<'a> {
    /// Position in the request's `rcpts`.
    pub index: usize,
    pub cellphone: Cow<'a, str>,
    pub recipient: &'a Recipient,
}

/// The problems found so far, listed up to [`MAX_PROBLEMS`] and counted past it.
#[derive(Default)]
pub(crate) struct Problems {
    list: Vec<Problem>,
    unlisted: usize,
}

impl Problems {
    pub fn from(list: Vec<Problem>) -> Self {
        let mut p = Problems::default();
        for problem in list {
            p.push(problem);
        }
        p
    }

    pub fn push(&mut self, problem: Problem) {
        if self.list.len() < MAX_PROBLEMS {
            self.list.push(problem);
        } else {
            self.unlisted += 1;
        }
    }

    pub fn len(&self) -> usize {
        self.list.len() + self.unlisted
    }

    fn any_at(&self, path: &str) -> bool {
        self.list.iter().any(|p| p.path == path)
    }

    /// A validation error listing the problems in request order, or `Ok` when there are none.
    pub fn finish(mut self) -> Result<()> {
        if self.list.is_empty() {
            return Ok(());
        }
        self.list.sort_by_key(|x| request_order(&x.path));
        if self.unlisted > 0 {
            self.list.push(Problem::new(
                "rcpts",
                format!("{} more problems not listed", self.unlisted),
            ));
        }
        Err(Error::with_problems(ErrorKind::Validation, self.list))
    }
}

/// Checks `req` against every rule.
pub(crate) fn check<'a>(req: &'a SendRequest, rules: &ValidationSettings) -> Result<Validated<'a>> {
    check_with_head(req, rules, true)
}

/// Checks the recipients of `req` alone (a preview has no design ID).
pub(crate) fn check_recipients<'a>(
    req: &'a SendRequest,
    rules: &ValidationSettings,
) -> Result<Validated<'a>> {
    check_with_head(req, rules, false)
}

fn check_with_head<'a>(
    req: &'a SendRequest,
    rules: &ValidationSettings,
    head: bool,
) -> Result<Validated<'a>> {
    let mut p = Problems::from(req.shape_problems.clone());
    if head {
        check_head(req, &mut p);
    }
    if req.rcpts.is_empty() && !p.any_at("rcpts") {
        p.push(Problem::new("rcpts", "must list at least one recipient"));
    }
    let mut v = Validated::head(req);
    v.rcpts.reserve(req.rcpts.len());
    let mut seen = Tracker::with_capacity(rules.duplicates, req.rcpts.len());
    for (i, r) in req.rcpts.iter().enumerate() {
        let Some(cellphone) = check_recipient(i, r, rules, &mut p).map(|n| n.e164) else {
            continue;
        };
        match seen.note(i, &cellphone, &mut p) {
            Verdict::Keep => v.rcpts.push(Clean {
                index: i,
                cellphone,
                recipient: r,
            }),
            Verdict::Drop => v.dropped.push(i),
            Verdict::Refused => {}
        }
    }
    p.finish().map(|()| v)
}

/// Validates every recipient of `source` with `head`'s design, opcode and
/// category, without sending. Returns how many recipients there are.
///
/// Problems name `rcpts[i]` by position in the source; at most 1,000 are
/// listed, the rest counted.
pub fn validate_stream<S: RecipientSource>(
    head: &SendRequest,
    source: &S,
    rules: impl Into<ValidationSettings>,
) -> Result<usize> {
    check_stream(head, source, rules).map(|summary| summary.count)
}

/// What validating a source found, besides its problems.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct StreamSummary {
    /// Recipients in the source.
    pub count: usize,
    /// Numbers that will be sent in another form than written (national →
    /// international, `(0)` dropped).
    pub rewritten: usize,
    /// The first 1,000 of them: `(position, as written, as sent, why)`.
    pub rewrites: Vec<(usize, String, String, Rewrite)>,
}

/// [`validate_stream`], also telling which numbers will be rewritten.
pub fn check_stream<S: RecipientSource>(
    head: &SendRequest,
    source: &S,
    rules: impl Into<ValidationSettings>,
) -> Result<StreamSummary> {
    let rules = rules.into();
    let mut p = Problems::from(head.shape_problems.clone());
    check_head(head, &mut p);
    let summary = scan(source, &rules, &mut p)?;
    p.finish().map(|()| summary)
}

/// Recipients of `source` alone (a preview has no design), every problem at once.
pub(crate) fn check_source<S: RecipientSource>(
    source: &S,
    rules: &ValidationSettings,
) -> Result<StreamSummary> {
    let mut p = Problems::default();
    let summary = scan(source, rules, &mut p)?;
    p.finish().map(|()| summary)
}

/// One reading of `source`, noting each recipient's problems in `p`.
fn scan<S: RecipientSource>(
    source: &S,
    rules: &ValidationSettings,
    p: &mut Problems,
) -> Result<StreamSummary> {
    let mut seen = Tracker::new(rules.duplicates);
    let mut summary = StreamSummary::default();
    for (i, item) in source.open().map_err(Error::invalid_argument)?.enumerate() {
        summary.count += 1;
        match item {
            Err(why) => p.push(Problem::new(format!("rcpts[{i}]"), why)),
            Ok(r) => {
                if let Some(number) = check_recipient(i, &r, rules, p) {
                    seen.note(i, &number.e164, p);
                    if let Some(why) = number.rewrite {
                        summary.rewritten += 1;
                        if summary.rewrites.len() < MAX_PROBLEMS {
                            let sent = number.e164.into_owned();
                            summary
                                .rewrites
                                .push((i, r.cellphone().to_owned(), sent, why));
                        }
                    }
                }
            }
        }
    }
    if summary.count == 0 {
        p.push(Problem::new("rcpts", "must list at least one recipient"));
    }
    Ok(summary)
}

/// The rules on everything but the recipients: design ID, opcode, category.
pub(crate) fn check_head(req: &SendRequest, p: &mut Problems) {
    if !is_design_id(&req.message) && !p.any_at("message") {
        p.push(Problem::new(
            "message",
            "must be the design ID: exactly 9 ASCII letters or digits",
        ));
    }
    for (name, value) in [("opcode", &req.opcode), ("category", &req.category)] {
        if let Some(v) = value {
            if v.is_empty() || v.chars().any(char::is_control) {
                p.push(Problem::new(
                    name,
                    "must be non-empty text without control characters",
                ));
            }
        }
    }
}

/// The rules on recipient `i`; its number, in E.164, when it has a usable one
/// and no problem.
pub(crate) fn check_recipient<'r>(
    i: usize,
    r: &'r Recipient,
    rules: &ValidationSettings,
    p: &mut Problems,
) -> Option<phone::Number<'r>> {
    let before = p.len();
    for problem in &r.problems {
        p.push(Problem::new(
            format!("rcpts[{i}]{}", problem.path),
            problem.message.clone(),
        ));
    }
    for name in r.field_names() {
        if let Some(why) = field_name_problem(name) {
            p.push(Problem::new(format!("rcpts[{i}].{name}"), why));
        }
    }
    if r.unreadable {
        return None;
    }
    match phone::parse(r.cellphone(), rules.default_country, rules.number_check) {
        Ok(number) if p.len() == before => Some(number),
        Ok(_) => None,
        Err(why) => {
            p.push(Problem::new(format!("rcpts[{i}].cellphone"), why));
            None
        }
    }
}

/// Where a problem's path stands in a request: message, each recipient in
/// turn, opcode, category, then unknown keys (the sort is stable within each).
fn request_order(path: &str) -> (u8, usize) {
    if let Some(rest) = path.strip_prefix("rcpts") {
        let index = rest
            .strip_prefix('[')
            .and_then(|r| r.split(']').next())
            .and_then(|i| i.parse().ok());
        // A problem with the list as a whole comes after those of its items.
        return (1, index.map_or(usize::MAX, |i: usize| i));
    }
    match path {
        "message" => (0, 0),
        "opcode" => (2, 0),
        "category" => (3, 0),
        _ => (4, 0),
    }
}

fn is_design_id(s: &str) -> bool {
    s.len() == 9 && s.bytes().all(|b| b.is_ascii_alphanumeric())
}

fn field_name_problem(name: &str) -> Option<&'static str> {
    // The usual name (printable ASCII) is told apart without a character walk.
    if name != "cellphone" && !name.is_empty() && all_graphic(name.as_bytes()) {
        return None;
    }
    if name.is_empty() {
        Some("field names must not be empty")
    } else if name == "cellphone" {
        Some("cellphone is given once, as the recipient's number")
    } else if name.chars().any(|c| c.is_control() || c.is_whitespace()) {
        Some("field names must not contain whitespace or control characters")
    } else {
        None
    }
}

/// Checks a request without sending it, refusing repeated numbers.
///
/// Returns every problem at once in a [`crate::ErrorKind::Validation`] error.
///
/// ```
/// use splio_sms::{validate, Recipient, SendRequest};
/// let bad = SendRequest::new("short").recipient(Recipient::new("12"));
/// let err = validate(&bad).unwrap_err();
/// assert_eq!(err.problems().len(), 2);
/// assert_eq!(err.problems()[1].path, "rcpts[0].cellphone");
/// ```
pub fn validate(req: &SendRequest) -> Result<()> {
    validate_with(req, ValidationSettings::default())
}

/// [`validate`] with the settings that change validation (`duplicates`).
pub fn validate_with(req: &SendRequest, rules: impl Into<ValidationSettings>) -> Result<()> {
    check(req, &rules.into()).map(|_| ())
}
