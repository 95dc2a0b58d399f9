//! Sending a recipients file as a campaign: its journal (kept by default
//! beside the file), refusing to send the same file twice by mistake,
//! `resume`, `--resend-from` made safe to repeat, the report written whole
//! and never over the input, and what is printed after.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use clap::{Parser, ValueEnum};
use serde_json::{json, Map, Value};
use splio_sms::{BatchControl, BatchReport, Client, Journal, JournalState, SendRequest};

use crate::args::{Cli, Command, Inputs, Output, ResumeArgs, SendArgs};
use crate::input::{Items, Reading, Source};
use crate::output::{command, err, out, shell_path};
use crate::report::{self, ReportFile};
use crate::{report_code, Failure, OK};

/// One run over a recipients file: a first send, a re-send, or a resume.
pub struct FileSend<'a> {
    pub client: Client,
    pub head: SendRequest,
    pub inputs: &'a Inputs,
    /// Settings flags given on the command line, for the hints.
    pub flags: Vec<String>,
    pub source: Source,
    pub report: Option<ReportFile>,
    pub journal: Option<PathBuf>,
    pub include_unknown: bool,
    /// With --resend-from: the file positions to send.
    pub only: Option<Vec<usize>>,
    pub output: &'a Output,
}

/// `send --rcpts FILE`.
pub fn send(a: &SendArgs, client: Client, head: SendRequest) -> Result<u8, Failure> {
    let path = a.inputs.rcpts.as_deref().unwrap_or(Path::new("-"));
    let source = Source::new(path, Reading::of(&a.inputs))?;
    // Checked against the design's text before anything else is made or sent.
    let guards = crate::preview::guards(&a.inputs.guard)?;
    let rules = client.settings().validation();
    if let Err(e) = guards.check_request_stream(&head, &|| source.open(), rules) {
        return crate::send::fail(&e, Some(&source), a.output.json);
    }
    let resend = match &a.resend_from {
        Some(r) => Some(report::resend_selection(
            r,
            a.include_unknown,
            &head,
            &source,
            source.count().map_err(Failure::usage)?,
        )?),
        None => None,
    };
    let journal = if a.no_journal {
        None
    } else if let Some(resend) = &resend {
        // The campaign's own journal, so that a recipient a later run sent
        // is never sent again; else one for re-sends from this report.
        a.journal
            .clone()
            .or_else(|| resend.journal.clone().filter(|j| j.exists()))
            .or_else(|| {
                a.resend_from
                    .as_ref()
                    .map(|r| suffixed(r, ".resend.journal"))
            })
    } else {
        match a
            .journal
            .clone()
            .or_else(|| default_journal(path, head.message()))
        {
            Some(j) => {
                refuse_a_second_send(&j, a, &source)?;
                can_create(&j)?;
                Some(j)
            }
            None => None,
        }
    };
    let report = a
        .report
        .as_deref()
        .map(|r| ReportFile::check(r, &[Some(path), journal.as_deref()]))
        .transpose()?;
    let only = resend.map(|r| r.positions);
    if only.as_ref().is_some_and(Vec::is_empty) {
        if !a.output.quiet {
            out("nothing to re-send: the report lists no recipient as not sent");
        }
        return Ok(OK);
    }
    FileSend {
        client,
        head,
        inputs: &a.inputs,
        flags: a.settings.flags(),
        source,
        report,
        journal,
        include_unknown: a.include_unknown,
        only,
        output: &a.output,
    }
    .run()
}

