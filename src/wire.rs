//! Encoding a validated request into the service's form body:
//! `universe`, `key`, `message`, `rcpts` (compact UTF-8 JSON), then `opcode`
//! and `category` when given.
#![forbid(unsafe_code)]

use std::fmt;

use serde::ser::{SerializeMap, SerializeSeq, Serializer};
use serde::Serialize;

use crate::validation::{Clean, Validated};

pub(crate) const CONTENT_TYPE: &str = "application/x-www-form-urlencoded; charset=utf-8";

/// `universe=…&key=…`, encoded once per client. Its `Debug` hides the key.
#[derive(Clone)]
pub(crate) struct Credentials(String);

impl Credentials {
    pub fn new(universe: &str, key: &str) -> Self {
        let mut s = String::from("universe=");
        push_encoded(&mut s, universe);
        s.push_str("&key=");
        push_encoded(&mut s, key);
        Credentials(s)
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Credentials(***)")
    }
}

/// The form body for `rcpts` (all of a request, or one batch piece).
pub(crate) fn encode_body(creds: &Credentials, req: &Validated<'_>, rcpts: &[Clean<'_>]) -> String {
    // JSON text never fails to encode here: every key and value is a string.
    let json = serde_json::to_string(&RcptsJson(rcpts)).unwrap_or_default();
    let mut body = String::with_capacity(creds.0.len() + json.len() * 3 / 2 + 64);
    body.push_str(&creds.0);
    body.push_str("&message=");
    push_encoded(&mut body, req.message);
    body.push_str("&rcpts=");
    push_encoded(&mut body, &json);
    if let Some(opcode) = req.opcode {
        body.push_str("&opcode=");
        push_encoded(&mut body, opcode);
    }
    if let Some(category) = req.category {
        body.push_str("&category=");
        push_encoded(&mut body, category);
    }
    body
}

fn push_encoded(out: &mut String, value: &str) {
    out.extend(form_urlencoded::byte_serialize(value.as_bytes()));
}

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
        let mut m = s.serialize_map(Some(1 + self.0.fields.len()))?;
        m.serialize_entry("cellphone", &self.0.cellphone)?;
        for (name, value) in self.0.fields {
            m.serialize_entry(name, value)?;
        }
        m.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::{Recipient, SendRequest};
    use crate::settings::Duplicates;
    use crate::validation::check;

    fn decode(body: &str) -> Vec<(String, String)> {
        form_urlencoded::parse(body.as_bytes())
            .into_owned()
            .collect()
    }

    #[test]
    fn fields_come_in_contract_order_with_compact_utf8_rcpts() {
        let req = SendRequest::new("AbCdEf123")
            .recipient(Recipient::new("+33 6 12 34 56 78").field("firstname", "Zoé"))
            .opcode("O1")
            .category("welcome");
        let v = check(&req, Duplicates::Reject).unwrap();
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
        let v = check(&req, Duplicates::Reject).unwrap();
        let body = encode_body(&Credentials::new("u", "k"), &v, &v.rcpts);
        let names: Vec<String> = decode(&body).into_iter().map(|(n, _)| n).collect();
        assert_eq!(names, ["universe", "key", "message", "rcpts"]);
    }

    #[test]
    fn credentials_debug_hides_the_key() {
        let c = Credentials::new("u", "supersecret");
        assert!(!format!("{c:?}").contains("supersecret"));
    }
}
