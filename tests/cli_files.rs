//! Recipients files as spreadsheets and CRMs write them, read by the command:
//! what reaches the service, or the line a refusal names.
#![cfg(feature = "cli")]

mod common;

use std::io::Write;
use std::path::Path;

use common::cli::{cmd, run, TempDir};
use common::*;
use serde_json::{json, Value};
use splio_sms::sandbox::Sandbox;

/// Every recipient the sandbox accepted, in order.
fn sent(sandbox: &Sandbox) -> Vec<Value> {
    sandbox
        .messages()
        .into_iter()
        .flat_map(|m| m.rcpts)
        .collect()
}

fn validate(sandbox: &Sandbox, file: &Path, extra: &[&str]) -> (i32, String, String) {
    run(cmd(sandbox)
        .args(["validate", "-m", DESIGN])
        .args(extra)
        .arg("--rcpts")
        .arg(file))
}

/// Without a journal: these tests send one file several times, read several ways.
fn send(sandbox: &Sandbox, file: &Path, extra: &[&str]) -> (i32, String, String) {
    run(cmd(sandbox)
        .args(["send", "-m", DESIGN, "--no-journal"])
        .args(extra)
        .arg("--rcpts")
        .arg(file))
}

/// Sends `file` and gives what the service received; the send must succeed.
fn sent_from(file: &Path, extra: &[&str]) -> Vec<Value> {
    let sandbox = sandbox();
    let (code, out, err) = validate(&sandbox, file, extra);
    assert_eq!(code, 0, "validate {}: {out}{err}", file.display());
    let (code, out, err) = send(&sandbox, file, extra);
    assert_eq!(code, 0, "send {}: {out}{err}", file.display());
    sent(&sandbox)
}

/// `validate` and `send` both refuse `file`, with exactly `lines` as the
/// problems, and nothing reaches the service.
fn refused(file: &Path, extra: &[&str], lines: &[&str]) {
    let sandbox = sandbox();
    let (code, out, _) = validate(&sandbox, file, extra);
    assert_eq!(code, 3, "{out}");
    assert_eq!(out.lines().collect::<Vec<_>>(), lines);
    let (code, _, err) = send(&sandbox, file, extra);
    assert_eq!(code, 3, "{err}");
    let problems: Vec<&str> = err
        .lines()
        .skip(1)
        .map(|l| l.trim_start_matches("splio-sms: "))
        .collect();
    assert_eq!(problems, lines, "{err}");
    assert_eq!(sandbox.hits(), 0);
}

/// `validate` and `send` both stop with a usage error that says `needle`.
fn unusable(file: &Path, extra: &[&str], needle: &str) {
    let sandbox = sandbox();
    for (code, _, err) in [validate(&sandbox, file, extra), send(&sandbox, file, extra)] {
        assert_eq!(code, 2, "{err}");
        assert!(err.contains(needle), "{err}");
    }
    assert_eq!(sandbox.hits(), 0);
}

fn utf16le(text: &str) -> Vec<u8> {
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    bytes
}

const UNCLOSED: &str = "a quoted field is not closed on its line — unbalanced quote? \
                        (a field that really spans lines needs --allow-multiline)";

/// Row 2 opens a quote it never closes: read leniently, rows 3 to 5 become
/// part of its first name (and so of its SMS).
const UNBALANCED: &str = "cellphone,firstname\n\
                          +33612345670,Ann\n\
                          +33612345671,\"Le Chef\n\
                          +33612345672,Bob\n\
                          +33612345673,Cy\n\
                          +33612345674,Di\n";

#[test]
fn an_unbalanced_quote_mid_file_is_refused_with_its_line_and_nothing_is_sent() {
    let dir = TempDir::new("unbalanced");
    let f = dir.file("r.csv", UNBALANCED);
    refused(&f, &[], &[&format!("line 3: rcpts[1]: {UNCLOSED}")]);
    unusable(
        &dir.file("header.csv", "cellphone,\"firstname\n+33612345670,Ann\n"),
        &["--allow-multiline"],
        "line 1: the header row: a quoted field is not closed on its line — unbalanced quote?",
    );
    // Asked to read fields over lines, the quote still never closes.
    refused(
        &f,
        &["--allow-multiline"],
        &[
            "line 3: rcpts[1]: a quoted field starting on this line is not closed by the \
           end of the file — unbalanced quote?",
        ],
    );
}

