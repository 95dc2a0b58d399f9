//! Recipients files — CSV with a header row, a JSON array, or JSON lines —
//! read as streams that can be opened again (validated first, then sent).
//! Standard input is copied to a temporary file so that it too can be read twice.
//! Every format is read through [`Text`] (byte-order mark, encoding), CSV
//! through [`Table`] (delimiter, quotes, physical lines).

use std::collections::{BTreeSet, HashMap};
use std::fs::File;
use std::io::{BufRead, Read};
use std::path::{Path, PathBuf};
use std::sync::mpsc;

use serde::de::{Deserializer, SeqAccess, Visitor};
use splio_sms::{Recipient, RecipientMaker};

use crate::args::{Format, RecipientArgs, TextEncoding};
use crate::decode::{Lines, Text};
use crate::table::{Layout, Table};
use crate::Failure;

pub type Item = Result<Recipient, String>;
pub type Items = Box<dyn Iterator<Item = Item> + Send>;

/// How the flags say to read a file.
#[derive(Clone, Copy)]
pub struct Reading {
    pub format: Option<Format>,
    pub encoding: TextEncoding,
    pub layout: Layout,
}

impl Reading {
    pub fn of(inputs: &RecipientArgs) -> Reading {
        Reading {
            format: inputs.format,
            encoding: inputs.encoding.unwrap_or(TextEncoding::Utf8),
            layout: Layout {
                delimiter: inputs.delimiter,
                multiline: inputs.allow_multiline,
            },
        }
    }
}

/// A recipients file and how to read it.
pub struct Source {
    path: PathBuf,
    /// What to call it in messages (`-` for standard input).
    name: String,
    format: Format,
    encoding: TextEncoding,
    layout: Layout,
    /// Removed when the source is dropped (the copy of standard input).
    temporary: bool,
}

