//! Encoding a validated request into the service's form body:
//! `universe`, `key`, `message`, `rcpts` (compact UTF-8 JSON), then `opcode`
//! and `category` when given.
#![forbid(unsafe_code)]

use std::fmt;

use crate::recipient::Parts;
use crate::validation::{Clean, Validated};

pub(crate) const CONTENT_TYPE: &str = "application/x-www-form-urlencoded; charset=utf-8";

/// `universe=…&key=…`, encoded once per client. Its `Debug` hides the key.
#[derive(Clone)]
pub(crate) struct Credentials(Vec<u8>);

impl Credentials {
    pub fn new(universe: &str, key: &str) -> Self {
        let mut s = b"universe=".to_vec();
        form_encode(&mut s, universe.as_bytes());
        s.extend_from_slice(b"&key=");
        form_encode(&mut s, key.as_bytes());
        Credentials(s)
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Credentials(***)")
    }
}

/// An encoded form body. When dropped, its credentials are overwritten and
/// its buffer is kept for the thread's next body, up to [`Body::SPARE_MAX`]
/// bytes: a 1,000-recipient body is 100–200 KB, and one allocated and freed
/// per send made glibc hand the top of its heap back to the system and
/// fault it in again on every send (`brk` up and down, about 50 page faults
/// a send; a quarter of the client side's time in a benchmark).
pub(crate) struct Body {
    bytes: Vec<u8>,
    /// `universe=…&key=…` is `bytes[..secret]`.
    secret: usize,
}

thread_local! {
    static SPARE: std::cell::Cell<Vec<u8>> = const { std::cell::Cell::new(Vec::new()) };
}

impl Body {
    /// Bodies larger than this are freed, not kept: a thread that once sent
    /// a very large request does not hold its size for ever.
    const SPARE_MAX: usize = 1 << 20;

    /// An empty body with room for `capacity` bytes: the thread's spare
    /// buffer when it is large enough.
    fn with_capacity(capacity: usize) -> Vec<u8> {
        let spare = SPARE.try_with(|s| s.take()).unwrap_or_default();
        if spare.capacity() >= capacity {
            spare
        } else {
            Vec::with_capacity(capacity)
        }
    }

    /// Its bytes, the credentials overwritten with zeros.
    fn wiped(&mut self) -> Vec<u8> {
        let mut bytes = std::mem::take(&mut self.bytes);
        let secret = self.secret.min(bytes.len());
        bytes[..secret].fill(0);
        bytes
    }
}

impl std::ops::Deref for Body {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        &self.bytes
    }
}

impl Drop for Body {
    fn drop(&mut self) {
        let mut bytes = self.wiped();
        if bytes.capacity() <= Self::SPARE_MAX {
            bytes.clear();
            // A thread being torn down has no spare any more: freed then.
            let _ = SPARE.try_with(|s| {
                let kept = s.take();
                s.set(if kept.capacity() > bytes.capacity() {
                    kept
                } else {
                    bytes
                });
            });
        }
    }
}

/// The form body for `rcpts` (all of a request, or one batch piece).
pub(crate) fn encode_body(creds: &Credentials, req: &Validated<'_>, rcpts: &[Clean<'_>]) -> Body {
    // Room for each recipient as it mostly is, and for the worst case of
    // one. Its text counts the number twice (as given and as sent), so a
    // quarter more covers the usual accents and punctuation (3 bytes each
    // encoded); text that is mostly encoded grows the body once or twice.
    // Room for 3 bytes a byte made the body of 1,000 recipients 360 KB
    // for 110 written (see `Body` for why that size mattered).
    let (likely, worst) = rcpts.iter().fold((0, 0), |(likely, worst), r| {
        let (fields, text) = room(r.cellphone.len(), r.recipient.parts());
        (
            likely + 24 + 18 * fields + text + text / 4,
            worst.max(room_for(fields, text)),
        )
    });
    let mut body = Body::with_capacity(creds.0.len() + likely + worst + 64);
    body.extend_from_slice(&creds.0);
    body.extend_from_slice(b"&message=");
    form_encode(&mut body, req.message.as_bytes());
    body.extend_from_slice(b"&rcpts=");
    encode_rcpts(&mut body, rcpts);
    if let Some(opcode) = req.opcode {
        body.extend_from_slice(b"&opcode=");
        form_encode(&mut body, opcode.as_bytes());
    }
    if let Some(category) = req.category {
        body.extend_from_slice(b"&category=");
        form_encode(&mut body, category.as_bytes());
    }
    Body {
        bytes: body,
        secret: creds.0.len(),
    }
}

