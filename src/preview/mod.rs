//! What each recipient will read, and what it will cost, before sending: the
//! design's text with `$name$` placeholders filled from the recipient's
//! fields, its encoding, and its SMS segments as 3GPP TS 23.038 counts them
//! (160 GSM-7 septets in one SMS, 153 per part when longer; 70 UCS-2 code
//! units, 67 per part; a character outside GSM-7 switches the whole message
//! to UCS-2; a character of GSM-7's extension table takes two septets).
#![forbid(unsafe_code)]

mod gsm7;
mod guards;

pub use guards::Guards;

use std::collections::BTreeSet;

use serde::Serialize;
use serde_json::Value;

use crate::error::{Error, ErrorKind, Problem, Result};
use crate::request::{RecipientSource, SendRequest};
use crate::settings::{Face, SettingInput, ValidationSettings};
use crate::validation::{self, Problems, Tracker, Verdict};

/// A placeholder the provider forbids in SMS designs.
const FORBIDDEN: &str = "MobileWalletsUrl";

/// How a message is encoded on the air.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Encoding {
    /// The GSM 7-bit default alphabet (with its extension table).
    Gsm7,
    /// UCS-2 (UTF-16 code units), once any character is outside GSM-7.
    Ucs2,
}

/// What one recipient will read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct RecipientPreview {
    /// Position in the request's `rcpts`.
    pub index: usize,
    /// The number the SMS goes to, in E.164.
    pub cellphone: String,
    /// The text with its placeholders filled.
    pub text: String,
    /// `gsm7` or `ucs2`.
    pub encoding: Encoding,
    /// Septets (GSM-7, extension characters count two) or UTF-16 code units (UCS-2).
    pub units: usize,
    /// SMS parts billed.
    pub segments: usize,
    /// The characters that forced UCS-2, each once, in order of appearance.
    pub forcing_ucs2: Vec<String>,
    /// Placeholders this recipient has no value for (they are left empty).
    pub missing: Vec<String>,
    /// Fields this recipient has that the text does not use.
    pub unused: Vec<String>,
}

/// Sums over all recipients.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[non_exhaustive]
pub struct PreviewTotals {
    /// Recipients previewed.
    pub recipients: usize,
    /// SMS parts billed in all.
    pub segments: usize,
    /// Recipients whose message is GSM-7.
    pub gsm7: usize,
    /// Recipients whose message is UCS-2.
    pub ucs2: usize,
}

/// Every recipient's message and the totals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Preview {
    /// Always `"ok"` (a refused preview is an [`Error`]).
    pub status: &'static str,
    /// One per recipient sent (after `dedupe`), in order.
    pub recipients: Vec<RecipientPreview>,
    /// Sums over them.
    pub totals: PreviewTotals,
}

impl Preview {
    /// The contract's preview document.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// One piece of a design's text: literal text, or a placeholder.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece<'t> {
    Text(&'t str),
    Field(&'t str),
}

/// A design's text taken apart once, then filled for each recipient.
#[derive(Debug, Clone)]
pub struct Template<'t> {
    pieces: Vec<Piece<'t>>,
}

impl<'t> Template<'t> {
    /// Reads `$name$` placeholders (letters, digits, `_`); a `$` that opens
    /// no placeholder is text. `$MobileWalletsUrl$` is refused: the
    /// provider forbids it in SMS.
    pub fn parse(text: &'t str) -> Result<Self> {
        let mut pieces = Vec::new();
        let mut rest = text;
        let mut literal_from = 0;
        let mut at = 0;
        while let Some(open) = rest.find('$') {
            let after = &rest[open + 1..];
            let name_len = after
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(after.len());
            let closes = name_len > 0 && after[name_len..].starts_with('$');
            if closes {
                let start = at + open;
                if start > literal_from {
                    pieces.push(Piece::Text(&text[literal_from..start]));
                }
                let name = &after[..name_len];
                if name.eq_ignore_ascii_case(FORBIDDEN) {
                    return Err(Error::with_problems(
                        ErrorKind::Validation,
                        vec![Problem::new(
                            "text",
                            format!("${name}$ is not allowed in an SMS design (the provider forbids it)"),
                        )],
                    ));
                }
                pieces.push(Piece::Field(name));
                let consumed = open + 1 + name_len + 1;
                at += consumed;
                literal_from = at;
                rest = &rest[consumed..];
            } else {
                at += open + 1;
                rest = &rest[open + 1..];
            }
        }
        if literal_from < text.len() {
            pieces.push(Piece::Text(&text[literal_from..]));
        }
        Ok(Template { pieces })
    }

