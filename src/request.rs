//! What a send asks for: a design ID and its recipients.
//!
//! A [`SendRequest`] is built in Rust or read from the contract's JSON. Reading
//! JSON never stops at the first problem: what is wrong with the document's
//! shape is kept and reported by validation together with every other problem.
#![forbid(unsafe_code)]

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use crate::error::{Error, Problem, Result};
use crate::recipient::{FieldNames, FieldValue, Recipient, RecipientBuilder};

impl Recipient {
    /// Reads one recipient object of the contract's JSON
    /// (`{"cellphone": "+33612345678", "firstname": "John", "c0": 1}`), as one
    /// line of a JSON Lines file holds it. `Err` only when the text is not
    /// JSON; a problem of its shape (a missing cellphone, an array for a
    /// field) is kept and reported by validation at its path (`rcpts[3].c0`).
    pub fn from_json(json: &str) -> std::result::Result<Recipient, String> {
        let mut de = serde_json::Deserializer::from_str(json);
        RecipientSeed::read_one(&mut de)
            .and_then(|r| de.end().map(|()| r))
            .map_err(|e| format!("not valid JSON: {e}"))
    }

    /// [`Recipient::from_json`] for an already parsed value.
    pub fn from_value(value: serde_json::Value) -> std::result::Result<Recipient, String> {
        RecipientSeed::read_one(value).map_err(|e| format!("not a recipient object: {e}"))
    }
}

/// Recipients that can be read from the start more than once (a file, say),
/// so that a large list is validated whole before any byte leaves, then sent
/// without being held in memory.
///
/// Each item is a recipient, or why the record at that position could not be
/// read (it becomes a validation problem at `rcpts[i]`).
pub trait RecipientSource: Sync {
    /// The iterator one reading gives.
    type Iter: Iterator<Item = std::result::Result<Recipient, String>> + Send;
    /// Opens a new reading from the first recipient, or says why it cannot
    /// (an `invalid_argument` error then).
    fn open(&self) -> std::result::Result<Self::Iter, String>;
}

impl<F, I> RecipientSource for F
where
    F: Fn() -> std::result::Result<I, String> + Sync,
    I: Iterator<Item = std::result::Result<Recipient, String>> + Send,
{
    type Iter = I;

    fn open(&self) -> std::result::Result<I, String> {
        self()
    }
}

/// One send: the design to send and who gets it.
///
/// ```
/// use splio_sms::{Recipient, SendRequest};
/// let request = SendRequest::new("AbCdEf123")
///     .recipient(Recipient::new("+33612345678").field("firstname", "John"))
///     .category("welcome");
/// assert_eq!(request.rcpts().len(), 1);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendRequest {
    pub(crate) message: String,
    pub(crate) rcpts: Vec<Recipient>,
    pub(crate) opcode: Option<String>,
    pub(crate) category: Option<String>,
    /// Problems with the shape of a JSON document, reported at validation.
    pub(crate) shape_problems: Vec<Problem>,
}

impl SendRequest {
    /// A request for the design `message` (its 9-character ID in Splio), with no recipients yet.
    pub fn new(message: impl Into<String>) -> Self {
        SendRequest {
            message: message.into(),
            rcpts: Vec::new(),
            opcode: None,
            category: None,
            shape_problems: Vec::new(),
        }
    }

    /// Adds one recipient.
    pub fn recipient(mut self, recipient: Recipient) -> Self {
        self.rcpts.push(recipient);
        self
    }

    /// Adds recipients.
    pub fn recipients(mut self, recipients: impl IntoIterator<Item = Recipient>) -> Self {
        self.rcpts.extend(recipients);
        self
    }

    /// The Splio operation code of the campaign.
    pub fn opcode(mut self, opcode: impl Into<String>) -> Self {
        self.opcode = Some(opcode.into());
        self
    }

    /// The Splio category of the campaign.
    pub fn category(mut self, category: impl Into<String>) -> Self {
        self.category = Some(category.into());
        self
    }