/// `resume JOURNAL`: the same file, design and reading, from what the journal kept.
pub fn resume(a: ResumeArgs) -> Result<u8, Failure> {
    let state = Journal::read(&a.journal)
        .map_err(|e| Failure::usage(e.message()))?
        .ok_or_else(|| {
            Failure::usage(format!(
                "the journal {} records nothing: the send it was made for stopped before \
                 sending anything (or never ran); run that send again",
                a.journal.display()
            ))
        })?;
    let note: Value = state
        .note
        .as_deref()
        .and_then(|n| serde_json::from_str(n).ok())
        .unwrap_or_default();
    let mut words: Vec<String> = note["send"]
        .as_array()
        .map(|w| {
            w.iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_else(|| head_words(&state));
    if let Some(rcpts) = &a.rcpts {
        words.push(format!("--rcpts={}", rcpts.display()));
    } else if !words.iter().any(|w| w.starts_with("--rcpts")) {
        return Err(Failure::usage(format!(
            "the journal {} does not say which file it sent: give --rcpts FILE",
            a.journal.display()
        )));
    }
    let inputs = match Cli::try_parse_from(
        ["splio-sms".to_owned(), "send".to_owned()]
            .into_iter()
            .chain(words),
    ) {
        Ok(Cli {
            command: Command::Send(s),
            ..
        }) => s.inputs,
        _ => {
            return Err(Failure::usage(format!(
                "the journal {} keeps a send this version cannot read",
                a.journal.display()
            )))
        }
    };
    let rules = note["validation"].as_object().cloned().unwrap_or_default();
    let client = a.settings.client_over(&rules)?;
    let head = crate::send::head(&inputs);
    let path = inputs.rcpts.clone().unwrap_or_default();
    let source = Source::new(&path, Reading::of(&inputs))?;
    let report_path = a
        .report
        .clone()
        .or_else(|| note["report"].as_str().map(PathBuf::from));
    let report = report_path
        .as_deref()
        .map(|r| ReportFile::check(r, &[Some(&path), Some(&a.journal)]))
        .transpose()?;
    FileSend {
        client,
        head,
        inputs: &inputs,
        flags: a.settings.flags(),
        source,
        report,
        journal: Some(a.journal.clone()),
        include_unknown: a.include_unknown,
        only: None,
        output: &a.output,
    }
    .run()
}

impl FileSend<'_> {
    fn run(self) -> Result<u8, Failure> {
        // With -v the log lines tell the progress; a bar would garble them.
        let verbose = log::log_enabled!(target: "splio_sms", log::Level::Info);
        let bar = report::progress_bar(self.output.quiet || self.output.json || verbose);
        let mut control = BatchControl::new().on_progress({
            let bar = bar.clone();
            move |p| {
                bar.set_length(p.total as u64);
                bar.set_position(p.done as u64);
                if p.failed > 0 {
                    bar.set_message(format!("{} not accepted", p.failed));
                }
            }
        });
        if let Some(j) = &self.journal {
            let mut journal = Journal::new(j)
                .note(self.note().to_string())
                .include_unknown(self.include_unknown);
            if let Some(only) = &self.only {
                journal = journal.only(only.iter().copied());
            }
            control = control.journal(journal);
        }
        let control = Arc::new(control);
        let on_signal = control.clone();
        let _ = ctrlc::set_handler(move || {
            if on_signal.is_cancelled() {
                err("still waiting for the requests in flight (they end within timeout_ms)");
            } else {
                err("interrupted: no new batch starts; waiting for those in flight");
                on_signal.cancel();
            }
        });

        // Without a journal, a re-send reads only the chosen rows; with one,
        // the journal chooses among all rows, by their file positions.
        let chosen = self.only.clone().filter(|_| self.journal.is_none());
        // The report counts the file's records: the first reading to end
        // (the validating pass) counts them on the way, instead of a reading
        // of its own (41 ms of a 100,000-row file's 1.4 s send).
        let count = Arc::new(OnceLock::new());
        let reading = || {
            let items = Counted::new(self.source.open()?, &count);
            Ok::<_, String>(report::select(Box::new(items), chosen.clone()))
        };
        let outcome = self.client.send_stream(&self.head, &reading, &control);
        bar.finish_and_clear();
        let mut result = match outcome {
            Ok(r) => r,
            Err(e) => return crate::send::fail(&e, Some(&self.source), self.output.json),
        };
        if let Some(chosen) = &chosen {
            report::to_file_positions(&mut result, chosen);
        }
        let count = match count.get() {
            Some(&count) => count,
            None => self.source.count().map_err(Failure::usage)?,
        };
        let document = report::document(
            &result,
            &self.head,
            &self.source,
            count,
            self.journal.as_deref(),
        );
        let mut code = report_code(&result);
        if let Some(file) = &self.report {
            if let Err(why) = file.write(&document) {
                err(why);
                code = crate::UNREPORTED;
            }
        }
        if self.output.json {
            out(&document);
        } else if !self.output.quiet {
            out(report::batch_summary(&result));
        }
        for line in crate::output::failures(&result) {
            err(line);
        }
        for hint in self.hints(&result) {
            err(hint);
        }
        Ok(code)
    }

    /// What `resume` needs to read the same file the same way, kept in the journal.
    fn note(&self) -> Value {
        let absolute = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_owned());
        let mut words = read_words(self.inputs);
        // Standard input cannot be read again: `resume` then asks for --rcpts.
        if let Some(r) = self.inputs.rcpts.as_ref().filter(|r| r.as_os_str() != "-") {
            words.push(format!("--rcpts={}", absolute(r).display()));
        }
        let v = self.client.settings().validation();
        let mut validation = Map::new();
        validation.insert(
            "duplicates".into(),
            json!(format!("{:?}", v.duplicates).to_lowercase()),
        );
        validation.insert(
            "number_check".into(),
            json!(format!("{:?}", v.number_check).to_lowercase()),
        );
        if let Some(country) = v.default_country {
            validation.insert("default_country".into(), json!(country));
        }
        json!({
            "send": words,
            "report": self.report.as_ref().map(|r| absolute(r.path()).display().to_string()),
            "validation": validation,
        })
    }

    /// Commands to paste: how to send what is left, and where the fates are.
    fn hints(&self, r: &BatchReport) -> Vec<String> {
        let mut hints = Vec::new();
        let left = !r.not_sent.is_empty();
        match (&self.journal, &self.report) {
            (Some(j), _) => {
                let mut resume = vec!["resume".to_owned(), j.display().to_string()];
                resume.extend(self.flags.iter().cloned());
                if left {
                    hints.push(format!(
                        "{} not sent; send them with: {}",
                        r.not_sent.len(),
                        command(&resume)
                    ));
                }
                if !r.unknown.is_empty() {
                    resume.push("--include-unknown".to_owned());
                    hints.push(format!(
                        "{} may or may not have got the SMS (unknown); to send them again anyway \
                         (some may get two): {}",
                        r.unknown.len(),
                        command(&resume)
                    ));
                }
            }
            (None, Some(report)) if left || !r.unknown.is_empty() => {
                let mut resend = vec!["send".to_owned()];
                resend.extend(read_words(self.inputs));
                if let Some(rcpts) = &self.inputs.rcpts {
                    resend.push(format!("--rcpts={}", rcpts.display()));
                }
                resend.extend(self.flags.iter().cloned());
                resend.push("--no-journal".to_owned());
                resend.push(format!("--resend-from={}", report.path().display()));
                if left {
                    hints.push(format!(
                        "{} not sent; send them with: {}",
                        r.not_sent.len(),
                        command(&resend)
                    ));
                }
            }
            (None, None) if left || !r.unknown.is_empty() => hints.push(
                "keep --report FILE (or the journal: leave out --no-journal) to know each \
                 recipient's fate next time"
                    .to_owned(),
            ),
            _ => {}
        }
        hints
    }
}

