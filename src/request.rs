//! What a send asks for: a design ID and its recipients.
//!
//! A [`SendRequest`] is built in Rust or read from the contract's JSON. Reading
//! JSON never stops at the first problem: what is wrong with the document's
//! shape is kept and reported by validation together with every other problem.
#![forbid(unsafe_code)]

use serde_json::{Map, Value};

use crate::error::{Error, Problem, Result};

/// One recipient: a cellphone number and the fields that personalise the message
/// (`firstname`, `lastname`, custom `c0` …).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recipient {
    pub(crate) cellphone: String,
    pub(crate) fields: Vec<(String, String)>,
    /// Set when the JSON recipient could not be read; validation then skips its content.
    pub(crate) unreadable: bool,
}

impl Recipient {
    /// A recipient with no fields. The number is checked and cleaned at validation.
    pub fn new(cellphone: impl Into<String>) -> Self {
        Recipient {
            cellphone: cellphone.into(),
            fields: Vec::new(),
            unreadable: false,
        }
    }

    /// Adds a field, sent to the service as text.
    pub fn field(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.fields.push((name.into(), value.into()));
        self
    }

    /// The number as given.
    pub fn cellphone(&self) -> &str {
        &self.cellphone
    }

    /// The fields, in the order given.
    pub fn fields(&self) -> &[(String, String)] {
        &self.fields
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
        let value: Value = serde_json::from_str(json)
            .map_err(|e| Error::invalid_argument(format!("request is not valid JSON: {e}")))?;
        match value {
            Value::Object(map) => Ok(from_map(map)),
            _ => Err(Error::invalid_argument("request must be a JSON object")),
        }
    }
}

fn from_map(map: Map<String, Value>) -> SendRequest {
    let mut req = SendRequest::new(String::new());
    let mut p = Vec::new();
    let mut seen_message = false;
    let mut seen_rcpts = false;
    for (name, value) in map {
        match name.as_str() {
            "message" => {
                seen_message = true;
                match value {
                    Value::String(s) => req.message = s,
                    _ => p.push(Problem::new("message", "must be a string (the design ID)")),
                }
            }
            "rcpts" => {
                seen_rcpts = true;
                match value {
                    Value::Array(items) => {
                        req.rcpts = items
                            .into_iter()
                            .enumerate()
                            .map(|(i, item)| recipient(i, item, &mut p))
                            .collect();
                    }
                    _ => p.push(Problem::new("rcpts", "must be an array of recipients")),
                }
            }
            "opcode" | "category" => {
                let slot = if name == "opcode" {
                    &mut req.opcode
                } else {
                    &mut req.category
                };
                match value {
                    Value::String(s) => *slot = Some(s),
                    Value::Null => {}
                    _ => p.push(Problem::new(name, "must be a string")),
                }
            }
            _ => p.push(Problem::new(
                name,
                "unknown key (expected message, rcpts, opcode, category)",
            )),
        }
    }
    if !seen_message {
        p.push(Problem::new("message", "is required"));
    }
    if !seen_rcpts {
        p.push(Problem::new("rcpts", "is required"));
    }
    req.shape_problems = p;
    req
}

fn recipient(i: usize, item: Value, p: &mut Vec<Problem>) -> Recipient {
    let mut r = Recipient::new(String::new());
    let Value::Object(fields) = item else {
        p.push(Problem::new(
            format!("rcpts[{i}]"),
            "must be an object with a cellphone",
        ));
        r.unreadable = true;
        return r;
    };
    let mut seen_cellphone = false;
    for (name, value) in fields {
        if name == "cellphone" {
            seen_cellphone = true;
            match value {
                Value::String(s) => r.cellphone = s,
                _ => {
                    p.push(Problem::new(
                        format!("rcpts[{i}].cellphone"),
                        "must be a string",
                    ));
                    r.unreadable = true;
                }
            }
            continue;
        }
        let text = match value {
            Value::String(s) => s,
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => b.to_string(),
            Value::Null => continue,
            Value::Array(_) | Value::Object(_) => {
                p.push(Problem::new(
                    format!("rcpts[{i}].{name}"),
                    "must be a string, number or boolean (arrays and objects are refused)",
                ));
                continue;
            }
        };
        r.fields.push((name, text));
    }
    if !seen_cellphone {
        p.push(Problem::new(format!("rcpts[{i}].cellphone"), "is required"));
        r.unreadable = true;
    }
    r
}