    /// The placeholders, each once, in order.
    pub fn fields(&self) -> Vec<&'t str> {
        let mut seen = Vec::new();
        for p in &self.pieces {
            if let Piece::Field(name) = p {
                if !seen.contains(name) {
                    seen.push(*name);
                }
            }
        }
        seen
    }

    /// The text for a recipient whose fields are `fields`, with the
    /// placeholders it has no value for.
    #[doc(hidden)]
    pub fn fill<'f>(&self, fields: &[(&'f str, &'f str)]) -> (String, Vec<String>) {
        let mut text = String::new();
        let mut missing = Vec::new();
        for p in &self.pieces {
            match p {
                Piece::Text(t) => text.push_str(t),
                Piece::Field(name) => match fields.iter().find(|(n, _)| n == name) {
                    Some((_, value)) => text.push_str(value),
                    None => {
                        if !missing.iter().any(|m| m == name) {
                            missing.push((*name).to_owned());
                        }
                    }
                },
            }
        }
        (text, missing)
    }
}

/// What a text costs: encoding, units, segments, and what forced UCS-2.
pub fn measure(text: &str) -> (Encoding, usize, usize, Vec<String>) {
    let mut forcing: Vec<String> = Vec::new();
    let mut septets = Vec::with_capacity(text.len());
    for c in text.chars() {
        match gsm7::septets(c) {
            Some(n) => septets.push(usize::from(n)),
            None => {
                let shown = c.to_string();
                if !forcing.contains(&shown) {
                    forcing.push(shown);
                }
            }
        }
    }
    if forcing.is_empty() {
        let units = septets.iter().sum();
        (Encoding::Gsm7, units, segments(&septets, 160, 153), forcing)
    } else {
        let widths: Vec<usize> = text.chars().map(char::len_utf16).collect();
        let units = widths.iter().sum();
        (Encoding::Ucs2, units, segments(&widths, 70, 67), forcing)
    }
}

/// Parts needed for characters of `widths` units: one part up to `single`,
/// else parts of `part` units, a character never split between two parts
/// (an extension character's two septets, a surrogate pair's two units).
fn segments(widths: &[usize], single: usize, part: usize) -> usize {
    let total: usize = widths.iter().sum();
    if total == 0 {
        return 1;
    }
    if total <= single {
        return 1;
    }
    let (mut parts, mut used) = (1, 0);
    for &w in widths {
        if used + w > part {
            parts += 1;
            used = 0;
        }
        used += w;
    }
    parts
}

/// One recipient's message: the text filled, measured, and its fields compared.
fn render(
    template: &Template<'_>,
    used: &BTreeSet<&str>,
    index: usize,
    cellphone: String,
    fields: &[(&str, &str)],
) -> RecipientPreview {
    let (text, missing) = template.fill(fields);
    let (encoding, units, segments, forcing_ucs2) = measure(&text);
    let unused = fields
        .iter()
        .filter(|(n, _)| !used.contains(n))
        .map(|(n, _)| (*n).to_owned())
        .collect();
    RecipientPreview {
        index,
        cellphone,
        text,
        encoding,
        units,
        segments,
        forcing_ucs2,
        missing,
        unused,
    }
}

impl PreviewTotals {
    fn add(&mut self, one: &RecipientPreview) {
        self.recipients += 1;
        self.segments += one.segments;
        match one.encoding {
            Encoding::Gsm7 => self.gsm7 += 1,
            Encoding::Ucs2 => self.ucs2 += 1,
        }
    }
}

/// Previews `text` for every recipient of `request`, which goes through the
/// same validation and number rules as a send (with `rules`).
pub fn preview_with(
    text: &str,
    request: &SendRequest,
    rules: impl Into<ValidationSettings>,
) -> Result<Preview> {
    let template = Template::parse(text)?;
    let v = validation::check_recipients(request, &rules.into())?;
    let used: BTreeSet<&str> = template.fields().into_iter().collect();
    let mut totals = PreviewTotals::default();
    let mut recipients = Vec::with_capacity(v.rcpts.len());
    for r in &v.rcpts {
        let fields: Vec<(&str, &str)> = r.recipient.fields().collect();
        let one = render(
            &template,
            &used,
            r.index,
            r.cellphone.clone().into_owned(),
            &fields,
        );
        totals.add(&one);
        recipients.push(one);
    }
    Ok(Preview {
        status: "ok",
        recipients,
        totals,
    })
}