/// `rcpts` as compact JSON (`cellphone` first, then the fields in order),
/// form-encoded as it is written: the JSON's own punctuation is constant
/// text, and each string is escaped for JSON and for the form in one pass,
/// byte for byte as serde_json then [`form_encode`] made it (a test holds
/// them equal) but without the intermediate document. Each recipient is
/// written into room for its worst case, 8 bytes a byte, by index, then cut
/// to what was written: small appends one by one cost more than the rest.
fn encode_rcpts(out: &mut Vec<u8>, rcpts: &[Clean<'_>]) {
    let mut names = EncodedNames::default();
    out.extend_from_slice(b"%5B");
    for (i, r) in rcpts.iter().enumerate() {
        let parts = r.recipient.parts();
        let (count, text) = room(r.cellphone.len(), parts);
        let start = out.len();
        out.resize(start + room_for(count, text), 0);
        let buf = &mut out[start..];
        let mut n = if i > 0 { put(buf, 0, b"%2C") } else { 0 };
        n = put(buf, n, b"%7B%22cellphone%22%3A%22");
        n = match r.cellphone.as_bytes().split_first() {
            // E.164, as validation leaves every number: `+` then digits.
            Some((b'+', digits)) if digits.iter().all(u8::is_ascii_digit) => {
                n = put(buf, n, b"%2B");
                put(buf, n, digits)
            }
            _ => json_form_encode(buf, n, r.cellphone.as_bytes()),
        };
        let values = parts.text.as_bytes();
        let mut from = parts.cellphone_end;
        for (position, (name, end)) in parts.fields.iter().enumerate() {
            let end = end - parts.base;
            n = put(buf, n, names.get(name, position));
            n = json_form_encode(buf, n, &values[from..end]);
            from = end;
        }
        n = put(buf, n, b"%22%7D");
        out.truncate(start + n);
    }
    out.extend_from_slice(b"%5D");
}

/// A recipient's count of fields and the length of its text (number as
/// sent, as given, names, values).
fn room(number: usize, parts: Parts<'_>) -> (usize, usize) {
    let names: usize = parts.fields.iter().map(|(name, _)| name.len()).sum();
    (parts.fields.len(), number + parts.text.len() + names)
}

/// The most a recipient of `fields` fields and `text` bytes of text can take encoded.
fn room_for(fields: usize, text: usize) -> usize {
    40 + 18 * fields + 8 * text
}

/// `","name":"` of each field name, encoded once per body: the recipients
/// of a request share their names (the same text at the same address,
/// `recipient.rs`), so a name is found by where it is, and mostly at the
/// same position as in the recipient before.
#[derive(Default)]
struct EncodedNames<'a> {
    /// The name's address and length, and where its encoding ends in `text`.
    known: Vec<(&'a str, usize)>,
    text: Vec<u8>,
}

impl<'a> EncodedNames<'a> {
    /// Names past this many are encoded where they stand, each time.
    const MAX: usize = 64;

    fn get(&mut self, name: &'a str, position: usize) -> &[u8] {
        let same = |(known, _): &&(&'a str, usize)| std::ptr::eq(*known, name);
        let at = match self.known.get(position).filter(same) {
            Some(_) => Some(position),
            None => self.known.iter().position(|k| same(&k)),
        };
        let at = match at {
            Some(at) => at,
            None => {
                let start = self.text.len();
                self.text.extend_from_slice(b"%22%2C%22");
                self.text.resize(start + 9 + 8 * name.len(), 0);
                let n = json_form_encode(&mut self.text[start..], 9, name.as_bytes());
                self.text.truncate(start + n);
                self.text.extend_from_slice(b"%22%3A%22");
                self.known.push((name, self.text.len()));
                if self.known.len() > Self::MAX {
                    // Forgotten at once: a list of ever new names must not pile up.
                    self.known.clear();
                    self.text.drain(..start);
                    self.known.push((name, self.text.len()));
                }
                self.known.len() - 1
            }
        };
        let from = at.checked_sub(1).map_or(0, |before| self.known[before].1);
        &self.text[from..self.known[at].1]
    }
}

/// Writes `token` into `buf` at `n`; returns where it ended.
fn put(buf: &mut [u8], n: usize, token: &[u8]) -> usize {
    buf[n..n + token.len()].copy_from_slice(token);
    n + token.len()
}

/// Writes the inside of a JSON string (escaped as serde_json escapes),
/// form-encoded, into `buf` at `n`, which has room for 8 bytes a byte;
/// returns where it ended.
fn json_form_encode(buf: &mut [u8], n: usize, bytes: &[u8]) -> usize {
    // One bounds check for the whole string, not one per byte.
    let out = &mut buf[n..n + 8 * bytes.len()];
    let mut at = 0;
    for &b in bytes {
        let same = SINGLE[usize::from(b)];
        if same != 0 {
            out[at] = same;
            at += 1;
        } else {
            let [code @ .., len] = JSON_FORM[usize::from(b)];
            out[at..at + 8].copy_from_slice(&code);
            at += usize::from(len);
        }
    }
    n + at
}

/// The byte each byte is encoded as when that is one byte (letters, digits,
/// `*-._`, and `+` for a space), 0 when it takes more: most of a text is
/// written with one look-up and one store a byte.
const SINGLE: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        if JSON_FORM[i][8] == 1 {
            table[i] = JSON_FORM[i][0];
        }
        i += 1;
    }
    table
};

