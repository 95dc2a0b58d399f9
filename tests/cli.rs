//! The `splio-sms` command, run as a process against the sandbox.
#![cfg(feature = "cli")]

mod common;

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use common::cli::{cmd, run, TempDir, BIN};
use common::*;
use serde_json::Value;
use splio_sms::sandbox::{Fault, Sandbox};

fn send_to(sandbox: &Sandbox, extra: &[&str]) -> (i32, String, String) {
    run(cmd(sandbox)
        .args(["send", "--message", DESIGN, "--to", "+33612345678"])
        .args(extra))
}

fn csv(n: usize) -> String {
    let mut s = String::from("cellphone,firstname,c0\n");
    for i in 0..n {
        s.push_str(&format!("+336{i:08},Name {i},{i}\n"));
    }
    s
}

fn read_json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn send_to_prints_a_summary_and_exits_0() {
    let sandbox = sandbox();
    let (code, out, _) = run(cmd(&sandbox).args([
        "send",
        "--message",
        DESIGN,
        "--to",
        "+33612345678",
        "--to",
        "+33 6 12 34 56 79",
        "--field",
        "firstname=John",
        "--category",
        "welcome",
    ]));
    assert_eq!(code, 0);
    assert!(out.starts_with("sent: 2 SMS queued"), "{out}");
    let m = &sandbox.messages()[0];
    assert_eq!(m.rcpts[1]["firstname"], "John");
    assert_eq!(m.category.as_deref(), Some("welcome"));
    assert!(m.user_agent.as_deref().unwrap().ends_with("(cli)"));
}

#[test]
fn json_output_is_the_contract_document() {
    let sandbox = sandbox();
    let (code, out, _) = send_to(&sandbox, &["--json"]);
    assert_eq!(code, 0);
    let doc: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["status"], "ok");
    assert_eq!(doc["result"]["inserted"], 1);
}

#[test]
fn a_key_on_the_command_line_is_refused() {
    let sandbox = sandbox();
    let (code, _, err) = send_to(&sandbox, &["--key", KEY]);
    assert_eq!(code, 2);
    assert!(
        err.contains("--key is refused") && err.contains("SPLIO_KEY"),
        "{err}"
    );
    assert!(!err.contains(KEY));
    assert_eq!(sandbox.hits(), 0);
}

#[test]
fn credentials_come_from_a_key_file_or_a_config_file() {
    let sandbox = sandbox();
    let dir = TempDir::new("creds");
    let key_file = dir.file("key", format!("{KEY}\n"));
    let (code, _, err) = run(cmd(&sandbox)
        .env_remove("SPLIO_KEY")
        .args(["send", "-m", DESIGN, "--to", "+33612345678", "--key-file"])
        .arg(&key_file));
    assert_eq!(code, 0, "{err}");

    let config = dir.file(
        "settings.json",
        format!(
            r#"{{"universe":"{UNIVERSE}","key":"{KEY}","base_url":"{}","timeout_ms":5000}}"#,
            sandbox.base_url()
        ),
    );
    let (code, _, err) = run(Command::new(BIN)
        .env_clear()
        .args(["send", "-m", DESIGN, "--to", "+33612345678", "--config"])
        .arg(&config));
    assert_eq!(code, 0, "{err}");
    assert_eq!(sandbox.messages().len(), 2);
}

#[test]
fn missing_credentials_and_bad_settings_are_usage_errors() {
    let sandbox = sandbox();
    let (code, _, err) = run(cmd(&sandbox).env_remove("SPLIO_KEY").args([
        "send",
        "-m",
        DESIGN,
        "--to",
        "+33612345678",
    ]));
    assert_eq!(code, 2);
    assert!(err.contains("no API key"), "{err}");
    let (code, _, err) = send_to(&sandbox, &["--timeout-ms", "0"]);
    assert_eq!(code, 2);
    assert!(err.contains("--timeout-ms: must be between 1 and"), "{err}");
    let (code, _, err) = run(cmd(&sandbox).env("SPLIO_MAX_RETRIES", "-1").args([
        "send",
        "-m",
        DESIGN,
        "--to",
        "+33612345678",
    ]));
    assert_eq!(code, 2);
    assert!(
        err.contains("SPLIO_MAX_RETRIES: must be between 0 and 10"),
        "{err}"
    );
    let (code, _, _) = send_to(&sandbox, &["--no-such-flag"]);
    assert_eq!(code, 2);
}

