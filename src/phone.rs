//! Cellphone numbers read with libphonenumber's metadata (the `phonenumber`
//! crate's copy of it): what is accepted, the E.164 form sent, and why a
//! number is refused.
//!
//! The crate's own parser costs about 12 µs a number and its pattern cache
//! holds 100 regexes behind one lock, which a mixed list thrashes; here the
//! number is taken apart by hand (separators, `+`, `00`, `(0)`, the national
//! prefix) and only the metadata's patterns are used, compiled once per
//! country, anchored, the first time a number of that country is seen.
#![forbid(unsafe_code)]

mod patterns;
mod table;

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::OnceLock;

use patterns::patterns;
use table::COUNTRIES;

/// What number checking needs of one country of libphonenumber's metadata,
/// compiled in (`phone/table.rs`, generated and kept equal to the metadata
/// by `tests/phone_table.rs`).
pub(crate) struct Country {
    id: &'static str,
    code: u16,
    /// The main country of a code several share (US for +1).
    main: bool,
    national_prefix: Option<&'static str>,
    /// Where several countries share a code, how this one's numbers begin.
    leading_digits: Option<&'static str>,
    /// Every length a number of the country may have (its kinds' together).
    lengths: &'static [u16],
    general: &'static str,
    /// Numbers that can receive SMS: mobile (and fixed-or-mobile where the
    /// metadata does not tell them apart), VoIP, personal numbers.
    sms: &'static [&'static str],
    /// The others, with what to call them.
    no_sms: &'static [(&'static str, &'static str)],
}

/// How strictly a number is checked against the metadata.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum NumberCheck {
    /// A valid number for its country, and one that can receive SMS (not a landline).
    #[default]
    Valid,
    /// Only a possible length for its country, for number ranges newer than the metadata.
    Possible,
}

impl NumberCheck {
    /// The names settings use, in the order of [`NumberCheck::ALL`].
    pub const NAMES: &'static [&'static str] = &["valid", "possible"];
    pub(crate) const ALL: [NumberCheck; 2] = [NumberCheck::Valid, NumberCheck::Possible];
}

/// The version of libphonenumber's metadata the numbers are checked with.
pub const METADATA_VERSION: &str = "9.0.33 (phonenumber 0.3.10)";

/// Why a number was written differently from what was given, beyond
/// separators: what a user should see before sending.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Rewrite {
    /// A national number (`06 12 34 56 78`) read with `default_country`.
    National,
    /// The `(0)` trunk prefix inside an international number dropped.
    TrunkPrefix,
}

impl Rewrite {
    /// `"national"` or `"trunk_prefix"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Rewrite::National => "national",
            Rewrite::TrunkPrefix => "trunk_prefix",
        }
    }
}

/// A number accepted: its E.164 form and whether it was rewritten.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Number<'a> {
    pub e164: Cow<'a, str>,
    pub rewrite: Option<Rewrite>,
}

/// The canonical ID (`FR`) of a country the metadata knows, written in any case.
pub(crate) fn country(code: &str) -> Option<&'static str> {
    let upper = code.trim().to_ascii_uppercase();
    COUNTRIES
        .iter()
        .map(|c| c.id)
        .find(|id| *id == upper)
        .filter(|id| id.len() == 2)
}

/// Reads `raw` as a cellphone number: its E.164 form, or why it is refused.
pub(crate) fn parse<'a>(
    raw: &'a str,
    default_country: Option<&'static str>,
    check: NumberCheck,
) -> Result<Number<'a>, String> {
    // The common case, a clean +E.164 number, is checked without copying it.
    if let Some(digits) = raw.strip_prefix('+') {
        let clean = (8..=15).contains(&digits.len())
            && !digits.starts_with('0')
            && digits.bytes().all(|b| b.is_ascii_digit());
        if clean && international(digits, check)?.is_some() {
            return Ok(Number {
                e164: Cow::Borrowed(raw),
                rewrite: None,
            });
        }
    }
    if let Some(number) = default_country.and_then(|c| national_fast(raw, c, check)) {
        return Ok(number);
    }
    parse_general(raw, default_country, check)
}