/// Each byte inside a JSON string, escaped for JSON then for the form: up to
/// 8 bytes, then how many count.
const JSON_FORM: [[u8; 9]; 256] = {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    const LOWER_HEX: &[u8; 16] = b"0123456789abcdef";
    let mut table = [[0u8; 9]; 256];
    let mut i = 0;
    while i < 256 {
        let c = i as u8;
        let short = match c {
            b'"' => b'"',
            b'\\' => b'\\',
            0x08 => b'b',
            0x09 => b't',
            0x0a => b'n',
            0x0c => b'f',
            0x0d => b'r',
            _ => 0,
        };
        table[i] = if short == b'"' {
            *b"%5C%22\0\0\x06"
        } else if short == b'\\' {
            *b"%5C%5C\0\0\x06"
        } else if short != 0 {
            [b'%', b'5', b'C', short, 0, 0, 0, 0, 4]
        } else if c < 0x20 {
            // `\u00XX`, its hex digits in lower case as serde_json writes them.
            let (hi, lo) = (LOWER_HEX[i >> 4], LOWER_HEX[i & 15]);
            [b'%', b'5', b'C', b'u', b'0', b'0', hi, lo, 8]
        } else if c.is_ascii_alphanumeric() || matches!(c, b'*' | b'-' | b'.' | b'_') {
            [c, 0, 0, 0, 0, 0, 0, 0, 1]
        } else if c == b' ' {
            [b'+', 0, 0, 0, 0, 0, 0, 0, 1]
        } else {
            [b'%', HEX[i >> 4], HEX[i & 15], 0, 0, 0, 0, 0, 3]
        };
        i += 1;
    }
    table
};

/// The cellphone numbers of an encoded body, read back for the logs (which
/// never show the body: it holds the key). Each number is E.164, `+` and
/// digits, written `%22cellphone%22%3A%22%2B…%22`; a field value that
/// spells the same text has its quotes escaped (`%5C%22`), so it cannot match.
pub(crate) fn cellphones(body: &[u8]) -> impl Iterator<Item = String> + '_ {
    const KEY: &[u8] = b"%22cellphone%22%3A%22";
    let mut rest = body;
    std::iter::from_fn(move || {
        let at = rest.windows(KEY.len()).position(|w| w == KEY)?;
        rest = &rest[at + KEY.len()..];
        let end = rest
            .windows(3)
            .position(|w| w == b"%22")
            .unwrap_or(rest.len());
        let number = String::from_utf8_lossy(&rest[..end]).replace("%2B", "+");
        rest = &rest[end..];
        Some(number)
    })
}