impl Drop for Source {
    fn drop(&mut self) {
        if self.temporary {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

impl Source {
    /// `path` (`-`: standard input) read as `reading` says; the format, when
    /// not given, is the one its name or first character says.
    pub fn new(path: &Path, reading: Reading) -> Result<Source, Failure> {
        let (path, name, temporary) = if path == Path::new("-") {
            (spool_stdin()?, "standard input".to_owned(), true)
        } else {
            (path.to_owned(), path.display().to_string(), false)
        };
        let mut source = Source {
            path,
            name,
            format: Format::Csv,
            encoding: reading.encoding,
            layout: reading.layout,
            temporary,
        };
        source.format = match reading.format {
            Some(f) => f,
            None => source.guess_format()?,
        };
        if source.format != Format::Csv
            && (reading.layout.delimiter.is_some() || reading.layout.multiline)
        {
            return Err(Failure::usage(format!(
                "--delimiter and --allow-multiline are for CSV files, and {} is read as JSON",
                source.name
            )));
        }
        Ok(source)
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    fn guess_format(&self) -> Result<Format, Failure> {
        match self.path.extension().and_then(|e| e.to_str()) {
            Some(e) if e.eq_ignore_ascii_case("csv") => return Ok(Format::Csv),
            Some(e) if e.eq_ignore_ascii_case("json") => return Ok(Format::Json),
            Some(e) if e.eq_ignore_ascii_case("jsonl") || e.eq_ignore_ascii_case("ndjson") => {
                return Ok(Format::Jsonl)
            }
            _ => {}
        }
        // No telling name: a JSON array starts with '[', JSON lines with '{'.
        let mut head = [0u8; 512];
        let n = match self.text() {
            Ok(mut text) => text
                .read(&mut head)
                .map_err(|e| Failure::usage(self.unreadable(e)))?,
            Err(_) => 0, // opening it again will say why
        };
        Ok(match head[..n].iter().find(|b| !b.is_ascii_whitespace()) {
            Some(b'[') => Format::Json,
            Some(b'{') => Format::Jsonl,
            _ => Format::Csv,
        })
    }

    fn unreadable(&self, e: std::io::Error) -> String {
        format!("cannot read {}: {e}", self.name)
    }

    /// The file's text, from the start.
    fn text(&self) -> Result<Text, String> {
        let file = File::open(&self.path).map_err(|e| self.unreadable(e))?;
        Text::new(file, self.encoding).map_err(|e| format!("{}: {e}", self.name))
    }

    fn table(&self) -> Result<Table, String> {
        Table::new(Lines::new(self.text()?), self.layout).map_err(|e| format!("{}: {e}", self.name))
    }

    /// A new reading from the first recipient.
    pub fn open(&self) -> Result<Items, String> {
        match self.format {
            Format::Csv => Ok(csv_items(self.table()?)),
            Format::Jsonl => Ok(Box::new(
                jsonl_lines(Lines::new(self.text()?))
                    .map(|(_, line)| line.and_then(|text| Recipient::from_json(&text))),
            )),
            Format::Json => json_items(self.text()?, &self.name),
        }
    }

    /// The file line of each of `indexes` (CSV and JSON lines; none for a JSON array).
    pub fn lines(&self, indexes: &BTreeSet<usize>) -> HashMap<usize, u64> {
        let Some(&last) = indexes.iter().next_back() else {
            return HashMap::new();
        };
        let numbers: Box<dyn Iterator<Item = u64>> = match self.format {
            Format::Csv => match self.table() {
                Ok(table) => Box::new(table.rows().map(|row| row.line)),
                Err(_) => return HashMap::new(),
            },
            Format::Jsonl => match self.text() {
                Ok(text) => Box::new(jsonl_lines(Lines::new(text)).map(|(n, _)| n)),
                Err(_) => return HashMap::new(),
            },
            Format::Json => return HashMap::new(),
        };
        numbers
            .take(last + 1)
            .enumerate()
            .filter(|(i, _)| indexes.contains(i))
            .collect()
    }

    /// The SHA-256 of the file's bytes, in hex: tells a report's file from
    /// one re-sorted or edited since. `None` when it cannot be read.
    pub fn digest(&self) -> Option<String> {
        let mut file = File::open(&self.path).ok()?;
        let mut ctx = ring::digest::Context::new(&ring::digest::SHA256);
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            match file.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => ctx.update(&buf[..n]),
                Err(_) => return None,
            }
        }
        Some(
            ctx.finish()
                .as_ref()
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect(),
        )
    }

    /// How many recipients the file holds (records, whether readable or not).
    pub fn count(&self) -> Result<usize, String> {
        Ok(self.open()?.count())
    }
}

fn spool_stdin() -> Result<PathBuf, Failure> {
    let path = std::env::temp_dir().join(format!("splio-sms-stdin-{}", std::process::id()));
    let mut file = File::create(&path)
        .map_err(|e| Failure::usage(format!("cannot copy standard input: {e}")))?;
    std::io::copy(&mut std::io::stdin().lock(), &mut file)
        .map_err(|e| Failure::usage(format!("cannot read standard input: {e}")))?;
    Ok(path)
}

/// CSV: a recipient per row, its fields named by the header row.
/// Empty cells are left out, as a JSON `null` would be.
fn csv_items(table: Table) -> Items {
    let names = table.names.clone();
    let phone = names.iter().position(|n| n == "cellphone").unwrap_or(0);
    let mut maker = RecipientMaker::default();
    Box::new(table.rows().map(move |row| {
        let cells = row.cells?;
        let cellphone = cells.iter().nth(phone).unwrap_or_default();
        let fields = names
            .iter()
            .zip(cells.iter())
            .enumerate()
            .filter(|&(i, (_, value))| i != phone && !value.is_empty())
            .map(|(_, (name, value))| (name.as_str(), value));
        Ok(maker.make(cellphone, fields))
    }))
}

/// JSON lines: the lines that are not blank, with their numbers; a line
/// that cannot be had ends the reading.
fn jsonl_lines(mut lines: Lines) -> impl Iterator<Item = (u64, Result<String, String>)> + Send {
    let mut buf = Vec::new();
    let mut done = false;
    std::iter::from_fn(move || {
        while !done {
            let number = match lines.next_into(&mut buf) {
                Ok(Some(n)) => n,
                Ok(None) => return None,
                Err(e) => {
                    done = true;
                    return Some((lines.number(), Err(e.why())));
                }
            };
            if buf.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let text = String::from_utf8(std::mem::take(&mut buf)).map_err(|_| lines.invalid());
            return Some((number, text));
        }
        None
    })
}

/// A JSON array, parsed on a thread of its own and handed over one
/// recipient at a time, so that the array is never held whole.
fn json_items(mut text: Text, name: &str) -> Result<Items, String> {
    let first = loop {
        let buf = text
            .fill_buf()
            .map_err(|e| format!("cannot read {name}: {e}"))?;
        match buf.iter().find(|b| !b.is_ascii_whitespace()) {
            Some(&b) => break Some(b),
            None if buf.is_empty() => break None,
            None => {
                let n = buf.len();
                text.consume(n);
            }
        }
    };
    if first != Some(b'[') {
        return Err(format!(
            "{name} must hold one JSON array of recipient objects"
        ));
    }
    let (tx, rx) = mpsc::sync_channel::<Item>(256);
    std::thread::spawn(move || {
        let mut de = serde_json::Deserializer::from_reader(text);
        if let Err(e) = de.deserialize_seq(Feed(tx.clone())) {
            // A stopped reader is not an error; a broken file is the last item.
            let _ = tx.send(Err(format!("the JSON array breaks off: {e}")));
        }
    });
    Ok(Box::new(rx.into_iter()))
}

struct Feed(mpsc::SyncSender<Item>);

impl<'de> Visitor<'de> for Feed {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON array of recipients")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(value) = seq.next_element::<serde_json::Value>()? {
            if self.0.send(Recipient::from_value(value)).is_err() {
                return Ok(()); // the reading was dropped: stop quietly
            }
        }
        Ok(())
    }
}