#[test]
fn an_unclosed_quote_at_the_end_of_the_file_is_always_refused() {
    let dir = TempDir::new("eof-quote");
    for (name, content) in [
        (
            "no-newline.csv",
            "cellphone,firstname\n+33612345670,Ann\n+33612345671,\"Le Chef",
        ),
        (
            "newline.csv",
            "cellphone,firstname\n+33612345670,Ann\n+33612345671,\"Le Chef\n",
        ),
    ] {
        let f = dir.file(name, content);
        refused(&f, &[], &[&format!("line 3: rcpts[1]: {UNCLOSED}")]);
        refused(
            &f,
            &["--allow-multiline"],
            &[
                "line 3: rcpts[1]: a quoted field starting on this line is not closed by the \
               end of the file — unbalanced quote?",
            ],
        );
    }
}

#[test]
fn allow_multiline_sends_a_field_that_really_spans_lines_and_lines_stay_right() {
    let dir = TempDir::new("multiline");
    let f = dir.file(
        "r.csv",
        "cellphone,firstname,c0\r\n\
         +33612345670,\"Ann\r\nMarie\",\"Dear \"\"Ann\"\", hello\"\r\n\
         +33612345671,Bob,\r\n",
    );
    assert_eq!(
        sent_from(&f, &["--allow-multiline"]),
        [
            json!({"cellphone": "+33612345670", "firstname": "Ann\nMarie", "c0": "Dear \"Ann\", hello"}),
            json!({"cellphone": "+33612345671", "firstname": "Bob"}),
        ]
    );
    // Without the flag the same row is refused where it starts; its second
    // line is then read as a row of its own and refused too.
    refused(
        &f,
        &[],
        &[
            &format!("line 2: rcpts[0]: {UNCLOSED}"),
            "line 3: rcpts[1]: has 2 cells where the header row has 3",
        ],
    );
    // A problem after a field over two lines names its own line.
    let f = dir.file(
        "bad.csv",
        "cellphone,firstname\n+33612345670,\"Ann\nMarie\"\n\n+33612345671\n",
    );
    refused(
        &f,
        &["--allow-multiline"],
        &["line 5: rcpts[1]: has 1 cells where the header row has 2"],
    );
}

#[test]
fn problems_name_the_physical_line_with_blank_lines_counted() {
    let dir = TempDir::new("blank-lines");
    let f = dir.file(
        "r.csv",
        "cellphone,firstname\n\n+33612345670,A\n\n\n+33612345671,B\n+33612345672\n",
    );
    refused(
        &f,
        &[],
        &["line 7: rcpts[2]: has 1 cells where the header row has 2"],
    );
    // The same with Windows and old Mac line ends, and blank lines before the header.
    for (name, end) in [("crlf.csv", "\r\n"), ("cr.csv", "\r")] {
        let text = [
            "",
            "cellphone,firstname",
            "",
            "+33612345670,A",
            "",
            "+33612345672",
            "",
        ]
        .join(end);
        refused(
            &dir.file(name, text),
            &[],
            &["line 6: rcpts[1]: has 1 cells where the header row has 2"],
        );
    }
    let sandbox = sandbox();
    let f = dir.file("n.csv", "cellphone\n\n\n+33612345670\n\n12\n");
    let (code, out, _) = validate(&sandbox, &f, &[]);
    assert_eq!(code, 3);
    assert!(out.starts_with("line 6: rcpts[1].cellphone: "), "{out}");

    let f = dir.file(
        "r.jsonl",
        "{\"cellphone\":\"+33612345670\"}\r\n\r\n\r\n{\"cellphone\":[1]}\r\n",
    );
    refused(&f, &[], &["line 4: rcpts[1].cellphone: must be a string"]);
}

