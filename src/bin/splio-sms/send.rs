//! `send` and `validate`: one request from --to, or a recipients file sent
//! in batches with a progress bar, a report, Ctrl-C handling and re-sending
//! exactly what was not sent.

use std::collections::{BTreeSet, HashMap};
use std::io::{IsTerminal, Write};
use std::path::Path;
use std::sync::Arc;

use indicatif::{ProgressBar, ProgressStyle};
use serde_json::{json, Map, Value};
use splio_sms::{
    check_stream, BatchControl, BatchReport, Error, ErrorKind, Recipient, Rewrite, SendRequest,
    SendResult, StreamSummary,
};

use crate::args::{Inputs, RecipientArgs, SendArgs, ValidateArgs};
use crate::input::{Reading, Source};
use crate::{describe, exit_code, report_code, Failure, OK, VALIDATION};

pub fn send(a: SendArgs) -> Result<u8, Failure> {
    let client = a.settings.client()?;
    let head = head(&a.inputs);
    if a.inputs.rcpts.is_none() {
        let request = head.recipients(recipients(&a.inputs)?);
        let guards = crate::preview::guards(&a.inputs.guard)?;
        if let Err(e) = guards.check(&request, client.settings().validation()) {
            return fail(&e, None, a.output.json);
        }
        let outcome = client.send(&request);
        let document = match &outcome {
            Ok(r) => r.to_json(),
            Err(e) => e.to_json(),
        };
        if let Some(path) = &a.report {
            write_report(path, &document)?;
        }
        return match outcome {
            Ok(r) => {
                if a.output.json {
                    println!("{document}");
                } else if !a.output.quiet {
                    println!("{}", summary(&r));
                }
                Ok(OK)
            }
            Err(e) => fail(&e, None, a.output.json),
        };
    }

    let path = a.inputs.rcpts.as_deref().unwrap_or(Path::new("-"));
    let source = Source::new(path, Reading::of(&a.inputs))?;
    let count = source.count().map_err(Failure::usage)?;
    // With --resend-from, only the listed positions, in file order.
    let chosen: Option<Vec<usize>> = match &a.resend_from {
        Some(report) => Some(resend_selection(
            report,
            a.include_unknown,
            &head,
            &source,
            count,
        )?),
        None => None,
    };
    if chosen.as_ref().is_some_and(Vec::is_empty) {
        if !a.output.quiet {
            println!("nothing to re-send: the report lists no recipient as not sent");
        }
        return Ok(OK);
    }
    let reading = || {
        let items = source.open()?;
        Ok::<_, String>(select(items, chosen.clone()))
    };

    // With -v the log lines tell the progress; a bar would garble them.
    let verbose = log::log_enabled!(target: "splio_sms", log::Level::Info);
    let bar = progress_bar(a.output.quiet || a.output.json || verbose);
    let control = Arc::new({
        let bar = bar.clone();
        BatchControl::new().on_progress(move |p| {
            bar.set_length(p.total as u64);
            bar.set_position(p.done as u64);
            if p.failed > 0 {
                bar.set_message(format!("{} not accepted", p.failed));
            }
        })
    });
    let on_signal = control.clone();
    let _ = ctrlc::set_handler(move || {
        if on_signal.is_cancelled() {
            eprintln!(
                "splio-sms: still waiting for the requests in flight (they end within timeout_ms)"
            );
        } else {
            eprintln!("splio-sms: interrupted: no new batch starts; waiting for those in flight");
            on_signal.cancel();
        }
    });

    let guards = crate::preview::guards(&a.inputs.guard)?;
    if let Err(e) = guards.check_stream(&reading, client.settings().validation()) {
        return fail(&e, Some(&source), a.output.json);
    }
    let outcome = client.send_stream(&head, &reading, &control);
    bar.finish_and_clear();
    let mut report = match outcome {
        Ok(report) => report,
        Err(e) => return fail(&e, Some(&source), a.output.json),
    };
    if let Some(chosen) = &chosen {
        to_file_positions(&mut report, chosen);
    }
    let document = report_document(&report, &head, &source, count);
    if let Some(path) = &a.report {
        write_report(path, &document)?;
    }
    if a.output.json {
        println!("{document}");
    } else if !a.output.quiet {
        println!("{}", batch_summary(&report, a.report.as_deref()));
    }
    Ok(report_code(&report))
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
                println!("{}", validation_document(&summary, &lines));
            } else {
                print!("{}", validation_summary(&summary, &lines));
            }
            Ok(OK)
        }
        Err(e) if e.kind() == ErrorKind::Validation && !a.json => {
            for line in problem_lines(&e, source.as_ref()) {
                println!("{line}");
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

fn head(inputs: &Inputs) -> SendRequest {
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

/// Keeps the items at `chosen` positions (sorted), or all of them.
fn select(items: crate::input::Items, chosen: Option<Vec<usize>>) -> crate::input::Items {
    match chosen {
        None => items,
        Some(chosen) => {
            let mut next = chosen.into_iter().peekable();
            Box::new(
                items
                    .enumerate()
                    .filter(move |(i, _)| {
                        if next.peek() == Some(i) {
                            next.next();
                            true
                        } else {
                            false
                        }
                    })
                    .map(|(_, item)| item),
            )
        }
    }
}

/// Which file positions an earlier report says to send again.
fn resend_selection(
    path: &Path,
    include_unknown: bool,
    head: &SendRequest,
    source: &Source,
    count: usize,
) -> Result<Vec<usize>, Failure> {
    let shown = path.display();
    let text = std::fs::read_to_string(path)
        .map_err(|e| Failure::usage(format!("cannot read the report {shown}: {e}")))?;
    let report: Value = serde_json::from_str(&text)
        .map_err(|e| Failure::usage(format!("{shown} is not a report: {e}")))?;
    let recorded = &report["source"];
    if recorded["message"].as_str() != Some(head.message()) {
        return Err(Failure::usage(format!(
            "{shown} was made for design {}, not {}",
            recorded["message"],
            head.message()
        )));
    }
    if recorded["count"].as_u64() != Some(count as u64) {
        return Err(Failure::usage(format!(
            "{} holds {count} recipients but {shown} was made for {}: the file changed, \
             so its positions cannot be trusted",
            source.name(),
            recorded["count"]
        )));
    }
    let list = |name: &str| -> Result<Vec<usize>, Failure> {
        report[name]
            .as_array()
            .ok_or_else(|| Failure::usage(format!("{shown} has no {name} list")))?
            .iter()
            .map(|v| {
                v.as_u64()
                    .map(|i| i as usize)
                    .filter(|&i| i < count)
                    .ok_or_else(|| Failure::usage(format!("{shown}: bad position {v} in {name}")))
            })
            .collect()
    };
    let mut chosen: BTreeSet<usize> = list("not_sent")?.into_iter().collect();
    if include_unknown {
        chosen.extend(list("unknown")?);
    }
    Ok(chosen.into_iter().collect())
}

/// Maps a re-send's positions (among the chosen) back to file positions.
fn to_file_positions(report: &mut BatchReport, chosen: &[usize]) {
    for list in [
        &mut report.not_sent,
        &mut report.unknown,
        &mut report.dropped,
    ] {
        for i in list.iter_mut() {
            *i = chosen[*i];
        }
    }
}

/// The contract's batch document, with what it was made from (for --resend-from).
fn report_document(
    report: &BatchReport,
    head: &SendRequest,
    source: &Source,
    count: usize,
) -> String {
    let mut doc: Map<String, Value> = serde_json::from_str(&report.to_json()).unwrap_or_default();
    doc.insert(
        "source".to_owned(),
        json!({"rcpts": source.name(), "message": head.message(), "count": count}),
    );
    Value::Object(doc).to_string()
}

/// Writes a report whole or not at all (a temporary file renamed into place).
fn write_report(path: &Path, document: &str) -> Result<(), Failure> {
    let tmp = path.with_extension("tmp-splio");
    std::fs::File::create(&tmp)
        .and_then(|mut f| {
            f.write_all(document.as_bytes())?;
            f.write_all(b"\n")?;
            f.sync_all()
        })
        .and_then(|()| std::fs::rename(&tmp, path))
        .map_err(|e| Failure {
            code: crate::INTERNAL,
            message: format!("cannot write the report {}: {e}", path.display()),
        })
}

pub fn fail(e: &Error, source: Option<&Source>, as_json: bool) -> Result<u8, Failure> {
    if as_json {
        println!("{}", e.to_json());
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

fn progress_bar(hidden: bool) -> ProgressBar {
    if hidden || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(0);
    if let Ok(style) = ProgressStyle::with_template("{bar:30} {pos}/{len} sent, ~{eta} left {msg}")
    {
        bar.set_style(style);
    }
    bar
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

fn batch_summary(report: &BatchReport, report_path: Option<&Path>) -> String {
    let mut s = format!(
        "{}: {} SMS queued in {} request(s); not sent: {}; unknown: {}",
        report.status.as_str(),
        report.totals.inserted,
        report.batches.len(),
        report.not_sent.len(),
        report.unknown.len()
    );
    if !report.dropped.is_empty() {
        s.push_str(&format!("; repeats left out: {}", report.dropped.len()));
    }
    if report.interrupted {
        s.push_str(" (interrupted)");
    }
    match report_path {
        Some(p) if !report.not_sent.is_empty() => s.push_str(&format!(
            "\nre-send the ones not sent with: --resend-from {}",
            p.display()
        )),
        None if !report.not_sent.is_empty() || !report.unknown.is_empty() => {
            s.push_str("\nuse --report FILE to keep every recipient's fate")
        }
        _ => {}
    }
    for (n, piece) in report.batches.iter().enumerate() {
        if let Err(e) = &piece.outcome {
            s.push_str(&format!(
                "\n  request {} ({} recipients): {}",
                n + 1,
                piece.count,
                describe(e)
            ));
        }
    }
    s
}
