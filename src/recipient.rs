//! One recipient, and the one builder every face reads recipients through.
//!
//! The JSON reader (`request.rs`) and the Python converter each walk their
//! own values and hand each field to a [`RecipientBuilder`]; the rules about
//! a recipient's shape, and their wording, live here once.
#![forbid(unsafe_code)]

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use crate::error::Problem;

/// One recipient: a cellphone number and the fields that personalise the message
/// (`firstname`, `lastname`, custom `c0` …).
#[derive(Clone)]
pub struct Recipient {
    storage: Storage,
    /// Set when the recipient could not be read; validation then skips its content.
    pub(crate) unreadable: bool,
    /// Problems of its shape, at paths relative to it (`""`, `".c0"`),
    /// reported by validation under `rcpts[i]` wherever it came from.
    pub(crate) problems: ShapeProblems,
}

/// Where a recipient's number and field values are kept. Field names are
/// shared either way: a list of thousands of recipients holds each name once.
#[derive(Clone)]
enum Storage {
    /// Its own: the number as given, then every field value, one after the
    /// other, in one allocation (a list of 100,000 built one by one is
    /// mostly these small allocations and their headers), and the names
    /// with the end of their value in `values`.
    Own {
        values: String,
        cellphone_end: usize,
        fields: Vec<(Arc<str>, usize)>,
    },
    /// A part of the block the recipients of one request document were read
    /// into: allocating and freeing two buffers per recipient was a third
    /// of the cost of reading, validating and encoding a request. A copy of
    /// one recipient keeps the whole block alive.
    Shared {
        block: Arc<Block>,
        /// Where its number begins and ends in `block.text`.
        start: u32,
        cellphone_end: u32,
        /// Where its last value ends.
        end: u32,
        /// Its fields in `block.fields`.
        first_field: u32,
        field_count: u32,
    },
}

/// A recipient's number then its values, one after the other, in `text`,
/// and its fields, each value ending at `end - base` in `text`.
#[derive(Clone, Copy)]
pub(crate) struct Parts<'a> {
    pub text: &'a str,
    pub cellphone_end: usize,
    pub fields: &'a [(Arc<str>, usize)],
    pub base: usize,
}

/// The text and field names of the recipients of one document, one after
/// the other; each field's end is its place in `text`.
#[derive(Default)]
pub(crate) struct Block {
    text: String,
    fields: Vec<(Arc<str>, usize)>,
}

/// A recipient's shape problems: almost always none, so kept out of line
/// (one pointer in the recipient instead of a list's three words).
#[allow(clippy::box_collection)]
#[derive(Clone, PartialEq, Eq, Default)]
pub(crate) struct ShapeProblems(Option<Box<Vec<Problem>>>);

impl ShapeProblems {
    pub fn push(&mut self, problem: Problem) {
        self.0.get_or_insert_with(Box::default).push(problem);
    }
}

impl std::ops::Deref for ShapeProblems {
    type Target = [Problem];
    fn deref(&self) -> &[Problem] {
        self.0.as_deref().map_or(&[], Vec::as_slice)
    }
}

impl<'a> IntoIterator for &'a ShapeProblems {
    type Item = &'a Problem;
    type IntoIter = std::slice::Iter<'a, Problem>;
    fn into_iter(self) -> Self::IntoIter {
        (**self).iter()
    }
}

impl Recipient {
    /// A recipient with no fields. The number is checked and cleaned at validation.
    pub fn new(cellphone: impl Into<String>) -> Self {
        let values = cellphone.into();
        Recipient {
            storage: Storage::Own {
                cellphone_end: values.len(),
                values,
                fields: Vec::new(),
            },
            unreadable: false,
            problems: ShapeProblems::default(),
        }
    }