    /// The design ID.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The recipients, in order.
    pub fn rcpts(&self) -> &[Recipient] {
        &self.rcpts
    }

    /// Reads the contract's request document:
    /// `{"message": "AbCdEf123", "rcpts": [{"cellphone": "+33612345678", "c0": 1}], "opcode": "…", "category": "…"}`.
    ///
    /// Fails only when the text is not a JSON object. Any other problem — a
    /// wrong type, an unknown key, a nested value — is reported by validation
    /// (at [`crate::validate`] or send time) together with every other problem.
    pub fn from_json(json: &str) -> Result<Self> {
        let mut de = serde_json::Deserializer::from_str(json);
        de.deserialize_map(RequestVisitor { len: json.len() })
            .and_then(|doc| de.end().map(|()| doc.0))
            .map_err(|e| {
                Error::invalid_argument(format!("request is not a valid JSON object: {e}"))
            })
    }

    /// [`SendRequest::from_json`] for an already parsed value.
    pub(crate) fn from_value(value: serde_json::Value) -> Result<Self> {
        serde_json::from_value::<RequestDoc>(value)
            .map(|doc| doc.0)
            .map_err(|e| {
                Error::invalid_argument(format!("request is not a valid JSON object: {e}"))
            })
    }
}

// Reading JSON straight into the request (no intermediate `Value` tree):
// recipient fields keep their document order, and a value of the wrong shape
// becomes a problem with its path instead of stopping the read.

struct RequestDoc(SendRequest);

impl<'de> Deserialize<'de> for RequestDoc {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        d.deserialize_map(RequestVisitor { len: 0 })
    }
}

/// `len`: the document's length in bytes when it is read from text (0 for
/// a parsed value), to size what its recipients are read into.
struct RequestVisitor {
    len: usize,
}

impl<'de> Visitor<'de> for RequestVisitor {
    type Value = RequestDoc;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<RequestDoc, A::Error> {
        let mut req = SendRequest::new(String::new());
        let mut p = Vec::new();
        let (mut seen_message, mut seen_rcpts) = (false, false);
        while let Some(Key(key)) = map.next_key::<Key<'de>>()? {
            match &*key {
                "message" => {
                    seen_message = true;
                    match map.next_value()? {
                        Scalar::Text(s) => req.message = s.into_owned(),
                        _ => p.push(Problem::new("message", "must be a string (the design ID)")),
                    }
                }
                "rcpts" => {
                    seen_rcpts = true;
                    match map.next_value_seed(RcptsSeed { len: self.len })? {
                        Some(rcpts) => req.rcpts = rcpts,
                        None => p.push(Problem::new("rcpts", "must be an array of recipients")),
                    }
                }
                "opcode" | "category" => {
                    let value = match map.next_value()? {
                        Scalar::Text(s) => Some(s.into_owned()),
                        Scalar::Null => None,
                        _ => {
                            p.push(Problem::new(&*key, "must be a string"));
                            None
                        }
                    };
                    if &*key == "opcode" {
                        req.opcode = value;
                    } else {
                        req.category = value;
                    }
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                    p.push(Problem::new(
                        &*key,
                        "unknown key (expected message, rcpts, opcode, category)",
                    ));
                }
            }
        }
        if !seen_message {
            p.push(Problem::new("message", "is required"));
        }
        if !seen_rcpts {
            p.push(Problem::new("rcpts", "is required"));
        }
        req.shape_problems = p;
        Ok(RequestDoc(req))
    }
}

/// One JSON value of the request's head: text is kept, anything else is
/// only told apart from `null` (and skipped when it is nested).
enum Scalar<'de> {
    Text(Cow<'de, str>),
    Null,
    Other,
}

impl<'de> Deserialize<'de> for Scalar<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        d.deserialize_any(ScalarVisitor)
    }
}

struct ScalarVisitor;

