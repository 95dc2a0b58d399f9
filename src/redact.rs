//! Removing the API key from text that leaves the client.
//!
//! A server may echo the key as it was sent (percent-encoded, `+` for space,
//! hex in either case, even encoded twice), raw, or inside JSON text (`\"`,
//! `\/`, `\u00e9`). The key is therefore matched one character at a time,
//! each character in any of those spellings, rather than as a few
//! precomputed strings that would miss a server's own mix. Matches must be
//! whole tokens, so that a one-letter key `k` does not turn "invalid key"
//! into "invalid ***ey". A snippet cut at its length limit may end inside
//! the key: what is left of the key just before the `…` goes too.
#![forbid(unsafe_code)]

use std::borrow::Cow;

/// What replaces each occurrence of the key.
const MARK: &str = "***";

/// Where a snippet was cut short (see `response::snippet`).
const CUT: &str = "…";

/// `text` with every whole-token occurrence of `key`, in any of its
/// percent-encoded or JSON-escaped spellings, replaced by [`MARK`].
/// Borrows when there is nothing to remove, the usual case.
pub(crate) fn redact<'a>(text: &'a str, key: &str) -> Cow<'a, str> {
    let (Some(first), Some(last)) = (key.chars().next(), key.chars().next_back()) else {
        return Cow::Borrowed(text);
    };
    let lead = first.encode_utf8(&mut [0; 4]).as_bytes()[0];
    let mut scratch = (Vec::new(), Vec::new());
    let mut out: Option<String> = None;
    let mut copied = 0;
    let mut s = 0;
    while s < text.len() {
        // Every spelling of a character starts with itself, `%`, `\` or `+`.
        let b = text.as_bytes()[s];
        let found = (text.is_char_boundary(s)
            && (b == lead || b == b'%' || b == b'\\' || (b == b'+' && first == ' '))
            && !(is_word(first) && word_before(text, s)))
        .then(|| match_at(text, s, key, last, &mut scratch))
        .flatten();
        match found {
            Some(end) => {
                let o = out.get_or_insert_with(|| String::with_capacity(text.len()));
                o.push_str(&text[copied..s]);
                o.push_str(MARK);
                copied = end;
                s = end;
            }
            None => s += 1,
        }
    }
    match out {
        Some(mut o) => {
            o.push_str(&text[copied..]);
            Cow::Owned(o)
        }
        None => Cow::Borrowed(text),
    }
}

/// The end of the longest match of `key` at `s` that ends on a token
/// boundary, or else of a key cut short by a snippet's `…`.
fn match_at(
    t: &str,
    s: usize,
    key: &str,
    last: char,
    (live, next): &mut (Vec<usize>, Vec<usize>),
) -> Option<usize> {
    // Spellings differ in length, so several positions may be live at once
    // (`%25` and `%` are both a `%`).
    live.clear();
    live.push(s);
    let mut cut = None;
    for (i, c) in key.chars().enumerate() {
        if i > 0 && cut.is_none() {
            cut = live.iter().copied().find(|&p| t[p..].starts_with(CUT));
        }
        next.clear();
        for &p in live.iter() {
            spellings(t.as_bytes(), p, c, next);
        }
        if next.is_empty() {
            return cut;
        }
        next.sort_unstable();
        next.dedup();
        std::mem::swap(live, next);
    }
    live.iter()
        .rev()
        .copied()
        .find(|&e| !(is_word(last) && word_after(t, e)))
        .or(cut)
}

/// Pushes the end of each spelling of `c` found at `p`. Each spelling
/// covers whole characters of the text, so every end is a char boundary.
fn spellings(t: &[u8], p: usize, c: char, ends: &mut Vec<usize>) {
    let mut utf8 = [0; 4];
    let raw = c.encode_utf8(&mut utf8).as_bytes();
    let rest = &t[p..];
    if rest.starts_with(raw) {
        ends.push(p + raw.len());
    }
    match rest.first() {
        Some(b'%') => {
            // `%25XX` too: a URL holding the key, put in another URL's query
            // (a redirect's `next=`), is encoded twice.
            if (0..raw.len()).all(|i| percent_byte(rest, i * 3) == Some(raw[i])) {
                ends.push(p + raw.len() * 3);
            }
            if (0..raw.len()).all(|i| percent_twice(rest, i * 5) == Some(raw[i])) {
                ends.push(p + raw.len() * 5);
            }
        }
        Some(b'+') if c == ' ' => ends.push(p + 1),
        Some(b'\\') => match json_escape(rest) {
            Some((d, len)) if d == c => ends.push(p + len),
            _ => {}
        },
        _ => {}
    }
}

