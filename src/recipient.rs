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
    pub(crate) cellphone: String,
    /// Field names with the end of their value in `values`. Names are shared:
    /// a list of thousands of recipients holds each name once.
    pub(crate) fields: Vec<(Arc<str>, usize)>,
    /// Every field value, one after the other (one allocation per recipient).
    pub(crate) values: String,
    /// Set when the recipient could not be read; validation then skips its content.
    pub(crate) unreadable: bool,
    /// Problems of its shape, at paths relative to it (`""`, `".c0"`),
    /// reported by validation under `rcpts[i]` wherever it came from.
    pub(crate) problems: Vec<Problem>,
}

impl Recipient {
    /// A recipient with no fields. The number is checked and cleaned at validation.
    pub fn new(cellphone: impl Into<String>) -> Self {
        Recipient {
            cellphone: cellphone.into(),
            fields: Vec::new(),
            values: String::new(),
            unreadable: false,
            problems: Vec::new(),
        }
    }

    /// Adds a field, sent to the service as text.
    pub fn field(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.push_field(Arc::from(name.into()), &value.into());
        self
    }

    /// The number as given.
    pub fn cellphone(&self) -> &str {
        &self.cellphone
    }

    /// The fields as `(name, value)`, in the order given.
    pub fn fields(&self) -> impl ExactSizeIterator<Item = (&str, &str)> + '_ {
        let mut start = 0;
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
            .field("cellphone", &self.cellphone)
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
                FieldValue::Text(s) => self.recipient.cellphone = s.into_owned(),
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
