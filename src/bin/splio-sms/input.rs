//! Recipients files — CSV with a header row, a JSON array, or JSON lines —
//! read as streams that can be opened again (validated first, then sent).
//! Standard input is copied to a temporary file so that it too can be read twice.

use std::collections::{BTreeSet, HashMap};
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::mpsc;

use serde::de::{Deserializer, SeqAccess, Visitor};
use splio_sms::Recipient;

use crate::args::Format;
use crate::Failure;

pub type Item = Result<Recipient, String>;
pub type Items = Box<dyn Iterator<Item = Item> + Send>;

/// A recipients file and how to read it.
pub struct Source {
    path: PathBuf,
    /// What to call it in messages (`-` for standard input).
    name: String,
    format: Format,
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
    /// `path` (`-`: standard input) in `format`, or the format its name or first byte says.
    pub fn new(path: &Path, format: Option<Format>) -> Result<Source, Failure> {
        let (path, name, temporary) = if path == Path::new("-") {
            (spool_stdin()?, "standard input".to_owned(), true)
        } else {
            (path.to_owned(), path.display().to_string(), false)
        };
        let mut source = Source {
            path,
            name,
            format: Format::Csv,
            temporary,
        };
        source.format = match format {
            Some(f) => f,
            None => source.guess_format()?,
        };
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
        let n = File::open(&self.path)
            .and_then(|mut f| f.read(&mut head))
            .map_err(|e| Failure::usage(format!("cannot read {}: {e}", self.name)))?;
        Ok(match head[..n].iter().find(|b| !b.is_ascii_whitespace()) {
            Some(b'[') => Format::Json,
            Some(b'{') => Format::Jsonl,
            _ => Format::Csv,
        })
    }

    /// A new reading from the first recipient.
    pub fn open(&self) -> Result<Items, String> {
        let file = File::open(&self.path).map_err(|e| format!("cannot read {}: {e}", self.name))?;
        match self.format {
            Format::Csv => csv_items(file, &self.name),
            Format::Jsonl => Ok(Box::new(jsonl_lines(file).map(|line| match line {
                Ok((_, text)) => Recipient::from_json(&text),
                Err(why) => Err(why),
            }))),
            Format::Json => json_items(file, &self.name),
        }
    }

    /// The file line of each of `indexes` (CSV and JSON lines; none for a JSON array).
    pub fn lines(&self, indexes: &BTreeSet<usize>) -> HashMap<usize, u64> {
        let mut lines = HashMap::new();
        let Some(&last) = indexes.iter().next_back() else {
            return lines;
        };
        let Ok(file) = File::open(&self.path) else {
            return lines;
        };
        match self.format {
            Format::Csv => {
                let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(file);
                let mut record = csv::ByteRecord::new();
                let mut i = 0;
                while i <= last && reader.read_byte_record(&mut record).unwrap_or(false) {
                    if indexes.contains(&i) {
                        if let Some(p) = record.position() {
                            lines.insert(i, p.line());
                        }
                    }
                    i += 1;
                }
            }
            Format::Jsonl => {
                for (i, line) in jsonl_lines(file).enumerate().take(last + 1) {
                    if let (true, Ok((n, _))) = (indexes.contains(&i), line) {
                        lines.insert(i, n);
                    }
                }
            }
            Format::Json => {}
        }
        lines
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

/// CSV: a header row naming a `cellphone` column, then a recipient per row.
/// Empty cells are left out, as a JSON `null` would be.
fn csv_items(file: File, name: &str) -> Result<Items, String> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(file);
    let headers = reader
        .byte_headers()
        .map_err(|e| format!("{name}: cannot read the header row: {e}"))?
        .clone();
    if headers.is_empty() || (headers.len() == 1 && headers[0].is_empty()) {
        return Err(format!(
            "{name} is empty: expected a header row such as cellphone,firstname,c0"
        ));
    }
    let mut names = Vec::with_capacity(headers.len());
    for (col, h) in headers.iter().enumerate() {
        let h = std::str::from_utf8(h)
            .map_err(|_| format!("{name}: the header row is not valid UTF-8"))?
            .trim()
            .trim_start_matches('\u{feff}');
        if h.is_empty() {
            return Err(format!(
                "{name}: column {} of the header row has no name",
                col + 1
            ));
        }
        if names.contains(&h.to_owned()) {
            return Err(format!("{name}: the header row names {h} twice"));
        }
        names.push(h.to_owned());
    }
    let Some(phone) = names.iter().position(|n| n == "cellphone") else {
        return Err(format!(
            "{name}: the header row has no cellphone column (it has: {})",
            names.join(", ")
        ));
    };
    Ok(Box::new(reader.into_byte_records().map(move |record| {
        let record = record.map_err(|e| match e.kind() {
            csv::ErrorKind::UnequalLengths {
                len, expected_len, ..
            } => {
                format!("has {len} cells where the header row has {expected_len}")
            }
            _ => format!("cannot be read: {e}"),
        })?;
        let cell =
            |i: usize| std::str::from_utf8(&record[i]).map_err(|_| "is not valid UTF-8".to_owned());
        let mut r = Recipient::new(cell(phone)?);
        for (i, field) in names.iter().enumerate() {
            if i != phone && !record[i].is_empty() {
                r = r.field(field.as_str(), cell(i)?);
            }
        }
        Ok(r)
    })))
}

/// JSON lines: the non-blank lines, with their line numbers (from 1).
fn jsonl_lines(file: File) -> impl Iterator<Item = Result<(u64, String), String>> + Send {
    let mut reader = BufReader::new(file);
    let mut number = 0u64;
    std::iter::from_fn(move || loop {
        let mut buf = Vec::new();
        match reader.read_until(b'\n', &mut buf) {
            Ok(0) => return None,
            Ok(_) => {
                number += 1;
                if buf.iter().all(u8::is_ascii_whitespace) {
                    continue;
                }
                return Some(
                    String::from_utf8(buf)
                        .map(|text| (number, text))
                        .map_err(|_| "is not valid UTF-8".to_owned()),
                );
            }
            Err(e) => return Some(Err(format!("cannot be read: {e}"))),
        }
    })
}

/// A JSON array, parsed on a thread of its own and handed over one
/// recipient at a time, so that the array is never held whole.
fn json_items(file: File, name: &str) -> Result<Items, String> {
    let mut reader = BufReader::new(file);
    let first = reader
        .fill_buf()
        .map_err(|e| format!("cannot read {name}: {e}"))?
        .iter()
        .find(|b| !b.is_ascii_whitespace())
        .copied();
    if first != Some(b'[') {
        return Err(format!(
            "{name} must hold one JSON array of recipient objects"
        ));
    }
    let (tx, rx) = mpsc::sync_channel::<Item>(256);
    std::thread::spawn(move || {
        let mut de = serde_json::Deserializer::from_reader(reader);
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
