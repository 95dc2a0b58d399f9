//! What the command prints: lines that never fail the command (a closed
//! stdout or stderr must not turn a send that happened into a crash, which a
//! wrapper would retry), failures grouped, and hints that are commands a user
//! can paste as they are.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use splio_sms::BatchReport;

use crate::describe;

/// A line on stdout; a closed stdout is ignored.
pub fn out(text: impl std::fmt::Display) {
    let _ = writeln!(std::io::stdout().lock(), "{text}");
}

/// A line on stderr, after the command's name; a closed stderr is ignored.
pub fn err(text: impl std::fmt::Display) {
    let _ = writeln!(std::io::stderr().lock(), "splio-sms: {text}");
}

/// One line per distinct failure, with how many pieces and recipients had it
/// ("13 batches (13000 recipients): insufficient_credit: … (not_sent)"), in
/// the order first seen.
pub fn failures(report: &BatchReport) -> Vec<String> {
    let mut seen: BTreeMap<String, (usize, usize, usize)> = BTreeMap::new();
    for (n, piece) in report.batches.iter().enumerate() {
        if let Err(e) = &piece.outcome {
            let entry = seen.entry(describe(e)).or_insert((n, 0, 0));
            entry.1 += 1;
            entry.2 += piece.count;
        }
    }
    let mut lines: Vec<(usize, String)> = seen
        .into_iter()
        .map(|(what, (first, pieces, recipients))| {
            let batches = if pieces == 1 { "batch" } else { "batches" };
            let people = if recipients == 1 {
                "recipient"
            } else {
                "recipients"
            };
            (
                first,
                format!("{pieces} {batches} ({recipients} {people}): {what}"),
            )
        })
        .collect();
    lines.sort();
    lines.into_iter().map(|(_, line)| line).collect()
}

/// `s` as one shell word: as it is when it is plain, else in single quotes.
pub fn shell(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-./:=@%+,".contains(c));
    if plain {
        s.to_owned()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

pub fn shell_path(p: &Path) -> String {
    shell(&p.display().to_string())
}

/// A command line: `splio-sms` and its words, each quoted for the shell.
pub fn command(words: &[String]) -> String {
    let mut line = String::from("splio-sms");
    for w in words {
        line.push(' ');
        line.push_str(&shell(w));
    }
    line
}
