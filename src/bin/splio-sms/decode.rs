//! A recipients file as UTF-8 text, a few kilobytes at a time: its byte-order
//! mark dropped, its encoding turned into UTF-8 as it streams, and its
//! physical lines numbered the way an editor numbers them.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Chain, Cursor, Read};

use encoding_rs::{DecoderResult, Encoding, UTF_16BE, UTF_16LE, UTF_8, WINDOWS_1252};

use crate::args::TextEncoding;

/// Longer lines are refused rather than held: no recipient needs one, and a
/// file without line breaks must not be read into memory whole.
pub const MAX_LINE: usize = 1 << 20;

/// Stands for a sequence that is not valid in the file's encoding: 0xFF never
/// occurs in UTF-8, so the line holding it fails the UTF-8 check and is
/// refused with its number, like a bad byte in a UTF-8 file.
const INVALID: u8 = 0xFF;

type Raw = Chain<Cursor<Vec<u8>>, File>;

/// A file's text as UTF-8 bytes (only lines with a bad sequence are not UTF-8).
pub struct Text {
    inner: BufReader<Raw>,
    /// `None`: the file is UTF-8 and its bytes pass through as they are.
    decoder: Option<encoding_rs::Decoder>,
    out: Vec<u8>,
    taken: usize,
    done: bool,
    encoding: &'static Encoding,
}

impl Text {
    /// `file` read in `chosen`, unless it starts with a byte-order mark, which says
    /// the encoding (as browsers read text): a BOM cannot be mistaken.
    pub fn new(mut file: File, chosen: TextEncoding) -> Result<Text, String> {
        let mut head = Vec::with_capacity(3);
        (&mut file)
            .take(3)
            .read_to_end(&mut head)
            .map_err(|e| format!("cannot be read: {e}"))?;
        let (encoding, bom) =
            match Encoding::for_bom(&head) {
                Some((encoding, len)) => (encoding, len),
                None => match chosen {
                    TextEncoding::Utf8 => (UTF_8, 0),
                    TextEncoding::Windows1252 | TextEncoding::Latin1 => (WINDOWS_1252, 0),
                    TextEncoding::Utf16 => return Err(
                        "the file does not start with a byte-order mark, which --encoding utf-16 \
                                needs to tell UTF-16LE from UTF-16BE"
                            .to_owned(),
                    ),
                },
            };
        let rest = Cursor::new(head.split_off(bom));
        Ok(Text {
            inner: BufReader::new(rest.chain(file)),
            decoder: (encoding != UTF_8).then(|| encoding.new_decoder_without_bom_handling()),
            out: Vec::new(),
            taken: 0,
            done: false,
            encoding,
        })
    }

    /// The encoding the file is read in, by its usual name.
    pub fn encoding(&self) -> &'static str {
        match self.encoding {
            e if e == UTF_16LE || e == UTF_16BE => "UTF-16",
            e => e.name(),
        }
    }

    pub fn is_utf8(&self) -> bool {
        self.encoding == UTF_8
    }

    /// Decodes the next piece into `out`; false at the end.
    fn refill(&mut self) -> io::Result<bool> {
        let Some(decoder) = self.decoder.as_mut() else {
            unreachable!("UTF-8 text is not decoded");
        };
        while !self.done {
            let input = self.inner.fill_buf()?;
            let last = input.is_empty();
            self.out.resize(8 * 1024, 0);
            let (result, read, written) =
                decoder.decode_to_utf8_without_replacement(input, &mut self.out, last);
            self.inner.consume(read);
            self.out.truncate(written);
            self.taken = 0;
            match result {
                DecoderResult::Malformed(..) => self.out.push(INVALID),
                DecoderResult::InputEmpty if last => self.done = true,
                DecoderResult::InputEmpty | DecoderResult::OutputFull => {}
            }
            if !self.out.is_empty() {
                return Ok(true);
            }
        }
        Ok(false)
    }
}

impl Read for Text {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let available = self.fill_buf()?;
        let n = available.len().min(buf.len());
        buf[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl BufRead for Text {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.decoder.is_none() {
            return self.inner.fill_buf();
        }
        if self.taken == self.out.len() && !self.refill()? {
            return Ok(&[]);
        }
        Ok(&self.out[self.taken..])
    }

    fn consume(&mut self, n: usize) {
        match self.decoder {
            None => self.inner.consume(n),
            Some(_) => self.taken += n,
        }
    }
}

/// Why the next line could not be had; both end the reading.
pub enum LineError {
    Io(io::Error),
    TooLong,
}

impl LineError {
    /// What to say after the line's number.
    pub fn why(self) -> String {
        match self {
            LineError::Io(e) => format!("cannot be read: {e}"),
            LineError::TooLong => "is longer than 1 MiB — is this a text file?".to_owned(),
        }
    }
}

/// Physical lines, ended by LF, CRLF or a lone CR (old Mac exports), numbered
/// from 1 with blank ones counted.
pub struct Lines {
    text: Text,
    number: u64,
    /// The last line ended with CR: a LF right after it belongs to it.
    after_cr: bool,
}

impl Lines {
    pub fn new(text: Text) -> Lines {
        Lines {
            text,
            number: 0,
            after_cr: false,
        }
    }

    /// Fills `line` with the next line (without its ending) and gives its number.
    pub fn next_into(&mut self, line: &mut Vec<u8>) -> Result<Option<u64>, LineError> {
        line.clear();
        loop {
            let available = self.text.fill_buf().map_err(LineError::Io)?;
            if std::mem::take(&mut self.after_cr) && available.first() == Some(&b'\n') {
                self.text.consume(1);
                continue;
            }
            if available.is_empty() {
                if line.is_empty() {
                    return Ok(None);
                }
                self.number += 1;
                return Ok(Some(self.number));
            }
            match available.iter().position(|&b| b == b'\n' || b == b'\r') {
                Some(end) => {
                    line.extend_from_slice(&available[..end]);
                    self.after_cr = available[end] == b'\r';
                    self.text.consume(end + 1);
                    self.number += 1;
                    return if line.len() > MAX_LINE {
                        Err(LineError::TooLong)
                    } else {
                        Ok(Some(self.number))
                    };
                }
                None => {
                    let n = available.len();
                    line.extend_from_slice(available);
                    self.text.consume(n);
                    if line.len() > MAX_LINE {
                        self.number += 1;
                        return Err(LineError::TooLong);
                    }
                }
            }
        }
    }

    /// The number of the line read last (or being read when an error came).
    pub fn number(&self) -> u64 {
        self.number
    }

    /// Why a line is not text: said in the file's encoding, with the likely fix.
    pub fn invalid(&self) -> String {
        if self.text.is_utf8() {
            "is not valid UTF-8 — saved by Excel on Windows? try --encoding windows-1252".to_owned()
        } else {
            format!("is not valid {}", self.text.encoding())
        }
    }
}
