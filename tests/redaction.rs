//! Redaction over real loopback HTTP: whatever spelling a server echoes the
//! key in (raw, percent-encoded as sent, lowercase hex, JSON-escaped), no
//! error shows it, and no ordinary word of the message is mangled, for keys
//! of one letter, keys that are ordinary words, and keys full of `+ / = & %`.

mod common;

use common::{DESIGN, UNIVERSE};
use splio_sms::sandbox::{Fault, Sandbox, SandboxConfig};
use splio_sms::{Client, Error, Recipient, SendRequest};

const KEYS: &[&str] = &[
    "k",
    "e",
    "key",
    "universe",
    "error",
    "a+b/c=d&e%f",
    "+k+",
    "%2B",
    "=&/",
    "k%",
    "x\"y\\z",
    "clé",
];

/// A key that is no word of any message, for the reference run.
const REFERENCE: &str = "Ref0Key0Never0Shown";

/// The sandbox knows `UNIVERSE` with another key, so every key here is refused.
fn sandbox() -> Sandbox {
    Sandbox::start(SandboxConfig::default().account(UNIVERSE, "Right-Key-9")).unwrap()
}

fn send(sandbox: &Sandbox, key: &str, fault: Option<Fault>) -> Error {
    if let Some(fault) = fault {
        sandbox.push_fault(fault);
    }
    let client = Client::builder(UNIVERSE, key)
        .base_url(sandbox.base_url())
        .max_retries(0)
        .build()
        .unwrap();
    client
        .send(&SendRequest::new(DESIGN).recipient(Recipient::new("+33612345678")))
        .unwrap_err()
}

/// The key as the wire sends it (`form_urlencoded`, upper-case hex).
fn wire(key: &str) -> String {
    form_urlencoded::byte_serialize(key.as_bytes()).collect()
}

