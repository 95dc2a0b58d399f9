//! The rules a request must meet before any byte leaves, all checked in one
//! pass so that every problem is reported at once.
#![forbid(unsafe_code)]

use std::borrow::Cow;
use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap};

use crate::error::{Error, ErrorKind, Problem, Result};
use crate::request::{Recipient, SendRequest};
use crate::settings::Duplicates;

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

/// One recipient ready to encode: the cleaned number and its fields.
#[derive(Debug)]
pub(crate) struct Clean<'a> {
    /// Position in the request's `rcpts`.
    pub index: usize,
    pub cellphone: Cow<'a, str>,
    pub recipient: &'a Recipient,
}

const SEPARATORS: &[char] = &[' ', '-', '.', '(', ')'];

/// Checks `req` against every rule, with `policy` for repeated numbers.
pub(crate) fn check(req: &SendRequest, policy: Duplicates) -> Result<Validated<'_>> {
    let mut p = req.shape_problems.clone();
    check_head(req, &mut p);
    if req.rcpts.is_empty() && !p.iter().any(|x| x.path == "rcpts") {
        p.push(Problem::new("rcpts", "must list at least one recipient"));
    }
    let mut rcpts = Vec::with_capacity(req.rcpts.len());
    for (i, r) in req.rcpts.iter().enumerate() {
        if let Some(cellphone) = check_recipient(i, r, &mut p) {
            rcpts.push(Clean {
                index: i,
                cellphone,
                recipient: r,
            });
        }
    }
    let dropped = apply_duplicates(&mut rcpts, policy, &mut p);
    fail_on(p)?;
    Ok(Validated {
        message: &req.message,
        rcpts,
        opcode: req.opcode.as_deref(),
        category: req.category.as_deref(),
        dropped,
    })
}

/// The rules on everything but the recipients: design ID, opcode, category.
pub(crate) fn check_head(req: &SendRequest, p: &mut Vec<Problem>) {
    if !is_design_id(&req.message) && !p.iter().any(|x| x.path == "message") {
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

/// The rules on recipient `i`; its cleaned number when it has a usable one.
pub(crate) fn check_recipient<'r>(
    i: usize,
    r: &'r Recipient,
    p: &mut Vec<Problem>,
) -> Option<Cow<'r, str>> {
    for name in r.field_names() {
        if let Some(why) = field_name_problem(name) {
            p.push(Problem::new(format!("rcpts[{i}].{name}"), why));
        }
    }
    if r.unreadable {
        return None;
    }
    match clean_cellphone(&r.cellphone) {
        Ok(cellphone) => Some(cellphone),
        Err(why) => {
            p.push(Problem::new(format!("rcpts[{i}].cellphone"), why));
            None
        }
    }
}

/// A validation error listing `p` in request order, or `Ok` when it is empty.
pub(crate) fn fail_on(mut p: Vec<Problem>) -> Result<()> {
    if p.is_empty() {
        return Ok(());
    }
    p.sort_by_key(|x| request_order(&x.path));
    Err(Error::with_problems(ErrorKind::Validation, p))
}

/// One number as an exact 8-byte key: its digits after `+` or `00`, with
/// their count (so `0612…` and `612…` differ). A number has at most 15
/// digits, so the value fits in 50 bits; no two numbers share a key.
pub(crate) fn number_key(cleaned: &str) -> u64 {
    let digits = same_number_key(cleaned);
    let value = digits
        .bytes()
        .fold(0u64, |v, b| v * 10 + u64::from(b - b'0'));
    value | ((digits.len() as u64) << 56)
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

/// Removes separators and checks what is left: an optional leading `+`, then 6 to 15 digits.
/// A number given clean is borrowed, not copied.
pub(crate) fn clean_cellphone(raw: &str) -> std::result::Result<Cow<'_, str>, String> {
    let plain = raw.strip_prefix('+').unwrap_or(raw);
    if (6..=15).contains(&plain.len()) && plain.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(Cow::Borrowed(raw));
    }
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        match c {
            c if SEPARATORS.contains(&c) => {}
            '0'..='9' => out.push(c),
            '+' if out.is_empty() => out.push('+'),
            '+' => return Err("'+' is only allowed at the start".to_owned()),
            other => {
                return Err(format!(
                "{other:?} is not allowed (digits, a leading '+', spaces, '-', '.', '(' and ')')"
            ))
            }
        }
    }
    let digits = out.trim_start_matches('+').len();
    if out.is_empty() {
        return Err("must not be empty".to_owned());
    }
    if !(6..=15).contains(&digits) {
        return Err(format!("has {digits} digits; a phone number has 6 to 15"));
    }
    Ok(Cow::Owned(out))
}