#[test]
fn a_utf8_byte_order_mark_is_read_in_every_format() {
    let dir = TempDir::new("bom");
    let bom = "\u{feff}";
    let files = [
        dir.file(
            "r.csv",
            format!("{bom}cellphone,firstname\n+33612345670,Ann\n"),
        ),
        dir.file(
            "r.json",
            format!("{bom}[{{\"cellphone\":\"+33612345670\",\"firstname\":\"Ann\"}}]"),
        ),
        dir.file(
            "r.jsonl",
            format!("{bom}{{\"cellphone\":\"+33612345670\",\"firstname\":\"Ann\"}}\n"),
        ),
        // No telling name: the format is guessed after the mark.
        dir.file(
            "array.txt",
            format!("{bom}[{{\"cellphone\":\"+33612345670\",\"firstname\":\"Ann\"}}]"),
        ),
        dir.file(
            "lines.txt",
            format!("{bom}{{\"cellphone\":\"+33612345670\",\"firstname\":\"Ann\"}}\n"),
        ),
    ];
    for f in &files {
        assert_eq!(
            sent_from(f, &[]),
            [json!({"cellphone": "+33612345670", "firstname": "Ann"})],
            "{}",
            f.display()
        );
    }
}

#[test]
fn the_delimiter_is_read_from_the_header_row_or_given() {
    let dir = TempDir::new("delimiter");
    // French Excel: semicolons, and commas inside the cells.
    let f = dir.file(
        "fr.csv",
        "cellphone;firstname;c0\n+33612345670;Zoé;1,5\n+33612345671;\"Le Chef; Jr\";\n",
    );
    let want = [
        json!({"cellphone": "+33612345670", "firstname": "Zoé", "c0": "1,5"}),
        json!({"cellphone": "+33612345671", "firstname": "Le Chef; Jr"}),
    ];
    assert_eq!(sent_from(&f, &[]), want);
    assert_eq!(sent_from(&f, &["--delimiter", ";"]), want);

    let f = dir.file(
        "tabs.txt",
        "cellphone\tfirstname\n+33612345670\tAnn, Jr; Sr\n",
    );
    let want = [json!({"cellphone": "+33612345670", "firstname": "Ann, Jr; Sr"})];
    for given in ["tab", "\\t", "\t", "TAB"] {
        assert_eq!(sent_from(&f, &["--delimiter", given]), want, "{given:?}");
    }
    assert_eq!(sent_from(&f, &[]), want);

    // Given wrong, the header row shows it.
    unusable(
        &f,
        &["--delimiter", ","],
        "no cellphone column (it has: cellphone\tfirstname) — is the delimiter tabs?",
    );
    unusable(
        &dir.file("tie.csv", "cellphone,first;name\n+33612345670,A\n"),
        &[],
        "line 1: cannot tell the delimiter: the header row has as many commas as semicolons; \
         give --delimiter",
    );
    let sandbox = sandbox();
    let (code, _, err) = validate(&sandbox, &f, &["--delimiter", "|"]);
    assert_eq!(code, 2);
    assert!(err.contains("must be , ; or tab"), "{err}");
    let json = dir.file("r.json", "[{\"cellphone\":\"+33612345670\"}]");
    unusable(&json, &["--delimiter", ";"], "are for CSV files");
    unusable(&json, &["--allow-multiline"], "are for CSV files");
}

#[test]
fn a_windows_1252_file_arrives_as_utf8() {
    let dir = TempDir::new("cp1252");
    // As French Excel saves it: semicolons, CRLF, é as 0xE9 and € as 0x80.
    let f = dir.file(
        "excel.csv",
        b"cellphone;firstname;c0\r\n+33612345670;Zo\xe9;12 \x80\r\n".as_slice(),
    );
    let want = [json!({"cellphone": "+33612345670", "firstname": "Zoé", "c0": "12 €"})];
    for name in [
        "windows-1252",
        "Windows-1252",
        "cp1252",
        "latin-1",
        "latin1",
    ] {
        assert_eq!(sent_from(&f, &["--encoding", name]), want, "{name}");
    }
    // Read as UTF-8 (the default), the same file is refused with its line and the fix.
    refused(
        &f,
        &[],
        &[
            "line 2: rcpts[0]: is not valid UTF-8 — saved by Excel on Windows? try --encoding \
           windows-1252",
        ],
    );
}

