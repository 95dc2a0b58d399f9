//! The report file: checked before any SMS leaves (writable, not the input,
//! not the journal), written whole or not at all; and reading one back for
//! `--resend-from`, refusing when the file it was made for changed.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};

use indicatif::{ProgressBar, ProgressStyle};
use serde_json::{json, Map, Value};
use splio_sms::{BatchReport, SendRequest};

use crate::input::{Items, Source};
use crate::Failure;

/// A report path that was checked before sending.
pub struct ReportFile(PathBuf);

impl ReportFile {
    /// Refuses a path that is one of `others` (the input, the journal) or
    /// that cannot be written, before anything is sent.
    pub fn check(path: &Path, others: &[Option<&Path>]) -> Result<ReportFile, Failure> {
        let shown = path.display();
        for other in others.iter().flatten() {
            if same_file(path, other) {
                return Err(Failure::usage(format!(
                    "--report {shown} is also {}: writing the report would destroy it; \
                     give another path (nothing was sent)",
                    other.display()
                )));
            }
        }
        if path.is_dir() {
            return Err(Failure::usage(format!(
                "--report {shown} is a directory; give a file path (nothing was sent)"
            )));
        }
        let tmp = temporary(path);
        std::fs::File::create(&tmp)
            .and_then(|_| std::fs::remove_file(&tmp))
            .map_err(|e| {
                Failure::usage(format!(
                    "cannot write the report {shown}: {e} (nothing was sent)"
                ))
            })?;
        Ok(ReportFile(path.to_owned()))
    }

    pub fn path(&self) -> &Path {
        &self.0
    }

    /// Writes the report whole or not at all (a temporary file renamed into place).
    pub fn write(&self, document: &str) -> Result<(), String> {
        let tmp = temporary(&self.0);
        let written = std::fs::File::create(&tmp)
            .and_then(|mut f| {
                f.write_all(document.as_bytes())?;
                f.write_all(b"\n")?;
                f.sync_all()
            })
            .and_then(|()| std::fs::rename(&tmp, &self.0));
        written.map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            format!(
                "cannot write the report {}: {e}; the summary below and the journal (if kept) \
                 say what happened",
                self.0.display()
            )
        })
    }
}

fn temporary(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(format!(".tmp-splio-{}", std::process::id()));
    PathBuf::from(name)
}

fn same_file(a: &Path, b: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if let (Ok(x), Ok(y)) = (std::fs::metadata(a), std::fs::metadata(b)) {
            return x.dev() == y.dev() && x.ino() == y.ino();
        }
    }
    match (std::path::absolute(a), std::path::absolute(b)) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}

/// What `--resend-from` takes from a report.
pub struct Resend {
    /// File positions to send again, sorted.
    pub positions: Vec<usize>,
    /// The journal of the send the report is from, if it kept one.
    pub journal: Option<PathBuf>,
}

/// Which file positions an earlier report says to send again.
pub fn resend_selection(
    path: &Path,
    include_unknown: bool,
    head: &SendRequest,
    source: &Source,
    count: usize,
) -> Result<Resend, Failure> {
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
    if let Some(digest) = recorded["sha256"].as_str() {
        if source.digest().as_deref() != Some(digest) {
            return Err(Failure::usage(format!(
                "{} is not the file {shown} was made for (its content differs: re-sorted or \
                 edited?): the file changed, so its positions cannot be trusted; nothing was sent",
                source.name()
            )));
        }
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
    Ok(Resend {
        positions: chosen.into_iter().collect(),
        journal: recorded["journal"].as_str().map(PathBuf::from),
    })
}

/// Keeps the items at `chosen` positions (sorted), or all of them.
pub fn select(items: Items, chosen: Option<Vec<usize>>) -> Items {
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

/// Maps a re-send's positions (among the chosen) back to file positions.
pub fn to_file_positions(report: &mut BatchReport, chosen: &[usize]) {
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
pub fn document(
    report: &BatchReport,
    head: &SendRequest,
    source: &Source,
    count: usize,
    journal: Option<&Path>,
) -> String {
    let mut doc: Map<String, Value> = serde_json::from_str(&report.to_json()).unwrap_or_default();
    let absolute = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_owned());
    doc.insert(
        "source".to_owned(),
        json!({
            "rcpts": source.name(),
            "message": head.message(),
            "count": count,
            "sha256": source.digest(),
            "journal": journal.map(|j| absolute(j).display().to_string()),
        }),
    );
    Value::Object(doc).to_string()
}

pub fn progress_bar(hidden: bool) -> ProgressBar {
    use std::io::IsTerminal;
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

/// The one-line summary on stdout.
pub fn batch_summary(report: &BatchReport) -> String {
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
    if report.already_sent > 0 {
        s.push_str(&format!(
            "; sent by an earlier run: {}",
            report.already_sent
        ));
    }
    if report.interrupted {
        s.push_str(" (interrupted)");
    }
    s
}
