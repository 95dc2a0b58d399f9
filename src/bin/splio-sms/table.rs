//! CSV read strictly, row by physical line, so that a problem names the line
//! an editor shows and a stray quote can never fold the rows after it into
//! one cell. A quoted field may run over line breaks only when asked.
//!
//! Quotes are read as RFC 4180 and spreadsheets write them: a field that
//! starts with `"` ends at the next lone `"`, `""` inside is one quote; a `"`
//! anywhere else is an ordinary character.

use crate::decode::{Lines, MAX_LINE};

/// Where `byte` first is in `bytes`: std's search, the one `str::find` uses
/// for a one-byte character, without its detour through `char`.
fn find_byte(byte: u8, bytes: &[u8]) -> Option<usize> {
    bytes.iter().position(|&b| b == byte)
}

const EMPTY: &str = "the file is empty: expected a header row such as cellphone,firstname,c0";

/// How to cut rows into cells.
#[derive(Clone, Copy)]
pub struct Layout {
    /// None: the one the header row uses.
    pub delimiter: Option<u8>,
    pub multiline: bool,
}

/// One row after the header: its first physical line and its cells (or why it has none).
pub struct Row {
    pub line: u64,
    pub cells: Result<Cells, String>,
}

/// A row's cells, unquoted, one after the other in one text: a row of
/// strings each in its own allocation was a fifth of reading a large file.
#[derive(Default)]
pub struct Cells {
    text: String,
    /// Where each cell ends in `text`.
    ends: Vec<usize>,
}

impl Cells {
    fn with_capacity(text: usize, cells: usize) -> Self {
        Cells {
            text: String::with_capacity(text),
            ends: Vec::with_capacity(cells),
        }
    }

    fn push(&mut self, cell: &str) {
        self.text.push_str(cell);
        self.end();
    }

    /// Ends the cell being written into `text`.
    fn end(&mut self) {
        self.ends.push(self.text.len());
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn iter(&self) -> impl Iterator<Item = &str> + '_ {
        let starts = std::iter::once(0).chain(self.ends.iter().copied());
        starts
            .zip(&self.ends)
            .map(|(start, &end)| &self.text[start..end])
    }
}

pub struct Table {
    lines: Lines,
    delimiter: u8,
    multiline: bool,
    /// The header's names, trimmed and lower-cased.
    pub names: Vec<String>,
    /// Set by an error after which the rest of the file cannot be read as rows.
    done: bool,
    buf: Vec<u8>,
}

impl Table {
    /// Reads the header row (the first line that is not blank) and checks it.
    pub fn new(mut lines: Lines, layout: Layout) -> Result<Table, String> {
        let mut buf = Vec::new();
        let (number, header) = loop {
            let number = match lines.next_into(&mut buf) {
                Ok(Some(n)) => n,
                Ok(None) => return Err(EMPTY.to_owned()),
                Err(e) => return Err(format!("line {}: {}", lines.number(), e.why())),
            };
            let Ok(text) = std::str::from_utf8(&buf) else {
                return Err(format!("line {number}: the header row {}", lines.invalid()));
            };
            if !text.trim().is_empty() {
                break (number, text.to_owned());
            }
        };
        let delimiter = match layout.delimiter {
            Some(d) => d,
            None => detect(&header).map_err(|e| format!("line {number}: {e}"))?,
        };
        let mut table = Table {
            lines,
            delimiter,
            multiline: false,
            names: Vec::new(),
            done: false,
            buf,
        };
        let cells = table
            .record(header)
            .map_err(|e| format!("line {number}: the header row: {e}"))?;
        let mut names: Vec<String> = Vec::with_capacity(cells.len());
        for (col, cell) in cells.iter().enumerate() {
            let name = cell.trim().to_lowercase();
            if name.is_empty() {
                return Err(format!(
                    "line {number}: column {} of the header row has no name",
                    col + 1
                ));
            }
            if names.contains(&name) {
                return Err(format!("line {number}: the header row names {name} twice"));
            }
            names.push(name);
        }
        if !names.iter().any(|n| n == "cellphone") {
            return Err(format!(
                "line {number}: the header row has no cellphone column (it has: {}){}",
                names.join(", "),
                other_delimiter(&names, delimiter)
            ));
        }
        table.names = names;
        table.multiline = layout.multiline;
        Ok(table)
    }

    /// The rows after the header, with the line each starts on.
    pub fn rows(self) -> impl Iterator<Item = Row> + Send {
        let mut table = self;
        std::iter::from_fn(move || table.next_row())
    }