#[test]
fn exit_codes_name_the_failure() {
    let sandbox = Sandbox::start(config().design(DESIGN)).unwrap();
    let (code, _, err) = run(cmd(&sandbox).env("SPLIO_KEY", "wrong").args([
        "send",
        "-m",
        DESIGN,
        "--to",
        "+33612345678",
    ]));
    assert_eq!(code, 4, "auth: {err}");
    assert!(
        err.lines().count() == 1 && err.contains("auth: invalid key"),
        "{err}"
    );

    let (code, _, _) = run(cmd(&sandbox).args(["send", "-m", DESIGN, "--to", "12"]));
    assert_eq!(code, 3, "validation");

    let (code, _, err) =
        run(cmd(&sandbox).args(["send", "-m", "ZzZzZz999", "--to", "+33612345678"]));
    assert_eq!(code, 8, "refused: {err}");

    sandbox.push_fault(Fault::status(500, "<html>down</html>"));
    let (code, _, err) = send_to(&sandbox, &[]);
    assert_eq!(code, 7, "server: {err}");
    assert!(err.contains("unknown"), "{err}");

    sandbox.set_credit(Some(0));
    let (code, _, _) = send_to(&sandbox, &[]);
    assert_eq!(code, 5, "credit");
}

#[test]
fn each_input_format_is_read() {
    let sandbox = sandbox();
    let dir = TempDir::new("formats");
    let files = [
        dir.file("a.csv", "cellphone,firstname\n+33600000001,Ann\n"),
        dir.file(
            "b.json",
            r#"[{"cellphone":"+33600000002","firstname":"Bob","c0":7}]"#,
        ),
        dir.file(
            "c.jsonl",
            "{\"cellphone\":\"+33600000003\"}\n\n{\"cellphone\":\"+33600000004\"}\n",
        ),
        dir.file("d.txt", "{\"cellphone\":\"+33600000005\"}\n"),
    ];
    for f in &files {
        let (code, _, err) = run(cmd(&sandbox).args(["send", "-m", DESIGN, "--rcpts"]).arg(f));
        assert_eq!(code, 0, "{}: {err}", f.display());
    }
    let mut stdin_send = cmd(&sandbox)
        .args([
            "send", "-m", DESIGN, "--rcpts", "-", "--format", "csv", "--quiet",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    stdin_send
        .stdin
        .take()
        .unwrap()
        .write_all(b"cellphone\n+33600000006\n")
        .unwrap();
    assert!(stdin_send.wait().unwrap().success());
    let got = received(&sandbox);
    assert_eq!(got.len(), 6, "{got:?}");
    assert_eq!(sandbox.messages()[1].rcpts[0]["c0"], "7");
}

#[test]
fn bad_files_get_one_clear_error() {
    let sandbox = sandbox();
    let dir = TempDir::new("bad");
    let cases: [(&str, &[u8], i32, &str); 6] = [
        (
            "noheader.csv",
            b"phone,name\n+33600000001,A\n",
            2,
            "no cellphone column",
        ),
        ("empty.csv", b"", 2, "is empty"),
        (
            "twice.csv",
            b"cellphone,cellphone\n1,2\n",
            2,
            "names cellphone twice",
        ),
        (
            "utf8.csv",
            b"cellphone,firstname\n+33600000001,A\n+33600000002,\xff\xfe\n",
            3,
            "line 3: rcpts[1]: is not valid UTF-8",
        ),
        (
            "short.csv",
            b"cellphone,firstname\n+33600000001\n",
            3,
            "line 2: rcpts[0]: has 1 cells where the header row has 2",
        ),
        (
            "notarray.json",
            b"{\"cellphone\":\"+33600000001\"}",
            2,
            "must hold one JSON array",
        ),
    ];
    for (name, content, want, needle) in cases {
        let f = dir.file(name, content);
        let (code, _, err) = run(cmd(&sandbox)
            .args(["send", "-m", DESIGN, "--rcpts"])
            .arg(&f));
        assert_eq!(code, want, "{name}: {err}");
        assert!(err.contains(needle), "{name}: {err}");
    }
    let (code, _, err) =
        run(cmd(&sandbox).args(["send", "-m", DESIGN, "--rcpts", "/nonexistent.csv"]));
    assert_eq!(code, 2);
    assert!(err.contains("/nonexistent.csv"), "{err}");
    assert_eq!(sandbox.hits(), 0);
}

#[test]
fn validate_lists_every_problem_with_its_line_and_sends_nothing() {
    let sandbox = sandbox();
    let dir = TempDir::new("validate");
    let f = dir.file(
        "r.csv",
        "cellphone,firstname\n+33600000001,A\n123,B\n+33600000003,C\n0033600000001,D\n",
    );
    let (code, out, _) = run(cmd(&sandbox)
        .args(["validate", "-m", DESIGN, "--rcpts"])
        .arg(&f));
    assert_eq!(code, 3);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "{out}");
    assert!(
        lines[0].starts_with("line 3: rcpts[1].cellphone: has 3 digits"),
        "{out}"
    );
    assert!(
        lines[1].starts_with("line 5: rcpts[3].cellphone: +33600000001 repeats rcpts[0]"),
        "{out}"
    );

    let jsonl = dir.file(
        "r.jsonl",
        "{\"cellphone\":\"+33600000001\"}\n\n{\"cellphone\":[1]}\n",
    );
    let (code, out, _) = run(cmd(&sandbox)
        .args(["validate", "-m", DESIGN, "--rcpts"])
        .arg(&jsonl));
    assert_eq!(code, 3);
    assert!(
        out.starts_with("line 3: rcpts[1].cellphone: must be a string"),
        "{out}"
    );

    let (code, out, _) = run(cmd(&sandbox)
        .args([
            "validate",
            "-m",
            DESIGN,
            "--duplicates",
            "dedupe",
            "--rcpts",
        ])
        .arg(dir.file("ok.csv", csv(10))));
    assert_eq!((code, out.trim()), (0, "valid: 10 recipients"));
    let (code, out, _) =
        run(cmd(&sandbox).args(["validate", "-m", "bad", "--to", "+33612345678", "--json"]));
    assert_eq!(code, 3);
    assert_eq!(
        serde_json::from_str::<Value>(&out).unwrap()["error"]["problems"][0]["path"],
        "message"
    );
    assert_eq!(sandbox.hits(), 0);
}

#[test]
fn a_hundred_thousand_line_csv_is_sent_in_batches() {
    let sandbox = sandbox();
    let dir = TempDir::new("big");
    let f = dir.file("big.csv", csv(100_000));
    let report = dir.path("report.json");
    let (code, out, err) = run(cmd(&sandbox)
        .args([
            "send",
            "-m",
            DESIGN,
            "--batch-size",
            "1000",
            "--concurrency",
            "4",
            "--rcpts",
        ])
        .arg(&f)
        .arg("--report")
        .arg(&report));
    assert_eq!(code, 0, "{err}");
    assert!(
        out.starts_with("ok: 100000 SMS queued in 100 request(s)"),
        "{out}"
    );
    let doc = read_json(&report);
    assert_eq!(doc["totals"]["inserted"], 100_000);
    assert_eq!(doc["source"]["count"], 100_000);
    let got = received(&sandbox);
    assert_eq!(got.len(), 100_000);
    assert!(got.values().all(|&n| n == 1));
}

#[test]
fn the_report_and_resend_from_round_trip_sends_everyone_once() {
    let sandbox = sandbox();
    let dir = TempDir::new("resend");
    let f = dir.file("r.csv", csv(50));
    let report = dir.path("report.json");
    // In order: piece 1 fine, piece 2 refused (not sent), piece 3 a 500 (unknown).
    sandbox.push_fault(Fault::Latency { ms: 0 });
    sandbox.push_fault(Fault::status(
        400,
        r#"{"status":"error","message":"invalid JSON","code":400}"#,
    ));
    sandbox.push_fault(Fault::status(500, "down"));
    let (code, out, err) = run(cmd(&sandbox)
        .args([
            "send",
            "-m",
            DESIGN,
            "--batch-size",
            "10",
            "--concurrency",
            "1",
            "--rcpts",
        ])
        .arg(&f)
        .arg("--report")
        .arg(&report));
    assert_eq!(code, 6, "partial: {out}");
    assert!(err.contains("send them with: splio-sms resume "), "{err}");
    let doc = read_json(&report);
    assert_eq!(doc["not_sent"].as_array().unwrap().len(), 10);
    assert_eq!(doc["unknown"].as_array().unwrap().len(), 10);

    let report2 = dir.path("report2.json");
    let (code, out, err) = run(cmd(&sandbox)
        .args(["send", "-m", DESIGN, "--rcpts"])
        .arg(&f)
        .arg("--resend-from")
        .arg(&report)
        .arg("--report")
        .arg(&report2));
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.starts_with("ok: 10 SMS queued"), "{out}");
    // The file's records, not the 10 re-sent: a later --resend-from checks it.
    assert_eq!(read_json(&report2)["source"]["count"], 50);
    // The 500 piece was received by the server, so those 10 stay unknown, not re-sent.
    let got = received(&sandbox);
    assert_eq!(got.len(), 40);
    assert!(got.values().all(|&n| n == 1));

    let (code, _, err) = run(cmd(&sandbox)
        .args(["send", "-m", DESIGN, "--rcpts"])
        .arg(dir.file("other.csv", csv(49)))
        .arg("--resend-from")
        .arg(&report));
    assert_eq!(code, 2);
    assert!(err.contains("the file changed"), "{err}");

    // The journal knows the 10 not sent were sent since: only the unknown go.
    let (code, out, _) = run(cmd(&sandbox)
        .args(["send", "-m", DESIGN, "--rcpts"])
        .arg(&f)
        .args(["--include-unknown", "--resend-from"])
        .arg(&report));
    assert_eq!(code, 0);
    assert!(out.starts_with("ok: 10 SMS queued"), "{out}");
    let got = received(&sandbox);
    assert_eq!(got.len(), 50);
    assert!(got.values().all(|&n| n == 1));

    // The same re-send again, twice: no one is sent anything more.
    for _ in 0..2 {
        let (code, out, err) = run(cmd(&sandbox)
            .args(["send", "-m", DESIGN, "--rcpts"])
            .arg(&f)
            .args(["--include-unknown", "--resend-from"])
            .arg(&report));
        assert_eq!(code, 0, "{err}");
        assert!(out.starts_with("ok: 0 SMS queued"), "{out}");
    }
    assert_eq!(received(&sandbox).values().sum::<usize>(), 50);
}

