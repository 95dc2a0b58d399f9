//! `preview`: what each recipient will read and what the campaign will cost,
//! streamed from the file so that a list of any size fits in memory.

use std::io::Write;

use serde_json::json;
use splio_sms::{preview_stream, Encoding, Guards, RecipientPreview};

use std::path::PathBuf;

use crate::args::{GuardArgs, PreviewArgs};
use crate::input::{Reading, Source};
use crate::send::{fail, problem_lines, recipients};
use crate::{Failure, OK, VALIDATION};

/// The design's text from --text or --text-file, if given.
fn design_text(text: &Option<String>, file: &Option<PathBuf>) -> Result<Option<String>, Failure> {
    match (text, file) {
        (Some(text), _) => Ok(Some(text.clone())),
        (None, Some(path)) => std::fs::read_to_string(path).map(Some).map_err(|e| {
            Failure::usage(format!("cannot read the text file {}: {e}", path.display()))
        }),
        (None, None) => Ok(None),
    }
}

/// The checks `send` and `validate` make against the design's text.
pub fn guards(a: &GuardArgs) -> Result<Guards, Failure> {
    let text = design_text(&a.text, &a.text_file)?;
    if a.max_segments.is_some() && text.is_none() {
        return Err(Failure::usage(
            "--max-segments needs the design's text: give --text or --text-file",
        ));
    }
    let mut guards = Guards::default();
    if let Some(text) = text {
        guards = guards.text(text);
    }
    if let Some(n) = a.max_segments {
        guards = guards.max_segments(n);
    }
    Ok(guards)
}

pub fn run(a: PreviewArgs) -> Result<u8, Failure> {
    let Some(text) = design_text(&a.text, &a.text_file)? else {
        return Err(Failure::usage("give --text or --text-file"));
    };
    let rules = a.settings.validation()?;
    let mut out = std::io::stdout().lock();
    // With --json, one document written as it is made, a recipient at a time;
    // it starts only once validation passed (the whole source is read first).
    const OPENING: &str = r#"{"status":"ok","recipients":["#;
    let mut shown = 0;
    let mut each = |one: RecipientPreview| {
        if a.json {
            let sep = if shown == 0 { OPENING } else { "," };
            let _ = write!(
                out,
                "{sep}{}",
                serde_json::to_string(&one).unwrap_or_default()
            );
        } else if shown < a.show {
            let _ = writeln!(out, "{}", describe(&one));
        }
        shown += 1;
    };
    let (outcome, source) = match &a.recipients.rcpts {
        None => {
            let given = recipients(&a.recipients)?;
            let reading = || Ok::<_, String>(given.clone().into_iter().map(Ok));
            (preview_stream(&text, &reading, rules, &mut each), None)
        }
        Some(path) => {
            let source = Source::new(path, Reading::of(&a.recipients))?;
            let outcome = preview_stream(&text, &|| source.open(), rules, &mut each);
            (outcome, Some(source))
        }
    };
    match outcome {
        Ok(totals) => {
            if a.json {
                if shown == 0 {
                    let _ = write!(out, "{OPENING}");
                }
                let _ = writeln!(out, r#"],"totals":{}}}"#, json!(totals));
            } else {
                if totals.recipients > a.show {
                    let _ = writeln!(out, "… and {} more", totals.recipients - a.show);
                }
                let _ = writeln!(
                    out,
                    "total: {} recipients, {} SMS ({} GSM-7, {} UCS-2)",
                    totals.recipients, totals.segments, totals.gsm7, totals.ucs2
                );
            }
            Ok(OK)
        }
        // Nothing was written yet: validation reads the whole source first.
        Err(e) if e.kind() == splio_sms::ErrorKind::Validation && !a.json => {
            for line in problem_lines(&e, source.as_ref()) {
                println!("{line}");
            }
            Ok(VALIDATION)
        }
        Err(e) => fail(&e, source.as_ref(), a.json),
    }
}

/// One recipient in a few lines: number, cost, then the text as it will read.
fn describe(p: &RecipientPreview) -> String {
    let encoding = match p.encoding {
        Encoding::Gsm7 => "GSM-7".to_owned(),
        _ => format!("UCS-2, because of {}", p.forcing_ucs2.join(" ")),
    };
    let mut s = format!(
        "{} — {} SMS ({} {}, {encoding})",
        p.cellphone,
        p.segments,
        p.units,
        if p.encoding == Encoding::Gsm7 {
            "septets"
        } else {
            "UTF-16 units"
        }
    );
    if !p.missing.is_empty() {
        s.push_str(&format!("; no value for: {}", p.missing.join(", ")));
    }
    if !p.unused.is_empty() {
        s.push_str(&format!("; unused fields: {}", p.unused.join(", ")));
    }
    for line in p.text.lines() {
        s.push_str(&format!("\n  | {line}"));
    }
    s
}
