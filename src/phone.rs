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

mod table;

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::OnceLock;

use regex::{Regex, RegexBuilder};
use regex_automata::util::primitives::StateID;
use regex_automata::{Anchored, Input};

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

/// One country's patterns, anchored.
struct Patterns {
    general: Pattern,
    sms: Vec<Pattern>,
    no_sms: Vec<(&'static str, Pattern)>,
    /// Matches how the country's numbers begin (anchored at the start only).
    leading: Option<Pattern>,
    /// The general pattern and the SMS ones in one automaton (built when a
    /// number first needs it; `None` where it would be too large): a valid
    /// mobile number, the usual case, is then read once instead of twice.
    combined: OnceLock<Option<Combined>>,
    sources: Vec<String>,
}

/// A full DFA matching the general pattern (pattern 0) and the SMS ones
/// (the others) at once, every pattern that matches reported; and its start.
struct Combined(regex_automata::dfa::dense::DFA<Vec<u32>>, StateID);

impl Patterns {
    /// Whether `national` matches the general pattern, and any SMS pattern,
    /// as `general.is_match` and `sms.iter().any(is_match)` tell it (a test
    /// holds them equal); `None` where there is no combined automaton.
    fn both(&self, national: &str) -> Option<(bool, bool)> {
        use regex_automata::dfa::Automaton;
        let Combined(dfa, start) = self
            .combined
            .get_or_init(|| compile_combined(&self.sources))
            .as_ref()?;
        let mut state = *start;
        for &b in national.as_bytes() {
            state = dfa.next_state(state, b);
            if dfa.is_special_state(state) {
                if dfa.is_dead_state(state) {
                    return Some((false, false));
                }
                // Every pattern ends with `$`, so no match ends before the
                // text does: should one, the patterns one by one decide.
                if dfa.is_match_state(state) || dfa.is_quit_state(state) {
                    return None;
                }
            }
        }
        let state = dfa.next_eoi_state(state);
        if !dfa.is_match_state(state) {
            return Some((false, false));
        }
        let (mut general, mut sms) = (false, false);
        for i in 0..dfa.match_len(state) {
            if dfa.match_pattern(state, i).as_usize() == 0 {
                general = true;
            } else {
                sms = true;
            }
        }
        Some((general, sms))
    }
}

/// [`Patterns::both`]'s automaton, built as [`compile_dfa`] builds one
/// pattern's; `None` when a pattern does not compile or it would be too large.
fn compile_combined(sources: &[String]) -> Option<Combined> {
    use regex_automata::dfa::{dense, Automaton};
    use regex_automata::util::syntax;
    use regex_automata::MatchKind;
    let dfa = dense::Builder::new()
        .syntax(
            syntax::Config::new()
                .unicode(false)
                .utf8(false)
                .ignore_whitespace(true),
        )
        .configure(
            dense::Config::new()
                .match_kind(MatchKind::All)
                .dfa_size_limit(Some(1 << 20))
                .determinize_size_limit(Some(4 << 20)),
        )
        .build_many(sources)
        .ok()?;
    let start = dfa
        .start_state_forward(&Input::new("").anchored(Anchored::Yes))
        .ok()?;
    Some(Combined(dfa, start))
}

/// One pattern of the metadata, compiled the first time a number is matched
/// against it: a list of mobiles needs a country's general and mobile
/// patterns only.
struct Pattern {
    source: String,
    compiled: OnceLock<Option<Matcher>>,
}

/// A pattern compiled to a full DFA, or to a regex where the DFA would be too large.
enum Matcher {
    /// The DFA and its start state for a number (an anchored search from
    /// the start of the text: the same for every number, so found once).
    Dfa(Box<(regex_automata::dfa::dense::DFA<Vec<u32>>, StateID)>),
    Regex(Regex),
}

impl Pattern {
    /// A pattern a whole national number must match.
    fn whole(national_number: &str) -> Self {
        Pattern::new(format!("^(?:{national_number})$"))
    }

    fn new(source: String) -> Self {
        Pattern {
            source,
            compiled: OnceLock::new(),
        }
    }

    fn compiled(&self) -> Option<&Matcher> {
        self.compiled
            .get_or_init(|| {
                compile_dfa(&self.source)
                    .or_else(|| compile_pattern(&self.source).map(Matcher::Regex))
            })
            .as_ref()
    }