    /// Adds a field, sent to the service as text.
    pub fn field(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        // Recipients built one by one share their names too: 100,000 of them
        // held two copies of "firstname" each before (a fifth of their memory).
        thread_local! {
            static NAMES: std::cell::RefCell<FieldNames> = Default::default();
        }
        let position = self.parts().fields.len();
        let name = NAMES.with(|names| names.borrow_mut().get(&name.into(), position));
        let (values, fields) = self.own();
        if fields.len() == fields.capacity() {
            // Room for what is given, not the four a growing list would take.
            fields.reserve_exact(1);
        }
        values.push_str(&value.into());
        fields.push((name, values.len()));
        self
    }

    /// Its number and values in storage of its own, to add to them.
    fn own(&mut self) -> (&mut String, &mut Vec<(Arc<str>, usize)>) {
        if let Storage::Shared { .. } = self.storage {
            let parts = self.parts();
            let fields = parts
                .fields
                .iter()
                .map(|(name, end)| (name.clone(), end - parts.base))
                .collect();
            self.storage = Storage::Own {
                values: parts.text.to_owned(),
                cellphone_end: parts.cellphone_end,
                fields,
            };
        }
        match &mut self.storage {
            Storage::Own { values, fields, .. } => (values, fields),
            Storage::Shared { .. } => unreachable!("made its own above"),
        }
    }

    /// Its text and fields as they are kept.
    #[inline]
    pub(crate) fn parts(&self) -> Parts<'_> {
        match &self.storage {
            Storage::Own {
                values,
                cellphone_end,
                fields,
            } => Parts {
                text: values,
                cellphone_end: *cellphone_end,
                fields,
                base: 0,
            },
            Storage::Shared {
                block,
                start,
                cellphone_end,
                end,
                first_field,
                field_count,
            } => {
                let cellphone_end = (*cellphone_end - *start) as usize;
                let (start, first) = (*start as usize, *first_field as usize);
                Parts {
                    text: &block.text[start..*end as usize],
                    cellphone_end,
                    fields: &block.fields[first..first + *field_count as usize],
                    base: start,
                }
            }
        }
    }

    /// The number as given.
    pub fn cellphone(&self) -> &str {
        let parts = self.parts();
        &parts.text[..parts.cellphone_end]
    }

    /// The fields as `(name, value)`, in the order given.
    pub fn fields(&self) -> impl ExactSizeIterator<Item = (&str, &str)> + '_ {
        let Parts {
            text,
            cellphone_end: mut start,
            fields,
            base,
        } = self.parts();
        fields.iter().map(move |(name, end)| {
            let value = &text[start..*end - base];
            start = *end - base;
            (&**name, value)
        })
    }

    pub(crate) fn field_names(&self) -> impl Iterator<Item = &str> + '_ {
        self.parts().fields.iter().map(|(name, _)| &**name)
    }
}

impl PartialEq for Recipient {
    fn eq(&self, other: &Self) -> bool {
        self.cellphone() == other.cellphone()
            && self.fields().eq(other.fields())
            && self.unreadable == other.unreadable
            && self.problems == other.problems
    }
}

impl Eq for Recipient {}

impl fmt::Debug for Recipient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Recipient")
            .field("cellphone", &self.cellphone())
            .field("fields", &self.fields().collect::<Vec<_>>())
            .finish()
    }
}

/// Whether every byte is printable ASCII other than space (`!` to `~`), the
/// usual field name: eight bytes at a time, since every recipient's every
/// name is checked.
pub(crate) fn all_graphic(bytes: &[u8]) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = ONES * 0x80;
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let x = u64::from_le_bytes(word);
        // All ASCII first, so that the sums below carry into no other byte:
        // b + 0x5f reaches 0x80 when b >= 0x21, b + 1 when b > 0x7e.
        if x & HIGH != 0 || (x + ONES * 0x5f) & HIGH != HIGH || (x + ONES) & HIGH != 0 {
            return false;
        }
    }
    chunks.remainder().iter().all(u8::is_ascii_graphic)
}

