//! `splio-sms serve --stdio`, run as a coprocess against the sandbox: one
//! request per line in, one answer per line out, one client throughout.
#![cfg(feature = "cli")]

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::time::Duration;

use common::cli::cmd;
use common::*;
use serde_json::Value;
use splio_sms::sandbox::{Fault, Sandbox};

fn serve(sandbox: &Sandbox, extra: &[&str]) -> Child {
    cmd(sandbox)
        .args(["serve", "--stdio"])
        .args(extra)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs")
}

/// Feeds `input` whole, then reads every answer line, the exit code and stderr.
fn feed(sandbox: &Sandbox, extra: &[&str], input: &[u8]) -> (Vec<String>, i32, String) {
    let mut child = serve(sandbox, extra);
    // Small inputs only: the answers are read after the whole input is
    // written. A process that ended early (bad settings) leaves a broken pipe.
    let _ = child.stdin.take().unwrap().write_all(input);
    let out = child.wait_with_output().unwrap();
    let (stdout, stderr) = (
        String::from_utf8(out.stdout).expect("answers are UTF-8"),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(!stdout.contains(KEY) && !stderr.contains(KEY));
    let lines = stdout.lines().map(str::to_owned).collect();
    (lines, out.status.code().unwrap_or(-1), stderr)
}

fn doc(line: &str) -> Value {
    serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"))
}

fn send_line(id: &str, cellphone: &str) -> String {
    format!(r#"{{"id":{id},"message":"{DESIGN}","rcpts":[{{"cellphone":"{cellphone}"}}]}}"#)
}

fn wait_for_hits(sandbox: &Sandbox, n: u64) {
    while sandbox.hits() < n {
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn signal(child: &Child, name: &str) {
    let sent = Command::new("kill")
        .args([name, &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
}

fn read_line(out: &mut BufReader<ChildStdout>) -> String {
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    line
}

#[test]
fn every_line_gets_one_answer_in_order_over_one_connection() {
    let sandbox = sandbox();
    let too_long = format!(r#"{{"message":"{DESIGN}","opcode":"{}"}}"#, "x".repeat(300));
    let lines: Vec<Vec<u8>> = vec![
        // A byte-order mark at the start and CRLF ends, as Windows tools write.
        [b"\xEF\xBB\xBF".as_slice(), send_line("1", "+33612345601").as_bytes(), b"\r"].concat(),
        b"not json".to_vec(),
        send_line(r#""two""#, "+33612345602").into_bytes(),
        Vec::new(),
        b"[1, 2]".to_vec(),
        too_long.into_bytes(),
        b"{\"message\":\"Zo\xE9\"}".to_vec(),
        br#"{"id":3,"op":"fly","message":"AbCdEf123"}"#.to_vec(),
        br#"{"id":4,"op":"validate","message":"AbCdEf123","rcpts":[{"cellphone":"+33612345604"},{"cellphone":"0033612345604"}]}"#.to_vec(),
        format!(r#"{{"id":5,"op":"send_batch","message":"{DESIGN}","rcpts":[{{"cellphone":"+33612345605"}},{{"cellphone":"+33612345606"}}]}}"#).into_bytes(),
        br#"{"id":6,"op":"validate","message":"AbCdEf123","rcpts":[{"cellphone":"+33612345607"}]}"#.to_vec(),
        // The last line needs no end.
        send_line("123456789012345678901234567890", "+33612345608").into_bytes(),
    ];
    let input = lines.join(&b"\n"[..]);
    let (answers, code, stderr) = feed(&sandbox, &["--max-line-bytes", "200"], &input);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(answers.len(), lines.len(), "{answers:#?}");
    for (n, a) in answers.iter().enumerate() {
        assert_eq!(doc(a)["line"], n + 1, "{a}");
    }
    let kind = |n: usize| doc(&answers[n - 1])["error"]["kind"].clone();
    let message = |n: usize| doc(&answers[n - 1])["error"]["message"].to_string();

    assert_eq!(doc(&answers[0])["id"], 1);
    assert_eq!(doc(&answers[0])["result"]["inserted"], 1);
    assert_eq!(kind(2), "invalid_argument");
    assert!(message(2).contains("line 2: not JSON"), "{}", message(2));
    assert_eq!(doc(&answers[2])["id"], "two");
    assert_eq!(doc(&answers[2])["status"], "ok");
    assert!(message(4).contains("line 4: blank"));
    assert!(message(5).contains("not a JSON object"));
    assert!(message(6).contains("longer than 200 bytes"));
    assert!(message(7).contains("not UTF-8"));
    assert_eq!(doc(&answers[7])["id"], 3);
    assert!(
        message(8).contains(r#"unknown op \"fly\""#),
        "{}",
        message(8)
    );
    assert_eq!(kind(9), "validation");
    assert_eq!(doc(&answers[8])["id"], 4);
    assert_eq!(doc(&answers[9])["status"], "ok");
    assert_eq!(doc(&answers[9])["totals"]["inserted"], 2);
    assert_eq!(
        doc(&answers[10]),
        doc(r#"{"id":6,"line":11,"status":"ok"}"#)
    );
    // Echoed as written, even where a double would round it.
    assert!(
        answers[11].starts_with(r#"{"id":123456789012345678901234567890,"line":12,"status":"ok""#),
        "{}",
        answers[11]
    );

    let sent: Vec<String> = sandbox
        .messages()
        .iter()
        .map(|m| m.rcpts[0]["cellphone"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        sent,
        [
            "+33612345601",
            "+33612345602",
            "+33612345605",
            "+33612345608"
        ]
    );
    assert_eq!(
        sandbox.stats().connections,
        1,
        "one client, one pooled connection"
    );
}

#[test]
fn answers_are_the_c_librarys_documents_with_id_and_line_first() {
    let sandbox = sandbox();
    sandbox.set_credit(Some(0));
    let (answers, code, _) = feed(
        &sandbox,
        &[],
        send_line("[1,{}]", "+33612345678").as_bytes(),
    );
    assert_eq!(code, 0);
    let got = doc(&answers[0]);
    assert_eq!(got["id"], serde_json::json!([1, {}]));
    assert_eq!(got["error"]["kind"], "insufficient_credit");
    assert_eq!(got["error"]["delivery"], "not_sent");
    let without: serde_json::Map<String, Value> = got
        .as_object()
        .unwrap()
        .iter()
        .filter(|(k, _)| *k != "id" && *k != "line")
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let direct = client(&sandbox).send(&one("+33612345678")).unwrap_err();
    let mut expected = doc(&direct.to_json());
    expected["error"]["message"] = without["error"]["message"].clone();
    assert_eq!(Value::Object(without), expected);
}

#[test]
fn a_closed_stdout_ends_it_quietly_and_sends_nothing_more() {
    let sandbox = sandbox();
    let mut child = serve(&sandbox, &[]);
    let mut stdin = child.stdin.take().unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    writeln!(stdin, "{}", send_line("1", "+33612345601")).unwrap();
    assert_eq!(doc(&read_line(&mut out))["status"], "ok");
    drop(out); // the reader goes, as `| head -1` does
    writeln!(stdin, "{}", send_line("2", "+33612345602")).unwrap();
    let _ = writeln!(stdin, "{}", send_line("3", "+33612345603"));
    drop(stdin);
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(9), "{stderr}");
    assert_eq!(stderr, "", "quiet: nothing was lost");
    assert_eq!(
        sandbox.messages().len(),
        1,
        "nothing sent after the reader left"
    );
}

#[test]
fn a_reader_gone_during_a_send_is_told_on_stderr_naming_the_line_that_may_have_gone() {
    let sandbox = sandbox();
    sandbox.push_fault(Fault::Latency { ms: 1000 });
    let mut child = serve(&sandbox, &[]);
    let mut stdin = child.stdin.take().unwrap();
    writeln!(stdin, "{}", send_line("1", "+33612345601")).unwrap();
    writeln!(stdin, "{}", send_line("2", "+33612345602")).unwrap();
    wait_for_hits(&sandbox, 1);
    drop(child.stdout.take()); // while line 1's send waits for its answer
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(9), "{stderr}");
    assert!(
        stderr.contains("line 1 was handled but its answer not written"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"));
    assert_eq!(sandbox.hits(), 1, "line 2 is never sent");
}

#[test]
fn an_interrupt_during_a_send_answers_that_line_then_exits_130() {
    let sandbox = sandbox();
    // Long enough for the signal to land while the first send waits.
    sandbox.push_fault(Fault::Latency { ms: 2000 });
    let mut child = serve(&sandbox, &[]);
    let mut stdin = child.stdin.take().unwrap();
    writeln!(stdin, "{}", send_line("1", "+33612345601")).unwrap();
    writeln!(stdin, "{}", send_line("2", "+33612345602")).unwrap();
    wait_for_hits(&sandbox, 1);
    signal(&child, "-INT");
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let answers: Vec<&str> = stdout.lines().collect();
    assert_eq!(out.status.code(), Some(130));
    assert_eq!(answers.len(), 1, "{stdout}");
    assert_eq!(doc(answers[0])["result"]["inserted"], 1);
    assert!(String::from_utf8_lossy(&out.stderr).contains("interrupted"));
    assert_eq!(sandbox.hits(), 1, "the line after the signal is never sent");
}

#[test]
fn an_interrupt_stops_a_batch_between_pieces_and_reports_every_recipient() {
    let sandbox = sandbox();
    sandbox.set_latency(Duration::from_millis(200));
    let rcpts: Vec<String> = (0..40)
        .map(|i| format!(r#"{{"cellphone":"+336{i:08}"}}"#))
        .collect();
    let line = format!(
        r#"{{"op":"send_batch","message":"{DESIGN}","rcpts":[{}]}}"#,
        rcpts.join(",")
    );
    let mut child = serve(&sandbox, &["--batch-size", "2", "--concurrency", "1"]);
    let mut stdin = child.stdin.take().unwrap();
    writeln!(stdin, "{line}").unwrap();
    wait_for_hits(&sandbox, 2);
    signal(&child, "-TERM");
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(130));
    let report = doc(String::from_utf8(out.stdout).unwrap().trim_end());
    assert_eq!(report["interrupted"], true, "{report}");
    let inserted = report["totals"]["inserted"].as_u64().unwrap() as usize;
    let not_sent = report["not_sent"].as_array().unwrap().len();
    assert!(inserted > 0 && not_sent > 0, "{report}");
    assert_eq!(inserted + not_sent, 40, "every recipient accounted for");
    assert_eq!(received(&sandbox).len(), inserted);
}

#[test]
fn an_interrupt_while_waiting_for_a_line_exits_130() {
    let sandbox = sandbox();
    let mut child = serve(&sandbox, &[]);
    let mut stdin = child.stdin.take().unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    writeln!(stdin, "{}", send_line("1", "+33612345601")).unwrap();
    assert_eq!(doc(&read_line(&mut out))["status"], "ok");
    signal(&child, "-TERM");
    assert_eq!(child.wait().unwrap().code(), Some(130));
    assert_eq!(read_line(&mut out), "");
}

#[test]
fn end_of_input_ends_it_with_0_and_bad_settings_before_any_line_with_2() {
    let sandbox = sandbox();
    let (answers, code, _) = feed(&sandbox, &[], b"");
    assert_eq!((answers.len(), code), (0, 0));
    let (answers, code, stderr) = feed(&sandbox, &["--timeout-ms", "0"], b"{}\n");
    assert_eq!((answers.len(), code), (0, 2));
    assert!(stderr.contains("--timeout-ms"), "{stderr}");
    assert_eq!(sandbox.hits(), 0);
}