#[test]
fn a_resend_without_journal_reports_the_whole_file_so_its_report_can_be_resent_from() {
    let sandbox = sandbox();
    let dir = TempDir::new("resend-nojournal");
    let f = dir.file("r.csv", csv(30));
    let report = dir.path("report.json");
    sandbox.push_fault(Fault::Latency { ms: 0 });
    sandbox.push_fault(Fault::status(
        400,
        r#"{"status":"error","message":"invalid JSON","code":400}"#,
    ));
    let send = |extra: &[&std::path::Path], to: &std::path::Path| {
        let mut c = cmd(&sandbox);
        c.args(["send", "-m", DESIGN, "--no-journal", "--batch-size", "10"])
            .args(["--concurrency", "1", "--rcpts"])
            .arg(&f);
        if let Some(from) = extra.first() {
            c.arg("--resend-from").arg(from);
        }
        run(c.arg("--report").arg(to))
    };
    let (code, out, _) = send(&[], &report);
    assert_eq!(code, 6, "{out}");
    assert_eq!(read_json(&report)["source"]["count"], 30);

    sandbox.push_fault(Fault::status(500, "down"));
    let report2 = dir.path("report2.json");
    let (code, out, _) = send(&[&report], &report2);
    assert_ne!(code, 0, "{out}");
    let doc = read_json(&report2);
    assert_eq!(doc["source"]["count"], 30, "{doc}");
    assert_eq!(doc["unknown"].as_array().unwrap().len(), 10, "{doc}");

    let (code, out, err) = send(&[&report2], &dir.path("report3.json"));
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.starts_with("nothing to re-send"), "{out}");
    assert_eq!(received(&sandbox).len(), 20);
}