/// Reads the contract's preview document, `{"text": "…", "rcpts": [...]}`,
/// with an optional `"settings"` object of the settings that change
/// validation (`{"default_country": "FR"}`), and previews it.
pub fn preview_json(json: &str) -> Result<Preview> {
    let value: Value = serde_json::from_str(json)
        .map_err(|e| Error::invalid_argument(format!("preview is not valid JSON: {e}")))?;
    let Value::Object(mut doc) = value else {
        return Err(Error::invalid_argument(
            "preview must be a JSON object: {\"text\": ..., \"rcpts\": [...]}",
        ));
    };
    let mut problems = Vec::new();
    let text = match doc.remove("text") {
        Some(Value::String(text)) => text,
        Some(_) => {
            problems.push(Problem::new("text", "must be a string (the design's text)"));
            String::new()
        }
        None => {
            problems.push(Problem::new("text", "is required"));
            String::new()
        }
    };
    let rules = match doc.remove("settings") {
        None | Some(Value::Null) => ValidationSettings::default(),
        Some(Value::Object(map)) => ValidationSettings::read(
            map.iter()
                .map(|(name, v)| (Face::Json, name.as_str(), v as &dyn SettingInput)),
        )?,
        Some(_) => return Err(Error::invalid_argument("settings must be a JSON object")),
    };
    let mut request = serde_json::Map::new();
    for (key, value) in doc {
        match key.as_str() {
            "rcpts" => {
                request.insert(key, value);
            }
            _ => problems.push(Problem::new(
                key.as_str(),
                "unknown key (expected text, rcpts, settings)",
            )),
        }
    }
    if !request.contains_key("rcpts") {
        problems.push(Problem::new("rcpts", "is required"));
    }
    request.insert("message".to_owned(), Value::String(String::new()));
    let mut request = SendRequest::from_value(Value::Object(request))?;
    request.shape_problems.extend(problems);
    preview_with(&text, &request, rules)
}

/// Previews `text` for every recipient of `source` without holding them:
/// the source is read once to validate every recipient (all problems at
/// once, as a send would), then again to render each, handed to `each` in
/// order. Memory holds one recipient, not the list.
pub fn preview_stream<S: RecipientSource>(
    text: &str,
    source: &S,
    rules: impl Into<ValidationSettings>,
    mut each: impl FnMut(RecipientPreview),
) -> Result<PreviewTotals> {
    let rules = rules.into();
    let template = Template::parse(text)?;
    validation::check_source(source, &rules)?;
    let used: BTreeSet<&str> = template.fields().into_iter().collect();
    let mut seen = Tracker::new(rules.duplicates);
    let mut totals = PreviewTotals::default();
    let items = source.open().map_err(Error::invalid_argument)?;
    for (i, item) in items.enumerate() {
        let mut ignored = Problems::default();
        // The source was valid a moment ago; one that changed since is skipped.
        let Ok(r) = item else { continue };
        let Some(number) = validation::check_recipient(i, &r, &rules, &mut ignored) else {
            continue;
        };
        if seen.note(i, &number.e164, &mut ignored) != Verdict::Keep {
            continue;
        }
        let fields: Vec<(&str, &str)> = r.fields().collect();
        let one = render(&template, &used, i, number.e164.into_owned(), &fields);
        totals.add(&one);
        each(one);
    }
    Ok(totals)
}