/// The usual national form (`0612345678`, `06 12 34 56 78`, `06-12-…`) of
/// an accepted number, read without copying it: what [`parse_general`]
/// makes of it (a test holds them equal), or `None` for anything else —
/// another form, a refusal — which then takes the long way.
fn national_fast(raw: &str, country: &'static str, check: NumberCheck) -> Option<Number<'static>> {
    // Digits, spaces and dashes only: none of the spreadsheet's damage, no
    // `+`, `(0)` or other character to tell about.
    let mut digits = [0u8; 15];
    let mut len = 0;
    for &b in raw.as_bytes() {
        match b {
            b'0'..=b'9' => {
                *digits.get_mut(len)? = b;
                len += 1;
            }
            b' ' | b'-' => {}
            _ => return None,
        }
    }
    // A national prefix (`0`), not `00`, and a length the general reading accepts.
    let digits = &digits[..len];
    if len < 6 || digits[0] != b'0' || digits[1] == b'0' {
        return None;
    }
    let meta = metadata(country);
    let national = meta
        .national_prefix
        .and_then(|p| digits.strip_prefix(p.as_bytes()))
        .unwrap_or(digits);
    // Written as sent, the national number read back from it: the one
    // allocation the number needs (it is dropped if the number is refused).
    let mut e164 = String::with_capacity(4 + national.len());
    e164.push('+');
    let code = meta.code;
    for (div, always) in [(100, false), (10, code >= 100), (1, true)] {
        if always || code >= div {
            e164.push(char::from(b'0' + (code / div % 10) as u8));
        }
    }
    let at = e164.len();
    e164.extend(national.iter().map(|&b| char::from(b)));
    national_number(meta, &e164[at..], check).ok()?;
    Some(Number {
        e164: Cow::Owned(e164),
        rewrite: Some(Rewrite::National),
    })
}

/// [`parse`] for any form of a number (after its fast paths).
fn parse_general<'a>(
    raw: &'a str,
    default_country: Option<&'static str>,
    check: NumberCheck,
) -> Result<Number<'a>, String> {
    let text = raw.trim();
    if text.is_empty() {
        return Err("must not be empty".to_owned());
    }
    if let Some(why) = spreadsheet_damage(text) {
        return Err(why);
    }
    let written = Written::read(text)?;
    let digits = written.digits.as_str();
    let national_form = written.prefix == Prefix::NationalZero;
    let rewrite = match (written.prefix, default_country) {
        (Prefix::Plus | Prefix::DoubleZero, _) => written.trunk.then_some(Rewrite::TrunkPrefix),
        (_, None) if national_form => {
            return Err(format!(
                "{text} is a national number (it starts with 0): set default_country (e.g. FR) \
                 or write it as +CC… with its country code"
            ))
        }
        (_, None) => None,
        (_, Some(country)) => {
            let meta = metadata(country);
            let national = strip_national_prefix(meta, digits);
            match national_number(meta, national, check) {
                Ok(()) => {
                    return Ok(Number {
                        e164: Cow::Owned(format!("+{}{national}", meta.code)),
                        rewrite: Some(Rewrite::National),
                    })
                }
                Err(why) if national_form => {
                    return Err(format!(
                        "{text} {why} (read as a national number of {country})"
                    ))
                }
                // Digits without a prefix may still be a whole international number (33612345678).
                Err(_) => None,
            }
        }
    };
    match international(digits, check)? {
        Some(()) => Ok(Number {
            e164: Cow::Owned(format!("+{digits}")),
            rewrite,
        }),
        None => Err(format!(
            "+{digits} does not start with a known country code"
        )),
    }
}

/// How the number began.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Prefix {
    Plus,
    DoubleZero,
    NationalZero,
    None,
}

/// The digits of a number as written, with separators removed.
struct Written {
    prefix: Prefix,
    digits: String,
    /// `(0)` was written (and dropped).
    trunk: bool,
}

/// What may separate digits: spaces (also the no-break ones spreadsheets
/// and word processors put in), `-`, `.`, `/`, `(` and `)`.
fn is_separator(c: char) -> bool {
    matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '-' | '.' | '/' | '(' | ')')
}