impl<'de> Visitor<'de> for ScalarVisitor {
    type Value = Scalar<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> std::result::Result<Scalar<'de>, E> {
        Ok(Scalar::Text(Cow::Borrowed(v)))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<Scalar<'de>, E> {
        Ok(Scalar::Text(Cow::Owned(v.to_owned())))
    }
    fn visit_string<E: de::Error>(self, v: String) -> std::result::Result<Scalar<'de>, E> {
        Ok(Scalar::Text(Cow::Owned(v)))
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> std::result::Result<Scalar<'de>, E> {
        Ok(Scalar::Other)
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> std::result::Result<Scalar<'de>, E> {
        Ok(Scalar::Other)
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> std::result::Result<Scalar<'de>, E> {
        Ok(Scalar::Other)
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> std::result::Result<Scalar<'de>, E> {
        Ok(Scalar::Other)
    }
    fn visit_unit<E: de::Error>(self) -> std::result::Result<Scalar<'de>, E> {
        Ok(Scalar::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(
        self,
        mut seq: A,
    ) -> std::result::Result<Scalar<'de>, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Scalar::Other)
    }
    fn visit_map<A: MapAccess<'de>>(
        self,
        mut map: A,
    ) -> std::result::Result<Scalar<'de>, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Scalar::Other)
    }
}

/// A float as the service gets it: serde_json's own shortest form (1.5 stays "1.5").
fn float_text(v: f64) -> String {
    serde_json::Number::from_f64(v).map_or_else(|| v.to_string(), |n| n.to_string())
}

/// One recipient field's value, handed to the builder as it is read (what
/// [`Scalar`] reads, without the value passing through it).
struct FieldSeed<'b, 'n, 'k> {
    builder: &'b mut RecipientBuilder<'n>,
    name: &'k str,
}

impl<'de> DeserializeSeed<'de> for FieldSeed<'_, '_, '_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for FieldSeed<'_, '_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<(), E> {
        self.builder.text(self.name, v);
        Ok(())
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> std::result::Result<(), E> {
        self.builder
            .field(self.name, FieldValue::Number(v.to_string()));
        Ok(())
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> std::result::Result<(), E> {
        self.builder
            .field(self.name, FieldValue::Number(v.to_string()));
        Ok(())
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> std::result::Result<(), E> {
        self.builder
            .field(self.name, FieldValue::Number(float_text(v)));
        Ok(())
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> std::result::Result<(), E> {
        self.builder.field(self.name, FieldValue::Bool(v));
        Ok(())
    }
    fn visit_unit<E: de::Error>(self) -> std::result::Result<(), E> {
        self.builder.field(self.name, FieldValue::Null);
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> std::result::Result<(), A::Error> {
        ScalarVisitor.visit_seq(seq)?;
        self.builder.field(self.name, FieldValue::Other);
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> std::result::Result<(), A::Error> {
        ScalarVisitor.visit_map(map)?;
        self.builder.field(self.name, FieldValue::Other);
        Ok(())
    }
}

/// An object key, borrowed from the input when it has no escapes.
struct Key<'de>(Cow<'de, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        d.deserialize_str(KeyVisitor)
    }
}

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = Key<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object key")
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> std::result::Result<Key<'de>, E> {
        Ok(Key(Cow::Borrowed(v)))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<Key<'de>, E> {
        Ok(Key(Cow::Owned(v.to_owned())))
    }
    fn visit_string<E: de::Error>(self, v: String) -> std::result::Result<Key<'de>, E> {
        Ok(Key(Cow::Owned(v)))
    }
}

/// `rcpts`: `Some` for an array (its items read with their index), `None`
/// otherwise; `len` is the whole document's length (0 when unknown).
struct RcptsSeed {
    len: usize,
}