#[test]
fn text_not_valid_in_its_encoding_is_refused_with_its_line() {
    let dir = TempDir::new("invalid");
    let f = dir.file(
        "r.csv",
        b"cellphone,firstname\n+33612345670,Ann\n\n+33612345671,B\xffb\n+33612345672,Cy\n"
            .as_slice(),
    );
    refused(
        &f,
        &[],
        &[
            "line 4: rcpts[1]: is not valid UTF-8 — saved by Excel on Windows? try --encoding \
           windows-1252",
        ],
    );
    unusable(
        &dir.file(
            "head.csv",
            b"cellphone,pr\xe9nom\n+33612345670,A\n".as_slice(),
        ),
        &[],
        "line 1: the header row is not valid UTF-8",
    );
    let f = dir.file(
        "r.jsonl",
        b"{\"cellphone\":\"+33612345670\"}\n{\"cellphone\":\"+33612345671\",\"firstname\":\"\xe9\"}\n"
            .as_slice(),
    );
    refused(
        &f,
        &[],
        &[
            "line 2: rcpts[1]: is not valid UTF-8 — saved by Excel on Windows? try --encoding \
           windows-1252",
        ],
    );
    // A lone surrogate on line 3 of a UTF-16 file.
    let mut bytes = utf16le("cellphone\tfirstname\r\n+33612345670\tAnn\r\n+33612345671\t");
    bytes.extend([0x00, 0xD8]);
    bytes.extend(&utf16le("Bob\r\n")[2..]);
    refused(
        &dir.file("r.txt", bytes),
        &["--encoding", "utf-16"],
        &["line 3: rcpts[1]: is not valid UTF-16"],
    );
}

#[test]
fn a_utf16_file_with_a_byte_order_mark_is_read() {
    let dir = TempDir::new("utf16");
    // Excel's "Unicode text": UTF-16LE with a mark, tabs, CRLF.
    let text = "cellphone\tfirstname\r\n+33612345670\tZoé 😀\r\n";
    let le = dir.file("le.txt", utf16le(text));
    let mut be_bytes = vec![0xFE, 0xFF];
    be_bytes.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
    let be = dir.file("be.csv", be_bytes);
    let want = [json!({"cellphone": "+33612345670", "firstname": "Zoé 😀"})];
    for f in [&le, &be] {
        assert_eq!(sent_from(f, &["--encoding", "utf-16"]), want);
        // The mark says it: no flag needed.
        assert_eq!(sent_from(f, &[]), want);
    }
    let no_mark: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
    unusable(
        &dir.file("nomark.csv", no_mark),
        &["--encoding", "utf-16"],
        "does not start with a byte-order mark",
    );
}

#[test]
fn a_big_utf16_file_streams_through_the_decoder_unchanged() {
    let dir = TempDir::new("utf16-big");
    let mut text = String::from("cellphone;firstname\r\n");
    for i in 0..5_000 {
        text.push_str(&format!("+336{i:08};Zoé 😀 «{i}»\r\n"));
    }
    let mut got = sent_from(&dir.file("big.csv", utf16le(&text)), &[]);
    // Batches go out side by side: the order of arrival is not the file's.
    got.sort_by_key(|r| r["cellphone"].as_str().unwrap().to_owned());
    assert_eq!(got.len(), 5_000);
    for (i, r) in got.iter().enumerate() {
        assert_eq!(
            r,
            &json!({"cellphone": format!("+336{i:08}"), "firstname": format!("Zoé 😀 «{i}»")})
        );
    }
}

#[test]
fn header_names_are_matched_without_regard_to_case_or_spaces() {
    let dir = TempDir::new("header");
    let f = dir.file("r.csv", " CELLPHONE , FirstName ,C0\n+33612345670,Ann,1\n");
    assert_eq!(
        sent_from(&f, &[]),
        [json!({"cellphone": "+33612345670", "firstname": "Ann", "c0": "1"})]
    );
    let f = dir.file("q.csv", "\"Cellphone\";\"Lastname\"\n+33612345670;Doe\n");
    assert_eq!(
        sent_from(&f, &[]),
        [json!({"cellphone": "+33612345670", "lastname": "Doe"})]
    );
    unusable(
        &dir.file("twice.csv", "cellphone,Cellphone \n+33612345670,1\n"),
        &[],
        "the header row names cellphone twice",
    );
}

