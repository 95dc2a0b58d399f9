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

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::OnceLock;

use phonenumber::metadata::{Metadata, DATABASE};
use regex::{Regex, RegexBuilder};

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
    DATABASE
        .by_id(upper.as_str())
        .map(Metadata::id)
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
                        e164: Cow::Owned(format!("+{}{national}", meta.country_code())),
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
    for len in 1..=3.min(digits.len()) {
        let Ok(code) = digits[..len].parse::<u16>() else {
            continue;
        };
        let Some(metas) = DATABASE.by_code(&code) else {
            continue;
        };
        let national = &digits[len..];
        let meta = pick(&metas, national);
        return national_number(meta, national, check)
            .map(Some)
            .map_err(|why| format!("+{digits} {why}"));
    }
    Ok(None)
}

/// The country among those sharing a code (+1, +44, +7) the number belongs to.
fn pick<'m>(metas: &[&'m Metadata], national: &str) -> &'m Metadata {
    if metas.len() > 1 {
        for meta in metas {
            let leading = meta
                .leading_digits()
                .is_some_and(|l| l.find(national).is_some_and(|m| m.start() == 0));
            if leading || patterns(meta).general.is_match(national) {
                return meta;
            }
        }
    }
    metas
        .iter()
        .find(|m| m.is_main_country_for_code())
        .unwrap_or(&metas[0])
}

fn metadata(country: &'static str) -> &'static Metadata {
    // `country` came from `country()`, so the metadata has it.
    DATABASE
        .by_id(country)
        .expect("a country the metadata knows")
}

fn strip_national_prefix<'d>(meta: &Metadata, digits: &'d str) -> &'d str {
    meta.national_prefix()
        .and_then(|p| digits.strip_prefix(p))
        .unwrap_or(digits)
}