    fn next_row(&mut self) -> Option<Row> {
        while !self.done {
            let line = match self.lines.next_into(&mut self.buf) {
                Ok(Some(n)) => n,
                Ok(None) => return None,
                Err(e) => return Some(self.fatal(e.why())),
            };
            let text = match std::str::from_utf8(&self.buf) {
                Ok(t) if t.trim().is_empty() => continue,
                Ok(t) => t.to_owned(),
                Err(_) => {
                    return Some(Row {
                        line,
                        cells: Err(self.lines.invalid()),
                    })
                }
            };
            let cells = self.record(text);
            if let Ok(cells) = &cells {
                // Spreadsheets write formatted empty rows as ",,,": no recipient there.
                if cells.text.is_empty() {
                    continue;
                }
                if cells.len() != self.names.len() {
                    return Some(Row {
                        line,
                        cells: Err(format!(
                            "has {} cells where the header row has {}",
                            cells.len(),
                            self.names.len()
                        )),
                    });
                }
            }
            return Some(Row { line, cells });
        }
        None
    }

    fn fatal(&mut self, why: String) -> Row {
        self.done = true;
        Row {
            line: self.lines.number(),
            cells: Err(why),
        }
    }

    /// Cuts one record, which starts with `line`, into cells; reads on only
    /// for a quoted field that runs over a line break, when that is allowed.
    fn record(&mut self, mut line: String) -> Result<Cells, String> {
        let d = self.delimiter;
        let mut cells = Cells::with_capacity(line.len(), self.names.len());
        let mut at = 0;
        loop {
            if !line[at..].starts_with('"') {
                // The delimiter is ASCII: a byte search finds it, never
                // inside a character.
                match find_byte(d, &line.as_bytes()[at..]) {
                    Some(end) => {
                        cells.push(&line[at..at + end]);
                        at += end + 1;
                        continue;
                    }
                    None => {
                        cells.push(&line[at..]);
                        return Ok(cells);
                    }
                }
            }
            let start = cells.text.len();
            at += 1;
            loop {
                match find_byte(b'"', &line.as_bytes()[at..]) {
                    Some(end) => {
                        cells.text.push_str(&line[at..at + end]);
                        at += end + 1;
                        if !line[at..].starts_with('"') {
                            break;
                        }
                        cells.text.push('"');
                        at += 1;
                    }
                    None if !self.multiline => {
                        // The header row never spans lines: no hint at the flag there.
                        let hint = if self.names.is_empty() {
                            ""
                        } else {
                            " (a field that really spans lines needs --allow-multiline)"
                        };
                        return Err(format!(
                            "a quoted field is not closed on its line — unbalanced quote?{hint}"
                        ));
                    }
                    None => {
                        cells.text.push_str(&line[at..]);
                        cells.text.push('\n');
                        line = self.continuation(cells.text.len() - start)?;
                        at = 0;
                    }
                }
            }
            cells.end();
            if at == line.len() {
                return Ok(cells);
            }
            if line.as_bytes()[at] != d {
                return Err(format!(
                    "has text after the closing quote of cell {} — a quote inside a quoted \
                     field is written twice (\"\")",
                    cells.len()
                ));
            }
            at += 1;
        }
    }

    /// The next line of a quoted field that runs over a line break.
    fn continuation(&mut self, held: usize) -> Result<String, String> {
        let unclosed = |why: &str| {
            format!("a quoted field starting on this line is not closed {why} — unbalanced quote?")
        };
        if held > MAX_LINE {
            self.done = true;
            return Err(unclosed("within 1 MiB"));
        }
        match self.lines.next_into(&mut self.buf) {
            Ok(Some(_)) => {}
            Ok(None) => {
                self.done = true;
                return Err(unclosed("by the end of the file"));
            }
            Err(e) => {
                self.done = true;
                return Err(e.why());
            }
        }
        match std::str::from_utf8(&self.buf) {
            Ok(text) => Ok(text.to_owned()),
            Err(_) => Err(format!(
                "line {} (in a quoted field) {}",
                self.lines.number(),
                self.lines.invalid()
            )),
        }
    }
}

/// The delimiter the header row uses most (outside quotes), among , ; and tab.
fn detect(header: &str) -> Result<u8, String> {
    let mut counts = [(b',', 0usize), (b';', 0), (b'\t', 0)];
    let mut quoted = false;
    for b in header.bytes() {
        if b == b'"' {
            quoted = !quoted;
        } else if !quoted {
            if let Some(c) = counts.iter_mut().find(|(d, _)| *d == b) {
                c.1 += 1;
            }
        }
    }
    counts.sort_by_key(|&(_, n)| std::cmp::Reverse(n));
    match counts {
        [(_, 0), ..] => Ok(b','),
        [(a, n), (b, m), _] if n == m => Err(format!(
            "cannot tell the delimiter: the header row has as many {} as {}; give --delimiter",
            shown(a),
            shown(b)
        )),
        [(d, _), ..] => Ok(d),
    }
}

fn shown(d: u8) -> &'static str {
    match d {
        b',' => "commas",
        b';' => "semicolons",
        _ => "tabs",
    }
}

/// A hint when the only column's name holds another delimiter.
fn other_delimiter(names: &[String], delimiter: u8) -> String {
    [b',', b';', b'\t']
        .into_iter()
        .filter(|&d| d != delimiter)
        .find(|&d| names.iter().any(|n| n.as_bytes().contains(&d)))
        .map(|d| format!(" — is the delimiter {}? (--delimiter)", shown(d)))
        .unwrap_or_default()
}
