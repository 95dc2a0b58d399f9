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
#[derive(Clone, PartialEq, Eq)]
pub struct Recipient {
    /// The number as given, then every field value, one after the other:
    /// one allocation per recipient (a list of 100,000 held in memory is
    /// mostly these small allocations and their headers).
    pub(crate) values: String,
    /// Where the number ends in `values`.
    cellphone_end: usize,
    /// Field names with the end of their value in `values`. Names are shared:
    /// a list of thousands of recipients holds each name once.
    pub(crate) fields: Vec<(Arc<str>, usize)>,
    /// Set when the recipient could not be read; validation then skips its content.
    pub(crate) unreadable: bool,
    /// Problems of its shape, at paths relative to it (`""`, `".c0"`),
    /// reported by validation under `rcpts[i]` wherever it came from.
    pub(crate) problems: ShapeProblems,
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
            cellphone_end: values.len(),
            values,
            fields: Vec::new(),
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
        let name = NAMES.with(|names| names.borrow_mut().get(&name.into()));
        if self.fields.len() == self.fields.capacity() {
            // Room for what is given, not the four a growing list would take.
            self.fields.reserve_exact(1);
        }
        self.push_field(name, &value.into());
        self
    }

    /// The number as given.
    pub fn cellphone(&self) -> &str {
        &self.values[..self.cellphone_end]
    }

    /// Sets the number (a face may read it after some fields).
    fn set_cellphone(&mut self, cellphone: &str) {
        let old = self.cellphone_end;
        self.values.replace_range(..old, cellphone);
        for (_, end) in &mut self.fields {
            *end = *end - old + cellphone.len();
        }
        self.cellphone_end = cellphone.len();
    }

    /// The fields as `(name, value)`, in the order given.
    pub fn fields(&self) -> impl ExactSizeIterator<Item = (&str, &str)> + '_ {
        let mut start = self.cellphone_end;
        self.fields.iter().map(move |(name, end)| {
            let value = &self.values[start..*end];
            start = *end;
            (&**name, value)
        })
    }

    pub(crate) fn field_names(&self) -> impl Iterator<Item = &str> + '_ {
        self.fields.iter().map(|(name, _)| &**name)
    }

    fn push_field(&mut self, name: Arc<str>, value: &str) {
        self.values.push_str(value);
        self.fields.push((name, self.values.len()));
    }
}

impl fmt::Debug for Recipient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Recipient")
            .field("cellphone", &self.cellphone())
            .field("fields", &self.fields().collect::<Vec<_>>())
            .finish()
    }
}

/// A field's value as a face read it.
pub(crate) enum FieldValue<'a> {
    Text(Cow<'a, str>),
    /// A number, already written as the text the service gets (`12`, `1.5`).
    Number(String),
    Bool(bool),
    /// `null` / `None`: the field is left out.
    Null,
    /// An array, an object, or any other value a field cannot hold.
    Other,
}

/// Field names seen so far in one request, shared between its recipients.
#[derive(Default)]
pub(crate) struct FieldNames(Vec<Arc<str>>);

impl FieldNames {
    /// Past this many distinct names, new ones are no longer looked up.
    const MAX: usize = 64;

    fn get(&mut self, name: &str) -> Arc<str> {
        if let Some(known) = self.0.iter().find(|n| ***n == *name) {
            return known.clone();
        }
        let new: Arc<str> = Arc::from(name);
        if self.0.len() < Self::MAX {
            self.0.push(new.clone());
        }
        new
    }
}

/// Builds one recipient from any face's values, noting each problem of its
/// shape at its path relative to the recipient (`.c0`), so that validation
/// names it `rcpts[3].c0` whether it came from a request, a file or Python.
pub(crate) struct RecipientBuilder<'n> {
    recipient: Recipient,
    seen_cellphone: bool,
    names: &'n mut FieldNames,
}

impl<'n> RecipientBuilder<'n> {
    pub fn new(names: &'n mut FieldNames) -> Self {
        let mut recipient = Recipient::new(String::new());
        recipient.fields.reserve(4);
        recipient.values.reserve(64);
        RecipientBuilder {
            recipient,
            seen_cellphone: false,
            names,
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
        self.recipient.problems.push(Problem::new(path, message));
    }

    /// One field, `cellphone` included.
    pub fn field(&mut self, name: &str, value: FieldValue<'_>) {
        if name == "cellphone" {
            self.seen_cellphone = true;
            match value {
                FieldValue::Text(s) => self.recipient.set_cellphone(&s),
                _ => {
                    self.problem(".cellphone", "must be a string");
                    self.recipient.unreadable = true;
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
        let name = self.names.get(name);
        self.recipient.push_field(name, &text);
    }

    pub fn finish(mut self) -> Recipient {
        if !self.seen_cellphone {
            self.problem(".cellphone", "is required");
            self.recipient.unreadable = true;
        }
        self.recipient
    }
}
