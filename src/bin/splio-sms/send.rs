//! `send` and `validate`: one request from --to (a recipients file is a
//! campaign: `campaign.rs`), and checking inputs without sending.

use std::collections::{BTreeSet, HashMap};

use serde_json::{json, Value};
use splio_sms::{
    check_stream, Error, ErrorKind, Recipient, Rewrite, SendRequest, SendResult, StreamSummary,
};

use crate::args::{Inputs, RecipientArgs, SendArgs, ValidateArgs};
use crate::input::{Reading, Source};
use crate::output::{err, out};
use crate::report::ReportFile;
use crate::{describe, exit_code, Failure, OK, VALIDATION};

pub fn send(a: SendArgs) -> Result<u8, Failure> {
    let client = a.settings.client()?;
    let head = head(&a.inputs);
    if a.inputs.rcpts.is_some() {
        return crate::campaign::send(&a, client, head);
    }
    let report = a
        .report
        .as_deref()
        .map(|r| ReportFile::check(r, &[]))
        .transpose()?;
    let request = head.recipients(recipients(&a.inputs)?);
    let guards = crate::preview::guards(&a.inputs.guard)?;
    if let Err(e) = guards.check_request(&request, client.settings().validation()) {
        return fail(&e, None, a.output.json);
    }
    let outcome = client.send(&request);
    let document = match &outcome {
        Ok(r) => r.to_json(),
        Err(e) => e.to_json(),
    };
    let mut unreported = false;
    if let Some(file) = &report {
        if let Err(why) = file.write(&document) {
            err(why);
            unreported = true;
        }
    }
    let code = match outcome {
        Ok(r) => {
            if a.output.json {
                out(&document);
            } else if !a.output.quiet {
                out(summary(&r));
            }
            OK
        }
        Err(e) => match fail(&e, None, a.output.json) {
            Ok(code) => code,
            Err(f) => {
                for line in f.message.lines() {
                    err(line);
                }
                f.code
            }
        },
    };
    Ok(if unreported { crate::UNREPORTED } else { code })
}

pub fn validate(a: ValidateArgs) -> Result<u8, Failure> {
    let policy = a.settings.validation()?;
    let guards = crate::preview::guards(&a.inputs.guard)?;
    let head = head(&a.inputs);
    let (outcome, source) = match &a.inputs.rcpts {
        None => {
            let given = recipients(&a.inputs)?;
            let reading = || Ok::<_, String>(given.clone().into_iter().map(Ok));
            let outcome = check_stream(&head, &reading, policy)
                .and_then(|s| guards.check_stream(&reading, policy).map(|()| s));
            (outcome, None)
        }
        Some(path) => {
            let source = Source::new(path, Reading::of(&a.inputs))?;
            let reading = || source.open();
            let outcome = check_stream(&head, &reading, policy)
                .and_then(|s| guards.check_stream(&reading, policy).map(|()| s));
            (outcome, Some(source))
        }
    };
    match outcome {
        Ok(summary) => {
            let lines = source
                .as_ref()
                .map(|s| s.lines(&summary.rewrites.iter().map(|r| r.0).collect()))
                .unwrap_or_default();
            if a.json {
                out(validation_document(&summary, &lines));
            } else {
                out(validation_summary(&summary, &lines).trim_end());
            }
            Ok(OK)
        }
        Err(e) if e.kind() == ErrorKind::Validation && !a.json => {
            for line in problem_lines(&e, source.as_ref()) {
                out(line);
            }
            Ok(VALIDATION)
        }
        Err(e) => fail(&e, source.as_ref(), a.json),
    }
}