#[test]
fn ctrl_c_stops_new_batches_waits_for_those_in_flight_and_writes_the_report() {
    let sandbox = Sandbox::start(config().latency(Duration::from_millis(150))).unwrap();
    let dir = TempDir::new("sigint");
    let f = dir.file("r.csv", csv(400));
    let report = dir.path("report.json");
    let child = cmd(&sandbox)
        .args([
            "send",
            "-m",
            DESIGN,
            "--batch-size",
            "10",
            "--concurrency",
            "2",
            "--rcpts",
        ])
        .arg(&f)
        .arg("--report")
        .arg(&report)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until some pieces went out, then interrupt.
    while sandbox.hits() < 4 {
        std::thread::sleep(Duration::from_millis(20));
    }
    let killed = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(130),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("interrupted"));

    let doc = read_json(&report);
    assert_eq!(doc["interrupted"], true);
    let accepted = doc["totals"]["inserted"].as_u64().unwrap() as usize;
    let not_sent = doc["not_sent"].as_array().unwrap().len();
    assert!(
        accepted > 0 && not_sent > 0,
        "accepted {accepted}, not sent {not_sent}"
    );
    assert_eq!(accepted + not_sent, 400, "every recipient accounted for");
    assert_eq!(
        received(&sandbox).len(),
        accepted,
        "no piece in flight was lost"
    );

    let (code, _, err) = run(cmd(&sandbox)
        .args(["send", "-m", DESIGN, "--rcpts"])
        .arg(&f)
        .arg("--resend-from")
        .arg(&report));
    assert_eq!(code, 0, "{err}");
    let got = received(&sandbox);
    assert_eq!(got.len(), 400);
    assert!(got.values().all(|&n| n == 1));
}