/// [`preview_with`] with the default validation settings.
pub fn preview(text: &str, request: &SendRequest) -> Result<Preview> {
    preview_with(text, request, ValidationSettings::default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recipient::Recipient;

    fn cost(text: &str) -> (Encoding, usize, usize) {
        let (e, u, s, _) = measure(text);
        (e, u, s)
    }

    #[test]
    fn gsm7_parts_are_160_then_153() {
        assert_eq!(cost(&"a".repeat(160)), (Encoding::Gsm7, 160, 1));
        assert_eq!(cost(&"a".repeat(161)), (Encoding::Gsm7, 161, 2));
        assert_eq!(cost(&"a".repeat(306)), (Encoding::Gsm7, 306, 2));
        assert_eq!(cost(&"a".repeat(307)), (Encoding::Gsm7, 307, 3));
        assert_eq!(cost(""), (Encoding::Gsm7, 0, 1));
    }

    #[test]
    fn extension_characters_take_two_septets_and_are_never_split() {
        assert_eq!(cost(&"€".repeat(80)), (Encoding::Gsm7, 160, 1));
        assert_eq!(
            cost(&format!("{}€", "a".repeat(159))),
            (Encoding::Gsm7, 161, 2)
        );
        // 152 septets then one €: it cannot straddle the 153rd septet, so a
        // third part is needed once the second fills as well.
        let straddle = format!("{}€{}", "a".repeat(152), "a".repeat(152));
        assert_eq!(cost(&straddle), (Encoding::Gsm7, 306, 3));
        let fits = format!("{}€{}", "a".repeat(151), "a".repeat(153));
        assert_eq!(cost(&fits), (Encoding::Gsm7, 306, 2));
    }

    #[test]
    fn ucs2_parts_are_70_then_67_and_emoji_count_two() {
        assert_eq!(cost(&"ê".repeat(70)), (Encoding::Ucs2, 70, 1));
        assert_eq!(cost(&"ê".repeat(71)), (Encoding::Ucs2, 71, 2));
        assert_eq!(cost("😀"), (Encoding::Ucs2, 2, 1));
        assert_eq!(cost(&"😀".repeat(35)), (Encoding::Ucs2, 70, 1));
        // 66 units then an emoji: the pair is not split across parts.
        let pair = format!("{}😀{}", "ê".repeat(66), "ê".repeat(5));
        assert_eq!(cost(&pair), (Encoding::Ucs2, 73, 2));
    }

    #[test]
    fn one_character_outside_gsm7_switches_the_whole_message() {
        let (e, _, _, forcing) = measure("Café crème, ça va?");
        assert_eq!(e, Encoding::Ucs2);
        // è is in the GSM-7 alphabet; ç (lower case) is not.
        assert_eq!(forcing, ["ç"]);
        // é is in the GSM-7 alphabet, ê is not.
        assert_eq!(cost("été").0, Encoding::Gsm7);
        assert_eq!(cost("fête").0, Encoding::Ucs2);
    }

    #[test]
    fn placeholders_are_filled_and_missing_and_unused_fields_named() {
        let request = SendRequest::new("AbCdEf123")
            .recipient(
                Recipient::new("+33612345678")
                    .field("firstname", "Zoé")
                    .field("c9", "x"),
            )
            .recipient(Recipient::new("+33612345679"));
        let p = preview(
            "Hello $firstname$, 5$ off with $code$ $firstname$!",
            &request,
        )
        .unwrap();
        let first = &p.recipients[0];
        assert_eq!(first.text, "Hello Zoé, 5$ off with  Zoé!");
        assert_eq!(first.missing, ["code"]);
        assert_eq!(first.unused, ["c9"]);
        assert_eq!(p.recipients[1].missing, ["firstname", "code"]);
        assert_eq!(p.totals.recipients, 2);
        assert_eq!(p.totals.gsm7, 2);
    }

    #[test]
    fn the_mobile_wallets_placeholder_is_refused() {
        let request = SendRequest::new("AbCdEf123").recipient(Recipient::new("+33612345678"));
        let e = preview("Your card: $MobileWalletsUrl$", &request).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Validation);
        assert_eq!(e.problems()[0].path, "text");
    }

    #[test]
    fn max_segments_without_the_text_is_refused_not_ignored() {
        let request = SendRequest::new("AbCdEf123").recipient(Recipient::new("+33612345678"));
        let e = Guards::default()
            .max_segments(1)
            .check_request(&request, ValidationSettings::default())
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidArgument);
        assert!(e.message().contains("max_segments"), "{}", e.message());
    }

    #[test]
    fn a_guarded_request_that_does_not_validate_is_refused_for_its_own_problems() {
        let request = SendRequest::new("bad").recipient(Recipient::new("+33612345678"));
        let e = Guards::default()
            .text("Hello $firstname$")
            .check_request(&request, ValidationSettings::default())
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Validation);
        let paths: Vec<&str> = e.problems().iter().map(|p| p.path.as_str()).collect();
        assert_eq!(paths, ["message"]);
    }

    #[test]
    fn guards_list_each_recipient_left_without_a_value_or_over_the_limit() {
        let request = SendRequest::new("AbCdEf123")
            .recipient(Recipient::new("+33612345678").field("firstname", "Zoé"))
            .recipient(Recipient::new("+33612345679"))
            .recipient(Recipient::new("+33612345670").field("firstname", "a".repeat(200)));
        let e = Guards::default()
            .text("Hello $firstname$")
            .max_segments(1)
            .check_request(&request, ValidationSettings::default())
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Validation);
        let paths: Vec<&str> = e.problems().iter().map(|p| p.path.as_str()).collect();
        assert_eq!(paths, ["rcpts[1]", "rcpts[2]"]);
    }

    #[test]
    fn a_dollar_that_opens_no_placeholder_is_text() {
        let t = Template::parse("$ $$ 5$ $a b$ $ok$").unwrap();
        assert_eq!(t.fields(), ["ok"]);
        assert_eq!(t.fill(&[("ok", "!")]).0, "$ $$ 5$ $a b$ !");
    }
}