impl Written {
    fn read(text: &str) -> Result<Written, String> {
        // The `+` may follow an opening parenthesis: "(+33) 6 12 34 56 78".
        let first = text.char_indices().find(|(_, c)| !is_separator(*c));
        let plus = first.is_some_and(|(_, c)| c == '+');
        let body: Cow<'_, str> = match first {
            Some((at, '+')) => Cow::Owned(format!("{}{}", &text[..at], &text[at + 1..])),
            _ => Cow::Borrowed(text),
        };
        // `(0)` is a trunk prefix written inside an international number:
        // "+33 (0)6 12 34 56 78" is +33 6 12 34 56 78.
        // Elsewhere the parentheses are separators and the 0 a national prefix.
        let international = plus || body.trim_start().starts_with("00");
        let (body, trunk) = match body.find("(0)").filter(|_| international) {
            Some(at) => (
                Cow::Owned(format!("{}{}", &body[..at], &body[at + 3..])),
                true,
            ),
            None => (body, false),
        };
        let mut digits = String::with_capacity(body.len());
        for c in body.chars() {
            match c {
                '0'..='9' => digits.push(c),
                c if is_separator(c) => {}
                '+' => return Err("'+' is only allowed at the start".to_owned()),
                other => {
                    return Err(format!(
                        "{other:?} is not allowed (digits, a leading '+', spaces, '-', '.', '/', \
                         '(' and ')')"
                    ))
                }
            }
        }
        if digits.len() < 6 {
            // Short codes and fragments: no cellphone is this short.
            return Err(format!(
                "has {} digits; a cellphone number has at least 6",
                digits.len()
            ));
        }
        let prefix = if plus {
            Prefix::Plus
        } else if let Some(rest) = digits.strip_prefix("00") {
            digits = rest.to_owned();
            Prefix::DoubleZero
        } else if digits.starts_with('0') {
            Prefix::NationalZero
        } else {
            Prefix::None
        };
        if matches!(prefix, Prefix::Plus | Prefix::DoubleZero) && digits.starts_with('0') {
            return Err(
                "no country code starts with 0 (a national number written after + or 00?)"
                    .to_owned(),
            );
        }
        if digits.len() > 15 {
            return Err(format!(
                "has {} digits after its prefix; an international number has at most 15",
                digits.len()
            ));
        }
        Ok(Written {
            prefix,
            digits,
            trunk,
        })
    }
}

/// A number a spreadsheet turned into a number: `33612345678.0`, `3.36123E+10`, `336123456,78`.
fn spreadsheet_damage(text: &str) -> Option<String> {
    let t = text.strip_prefix('+').unwrap_or(text);
    let scientific = t
        .split_once(['e', 'E'])
        .is_some_and(|(mantissa, exponent)| {
            let mantissa = mantissa.replace(',', ".");
            mantissa.parse::<f64>().is_ok()
                && exponent.trim_start_matches('+').parse::<u32>().is_ok()
        });
    let decimal = t.bytes().filter(|b| matches!(b, b'.' | b',')).count() == 1
        && t.split_once(['.', ',']).is_some_and(|(whole, fraction)| {
            whole.len() >= 6
                && whole.bytes().all(|b| b.is_ascii_digit())
                && (1..=2).contains(&fraction.len())
                && fraction.bytes().all(|b| b.is_ascii_digit())
        });
    (scientific || decimal).then(|| {
        format!(
            "{text} looks like a number a spreadsheet rewrote ({}): format the column as text and \
             export it again",
            if scientific {
                "scientific notation"
            } else {
                "a decimal"
            }
        )
    })
}

/// Checks an international number given as its digits (country code first):
/// `Ok(Some(()))` when accepted, `Ok(None)` when no country code fits, or why it is refused.
fn international(digits: &str, check: NumberCheck) -> Result<Option<()>, String> {
    let mut code = 0u16;
    for (len, digit) in digits.bytes().take(3).enumerate() {
        let len = len + 1;
        if !digit.is_ascii_digit() {
            break;
        }
        code = code * 10 + u16::from(digit - b'0');
        let metas = by_code(code);
        if metas.is_empty() {
            continue;
        }
        let national = &digits[len..];
        let meta = pick(metas, national);
        return national_number(meta, national, check)
            .map(Some)
            .map_err(|why| format!("+{digits} {why}"));
    }
    Ok(None)
}