    /// Whether `national` (ASCII digits) matches; a pattern that does not
    /// compile matches nothing, as if the metadata did not have it.
    fn is_match(&self, national: &str) -> bool {
        use regex_automata::dfa::Automaton;
        match self.compiled() {
            Some(Matcher::Dfa(dfa)) => {
                // Walked by hand (a DFA tells a match one byte late): a
                // leading-digits pattern may match before the end.
                let (dfa, start) = &**dfa;
                let mut state = *start;
                for &b in national.as_bytes() {
                    state = dfa.next_state(state, b);
                    if dfa.is_special_state(state) {
                        if dfa.is_match_state(state) {
                            return true;
                        }
                        if dfa.is_dead_state(state) || dfa.is_quit_state(state) {
                            return false;
                        }
                    }
                }
                dfa.is_match_state(dfa.next_eoi_state(state))
            }
            Some(Matcher::Regex(r)) => r.is_match(national),
            None => false,
        }
    }
}

/// A full DFA of `source` (Unicode off, as [`compile_pattern`]), or `None`
/// when it does not compile or would take more than a megabyte.
fn compile_dfa(source: &str) -> Option<Matcher> {
    use regex_automata::dfa::{dense, Automaton};
    use regex_automata::util::syntax;
    dense::Builder::new()
        .syntax(
            syntax::Config::new()
                .unicode(false)
                .utf8(false)
                .ignore_whitespace(true),
        )
        .configure(
            dense::Config::new()
                .dfa_size_limit(Some(1 << 20))
                .determinize_size_limit(Some(4 << 20)),
        )
        .build(source)
        .ok()
        .and_then(|dfa| {
            let input = Input::new("").anchored(Anchored::Yes);
            let start = dfa.start_state_forward(&input).ok()?;
            Some(Matcher::Dfa(Box::new((dfa, start))))
        })
}

/// Numbers reach the patterns as ASCII digits alone, so `\d` is compiled as
/// `[0-9]` (Unicode off): the same matches, and a far smaller automaton than
/// Unicode's hundreds of decimal digits give.
fn compile_pattern(source: &str) -> Option<Regex> {
    let build = |unicode| {
        RegexBuilder::new(source)
            .ignore_whitespace(true)
            .unicode(unicode)
            .build()
            .ok()
    };
    build(false).or_else(|| build(true))
}

/// Made on first use, once per country, without a lock afterwards.
fn patterns(meta: &'static Country) -> &'static Patterns {
    static ALL: OnceLock<Vec<OnceLock<Patterns>>> = OnceLock::new();
    let all = ALL.get_or_init(|| COUNTRIES.iter().map(|_| OnceLock::new()).collect());
    // Its place in the table, found from its address (every `Country` is one of the table's).
    let at = (meta as *const Country as usize).wrapping_sub(COUNTRIES.as_ptr() as usize)
        / std::mem::size_of::<Country>();
    match all.get(at) {
        Some(cell) => cell.get_or_init(|| compile(meta)),
        None => Box::leak(Box::new(compile(meta))),
    }
}

fn compile(meta: &Country) -> Patterns {
    let general = Pattern::whole(meta.general);
    // A general pattern that does not compile leaves only the empty number
    // to match (as `^$` in its place did).
    let general = match general.compiled() {
        Some(_) => general,
        None => Pattern::whole(""),
    };
    let sms: Vec<Pattern> = meta.sms.iter().map(|p| Pattern::whole(p)).collect();
    let sources = std::iter::once(&general)
        .chain(&sms)
        .map(|p| p.source.clone())
        .collect();
    Patterns {
        general,
        sms,
        combined: OnceLock::new(),
        sources,
        no_sms: meta
            .no_sms
            .iter()
            .map(|(kind, p)| (*kind, Pattern::whole(p)))
            .collect(),
        leading: meta
            .leading_digits
            .map(|l| Pattern::new(format!("^(?:{l})"))),
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
        use phonenumber::metadata::DATABASE;
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

    /// What a verdict says, without its wording.
    #[derive(Debug, PartialEq)]
    enum Said {
        Accepted,
        Length,
        NotValid,
        Kind(String),
    }

    fn said(verdict: Result<(), String>) -> Said {
        match verdict {
            Ok(()) => Said::Accepted,
            Err(e) if e.contains("digits after") => Said::Length,
            Err(e) => match e.strip_prefix("is a ") {
                Some(rest) => Said::Kind(rest.split(" number").next().unwrap().to_owned()),
                None => Said::NotValid,
            },
        }
    }

    /// The metadata's verdicts the way they were reached before the table:
    /// the `phonenumber` database's own patterns (whitespace and all),
    /// compiled with Unicode.
    struct Reference {
        lengths: Vec<u16>,
        general: Regex,
        /// Each kind's pattern, `sms` telling whether it can receive SMS.
        kinds: Vec<(&'static str, bool, Regex)>,
    }

    impl Reference {
        fn new(meta: &phonenumber::metadata::Metadata) -> Self {
            let anchored = |d: &phonenumber::metadata::Descriptor| {
                RegexBuilder::new(&format!("^(?:{})$", d.national_number().as_str()))
                    .ignore_whitespace(true)
                    .build()
                    .unwrap()
            };
            let d = meta.descriptors();
            let source = |d: Option<&phonenumber::metadata::Descriptor>| {
                d.map(|d| d.national_number().as_str().to_owned())
            };
            let fixed_is_mobile = source(d.fixed_line()) == source(d.mobile());
            // In the order they are tried: those that can receive SMS first.
            let kinds = [
                ("mobile", true, d.mobile()),
                ("voip", true, d.voip()),
                ("personal", true, d.personal_number()),
                ("landline", fixed_is_mobile, d.fixed_line()),
                ("toll-free", false, d.toll_free()),
                ("premium-rate", false, d.premium_rate()),
                ("shared-cost", false, d.shared_cost()),
                ("pager", false, d.pager()),
                ("UAN", false, d.uan()),
                ("voicemail", false, d.voicemail()),
            ];
            let mut lengths: Vec<u16> = d.general().possible_length().to_vec();
            for (_, _, k) in &kinds {
                lengths.extend(k.map_or(&[][..], |k| k.possible_length()));
            }
            let mut kinds: Vec<_> = kinds
                .into_iter()
                .filter_map(|(kind, sms, d)| Some((kind, sms, anchored(d?))))
                .collect();
            kinds.sort_by_key(|(_, sms, _)| !sms);
            Reference {
                lengths,
                general: anchored(d.general()),
                kinds,
            }
        }

        fn said(&self, national: &str, check: NumberCheck) -> Said {
            if !self.lengths.is_empty() && !self.lengths.contains(&(national.len() as u16)) {
                return Said::Length;
            }
            if check == NumberCheck::Possible {
                return Said::Accepted;
            }
            if !self.general.is_match(national) {
                return Said::NotValid;
            }
            match self.kinds.iter().find(|(_, _, r)| r.is_match(national)) {
                Some((_, true, _)) => Said::Accepted,
                Some((kind, false, _)) => Said::Kind((*kind).to_owned()),
                None => Said::NotValid,
            }
        }
    }

    #[test]
    fn the_compiled_in_table_gives_the_metadatas_verdicts_for_generated_numbers() {
        use phonenumber::metadata::DATABASE;
        let metas: Vec<_> = (0..1000u16)
            .flat_map(|c| DATABASE.by_code(&c).unwrap_or_default())
            .collect();
        assert_eq!(metas.len(), COUNTRIES.len());
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        let mut random = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let mut checked = 0;
        let mut references = HashMap::new();
        for (meta, country) in metas.iter().zip(COUNTRIES) {
            assert_eq!((meta.id(), meta.country_code()), (country.id, country.code));
            let reference = Reference::new(meta);
            let d = meta.descriptors();
            let examples: Vec<&str> = [
                d.mobile(),
                d.fixed_line(),
                d.voip(),
                d.toll_free(),
                d.premium_rate(),
                d.uan(),
            ]
            .into_iter()
            .flatten()
            .filter_map(|d| d.example())
            .collect();
            let (shortest, longest) = country
                .lengths
                .iter()
                .fold((5, 5), |(lo, hi), &l| (lo.min(l), hi.max(l)));
            let mut numbers: Vec<String> = examples.iter().map(|e| e.to_string()).collect();
            for len in shortest.saturating_sub(1).max(1)..=longest + 1 {
                for i in 0..8 {
                    // Half of them begin like an example, to land in real ranges.
                    let start = examples.get(i % 2 * (i / 2) % examples.len().max(1));
                    let mut n: String = start
                        .filter(|_| i % 2 == 1)
                        .map(|e| e.chars().take(3).collect())
                        .unwrap_or_default();
                    while n.len() < usize::from(len) {
                        n.push(char::from(b'0' + (random() % 10) as u8));
                    }
                    n.truncate(usize::from(len));
                    numbers.push(n);
                }
            }
            for n in &numbers {
                for check in NumberCheck::ALL {
                    assert_eq!(
                        said(national_number(country, n, check)),
                        reference.said(n, check),
                        "{} {n} {check:?}",
                        country.id
                    );
                    checked += 1;
                }
                let shared = by_code(country.code);
                if shared.len() > 1 {
                    let theirs = DATABASE.by_code(&country.code).unwrap();
                    let picked = theirs
                        .iter()
                        .find(|m| {
                            m.leading_digits()
                                .is_some_and(|l| l.find(n).is_some_and(|m| m.start() == 0))
                                || references
                                    .entry(m.id().to_owned())
                                    .or_insert_with(|| Reference::new(m))
                                    .general
                                    .is_match(n)
                        })
                        .or_else(|| theirs.iter().find(|m| m.is_main_country_for_code()))
                        .unwrap_or(&theirs[0]);
                    assert_eq!(pick(shared, n).id, picked.id(), "+{} {n}", country.code);
                }
            }
        }
        assert!(checked > 10_000, "{checked}");
    }

    /// The combined automaton's verdicts are the patterns' one by one, for
    /// numbers generated in every country (half of them beginning as one of
    /// its example numbers, to land in its real ranges).
    #[test]
    fn the_combined_automaton_agrees_with_the_patterns_one_by_one() {
        use phonenumber::metadata::DATABASE;
        let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
        let mut random = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let (mut compared, mut accepted, mut without) = (0, 0, 0);
        for country in COUNTRIES {
            let p = patterns(country);
            let examples: Vec<String> = DATABASE
                .by_id(country.id)
                .map(|meta| {
                    let d = meta.descriptors();
                    [d.mobile(), d.fixed_line(), d.voip(), d.toll_free()]
                        .into_iter()
                        .flatten()
                        .filter_map(|d| d.example().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default();
            let longest = country.lengths.iter().copied().max().unwrap_or(10);
            for i in 0..400 {
                let len = 4 + (random() % u64::from(longest - 2)) as usize;
                let mut n: String = match examples.get(i % 4) {
                    Some(e) if i % 2 == 1 => e.chars().take(2 + i % 5).collect(),
                    _ => String::new(),
                };
                while n.len() < len {
                    n.push(char::from(b'0' + (random() % 10) as u8));
                }
                let separate = (p.general.is_match(&n), p.sms.iter().any(|r| r.is_match(&n)));
                match p.both(&n) {
                    Some(both) => {
                        assert_eq!(both, separate, "{} {n}", country.id);
                        compared += 1;
                        accepted += usize::from(both == (true, true));
                    }
                    None => without += 1,
                }
            }
        }
        assert!(
            compared > 50 * without,
            "{compared} compared, {without} not"
        );
        assert!(accepted > 1_000, "{accepted}");
    }

    /// National numbers read by the fast path are what the general reading
    /// makes of them, for generated numbers in every country, written with
    /// spaces, dashes, dots, too few or too many digits, `00` and the rest.
    #[test]
    fn the_national_fast_path_agrees_with_the_general_reading() {
        use phonenumber::metadata::DATABASE;
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        let mut random = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let (mut fast, mut total) = (0, 0);
        for country in COUNTRIES.iter().filter(|c| c.id.len() == 2) {
            let id = super::country(country.id).unwrap();
            let prefix = country.national_prefix.unwrap_or("0");
            let examples: Vec<String> = DATABASE
                .by_id(country.id)
                .map(|meta| {
                    let d = meta.descriptors();
                    [d.mobile(), d.fixed_line(), d.voip()]
                        .into_iter()
                        .flatten()
                        .filter_map(|d| d.example().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default();
            for i in 0..60 {
                let mut digits: String = match examples.get(i % 3 % 2) {
                    Some(e) if i % 2 == 0 => e.clone(),
                    Some(e) if i % 4 != 3 => e.chars().take(1 + i % 6).collect(),
                    _ => String::new(),
                };
                let len = examples.get(i % 3 % 2).map_or(9, |e| e.len()) as u64;
                while (digits.len() as u64) < len - 1 + random() % 3 {
                    digits.push(char::from(b'0' + (random() % 10) as u8));
                }
                let lead = ["0", "", "0", "00", prefix, " 0 "][i / 2 % 6];
                let mut raw = String::from(lead);
                for (j, c) in digits.chars().enumerate() {
                    if j > 0 && random() % 4 == 0 {
                        let separators = [' ', '-', ' ', '-', ' ', '.', '/', '\u{a0}'];
                        raw.push(separators[(random() % 8) as usize]);
                    }
                    raw.push(c);
                }
                for check in NumberCheck::ALL {
                    let general = parse_general(&raw, Some(id), check);
                    assert_eq!(parse(&raw, Some(id), check), general, "{id} {raw:?}");
                    if let Some(n) = national_fast(&raw, id, check) {
                        assert_eq!(Ok(n), general, "{id} {raw:?}");
                        fast += 1;
                    }
                    total += 1;
                }
            }
        }
        assert!(fast > 2_000, "{fast} of {total} through the fast path");
    }

    #[test]
    fn each_id_finds_the_first_country_of_the_table_with_it() {
        for c in COUNTRIES {
            let first = COUNTRIES.iter().find(|o| o.id == c.id).unwrap();
            assert!(std::ptr::eq(metadata(c.id), first), "{}", c.id);
        }
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