/// The words that read the file the same way: design, opcode, category and reading flags.
fn read_words(i: &Inputs) -> Vec<String> {
    let name = |v: Option<clap::builder::PossibleValue>| {
        v.map(|v| v.get_name().to_owned()).unwrap_or_default()
    };
    let mut w = vec![format!("--message={}", i.message)];
    if let Some(o) = &i.opcode {
        w.push(format!("--opcode={o}"));
    }
    if let Some(c) = &i.category {
        w.push(format!("--category={c}"));
    }
    if let Some(f) = i.format {
        w.push(format!("--format={}", name(f.to_possible_value())));
    }
    if let Some(e) = i.encoding {
        w.push(format!("--encoding={}", name(e.to_possible_value())));
    }
    if let Some(d) = i.delimiter {
        let d = match d {
            b'\t' => "tab",
            b';' => ";",
            _ => ",",
        };
        w.push(format!("--delimiter={d}"));
    }
    if i.allow_multiline {
        w.push("--allow-multiline".to_owned());
    }
    w
}

/// For a journal the command did not write: its design, opcode and category.
fn head_words(state: &JournalState) -> Vec<String> {
    let mut w = vec![format!("--message={}", state.design)];
    if let Some(o) = &state.opcode {
        w.push(format!("--opcode={o}"));
    }
    if let Some(c) = &state.category {
        w.push(format!("--category={c}"));
    }
    w
}