#[test]
fn no_input_merges_rows_or_cells_silently() {
    let dir = TempDir::new("strict");
    // Text after a closing quote would otherwise be glued to the cell.
    refused(
        &dir.file("after.csv", "cellphone,firstname\n+33612345670,\"Ann\"e\n"),
        &[],
        &[
            "line 2: rcpts[0]: has text after the closing quote of cell 2 — a quote inside \
           a quoted field is written twice (\"\")",
        ],
    );
    // A quote inside an unquoted cell is a character, and rows of empty cells
    // (formatted empty rows in a spreadsheet) hold no recipient.
    let f = dir.file(
        "r.csv",
        "cellphone;firstname;c0\n+33612345670;5'11\";x\n;;\n+33612345671;B;\n;;\n",
    );
    assert_eq!(
        sent_from(&f, &[]),
        [
            json!({"cellphone": "+33612345670", "firstname": "5'11\"", "c0": "x"}),
            json!({"cellphone": "+33612345671", "firstname": "B"}),
        ]
    );
    // A multi-line field with no end is not held whole in memory.
    let mut big = String::from("cellphone,firstname\n+33612345670,\"Ann\n");
    big.push_str(&format!("{}\n", "x".repeat(1000)).repeat(1100));
    refused(
        &dir.file("huge.csv", big),
        &["--allow-multiline"],
        &[
            "line 2: rcpts[0]: a quoted field starting on this line is not closed within \
           1 MiB — unbalanced quote?",
        ],
    );
    unusable(
        &dir.file("oneline.csv", "x".repeat(2 << 20)),
        &[],
        "line 1: is longer than 1 MiB",
    );
}

#[test]
fn standard_input_takes_the_same_flags() {
    let sandbox = sandbox();
    let mut child = cmd(&sandbox)
        .args([
            "send",
            "-m",
            DESIGN,
            "--rcpts",
            "-",
            "--encoding",
            "windows-1252",
            "--quiet",
        ])
        .stdin(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"Cellphone;Firstname\r\n+33612345670;Zo\xe9\r\n")
        .unwrap();
    assert!(child.wait().unwrap().success());
    assert_eq!(
        sent(&sandbox),
        [json!({"cellphone": "+33612345670", "firstname": "Zoé"})]
    );
}