/// The form that makes `+33612345678`, `0033612345678` and `33612345678` equal.
fn same_number_key(cleaned: &str) -> &str {
    match cleaned.strip_prefix('+') {
        Some(rest) => rest,
        None => cleaned.strip_prefix("00").unwrap_or(cleaned),
    }
}

/// Applies the duplicates policy; returns the request indexes that were dropped.
fn apply_duplicates(
    rcpts: &mut Vec<Clean<'_>>,
    policy: Duplicates,
    p: &mut Vec<Problem>,
) -> Vec<usize> {
    if policy == Duplicates::Allow || rcpts.len() < 2 {
        return Vec::new();
    }
    // (position of the first occurrence, position of a repeat), in `rcpts`.
    let mut repeats: Vec<(usize, usize)> = Vec::new();
    {
        let mut first: HashMap<u64, usize> = HashMap::with_capacity(rcpts.len());
        for (pos, r) in rcpts.iter().enumerate() {
            match first.entry(number_key(&r.cellphone)) {
                Entry::Occupied(e) => repeats.push((*e.get(), pos)),
                Entry::Vacant(e) => {
                    e.insert(pos);
                }
            }
        }
    }
    if repeats.is_empty() {
        return Vec::new();
    }
    match policy {
        Duplicates::Reject => {
            let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
            for (first, pos) in repeats {
                groups.entry(first).or_insert_with(|| vec![first]).push(pos);
            }
            for positions in groups.values() {
                let where_ = positions
                    .iter()
                    .map(|&pos| format!("rcpts[{}]", rcpts[pos].index))
                    .collect::<Vec<_>>()
                    .join(", ");
                p.push(Problem::new(
                    format!("rcpts[{}].cellphone", rcpts[positions[1]].index),
                    format!(
                        "{} appears {} times ({where_}); the service would send one SMS per \
                         occurrence (set duplicates to dedupe or allow)",
                        rcpts[positions[0]].cellphone,
                        positions.len()
                    ),
                ));
            }
            Vec::new()
        }
        Duplicates::Dedupe | Duplicates::Allow => {
            let mut drop = vec![false; rcpts.len()];
            for (_, pos) in repeats {
                drop[pos] = true;
            }
            let mut dropped = Vec::new();
            let mut pos = 0;
            rcpts.retain(|r| {
                let keep = !drop[pos];
                if !keep {
                    dropped.push(r.index);
                }
                pos += 1;
                keep
            });
            dropped
        }
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
    validate_with(req, Duplicates::Reject)
}

/// [`validate`] with another duplicates policy.
pub fn validate_with(req: &SendRequest, duplicates: Duplicates) -> Result<()> {
    check(req, duplicates).map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separators_are_removed_and_plus_kept() {
        assert_eq!(
            clean_cellphone("+33 6 12-34.56(78)").unwrap(),
            "+33612345678"
        );
        assert_eq!(clean_cellphone("(+33) 612345678").unwrap(), "+33612345678");
        assert_eq!(clean_cellphone("0033612345678").unwrap(), "0033612345678");
    }

    #[test]
    fn digit_count_is_6_to_15() {
        assert!(clean_cellphone("12345").is_err());
        assert!(clean_cellphone("123456").is_ok());
        assert!(clean_cellphone("+123456789012345").is_ok());
        assert!(clean_cellphone("+1234567890123456").is_err());
        assert!(clean_cellphone("+").is_err());
        assert!(clean_cellphone("").is_err());
    }

    #[test]
    fn letters_and_inner_plus_are_refused() {
        assert!(clean_cellphone("+33a612345678")
            .unwrap_err()
            .contains("'a'"));
        assert!(clean_cellphone("33+612345678")
            .unwrap_err()
            .contains("start"));
        assert!(clean_cellphone("3361234\t5678").is_err());
    }

    #[test]
    fn number_keys_are_equal_exactly_for_the_same_number() {
        assert_eq!(number_key("+33612345678"), number_key("0033612345678"));
        assert_eq!(number_key("+33612345678"), number_key("33612345678"));
        assert_ne!(number_key("0612345678"), number_key("612345678"));
        assert_ne!(number_key("+33612345678"), number_key("+33612345679"));
        assert_ne!(
            number_key("+999999999999999"),
            number_key("+99999999999999")
        );
    }

    #[test]
    fn the_three_international_forms_are_one_number() {
        assert_eq!(same_number_key("+33612345678"), "33612345678");
        assert_eq!(same_number_key("0033612345678"), "33612345678");
        assert_eq!(same_number_key("33612345678"), "33612345678");
        assert_eq!(same_number_key("0612345678"), "0612345678");
    }
}