/// `FILE.DESIGN.journal` beside the file; none for standard input.
fn default_journal(rcpts: &Path, design: &str) -> Option<PathBuf> {
    if rcpts == Path::new("-") {
        return None;
    }
    let design: String = design.chars().filter(char::is_ascii_alphanumeric).collect();
    Some(suffixed(rcpts, &format!(".{design}.journal")))
}

fn suffixed(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// Says before anything is read or sent when the journal cannot be made
/// there (a read-only directory beside the file, say).
fn can_create(journal: &Path) -> Result<(), Failure> {
    if journal.exists() {
        return Ok(());
    }
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(journal)
        .and_then(|_| std::fs::remove_file(journal))
        .map_err(|e| {
            Failure::usage(format!(
                "cannot create the journal {}: {e}; keep it elsewhere with --journal PATH, \
                 or send without one with --no-journal (nothing was sent)",
                shell_path(journal)
            ))
        })
}

/// A send whose journal exists was started before: refused, with the
/// command that finishes it, or (finished) unless `--again`.
fn refuse_a_second_send(journal: &Path, a: &SendArgs, source: &Source) -> Result<(), Failure> {
    let Some(state) = Journal::read(journal).map_err(|e| Failure::usage(e.message()))? else {
        return Ok(());
    };
    let file = source.name();
    let shown = shell_path(journal);
    let counts = format!(
        "{} sent, {} not sent, {} unknown of {}",
        state.sent, state.not_sent, state.unknown, state.recipients
    );
    match &state.finished_at {
        None => {
            let mut resume = vec!["resume".to_owned(), journal.display().to_string()];
            resume.extend(a.settings.flags());
            Err(Failure::usage(format!(
                "{file} was already being sent with design {} (started {}, journal {shown}) and \
                 that send did not finish: {counts}; nothing was sent now.\n\
                 Finish it (only those not sent yet are sent) with: {}",
                state.design,
                state.started_at,
                command(&resume)
            )))
        }
        Some(finished) if a.again => {
            let aside = suffixed(journal, &format!(".sent-{}", finished.replace(':', "-")));
            std::fs::rename(journal, &aside).map_err(|e| {
                Failure::usage(format!("cannot set the journal {shown} aside: {e}"))
            })?;
            err(format!(
                "sending {file} again (--again); the earlier send's journal is now {}",
                shell_path(&aside)
            ));
            Ok(())
        }
        Some(finished) => {
            let mut again: Vec<String> = std::env::args().skip(1).collect();
            again.push("--again".to_owned());
            Err(Failure::usage(format!(
                "{file} was already sent with design {} on {finished} ({counts}; journal {shown}); \
                 nothing was sent now.\nTo send it once more, on purpose: {}",
                state.design,
                command(&again)
            )))
        }
    }
}

/// A reading of the file that, when it reaches the end, records how many
/// records it read (the first reading to end does; they all read the same file).
struct Counted {
    items: Items,
    read: usize,
    count: Arc<OnceLock<usize>>,
}

impl Counted {
    fn new(items: Items, count: &Arc<OnceLock<usize>>) -> Self {
        Counted {
            items,
            read: 0,
            count: count.clone(),
        }
    }
}

impl Iterator for Counted {
    type Item = <Items as Iterator>::Item;

    fn next(&mut self) -> Option<Self::Item> {
        let item = self.items.next();
        match item {
            Some(_) => self.read += 1,
            None => {
                let _ = self.count.set(self.read);
            }
        }
        item
    }
}