/// A field's value as a face read it.
pub(crate) enum FieldValue<'a> {
    /// Text (the JSON reader hands text to [`RecipientBuilder::text`] instead).
    #[cfg_attr(not(feature = "python"), allow(dead_code))]
    Text(Cow<'a, str>),
    /// A number, already written as the text the service gets (`12`, `1.5`).
    Number(String),
    Bool(bool),
    /// `null` / `None`: the field is left out.
    Null,
    /// An array, an object, or any other value a field cannot hold.
    Other,
}

/// Field names seen so far in one request, shared between its recipients,
/// and the room its recipients are read into: for a request document, the
/// block they share, written in place; otherwise a recipient is gathered
/// here, then copied once into allocations of its exact size.
#[derive(Default)]
pub(crate) struct FieldNames {
    names: Vec<Arc<str>>,
    /// A recipient of its own is gathered here: its number, then its values.
    values: String,
    fields: Vec<(Arc<str>, usize)>,
    /// The block being filled, and what its recipients point to until it is
    /// full (see [`FieldNames::share`]).
    shared: Option<(Block, Arc<Block>)>,
}

impl FieldNames {
    /// Past this many distinct names, new ones are no longer looked up.
    const MAX: usize = 64;

    /// The shared copy of `name`, the field at `position` of its recipient:
    /// recipients of one request mostly list the same names in the same
    /// order, so the name at that position is tried first.
    fn get(&mut self, name: &str, position: usize) -> Arc<str> {
        if let Some(known) = self.names.get(position).filter(|n| ***n == *name) {
            return known.clone();
        }
        if let Some(known) = self.names.iter().find(|n| ***n == *name) {
            return known.clone();
        }
        let new: Arc<str> = Arc::from(name);
        if self.names.len() < Self::MAX {
            self.names.push(new.clone());
        }
        new
    }

    /// Where the recipient being built is written: its number, then its values.
    fn target(&mut self) -> (&mut String, &mut Vec<(Arc<str>, usize)>) {
        match &mut self.shared {
            Some((block, _)) => (&mut block.text, &mut block.fields),
            None => (&mut self.values, &mut self.fields),
        }
    }

    /// Recipients built from now on are written into one block they share;
    /// they must be given to [`FieldNames::seal`] before any is read.
    pub fn share(&mut self) {
        self.shared = Some(Default::default());
    }

    /// Once the first recipient of a document of `len` bytes is in the
    /// block: makes room for the text and fields of as many as the document
    /// holds if all are written like it, and returns that many. Its text and
    /// names, and the punctuation and `"cellphone"` key around them, are its
    /// share of the document; at most one per 32 bytes, so that an
    /// unreadable first recipient does not make room for a thousand times
    /// what follows (`{"cellphone":"+33612345678"},` is 31).
    pub fn expect(&mut self, len: usize) -> usize {
        let Some((block, _)) = &mut self.shared else {
            return 0;
        };
        let names: usize = block.fields.iter().map(|(name, _)| name.len()).sum();
        let text = block.text.len();
        let count = len / (16 + text + names + 6 * block.fields.len()).max(32);
        block.fields.reserve(count * block.fields.len());
        block.text.reserve(count * text);
        count
    }

    /// Points the recipients built since [`FieldNames::share`] to their block.
    pub fn seal(&mut self, recipients: &mut [Recipient]) {
        let Some((mut block, _)) = self.shared.take() else {
            return;
        };
        // A guess that was far too large (recipients shorter than the
        // first) is given back before the block lives as long as they do.
        if block.fields.capacity() / 2 > block.fields.len() {
            block.fields.shrink_to_fit();
        }
        if block.text.capacity() / 2 > block.text.len() {
            block.text.shrink_to_fit();
        }
        let block = Arc::new(block);
        for r in recipients {
            if let Storage::Shared { block: b, .. } = &mut r.storage {
                *b = block.clone();
            }
        }
    }
}