#[test]
fn the_sandbox_command_serves_records_and_stops_on_ctrl_c() {
    let dir = TempDir::new("sandbox");
    let record = dir.path("record.jsonl");
    let mut child = Command::new(BIN)
        .args([
            "sandbox",
            "--universe",
            "u1",
            "--key",
            "k1",
            "--design",
            DESIGN,
            "--record",
        ])
        .arg(&record)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut url = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut url)
        .unwrap();
    let client = splio_sms::Client::builder("u1", "k1")
        .base_url(url.trim())
        .build()
        .unwrap();
    client.send(&one("+33612345678")).unwrap();
    let line = std::fs::read_to_string(&record).unwrap();
    let recorded: Value = serde_json::from_str(line.lines().next().unwrap()).unwrap();
    assert_eq!(recorded["universe"], "u1");
    assert!(!line.contains("k1"), "the key is never recorded");
    Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0));
}

#[test]
fn validate_refuses_a_bad_duplicates_value_as_send_does() {
    let sandbox = sandbox();
    let twice = ["--to", "+33612345678", "--to", "0033612345678"];
    for verb in ["send", "validate"] {
        let (code, _, err) = run(cmd(&sandbox)
            .args([verb, "-m", DESIGN])
            .args(twice)
            .args(["--duplicates", "bogus"]));
        assert_eq!(code, 2, "{verb}: {err}");
        assert!(
            err.contains(r#"--duplicates: must be "reject", "dedupe" or "allow", not "bogus""#),
            "{verb}: {err}"
        );
    }
    let (code, out, _) = run(cmd(&sandbox)
        .args(["validate", "-m", DESIGN])
        .args(twice)
        .args(["--duplicates", "DEDUPE"]));
    assert_eq!(code, 0, "{out}");
}

#[test]
fn choices_are_read_without_regard_to_case_as_in_json_and_python() {
    let sandbox = sandbox();
    let (code, _, err) = send_to(&sandbox, &["--method", "post", "--region", "EU"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(sandbox.messages().len(), 1);
}

#[test]
fn the_sandbox_command_takes_several_accounts_and_stops_when_stdin_closes() {
    let mut child = Command::new(BIN)
        .args(["sandbox", "--until-stdin-closes"])
        .args(["--account", "u1:k1", "--account", "u2:k2:with-colon"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut url = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut url)
        .unwrap();
    for (universe, key) in [
        ("u1", "k1"),
        ("u2", "k2:with-colon"),
        ("sandbox", "sandbox-key"),
    ] {
        let client = splio_sms::Client::builder(universe, key)
            .base_url(url.trim())
            .build()
            .unwrap();
        client.send(&one("+33612345678")).unwrap();
    }
    drop(child.stdin.take());
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0));
}

#[test]
fn a_sandbox_account_without_a_key_is_a_usage_error() {
    let (code, _, err) = run(Command::new(BIN).args(["sandbox", "--account", "u1"]));
    assert_eq!(code, 2);
    assert!(err.contains("UNIVERSE:KEY"), "{err}");
}