/// Whether `national` (the digits after the country code) is accepted for `meta`'s country.
fn national_number(meta: &Metadata, national: &str, check: NumberCheck) -> Result<(), String> {
    let p = patterns(meta);
    let id = meta.id();
    let lengths = &p.lengths;
    if !lengths.is_empty() && !lengths.contains(&(national.len() as u16)) {
        return Err(format!(
            "is not a valid number for {id}: {} digits after +{}, where {id} numbers have {}",
            national.len(),
            meta.country_code(),
            list(lengths)
        ));
    }
    if check == NumberCheck::Possible {
        return Ok(());
    }
    if !p.general.is_match(national) {
        return Err(format!("is not a valid number for {id}"));
    }
    if p.sms.iter().any(|r| r.is_match(national)) {
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

/// One country's patterns, anchored and compiled.
struct Patterns {
    /// Every length a number of the country may have (its kinds' together).
    lengths: Vec<u16>,
    general: Regex,
    /// Numbers that can receive SMS: mobile (and fixed-or-mobile where the
    /// metadata does not tell them apart), VoIP, personal numbers.
    sms: Vec<Regex>,
    /// The others, with what to call them.
    no_sms: Vec<(&'static str, Regex)>,
}

/// Compiled on first use, once per country, without a lock afterwards.
fn patterns(meta: &Metadata) -> &'static Patterns {
    static ALL: OnceLock<HashMap<&'static str, OnceLock<Patterns>>> = OnceLock::new();
    let all = ALL.get_or_init(|| DATABASE.iter().map(|m| (m.id(), OnceLock::new())).collect());
    match all.get(meta.id()) {
        Some(cell) => cell.get_or_init(|| compile(meta)),
        // Every ID is in the map; a copy of the metadata made elsewhere is compiled each time.
        None => Box::leak(Box::new(compile(meta))),
    }
}

fn compile(meta: &Metadata) -> Patterns {
    let d = meta.descriptors();
    let anchored = |pattern: &str| {
        RegexBuilder::new(&format!("^(?:{pattern})$"))
            .ignore_whitespace(true)
            .build()
            .ok()
    };
    let re = |desc: Option<&phonenumber::metadata::Descriptor>| {
        desc.and_then(|d| anchored(d.national_number().as_str()))
    };
    let never = || Regex::new("^$").expect("a valid pattern");
    let mut sms: Vec<Regex> = [d.mobile(), d.voip(), d.personal_number()]
        .into_iter()
        .filter_map(re)
        .collect();
    // Where fixed and mobile share one pattern, the metadata cannot tell a landline apart.
    let fixed_is_mobile = d.fixed_line().map(|f| f.national_number().as_str())
        == d.mobile().map(|m| m.national_number().as_str());
    let mut no_sms = Vec::new();
    if let Some(fixed) = re(d.fixed_line()) {
        if fixed_is_mobile {
            sms.push(fixed);
        } else {
            no_sms.push(("landline", fixed));
        }
    }
    for (kind, desc) in [
        ("toll-free", d.toll_free()),
        ("premium-rate", d.premium_rate()),
        ("shared-cost", d.shared_cost()),
        ("pager", d.pager()),
        ("UAN", d.uan()),
        ("voicemail", d.voicemail()),
    ] {
        if let Some(r) = re(desc) {
            no_sms.push((kind, r));
        }
    }
    let mut lengths: Vec<u16> = [
        Some(d.general()),
        d.mobile(),
        d.fixed_line(),
        d.voip(),
        d.personal_number(),
        d.toll_free(),
        d.premium_rate(),
        d.shared_cost(),
        d.pager(),
        d.uan(),
        d.voicemail(),
    ]
    .into_iter()
    .flatten()
    .flat_map(|desc| desc.possible_length().iter().copied())
    .collect();
    lengths.sort_unstable();
    lengths.dedup();
    Patterns {
        lengths,
        general: anchored(d.general().national_number().as_str()).unwrap_or_else(never),
        sms,
        no_sms,
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
mod tests {
    use super::*;

    fn sent(raw: &str, country: Option<&str>) -> Result<String, String> {
        let country = country.map(|c| super::country(c).unwrap());
        parse(raw, country, NumberCheck::Valid).map(|n| n.e164.into_owned())
    }

    #[test]
    fn international_forms_are_sent_in_e164() {
        for raw in [
            "+33612345678",
            "+33 6 12 34 56 78",
            "0033612345678",
            "33612345678",
            "+33 (0)6 12 34 56 78",
            "+33\u{a0}6\u{a0}12\u{a0}34\u{a0}56\u{a0}78",
            "(+33) 6-12-34-56-78",
        ] {
            assert_eq!(sent(raw, None).as_deref(), Ok("+33612345678"), "{raw}");
        }
    }

    #[test]
    fn national_forms_need_default_country() {
        let e = sent("06 12 34 56 78", None).unwrap_err();
        assert!(e.contains("set default_country"), "{e}");
        for raw in [
            "0612345678",
            "06.12.34.56.78",
            "06 12 34 56 78",
            "612345678",
        ] {
            assert_eq!(
                sent(raw, Some("fr")).as_deref(),
                Ok("+33612345678"),
                "{raw}"
            );
        }
        // With a default country, a whole international number is still one.
        assert_eq!(
            sent("33612345678", Some("FR")).as_deref(),
            Ok("+33612345678")
        );
        assert_eq!(
            sent("0044 7400 123456", Some("FR")).as_deref(),
            Ok("+447400123456")
        );
    }

    #[test]
    fn each_countrys_example_mobile_is_accepted_and_its_landline_refused() {
        for id in ["FR", "BE", "CH", "DE", "GB", "ES", "CN", "US", "IT", "NL"] {
            let meta = DATABASE.by_id(id).unwrap();
            let d = meta.descriptors();
            let code = meta.country_code();
            let mobile = d.mobile().unwrap().example().unwrap();
            assert_eq!(
                sent(&format!("+{code}{mobile}"), None),
                Ok(format!("+{code}{mobile}")),
                "{id} mobile"
            );
            let fixed = d.fixed_line().unwrap();
            if fixed.national_number().as_str() != d.mobile().unwrap().national_number().as_str() {
                let landline = format!("+{code}{}", fixed.example().unwrap());
                let e = sent(&landline, None).unwrap_err();
                assert!(e.contains("landline") && e.contains(id), "{id}: {e}");
                assert!(
                    parse(&landline, None, NumberCheck::Possible).is_ok(),
                    "{id}"
                );
            }
        }
    }

    #[test]
    fn what_spreadsheets_and_typos_make_is_refused_with_the_reason() {
        for (raw, why) in [
            ("33612345678.0", "spreadsheet"),
            ("3.36123E+10", "scientific notation"),
            ("3,36123E+10", "scientific notation"),
            ("336123456,78", "decimal"),
            ("+0612345678", "no country code starts with 0"),
            ("000000", "no country code starts with 0"),
            ("+33a612345678", "'a' is not allowed"),
            ("33+612345678", "only allowed at the start"),
            ("12345", "at least 6"),
            ("+336123456789012345", "at most 15"),
            (
                "+33612345678901",
                "12 digits after +33, where FR numbers have 9",
            ),
            ("+3361234567", "not a valid number for FR"),
            ("+33 6 12 34 56 7", "not a valid number for FR"),
            ("+999 612345678", "does not start with a known country code"),
            ("", "must not be empty"),
        ] {
            let e = sent(raw, None).unwrap_err();
            assert!(e.contains(why), "{raw}: {e}");
        }
    }

    #[test]
    fn a_landline_written_with_the_trunk_prefix_is_named() {
        let e = sent("+44 (0) 20 7946 0958", None).unwrap_err();
        assert!(e.contains("landline number for GB"), "{e}");
        let n = parse("+44 (0) 20 7946 0958", None, NumberCheck::Possible).unwrap();
        assert_eq!(n.e164, "+442079460958");
        assert_eq!(n.rewrite, Some(Rewrite::TrunkPrefix));
    }

    #[test]
    fn rewrites_are_told_and_clean_numbers_are_borrowed() {
        let fr = super::country("FR");
        let n = parse("06 12 34 56 78", fr, NumberCheck::Valid).unwrap();
        assert_eq!(n.rewrite, Some(Rewrite::National));
        let n = parse("+33612345678", fr, NumberCheck::Valid).unwrap();
        assert!(matches!(n.e164, Cow::Borrowed(_)) && n.rewrite.is_none());
        assert_eq!(
            parse("0033612345678", None, NumberCheck::Valid)
                .unwrap()
                .rewrite,
            None
        );
    }

    #[test]
    fn countries_are_known_whatever_their_case_and_others_are_not() {
        assert_eq!(country("fr"), Some("FR"));
        assert_eq!(country(" Gb "), Some("GB"));
        assert_eq!(country("XX"), None);
        assert_eq!(country("001"), None);
        assert_eq!(country("France"), None);
    }

    #[test]
    fn number_keys_are_equal_exactly_for_the_same_number() {
        assert_eq!(number_key("+33612345678"), number_key("+33612345678"));
        assert_ne!(number_key("+33612345678"), number_key("+33612345679"));
        assert_ne!(
            number_key("+999999999999999"),
            number_key("+99999999999999")
        );
    }
}