/// Makes recipients that share their field names, each kept in allocations
/// of its exact size: for a reader of many (a file's rows), where
/// [`Recipient::field`] grows each recipient one field at a time (a large
/// file's reading was then mostly allocating).
///
/// ```
/// use splio_sms::{Recipient, RecipientMaker};
/// let mut maker = RecipientMaker::default();
/// let made = maker.make("+33612345678", [("firstname", "John"), ("c0", "1")]);
/// let built = Recipient::new("+33612345678").field("firstname", "John").field("c0", "1");
/// assert_eq!(made, built);
/// ```
#[derive(Default)]
pub struct RecipientMaker(FieldNames);

impl fmt::Debug for RecipientMaker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RecipientMaker").finish_non_exhaustive()
    }
}

impl RecipientMaker {
    /// A recipient with number `cellphone` and `fields` as `(name, value)`,
    /// in order, as [`Recipient::new`] then [`Recipient::field`] for each.
    pub fn make<'a>(
        &mut self,
        cellphone: &str,
        fields: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Recipient {
        let mut builder = RecipientBuilder::new(&mut self.0);
        builder.seen_cellphone = true;
        builder.set_cellphone(cellphone);
        for (name, value) in fields {
            builder.push(name, value);
        }
        builder.finish()
    }
}

/// Builds one recipient from any face's values, noting each problem of its
/// shape at its path relative to the recipient (`.c0`), so that validation
/// names it `rcpts[3].c0` whether it came from a request, a file or Python.
pub(crate) struct RecipientBuilder<'n> {
    unreadable: bool,
    problems: ShapeProblems,
    seen_cellphone: bool,
    names: &'n mut FieldNames,
    /// Where its text and its fields begin in [`FieldNames::target`], and
    /// the length of its number (the text's first part).
    start: usize,
    first_field: usize,
    cellphone_len: usize,
}

impl<'n> RecipientBuilder<'n> {
    pub fn new(names: &'n mut FieldNames) -> Self {
        names.values.clear();
        names.fields.clear();
        let (text, fields) = names.target();
        let (start, first_field) = (text.len(), fields.len());
        RecipientBuilder {
            unreadable: false,
            problems: ShapeProblems::default(),
            seen_cellphone: false,
            names,
            start,
            first_field,
            cellphone_len: 0,
        }
    }

    /// A recipient that was not an object (a dict) at all.
    pub fn not_an_object() -> Recipient {
        let mut r = Recipient::new(String::new());
        r.unreadable = true;
        r.problems
            .push(Problem::new("", "must be an object with a cellphone"));
        r
    }

    /// A field whose name is not text (possible in Python dicts).
    #[cfg_attr(not(feature = "python"), allow(dead_code))]
    pub fn name_not_text(&mut self) {
        self.problem("", "field names must be strings");
    }

    fn problem(&mut self, path: &str, message: &str) {
        self.problems.push(Problem::new(path, message));
    }

    /// One field, `cellphone` included.
    pub fn field(&mut self, name: &str, value: FieldValue<'_>) {
        if name == "cellphone" {
            self.seen_cellphone = true;
            match value {
                FieldValue::Text(s) => self.set_cellphone(&s),
                _ => {
                    self.problem(".cellphone", "must be a string");
                    self.unreadable = true;
                }
            }
            return;
        }
        let text = match value {
            FieldValue::Text(s) => s,
            FieldValue::Number(s) => Cow::Owned(s),
            FieldValue::Bool(b) => Cow::Borrowed(if b { "true" } else { "false" }),
            FieldValue::Null => return,
            FieldValue::Other => {
                self.problem(
                    &format!(".{name}"),
                    "must be a string, number or boolean (arrays and objects are refused)",
                );
                return;
            }
        };
        self.push(name, &text);
    }

    /// A field whose value is text, the usual one: [`RecipientBuilder::field`]
    /// without the value's detour through [`FieldValue`].
    pub fn text(&mut self, name: &str, value: &str) {
        if name == "cellphone" {
            self.seen_cellphone = true;
            self.set_cellphone(value);
        } else {
            self.push(name, value);
        }
    }