/// The wire form with lower-case hex, as some servers re-encode it.
fn wire_lower(key: &str) -> String {
    let mut out = String::new();
    let mut hex_left = 0;
    for c in wire(key).chars() {
        if c == '%' {
            hex_left = 2;
            out.push(c);
        } else if hex_left > 0 {
            hex_left -= 1;
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// The inside of a JSON string holding the key, as serde_json writes it.
fn json(key: &str) -> String {
    let quoted = serde_json::to_string(key).unwrap();
    quoted[1..quoted.len() - 1].to_owned()
}

/// The strictest JSON spelling: `\/`, and `\uXXXX` for everything not ASCII.
fn json_ascii(key: &str) -> String {
    let mut out = String::new();
    for c in json(key).replace('/', "\\/").chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            for unit in c.encode_utf16(&mut [0; 2]) {
                out.push_str(&format!("\\u{unit:04x}"));
            }
        }
    }
    out
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Where `text` shows `key` in any spelling as a token of its own (not as a
/// piece of a longer word), if it does.
fn shown(text: &str, key: &str) -> Option<String> {
    let forms = [
        key.to_owned(),
        wire(key),
        wire_lower(key),
        wire(&wire(key)),
        json(key),
        json_ascii(key),
    ];
    for form in &forms {
        for (at, _) in text.match_indices(form.as_str()) {
            let before = text[..at].chars().next_back();
            let after = text[at + form.len()..].chars().next();
            let glued_before = form.starts_with(is_word) && before.is_some_and(is_word);
            let glued_after = form.ends_with(is_word) && after.is_some_and(is_word);
            if !glued_before && !glued_after {
                return Some(format!("{form:?} at {at} in {text:?}"));
            }
        }
    }
    None
}

fn assert_hidden(e: &Error, key: &str, scenario: &str) {
    let mut texts = vec![
        e.message().to_owned(),
        e.to_string(),
        format!("{e:?}"),
        // The document's own word "error" is not the key "error" shown.
        e.to_json()
            .replacen(r#"{"status":"error","error":{"#, "{", 1),
    ];
    for p in e.problems() {
        texts.push(p.path.clone());
        texts.push(p.message.clone());
    }
    for text in texts {
        if let Some(leak) = shown(&text, key) {
            panic!("key {key:?} shown ({scenario}): {leak}");
        }
    }
}

/// `text` with `word` replaced where it stands as a whole word: what
/// redaction may take from a message, and all it may take.
fn without_word(text: &str, word: &str) -> String {
    if !word.chars().all(is_word) {
        return text.to_owned();
    }
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find(word) {
        let before = rest[..at].chars().next_back().or(out.chars().next_back());
        let after = rest[at + word.len()..].chars().next();
        out.push_str(&rest[..at]);
        if before.is_some_and(is_word) || after.is_some_and(is_word) {
            out.push_str(word);
        } else {
            out.push_str("***");
        }
        rest = &rest[at + word.len()..];
    }
    out.push_str(rest);
    out
}

/// `text` with each `%XX` decoded, so that words in an encoded URL are
/// words to [`without_word`] too.
fn decoded(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let hex = b
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok());
        match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
            Some(byte) if b[i] == b'%' => {
                out.push(byte);
                i += 3;
            }
            _ => {
                out.push(b[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Answers that echo `key`, each in a different spelling and place.
fn echoes(key: &str) -> Vec<(&'static str, Fault)> {
    let query = |k: &str| {
        format!("http://127.0.0.1:1/api/triggersms/nph-4.pl?universe={UNIVERSE}&key={k}&message={DESIGN}")
    };
    vec![
        (
            "a redirect's Location with the key as sent",
            Fault::status_with_headers(302, "", &[("Location", &query(&wire(key)))]),
        ),
        (
            "a redirect's Location in lower-case hex",
            Fault::status_with_headers(307, "", &[("Location", &query(&wire_lower(key)))]),
        ),
        (
            "a redirect carrying the request's URL, encoded twice",
            Fault::status_with_headers(
                303,
                "",
                &[(
                    "Location",
                    &format!(
                        "https://login.example/?next={}",
                        form_urlencoded::byte_serialize(query(&wire(key)).as_bytes())
                            .collect::<String>()
                    ),
                )],
            ),
        ),
        (
            "a 400 quoting the form body",
            Fault::status(
                400,
                serde_json::json!({
                    "status": "error",
                    "code": 400,
                    "message": format!("bad body: universe={UNIVERSE}&key={}&message={DESIGN}", wire(key)),
                })
                .to_string(),
            ),
        ),
        (
            "a 400 in plain text quoting JSON with the key escaped",
            Fault::status(
                400,
                format!(r#"rejected: {{"key":"{}","universe":"{UNIVERSE}"}}"#, json_ascii(key)),
            ),
        ),
        (
            "a 502 whose description echoes the key raw",
            Fault::status(
                502,
                serde_json::json!({"code": 502, "description": format!("echo {key} done")}).to_string(),
            ),
        ),
    ]
}

#[test]
fn a_refused_key_leaves_the_services_words_readable() {
    let sandbox = sandbox();
    let reference = send(&sandbox, REFERENCE, None);
    assert_eq!(reference.message(), "invalid key for this universe");
    for key in KEYS {
        let e = send(&sandbox, key, None);
        assert_hidden(&e, key, "refused");
        assert_eq!(e.kind(), reference.kind(), "key {key:?}");
        assert_eq!(
            e.message(),
            without_word(reference.message(), key),
            "key {key:?}"
        );
    }
    // What the issue reported: the one-letter key no longer eats a word.
    assert_eq!(
        send(&sandbox, "k", None).message(),
        "invalid key for this universe"
    );
}

#[test]
fn a_key_echoed_in_any_spelling_never_reaches_the_user() {
    let sandbox = sandbox();
    let references: Vec<Error> = echoes(REFERENCE)
        .into_iter()
        .map(|(_, fault)| send(&sandbox, REFERENCE, Some(fault)))
        .collect();
    for key in KEYS {
        for ((scenario, fault), reference) in echoes(key).into_iter().zip(&references) {
            assert!(
                reference.message().contains("***") && !reference.message().contains(REFERENCE),
                "the reference run proves nothing ({scenario}): {reference}"
            );
            let e = send(&sandbox, key, Some(fault));
            assert_hidden(&e, key, scenario);
            assert_eq!(e.kind(), reference.kind(), "key {key:?}, {scenario}");
            // Only the key, and words equal to it, are gone.
            assert_eq!(
                decoded(e.message()),
                without_word(&decoded(reference.message()), key),
                "key {key:?}, {scenario}"
            );
        }
    }
}

#[test]
fn a_key_cut_short_by_a_long_echo_is_still_masked() {
    let sandbox = sandbox();
    let key = "K3y+With/Odd=Chars&And%25More";
    // The message is cut at 300 characters, inside the key.
    let message = format!("{} {} tail", "x".repeat(290), wire(key));
    let e = send(
        &sandbox,
        key,
        Some(Fault::status(
            502,
            serde_json::json!({"description": message}).to_string(),
        )),
    );
    assert!(e.message().ends_with(" ***…"), "{e}");
    let shown_part = &wire(key)[..9];
    assert!(!e.message().contains(shown_part), "{e}");
}