#[test]
fn national_numbers_from_a_french_export_are_sent_in_e164_and_validate_says_which() {
    let dir = TempDir::new("national");
    let file = dir.file(
        "fr.csv",
        "cellphone;prenom\n06 12 34 56 78;Zoé\n\n+33 (0)6 12 34 56 79;Luc\n+33612345670;Ann\n",
    );
    let sandbox = sandbox();
    let (code, out, _) = validate(&sandbox, &file, &["--default-country", "FR"]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(
        out.lines().collect::<Vec<_>>(),
        [
            "valid: 3 recipients",
            "2 numbers will be sent in another form than written (--json lists each):",
            "  line 2: 06 12 34 56 78 -> +33612345678 (national number, country code added)",
            "  line 4: +33 (0)6 12 34 56 79 -> +33612345679 ((0) dropped)",
        ]
    );
    let (code, out, _) = validate(&sandbox, &file, &["--default-country", "fr", "--json"]);
    assert_eq!(code, 0, "{out}");
    let doc: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["rewritten"], 2);
    assert_eq!(
        doc["rewrites"][0],
        json!({"index": 0, "line": 2, "from": "06 12 34 56 78", "to": "+33612345678", "why": "national"})
    );
    assert_eq!(doc["rewrites"][1]["why"], "trunk_prefix");

    let (code, _, err) = send(&sandbox, &file, &["--default-country", "FR"]);
    assert_eq!(code, 0, "{err}");
    let numbers: Vec<String> = sent(&sandbox)
        .iter()
        .map(|r| r["cellphone"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(numbers, ["+33612345678", "+33612345679", "+33612345670"]);
}

#[test]
fn without_default_country_a_national_number_is_refused_with_its_line() {
    let dir = TempDir::new("national-refused");
    let file = dir.file("fr.csv", "cellphone\n+33612345678\n06 12 34 56 78\n");
    let sandbox = sandbox();
    let (code, out, _) = validate(&sandbox, &file, &[]);
    assert_eq!(code, 3, "{out}");
    assert!(
        out.starts_with("line 3: rcpts[1].cellphone: 06 12 34 56 78 is a national number")
            && out.contains("set default_country"),
        "{out}"
    );
    let (code, _, _) = send(&sandbox, &file, &[]);
    assert_eq!(code, 3);
    assert!(sandbox.messages().is_empty());
}

#[test]
fn preview_shows_each_recipients_text_and_cost_and_sends_nothing() {
    let dir = TempDir::new("preview");
    let file = dir.file(
        "p.csv",
        "cellphone;prenom;c0\n06 12 34 56 78;Zoé;1234\n+33612345679;Łukasz;99\n+33612345670;;7\n",
    );
    let sandbox = sandbox();
    let preview = |extra: &[&str]| {
        run(cmd(&sandbox)
            .args(["preview", "--text", "Bonjour $prenom$, code $c0$"])
            .args(extra)
            .arg("--rcpts")
            .arg(&file))
    };
    let (code, out, err) = preview(&["--default-country", "FR"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("+33612345679 — 1 SMS (23 UTF-16 units, UCS-2, because of Ł)"),
        "{out}"
    );
    assert!(out.contains("  | Bonjour Zoé, code 1234"), "{out}");
    assert!(out.contains("no value for: prenom"), "{out}");
    assert!(
        out.ends_with("total: 3 recipients, 3 SMS (2 GSM-7, 1 UCS-2)\n"),
        "{out}"
    );
    let (code, out, _) = preview(&["--default-country", "FR", "--json"]);
    assert_eq!(code, 0);
    let doc: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        doc["totals"],
        json!({"recipients": 3, "segments": 3, "gsm7": 2, "ucs2": 1})
    );
    assert_eq!(doc["recipients"][2]["missing"], json!(["prenom"]));
    // Validation first, as a send: a national number without a country is refused, with its line.
    let (code, out, _) = preview(&["--json"]);
    assert_eq!(code, 3, "{out}");
    assert!(out.contains(r#""kind":"validation""#), "{out}");
    assert!(sandbox.messages().is_empty() && sandbox.hits() == 0);
}

#[test]
fn send_with_the_designs_text_refuses_empty_placeholders_and_long_messages_before_sending() {
    let dir = TempDir::new("guards");
    let file = dir.file(
        "g.csv",
        "cellphone,firstname\n+33612345678,Zoé\n+33612345679,\n+33612345670,Łukasz\n",
    );
    let sandbox = sandbox();
    let (code, _, err) = send(&sandbox, &file, &["--text", "Bonjour $firstname$"]);
    assert_eq!(code, 3, "{err}");
    assert!(
        err.contains("line 3: rcpts[1]: no value for $firstname$, which the design's text uses"),
        "{err}"
    );
    let long = format!("{} $firstname$", "a".repeat(65));
    let (code, out, _) = validate(&sandbox, &file, &["--text", &long, "--max-segments", "1"]);
    assert_eq!(code, 3, "{out}");
    assert!(
        out.contains("line 4: rcpts[2]: its SMS needs 2 parts (72 UCS-2 units"),
        "{out}"
    );
    assert!(sandbox.messages().is_empty() && sandbox.hits() == 0);
    let (code, _, err) = validate(&sandbox, &file, &["--max-segments", "1"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("--max-segments needs the design's text"),
        "{err}"
    );
    let (code, _, err) = send(
        &sandbox,
        &file,
        &["--text", "Bonjour!", "--max-segments", "1"],
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(sent(&sandbox).len(), 3);
}