/// The byte that `%XX` (hex in either case) at `at` stands for.
fn percent_byte(t: &[u8], at: usize) -> Option<u8> {
    match t.get(at..at + 3)? {
        [b'%', h, l] => Some(hex(*h)? << 4 | hex(*l)?),
        _ => None,
    }
}

/// The byte that `%25XX` at `at` stands for once decoded twice.
fn percent_twice(t: &[u8], at: usize) -> Option<u8> {
    match t.get(at..at + 3)? {
        b"%25" => percent_byte(&[b'%', *t.get(at + 3)?, *t.get(at + 4)?], 0),
        _ => None,
    }
}

/// The character that a JSON escape at the start of `t` stands for, and its length.
fn json_escape(t: &[u8]) -> Option<(char, usize)> {
    let short = match t.get(..2)? {
        [b'\\', b'u'] => None,
        [b'\\', e] => Some(match e {
            b'"' | b'\\' | b'/' => char::from(*e),
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            _ => return None,
        }),
        _ => return None,
    };
    if let Some(c) = short {
        return Some((c, 2));
    }
    let unit = |at: usize| match t.get(at..at + 6)? {
        [b'\\', b'u', digits @ ..] => digits
            .iter()
            .try_fold(0u32, |n, &d| Some(n << 4 | u32::from(hex(d)?))),
        _ => None,
    };
    let high = unit(0)?;
    if (0xD800..0xDC00).contains(&high) {
        let low = unit(6).filter(|l| (0xDC00..0xE000).contains(l))?;
        let c = char::from_u32(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))?;
        return Some((c, 12));
    }
    char::from_u32(high).map(|c| (c, 6))
}

fn hex(d: u8) -> Option<u8> {
    char::from(d).to_digit(16).map(|v| v as u8)
}

/// Letters, digits and `_`: what continues a word. A key that starts or ends
/// with anything else (`+`, `%`, `=`) cannot be inside a longer word on that
/// side, so that side needs no boundary: requiring one there (as a regex `\b`
/// would) would leave `x+key` unredacted for the key `+key`.
fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Whether percent-encoded bytes spell one character that continues a word.
/// Bytes that are not UTF-8 spell no word, so that a key beside them goes.
fn is_word_bytes(bytes: &[u8]) -> bool {
    std::str::from_utf8(bytes)
        .ok()
        .and_then(|s| s.chars().next())
        .is_some_and(is_word)
}

/// The bytes spelled by up to four `%XX` in a row from `at`, backwards when
/// `back` (ending at `at`); how many.
fn percent_run(t: &[u8], at: usize, back: bool) -> ([u8; 4], usize) {
    let mut bytes = [0; 4];
    let mut n = 0;
    while n < 4 {
        let from = if back {
            at.checked_sub(3 * (n + 1))
        } else {
            Some(at + 3 * n)
        };
        match from.and_then(|f| percent_byte(t, f)) {
            Some(b) => bytes[n] = b,
            None => break,
        }
        n += 1;
    }
    if back {
        bytes[..n].reverse();
    }
    (bytes, n)
}

/// UTF-8 length announced by a leading byte.
fn utf8_width(lead: u8) -> usize {
    match lead {
        0x00..=0x7F => 1,
        0xC0..=0xDF => 2,
        0xE0..=0xEF => 3,
        _ => 4,
    }
}