/// `application/x-www-form-urlencoded` value encoding, byte for byte as
/// `form_urlencoded::byte_serialize` does it (a test holds them equal), but
/// into one buffer instead of a piece per escaped byte, which was most of the
/// cost of encoding a large recipient list.
fn form_encode(out: &mut Vec<u8>, bytes: &[u8]) {
    // Room for the worst case (every byte escaped), written by index, then
    // cut to what was written: one bounds check and one small copy per byte.
    let start = out.len();
    out.resize(start + bytes.len() * 3, 0);
    let buf = &mut out[start..];
    let mut n = 0;
    for &b in bytes {
        let [a, b, c, len] = ENCODED[usize::from(b)];
        buf[n..n + 3].copy_from_slice(&[a, b, c]);
        n += usize::from(len);
    }
    out.truncate(start + n);
}

/// Each byte's form encoding: up to 3 bytes, then how many of them count.
const ENCODED: [[u8; 4]; 256] = {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut table = [[0u8; 4]; 256];
    let mut i = 0;
    while i < 256 {
        let c = i as u8;
        table[i] = if c.is_ascii_alphanumeric() || matches!(c, b'*' | b'-' | b'.' | b'_') {
            [c, 0, 0, 1]
        } else if c == b' ' {
            [b'+', 0, 0, 1]
        } else {
            [b'%', HEX[i >> 4], HEX[i & 15], 3]
        };
        i += 1;
    }
    table
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recipient::Recipient;
    use crate::request::SendRequest;
    use crate::settings::ValidationSettings;
    use crate::validation::check;

    use serde::ser::{SerializeMap, SerializeSeq, Serializer};
    use serde::Serialize;

    /// The recipients as the service reads them: `cellphone` first, then the fields in order.
    struct RcptsJson<'a, 'b>(&'a [Clean<'b>]);

    impl Serialize for RcptsJson<'_, '_> {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            let mut seq = s.serialize_seq(Some(self.0.len()))?;
            for r in self.0 {
                seq.serialize_element(&RecipientJson(r))?;
            }
            seq.end()
        }
    }

    struct RecipientJson<'a, 'b>(&'a Clean<'b>);

    impl Serialize for RecipientJson<'_, '_> {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            let fields = self.0.recipient.fields();
            let mut m = s.serialize_map(Some(1 + fields.len()))?;
            m.serialize_entry("cellphone", self.0.cellphone.as_ref())?;
            for (name, value) in fields {
                m.serialize_entry(name, value)?;
            }
            m.end()
        }
    }

    #[test]
    fn rcpts_are_encoded_as_serde_json_then_the_form_encoding_would() {
        let every_char: String = (0..=0x7f_u8)
            .map(char::from)
            .chain("é€😀\u{2028}".chars())
            .collect();
        let req = SendRequest::new("AbCdEf123")
            .recipient(
                Recipient::new("+33612345678")
                    .field("firstname", &*every_char)
                    .field(r#"a"b"\c"#, "Zoé & Åsa")
                    .field("c0", ""),
            )
            .recipient(Recipient::new("+33612345679").field("x", "\\\"\n"));
        let v = check(&req, &ValidationSettings::default()).unwrap();
        assert_encoded_as_serde_json_would(&v.rcpts);
    }

    /// Our `rcpts` encoding is serde_json's document, form-encoded, byte for byte.
    fn assert_encoded_as_serde_json_would(rcpts: &[Clean<'_>]) {
        let mut ours = Vec::new();
        encode_rcpts(&mut ours, rcpts);
        let mut theirs = Vec::new();
        form_encode(&mut theirs, &serde_json::to_vec(&RcptsJson(rcpts)).unwrap());
        assert_eq!(
            String::from_utf8(ours).unwrap(),
            String::from_utf8(theirs).unwrap()
        );
    }

    #[test]
    fn rcpts_read_from_a_document_are_encoded_as_serde_json_would_with_names_shared_or_not() {
        // 70 names seen once each (past the shared names and the encoded
        // names kept), then names back in another order.
        let rcpts: Vec<String> = (0..140)
            .map(|i| {
                let odd = format!("n\\u00e9\\\"{}", i % 70);
                if i % 2 == 0 {
                    format!(r#"{{"cellphone":"+3361234{i:04}","{odd}":"v{i}","firstname":"Zoé"}}"#)
                } else {
                    format!(r#"{{"firstname":"a b","cellphone":"+3361234{i:04}","c0":{i},"{odd}":"\t"}}"#)
                }
            })
            .collect();
        let doc = format!(r#"{{"message":"AbCdEf123","rcpts":[{}]}}"#, rcpts.join(","));
        let req = SendRequest::from_json(&doc).unwrap();
        let v = check(&req, &ValidationSettings::default()).unwrap();
        assert_eq!(v.rcpts.len(), 140);
        assert_encoded_as_serde_json_would(&v.rcpts);
    }

    fn decode(body: &[u8]) -> Vec<(String, String)> {
        form_urlencoded::parse(body).into_owned().collect()
    }

    #[test]
    fn form_encoding_matches_form_urlencoded_for_every_byte() {
        let all: Vec<u8> = (0..=255).collect();
        let texts: [&[u8]; 5] = [
            &all,
            "Zoé & Åsa".as_bytes(),
            b"a+b=c",
            br#"[{"cellphone":"+33"}]"#,
            b"",
        ];
        for text in texts {
            let mut ours = Vec::new();
            form_encode(&mut ours, text);
            let theirs: String = form_urlencoded::byte_serialize(text).collect();
            assert_eq!(String::from_utf8(ours).unwrap(), theirs);
        }
    }

    #[test]
    fn fields_come_in_contract_order_with_compact_utf8_rcpts() {
        let req = SendRequest::new("AbCdEf123")
            .recipient(Recipient::new("+33 6 12 34 56 78").field("firstname", "Zoé"))
            .opcode("O1")
            .category("welcome");
        let v = check(&req, &ValidationSettings::default()).unwrap();
        let body = encode_body(&Credentials::new("uni", "k&y=1"), &v, &v.rcpts);
        let pairs = decode(&body);
        let names: Vec<&str> = pairs.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            ["universe", "key", "message", "rcpts", "opcode", "category"]
        );
        assert_eq!(pairs[1].1, "k&y=1");
        assert_eq!(
            pairs[3].1,
            r#"[{"cellphone":"+33612345678","firstname":"Zoé"}]"#
        );
    }

    #[test]
    fn optional_fields_are_left_out_when_absent() {
        let req = SendRequest::new("AbCdEf123").recipient(Recipient::new("33612345678"));
        let v = check(&req, &ValidationSettings::default()).unwrap();
        let body = encode_body(&Credentials::new("u", "k"), &v, &v.rcpts);
        let names: Vec<String> = decode(&body).into_iter().map(|(n, _)| n).collect();
        assert_eq!(names, ["universe", "key", "message", "rcpts"]);
    }

    #[test]
    fn cellphones_are_read_back_from_a_body_and_field_values_never_pass_for_one() {
        let req = SendRequest::new("AbCdEf123")
            .recipient(Recipient::new("+33 6 12 34 56 78").field("x", r#"","cellphone":"+1"#))
            .recipient(Recipient::new("+8618612345678"));
        let v = check(&req, &ValidationSettings::default()).unwrap();
        let body = encode_body(&Credentials::new("u", "k"), &v, &v.rcpts);
        let numbers: Vec<String> = cellphones(&body).collect();
        assert_eq!(numbers, ["+33612345678", "+8618612345678"]);
    }

    #[test]
    fn a_body_done_with_has_its_key_overwritten_and_its_buffer_serves_the_next() {
        let req = SendRequest::new("AbCdEf123").recipient(Recipient::new("+33612345678"));
        let v = check(&req, &ValidationSettings::default()).unwrap();
        let creds = Credentials::new("uni", "supersecret");
        let mut body = encode_body(&creds, &v, &v.rcpts);
        let sent = body.to_vec();
        let at = body.as_ptr();
        let wiped = body.wiped();
        assert_eq!(wiped.len(), sent.len());
        assert!(wiped[..creds.0.len()].iter().all(|&b| b == 0));
        assert_eq!(wiped[creds.0.len()..], sent[creds.0.len()..]);
        assert!(wiped.starts_with(b"\0") && sent.starts_with(b"universe=uni&key=supersecret&"));
        body.bytes = wiped;
        drop(body);
        // The same thread's next body is written into the same buffer.
        let next = encode_body(&creds, &v, &v.rcpts);
        assert_eq!(next.as_ptr(), at);
        assert_eq!(*next, *sent);
    }

    #[test]
    fn credentials_debug_hides_the_key() {
        let c = Credentials::new("u", "supersecret");
        assert!(!format!("{c:?}").contains("supersecret"));
    }
}