    fn push(&mut self, name: &str, value: &str) {
        let position = self.names.target().1.len() - self.first_field;
        let name = self.names.get(name, position);
        let (values, fields) = self.names.target();
        values.push_str(value);
        fields.push((name, values.len()));
    }

    /// The number goes first in the text: written in place when it comes
    /// first (the usual case), moved in before the values otherwise.
    fn set_cellphone(&mut self, cellphone: &str) {
        let (start, old) = (self.start, self.cellphone_len);
        let first_field = self.first_field;
        let (text, fields) = self.names.target();
        if fields.len() == first_field {
            text.truncate(start);
            text.push_str(cellphone);
        } else {
            text.replace_range(start..start + old, cellphone);
            for (_, end) in &mut fields[first_field..] {
                *end = *end - old + cellphone.len();
            }
        }
        self.cellphone_len = cellphone.len();
    }

    pub fn finish(mut self) -> Recipient {
        if !self.seen_cellphone {
            self.problem(".cellphone", "is required");
            self.unreadable = true;
        }
        let (start, first_field) = (self.start, self.first_field);
        let cellphone_end = start + self.cellphone_len;
        let shared = self
            .names
            .shared
            .as_ref()
            .map(|(_, pending)| pending.clone());
        let (text, fields) = self.names.target();
        let place = (
            u32::try_from(start),
            u32::try_from(cellphone_end),
            u32::try_from(text.len()),
            u32::try_from(first_field),
            u32::try_from(fields.len() - first_field),
            u32::try_from(fields.len()),
        );
        let storage = match (shared, place) {
            (
                Some(block),
                (Ok(start), Ok(cellphone_end), Ok(end), Ok(first_field), Ok(field_count), Ok(_)),
            ) => Storage::Shared {
                block,
                start,
                cellphone_end,
                end,
                first_field,
                field_count,
            },
            // Its own (or, past 4 GiB of text in one document, kept apart):
            // taken out in allocations of its exact size.
            _ => {
                let fields = fields
                    .drain(first_field..)
                    .map(|(name, end)| (name, end - start))
                    .collect();
                let values = text[start..].to_owned();
                text.truncate(start);
                Storage::Own {
                    values,
                    cellphone_end: cellphone_end - start,
                    fields,
                }
            }
        };
        Recipient {
            storage,
            unreadable: self.unreadable,
            problems: self.problems,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::SendRequest;

    /// One maker's recipients equal those built field by field, whatever
    /// the names do from one to the next, and each outlives the maker.
    #[test]
    fn recipients_made_from_rows_equal_those_built_field_by_field() {
        let rows: [(&str, &[(&str, &str)]); 5] = [
            ("+33612345678", &[("firstname", "Jöhn"), ("c0", "1")]),
            ("06 12 34 56 79", &[("c0", "2"), ("firstname", "Zoé")]),
            ("", &[]),
            ("+33612345670", &[("lastname", "a\"b"), ("firstname", "")]),
            ("+33612345671", &[("firstname", "Ann"), ("c0", "3")]),
        ];
        let mut maker = RecipientMaker::default();
        let made: Vec<Recipient> = rows
            .iter()
            .map(|(cellphone, fields)| maker.make(cellphone, fields.iter().copied()))
            .collect();
        drop(maker);
        let built: Vec<Recipient> = rows
            .iter()
            .map(|(cellphone, fields)| {
                fields
                    .iter()
                    .fold(Recipient::new(*cellphone), |r, (n, v)| r.field(*n, *v))
            })
            .collect();
        assert_eq!(made, built);
        assert_eq!(
            made[3].fields().collect::<Vec<_>>(),
            [("lastname", "a\"b"), ("firstname", "")]
        );
    }

    /// Recipients read from a request document are the ones built field by
    /// field with [`Recipient::field`], whatever the order of their keys, a
    /// number given late or twice, and names that change between recipients.
    #[test]
    fn recipients_read_from_json_equal_those_built_field_by_field() {
        let doc = r#"{"message":"AbCdEf123","rcpts":[
            {"cellphone":"+33612345678","firstname":"Jöhn","c0":"1"},
            {"firstname":"Zoé","cellphone":"+33612345679","c0":2},
            {"c0":true,"firstname":"","cellphone":"+33612345670"},
            {"cellphone":"+1","cellphone":"+33612345671","x":null,"lastname":"a\"b"},
            {"lastname":"Doe"},
            {"a":"1","b":"2","c":"3","d":"4","e":"5","cellphone":"06"},
            {"cellphone":"+33612345672","f":1.5,"i":-3,"e":1e2,"u":18446744073709551615}
        ]}"#;
        let read = SendRequest::from_json(doc).unwrap();
        let built = [
            Recipient::new("+33612345678")
                .field("firstname", "Jöhn")
                .field("c0", "1"),
            Recipient::new("+33612345679")
                .field("firstname", "Zoé")
                .field("c0", "2"),
            Recipient::new("+33612345670")
                .field("c0", "true")
                .field("firstname", ""),
            Recipient::new("+33612345671").field("lastname", "a\"b"),
            {
                let mut r = Recipient::new("").field("lastname", "Doe");
                r.unreadable = true;
                r.problems.push(Problem::new(".cellphone", "is required"));
                r
            },
            ["a", "b", "c", "d", "e"]
                .iter()
                .zip(1..)
                .fold(Recipient::new("06"), |r, (name, v)| {
                    r.field(*name, v.to_string())
                }),
            Recipient::new("+33612345672")
                .field("f", "1.5")
                .field("i", "-3")
                .field("e", "100.0")
                .field("u", "18446744073709551615"),
        ];
        assert_eq!(read.rcpts(), built);
        for (r, b) in read.rcpts().iter().zip(&built) {
            assert_eq!(
                r.fields().collect::<Vec<_>>(),
                b.fields().collect::<Vec<_>>()
            );
            assert_eq!(r.cellphone(), b.cellphone());
            // A field added to one read from a document is its own.
            let (r, b) = (r.clone().field("z", "9"), b.clone().field("z", "9"));
            assert_eq!(r, b);
            assert_eq!(r.fields().last(), Some(("z", "9")));
        }
        // The block outlives the request its recipients were read with.
        let first = read.rcpts()[1].clone();
        drop(read);
        assert_eq!(first, built[1]);
    }