/// Whether the character before `s`, in whatever spelling, continues a word.
fn word_before(t: &str, s: usize) -> bool {
    let head = &t.as_bytes()[..s];
    let (bytes, n) = percent_run(head, s, true);
    if n > 0 {
        // The last character: the shortest tail of the run that is one.
        return (1..=n)
            .map(|len| &bytes[n - len..n])
            .find(|tail| std::str::from_utf8(tail).is_ok())
            .is_some_and(is_word_bytes);
    }
    // A JSON escape counts only when its backslash is not itself escaped.
    let escape_at = |len: usize| {
        let at = s.checked_sub(len)?;
        let backslashes = head[..at].iter().rev().take_while(|&&b| b == b'\\').count();
        json_escape(&head[at..])
            .filter(|&(_, l)| l == len && backslashes % 2 == 0)
            .map(|(c, _)| c)
    };
    if let Some(c) = escape_at(12)
        .or_else(|| escape_at(6))
        .or_else(|| escape_at(2))
    {
        return is_word(c);
    }
    t[..s].chars().next_back().is_some_and(is_word)
}

/// Whether the character at `e`, in whatever spelling, continues a word.
fn word_after(t: &str, e: usize) -> bool {
    let rest = &t.as_bytes()[e..];
    let (bytes, n) = percent_run(rest, 0, false);
    if n > 0 {
        return is_word_bytes(&bytes[..utf8_width(bytes[0]).min(n)]);
    }
    if let Some((c, _)) = json_escape(rest) {
        return is_word(c);
    }
    t[e..].chars().next().is_some_and(is_word)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(text: &str, key: &str) -> String {
        redact(text, key).into_owned()
    }

    const SERVICE: &str = "invalid key for this universe";

    #[test]
    fn one_letter_keys_leave_the_words_that_contain_them() {
        for key in ["k", "e", "i", "y"] {
            assert_eq!(r(SERVICE, key), SERVICE, "key {key}");
        }
        assert_eq!(r("kk k-k", "k"), "kk ***-***");
        assert_eq!(r("k", "k"), "***");
        assert_eq!(r("key=k&x=1", "k"), "key=***&x=1");
    }

    #[test]
    fn a_key_that_is_an_ordinary_word_goes_only_where_it_is_a_word() {
        assert_eq!(r(SERVICE, "key"), "invalid *** for this universe");
        assert_eq!(r(SERVICE, "universe"), "invalid key for this ***");
        assert_eq!(r("keys monkey key.", "key"), "keys monkey ***.");
        assert_eq!(
            r("errors: error_code error", "error"),
            "errors: error_code ***"
        );
    }

    #[test]
    fn text_without_the_key_is_borrowed_not_copied() {
        assert!(matches!(redact(SERVICE, "k"), Cow::Borrowed(_)));
        assert!(matches!(redact(SERVICE, ""), Cow::Borrowed(_)));
        assert!(matches!(redact("", "k"), Cow::Borrowed(_)));
    }

    #[test]
    fn the_wire_form_and_other_percent_encodings_are_removed() {
        let key = "a+b/c=d&e%f";
        let wire: String = form_urlencoded::byte_serialize(key.as_bytes()).collect();
        assert_eq!(wire, "a%2Bb%2Fc%3Dd%26e%25f");
        for form in [
            key,
            wire.as_str(),
            "a%2bb%2fc%3dd%26e%25f",
            "%61%2B%62%2F%63%3D%64%26%65%25%66",
        ] {
            let location = format!("http://127.0.0.1:1/?universe=u&key={form}&message=x");
            assert_eq!(
                r(&location, key),
                "http://127.0.0.1:1/?universe=u&key=***&message=x",
                "form {form}"
            );
        }
    }

    #[test]
    fn a_key_encoded_twice_inside_another_url_is_removed() {
        let key = "a+b/c";
        let next = "https://x/?next=http%3A%2F%2Fy%2F%3Fkey%3Da%252Bb%252Fc%26m%3D1";
        assert_eq!(
            r(next, key),
            "https://x/?next=http%3A%2F%2Fy%2F%3Fkey%3D***%26m%3D1"
        );
        assert_eq!(r("%2561%252b%2562%252F%2563", key), "***");
    }

    #[test]
    fn a_space_may_come_back_as_plus_or_percent_20() {
        for form in ["a b", "a+b", "a%20b"] {
            assert_eq!(r(&format!("[{form}]"), "a b"), "[***]", "form {form}");
        }
    }

    #[test]
    fn json_escaped_forms_are_removed() {
        let key = "a\"b\\c/d";
        let json = serde_json::to_string(key).unwrap();
        assert_eq!(r(&json, key), "\"***\"");
        assert_eq!(r(r#"{"key":"a\"b\\c\/d"}"#, key), r#"{"key":"***"}"#);
        assert_eq!(r(r#""\u0061\u0022b\u005Cc\u002fd""#, key), "\"***\"");
        assert_eq!(r(r#""cl\u00e9" "cl%C3%A9""#, "clé"), "\"***\" \"***\"");
        assert_eq!(r(r#""k\ud83d\ude00""#, "k😀"), "\"***\"");
    }

    #[test]
    fn a_key_edge_that_is_not_a_word_character_needs_no_boundary() {
        assert_eq!(r("x+k", "+k"), "x***");
        assert_eq!(r("x%2Bk", "+k"), "x***");
        assert_eq!(r("k%y", "k%"), "***y");
        assert_eq!(r("=abc=", "=abc="), "***");
        assert_eq!(r("x=abc=y", "=abc="), "x***y");
        // A word-character edge still needs one.
        assert_eq!(r("+kz", "+k"), "+kz");
        assert_eq!(r("a%2Bb", "%2B"), "a%2Bb");
        assert_eq!(r("key=%252B&", "%2B"), "key=***&");
    }

    #[test]
    fn neighbours_are_read_in_their_own_spelling() {
        // "key" fully encoded: the `k` is inside a word.
        assert_eq!(r("%6B%65%79", "k"), "%6B%65%79");
        assert_eq!(r("%6B%26", "k"), "***%26");
        assert_eq!(r("%2Bk", "k"), "%2B***");
        // An escaped newline is no letter; an escaped backslash then `n` is.
        assert_eq!(r(r"line\nkey", "key"), r"line\n***");
        assert_eq!(r(r"line\\nkey", "key"), r"line\\nkey");
        assert_eq!(r(r"\u0041key \u0020key", "key"), r"\u0041key \u0020***");
        // Percent-encoded UTF-8 is read as the character it spells.
        assert_eq!(r("caf%C3%A9k k%C3%A9", "k"), "caf%C3%A9k k%C3%A9");
        assert_eq!(r("%E2%80%9Ck%E2%80%9D", "k"), "%E2%80%9C***%E2%80%9D");
        assert_eq!(r("k%E9 k%C3", "k"), "***%E9 ***%C3");
    }

    #[test]
    fn a_key_cut_short_by_a_snippet_goes_too() {
        let key = "K3y-Never-Shown-0123";
        assert_eq!(r("echo K3y-Nev…", key), "echo ***…");
        assert_eq!(r("echo K3y-Nev… (HTTP 302)", key), "echo ***… (HTTP 302)");
        assert_eq!(r("echo K3y%2DNev…", key), "echo ***…");
        // Only at a token's start, and never a lone `…`.
        assert_eq!(r("echo xK3y-Nev…", key), "echo xK3y-Nev…");
        assert_eq!(r("echo …", key), "echo …");
    }

    #[test]
    fn every_occurrence_goes_and_the_rest_stays() {
        let key = "s3cr3t";
        assert_eq!(
            r("s3cr3t, s3cr3t%20s3cr3t and s3cr3ts", key),
            "***, ***%20*** and s3cr3ts"
        );
        assert_eq!(r("aa aa aaa", "aa"), "*** *** aaa");
        assert_eq!(r("héllo k", "k"), "héllo ***");
    }

    #[test]
    fn an_error_is_redacted_in_its_message_and_each_problem() {
        use crate::error::{Error, ErrorKind, Problem};
        let e = Error::with_problems(
            ErrorKind::Validation,
            vec![
                Problem::new("settings.k", "k is not key"),
                Problem::new("rcpts[0].x", "fine"),
            ],
        )
        .redact("k");
        assert_eq!(
            e.message(),
            "settings.***: *** is not key (and 1 more problem)"
        );
        assert_eq!(e.problems()[0].path, "settings.***");
        assert_eq!(e.problems()[0].message, "*** is not key");
        assert_eq!(e.problems()[1].message, "fine");
    }
}