/// The countries of a calling code (the table is in code order).
fn by_code(code: u16) -> &'static [Country] {
    static RANGES: OnceLock<Vec<(u16, u16)>> = OnceLock::new();
    let ranges = RANGES.get_or_init(|| {
        (0..1000)
            .map(|code| {
                let from = COUNTRIES.partition_point(|c| c.code < code);
                let to = COUNTRIES.partition_point(|c| c.code <= code);
                (from as u16, to as u16)
            })
            .collect()
    });
    let (from, to) = ranges.get(usize::from(code)).copied().unwrap_or((0, 0));
    &COUNTRIES[usize::from(from)..usize::from(to)]
}

/// The country among those sharing a code (+1, +44, +7) the number belongs to.
fn pick(metas: &'static [Country], national: &str) -> &'static Country {
    if metas.len() > 1 {
        for meta in metas {
            let p = patterns(meta);
            let leading = p.leading.as_ref().is_some_and(|l| l.is_match(national));
            if leading || p.general.is_match(national) {
                return meta;
            }
        }
    }
    metas.iter().find(|m| m.main).unwrap_or(&metas[0])
}

fn metadata(country: &'static str) -> &'static Country {
    static BY_ID: OnceLock<HashMap<&'static str, &'static Country>> = OnceLock::new();
    // Two capital letters, the usual ID, are found by index (hashing the ID
    // cost more than the rest of reading a national number); the table's
    // first country of an ID wins either way.
    static BY_LETTERS: OnceLock<Vec<u16>> = OnceLock::new();
    let letters = |id: &str| match id.as_bytes() {
        [a @ b'A'..=b'Z', b @ b'A'..=b'Z'] => {
            Some(usize::from(a - b'A') * 26 + usize::from(b - b'A'))
        }
        _ => None,
    };
    let by_letters = BY_LETTERS.get_or_init(|| {
        let mut table = vec![u16::MAX; 26 * 26];
        for (i, c) in COUNTRIES.iter().enumerate().rev() {
            if let Some(at) = letters(c.id) {
                table[at] = i as u16;
            }
        }
        table
    });
    if let Some(&i) = letters(country).and_then(|at| by_letters.get(at)) {
        if let Some(meta) = COUNTRIES.get(usize::from(i)) {
            return meta;
        }
    }
    let by_id = BY_ID.get_or_init(|| COUNTRIES.iter().rev().map(|c| (c.id, c)).collect());
    // `country` came from `country()`, so the table has it.
    by_id.get(country).expect("a country the metadata knows")
}

fn strip_national_prefix<'d>(meta: &Country, digits: &'d str) -> &'d str {
    meta.national_prefix
        .and_then(|p| digits.strip_prefix(p))
        .unwrap_or(digits)
}

/// Whether `national` (the digits after the country code) is accepted for `meta`'s country.
fn national_number(
    meta: &'static Country,
    national: &str,
    check: NumberCheck,
) -> Result<(), String> {
    let p = patterns(meta);
    let id = meta.id;
    let lengths = meta.lengths;
    if !lengths.is_empty() && !lengths.contains(&(national.len() as u16)) {
        return Err(format!(
            "is not a valid number for {id}: {} digits after +{}, where {id} numbers have {}",
            national.len(),
            meta.code,
            list(lengths)
        ));
    }
    if check == NumberCheck::Possible {
        return Ok(());
    }
    let (general, sms) = match p.both(national) {
        Some(both) => both,
        None => (
            p.general.is_match(national),
            p.sms.iter().any(|r| r.is_match(national)),
        ),
    };
    if !general {
        return Err(format!("is not a valid number for {id}"));
    }
    if sms {
        return Ok(());
    }
    match p.no_sms.iter().find(|(_, r)| r.is_match(national)) {
        Some((kind, _)) => Err(format!(
            "is a {kind} number for {id}, which cannot receive SMS (set number_check to possible \
             if you know it can)"
        )),
        None => Err(format!("is not a valid number for {id}")),
    }
}

fn list(lengths: &[u16]) -> String {
    let shown: Vec<String> = lengths.iter().map(u16::to_string).collect();
    match shown.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    }
}

/// One E.164 number as an exact 8-byte key: its digits and their count
/// (at most 15 digits, so the value fits in 50 bits and no two numbers share a key).
pub(crate) fn number_key(e164: &str) -> u64 {
    let digits = e164.strip_prefix('+').unwrap_or(e164);
    let value = digits
        .bytes()
        .fold(0u64, |v, b| v * 10 + u64::from(b - b'0'));
    value | ((digits.len() as u64) << 56)
}

#[cfg(test)]
mod tests;