/// How many will be sent, and which numbers will be sent written otherwise
/// than in the file (the first ten, with their lines).
fn validation_summary(s: &StreamSummary, lines: &HashMap<usize, u64>) -> String {
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let mut out = format!("valid: {}\n", plural(s.count, "recipient", "recipients"));
    if s.rewritten > 0 {
        out.push_str(&format!(
            "{} sent in another form than written (--json lists each):\n",
            plural(s.rewritten, "number will be", "numbers will be")
        ));
        for (i, from, to, why) in s.rewrites.iter().take(10) {
            let at = lines
                .get(i)
                .map_or_else(|| format!("rcpts[{i}]"), |l| format!("line {l}"));
            out.push_str(&format!(
                "  {at}: {from} -> {to} ({})\n",
                rewrite_reason(*why)
            ));
        }
        if s.rewritten > 10 {
            out.push_str(&format!("  ... and {} more\n", s.rewritten - 10));
        }
    }
    out
}

fn rewrite_reason(why: Rewrite) -> &'static str {
    match why {
        Rewrite::National => "national number, country code added",
        Rewrite::TrunkPrefix => "(0) dropped",
        _ => "rewritten",
    }
}

fn validation_document(s: &StreamSummary, lines: &HashMap<usize, u64>) -> Value {
    let rewrites: Vec<Value> = s
        .rewrites
        .iter()
        .map(|(i, from, to, why)| {
            json!({"index": i, "line": lines.get(i), "from": from, "to": to, "why": why.as_str()})
        })
        .collect();
    json!({
        "status": "ok",
        "recipients": s.count,
        "rewritten": s.rewritten,
        "rewrites": rewrites,
    })
}

pub fn head(inputs: &Inputs) -> SendRequest {
    let mut head = SendRequest::new(inputs.message.clone());
    if let Some(opcode) = &inputs.opcode {
        head = head.opcode(opcode.clone());
    }
    if let Some(category) = &inputs.category {
        head = head.category(category.clone());
    }
    head
}

/// The --to recipients, each with every --field.
pub fn recipients(inputs: &RecipientArgs) -> Result<Vec<Recipient>, Failure> {
    let mut fields = Vec::new();
    for f in &inputs.fields {
        let Some((name, value)) = f.split_once('=') else {
            return Err(Failure::usage(format!("--field {f:?} must be NAME=VALUE")));
        };
        fields.push((name, value));
    }
    Ok(inputs
        .to
        .iter()
        .map(|to| {
            fields
                .iter()
                .fold(Recipient::new(to.as_str()), |r, (n, v)| r.field(*n, *v))
        })
        .collect())
}

pub fn fail(e: &Error, source: Option<&Source>, as_json: bool) -> Result<u8, Failure> {
    if as_json {
        out(e.to_json());
        return Ok(exit_code(e.kind()));
    }
    let mut message = describe(e);
    if e.kind() == ErrorKind::Validation {
        message = format!(
            "validation: {} problem(s), nothing was sent",
            e.problems().len()
        );
        for line in problem_lines(e, source) {
            message.push('\n');
            message.push_str(&line);
        }
    }
    Err(Failure {
        code: exit_code(e.kind()),
        message,
    })
}

/// One line per problem, naming the file line where there is one.
pub fn problem_lines(e: &Error, source: Option<&Source>) -> Vec<String> {
    let index_of = |path: &str| -> Option<usize> {
        path.strip_prefix("rcpts[")?.split(']').next()?.parse().ok()
    };
    let wanted: BTreeSet<usize> = e
        .problems()
        .iter()
        .filter_map(|p| index_of(&p.path))
        .collect();
    let lines = source.map(|s| s.lines(&wanted)).unwrap_or_default();
    e.problems()
        .iter()
        .map(|p| match index_of(&p.path).and_then(|i| lines.get(&i)) {
            Some(line) => format!("line {line}: {}: {}", p.path, p.message),
            None => format!("{}: {}", p.path, p.message),
        })
        .collect()
}

fn summary(r: &SendResult) -> String {
    let n = |v: Option<u64>| v.map_or_else(|| "?".to_owned(), |v| v.to_string());
    format!(
        "sent: {} SMS queued ({} of {} numbers valid), campaign {}{}",
        n(r.inserted),
        n(r.done),
        n(r.todo),
        r.campaign_id.as_deref().unwrap_or("?"),
        if r.dropped_duplicates > 0 {
            format!(", {} repeated numbers left out", r.dropped_duplicates)
        } else {
            String::new()
        }
    )
}