    #[test]
    fn graphic_names_are_told_as_byte_by_byte_whatever_byte_and_place() {
        for len in 1..=19 {
            for at in 0..len {
                for b in 0..=255u8 {
                    let mut name = vec![b'a'; len];
                    name[at] = b;
                    assert_eq!(
                        all_graphic(&name),
                        name.iter().all(u8::is_ascii_graphic),
                        "{b:#x} at {at} of {len}"
                    );
                }
            }
        }
        assert!(all_graphic(b"") && all_graphic(b"firstname") && !all_graphic(b"first name"));
    }

    /// A list of 100,000 held in memory is mostly its recipients: sharing a
    /// block must not make each one larger than the text of its own did.
    #[test]
    fn a_recipient_takes_no_more_room_than_before_its_block_could_be_shared() {
        assert!(std::mem::size_of::<Recipient>() <= 72);
    }

    #[test]
    fn a_cellphone_that_is_not_text_keeps_the_number_read_before_it() {
        let r =
            Recipient::from_json(r#"{"cellphone":"+33612345678","c0":"x","cellphone":1}"#).unwrap();
        assert_eq!(r.cellphone(), "+33612345678");
        assert!(r.unreadable);
        assert_eq!(r.problems[0].path, ".cellphone");
        assert_eq!(r.fields().collect::<Vec<_>>(), [("c0", "x")]);
    }
}