impl<'de> DeserializeSeed<'de> for RcptsSeed {
    type Value = Option<Vec<Recipient>>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for RcptsSeed {
    type Value = Option<Vec<Recipient>>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of recipients")
    }
    fn visit_seq<A: SeqAccess<'de>>(
        self,
        mut seq: A,
    ) -> std::result::Result<Self::Value, A::Error> {
        let mut rcpts = Vec::with_capacity(seq.size_hint().unwrap_or(16));
        let mut names = FieldNames::default();
        names.share();
        while let Some(r) = seq.next_element_seed(RecipientSeed { names: &mut names })? {
            if rcpts.is_empty() {
                // Grown by doubling, these lists were a dozen allocations
                // each for 1,000 recipients, each freed one a size the heap
                // could not reuse: sized once from the first recipient.
                rcpts.reserve(names.expect(self.len));
            }
            rcpts.push(r);
        }
        names.seal(&mut rcpts);
        if rcpts.capacity() / 2 > rcpts.len() {
            rcpts.shrink_to_fit();
        }
        Ok(Some(rcpts))
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> std::result::Result<Self::Value, A::Error> {
        ScalarVisitor.visit_map(map).map(|_| None)
    }
    fn visit_str<E: de::Error>(self, _: &str) -> std::result::Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> std::result::Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> std::result::Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> std::result::Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> std::result::Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E: de::Error>(self) -> std::result::Result<Self::Value, E> {
        Ok(None)
    }
}

/// One recipient, its field names shared with the others of its request.
struct RecipientSeed<'n> {
    names: &'n mut FieldNames,
}

impl RecipientSeed<'_> {
    fn read_one<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Recipient, D::Error> {
        let mut names = FieldNames::default();
        RecipientSeed { names: &mut names }.deserialize(d)
    }
}

impl<'de> DeserializeSeed<'de> for RecipientSeed<'_> {
    type Value = Recipient;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<Recipient, D::Error> {
        d.deserialize_any(RecipientVisitor(self))
    }
}

struct RecipientVisitor<'p>(RecipientSeed<'p>);

impl<'de> Visitor<'de> for RecipientVisitor<'_> {
    type Value = Recipient;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a recipient object")
    }
    fn visit_map<A: MapAccess<'de>>(
        self,
        mut map: A,
    ) -> std::result::Result<Self::Value, A::Error> {
        let mut r = RecipientBuilder::new(self.0.names);
        while let Some(Key(name)) = map.next_key::<Key<'de>>()? {
            map.next_value_seed(FieldSeed {
                builder: &mut r,
                name: &name,
            })?;
        }
        Ok(r.finish())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> std::result::Result<Self::Value, A::Error> {
        ScalarVisitor.visit_seq(seq)?;
        Ok(self.not_an_object())
    }
    fn visit_str<E: de::Error>(self, _: &str) -> std::result::Result<Self::Value, E> {
        Ok(self.not_an_object())
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> std::result::Result<Self::Value, E> {
        Ok(self.not_an_object())
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> std::result::Result<Self::Value, E> {
        Ok(self.not_an_object())
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> std::result::Result<Self::Value, E> {
        Ok(self.not_an_object())
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> std::result::Result<Self::Value, E> {
        Ok(self.not_an_object())
    }
    fn visit_unit<E: de::Error>(self) -> std::result::Result<Self::Value, E> {
        Ok(self.not_an_object())
    }
}

impl RecipientVisitor<'_> {
    fn not_an_object(self) -> Recipient {
        RecipientBuilder::not_an_object()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_recipient_reads_from_json_with_its_problems() {
        let r = Recipient::from_json(r#"{"cellphone":"+33612345678","c0":12,"x":null}"#).unwrap();
        assert_eq!(r.cellphone(), "+33612345678");
        assert_eq!(r.fields().collect::<Vec<_>>(), [("c0", "12")]);
        let r = Recipient::from_json(r#"{"firstname":"a","c0":[1]}"#).unwrap();
        let paths: Vec<&str> = r.problems.iter().map(|p| p.path.as_str()).collect();
        assert_eq!(paths, [".c0", ".cellphone"]);
        let r = Recipient::from_json("[1]").unwrap();
        assert_eq!(r.problems[0].message, "must be an object with a cellphone");
        assert!(Recipient::from_json("{")
            .unwrap_err()
            .starts_with("not valid JSON"));
        assert!(Recipient::from_json(r#"{"cellphone":"1"} x"#).is_err());
    }
}
