//! The command's journal: a send killed with SIGKILL at any moment is
//! finished by `resume` with every recipient received exactly once (at most
//! once for those the journal reports unknown); a file is not sent twice by
//! mistake; re-sends are safe to repeat; the journal and report survive
//! read-only directories, a full disk and a second process.
#![cfg(feature = "cli")]

mod common;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::cli::{cmd, run, TempDir, BIN};
use common::*;
use serde_json::Value;
use splio_sms::sandbox::Sandbox;
use splio_sms::Journal;

fn csv(n: usize) -> String {
    let mut s = String::from("cellphone,firstname\n");
    for i in 0..n {
        s.push_str(&format!("+336{i:08},Name {i}\n"));
    }
    s
}

fn number(i: usize) -> String {
    format!("+336{i:08}")
}

fn read_json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn positions(doc: &Value, list: &str) -> Vec<usize> {
    doc[list]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap() as usize)
        .collect()
}

fn send_file(sandbox: &Sandbox, file: &Path) -> Command {
    send_file_with(sandbox, file, "4")
}

/// `send_file` with `concurrency` pieces in flight (1 where the last credit
/// decides which piece is refused: two in flight would race for it).
fn send_file_with(sandbox: &Sandbox, file: &Path, concurrency: &str) -> Command {
    let mut c = cmd(sandbox);
    c.args([
        "send",
        "-m",
        DESIGN,
        "--batch-size",
        "20",
        "--concurrency",
        concurrency,
        "--quiet",
        "--rcpts",
    ])
    .arg(file);
    c
}

/// Kills a send with SIGKILL once `moment` says so, resumes it, and checks
/// that no one got two SMS and no one known to be unsent got none.
fn kill_and_resume(moment: &dyn Fn(&Sandbox, Instant) -> bool, name: &str) {
    const N: usize = 400;
    let sandbox = Sandbox::start(config().latency(Duration::from_millis(30))).unwrap();
    let dir = TempDir::new(name);
    let file = dir.file("people.csv", csv(N));
    let journal = dir.path("people.csv.AbCdEf123.journal");
    let mut child = send_file(&sandbox, &file)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while !moment(&sandbox, started) && child.try_wait().unwrap().is_none() {
        std::thread::sleep(Duration::from_millis(1));
    }
    let _ = child.kill(); // SIGKILL
    child.wait().unwrap();

    let report = dir.path("report.json");
    let (code, out, err) = if Journal::read(&journal).unwrap().is_some() {
        run(cmd(&sandbox)
            .args(["resume", "--quiet"])
            .arg(&journal)
            .arg("--report")
            .arg(&report))
    } else {
        // Killed before it recorded anything: nothing left, so send it again.
        run(send_file(&sandbox, &file).arg("--report").arg(&report))
    };
    assert!(code == 0, "{name}: exit {code}: {out}{err}");
    let doc = read_json(&report);
    let unknown = positions(&doc, "unknown");
    assert!(positions(&doc, "not_sent").is_empty(), "{name}: {doc}");
    let state = Journal::read(&journal).unwrap().unwrap();
    assert_eq!(state.unknown, unknown.len(), "{name}");
    assert_eq!(state.sent + state.unknown, N, "{name}: {state:?}");
    assert!(state.finished_at.is_some(), "{name}");

    let got = received(&sandbox);
    for i in 0..N {
        let n = got.get(&number(i)).copied().unwrap_or(0);
        if unknown.binary_search(&i).is_ok() {
            assert!(n <= 1, "{name}: {} got {n} SMS (unknown)", number(i));
        } else {
            assert_eq!(n, 1, "{name}: {} got {n} SMS", number(i));
        }
    }
}

#[test]
fn a_send_killed_at_any_moment_is_resumed_with_no_one_doubled_or_lost() {
    for ms in [0, 3, 10, 25, 45, 70, 100, 140, 190] {
        kill_and_resume(
            &|_, started| started.elapsed() >= Duration::from_millis(ms),
            &format!("kill-after-{ms}ms"),
        );
    }
    for hits in [1, 2, 5, 8, 13, 17] {
        kill_and_resume(
            &|sandbox, _| sandbox.hits() >= hits,
            &format!("kill-after-{hits}-requests"),
        );
    }
}

#[test]
fn the_same_send_again_is_refused_until_resumed_and_after_it_finished() {
    let sandbox = sandbox();
    let dir = TempDir::new("again");
    let file = dir.file("people.csv", csv(30));
    sandbox.set_credit(Some(20));
    let (code, _, err) = run(&mut send_file_with(&sandbox, &file, "1"));
    assert_eq!(code, 6, "{err}");
    assert!(
        err.contains("1 batch (10 recipients): insufficient_credit"),
        "{err}"
    );
    assert!(err.contains("send them with: splio-sms resume "), "{err}");

    let (code, _, err) = run(&mut send_file_with(&sandbox, &file, "1"));
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("did not finish: 20 sent, 10 not sent"),
        "{err}"
    );
    let hint = err
        .lines()
        .find_map(|l| l.split_once("Finish it (only those not sent yet are sent) with: "))
        .map(|(_, cmd)| cmd.to_owned())
        .expect("a resume hint");
    sandbox.set_credit(None);
    let (code, out, err) = run(Command::new("sh")
        .arg("-c")
        .arg(hint.replacen("splio-sms", BIN, 1))
        .env_clear()
        .env("SPLIO_UNIVERSE", UNIVERSE)
        .env("SPLIO_KEY", KEY)
        .env("SPLIO_BASE_URL", sandbox.base_url()));
    assert_eq!(code, 0, "the pasted hint works: {out}{err}");

    let (code, _, err) = run(&mut send_file_with(&sandbox, &file, "1"));
    assert_eq!(code, 2);
    assert!(
        err.contains("was already sent with design AbCdEf123 on "),
        "{err}"
    );
    assert!(err.contains("--again"), "{err}");
    assert_eq!(received(&sandbox).values().sum::<usize>(), 30);

    let (code, _, err) = run(send_file_with(&sandbox, &file, "1").arg("--again"));
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("sending"), "{err}");
    assert!(
        received(&sandbox).values().all(|&n| n == 2),
        "sent twice, on purpose"
    );
}

#[test]
fn resume_and_resend_refuse_a_file_re_sorted_edited_or_cut() {
    let sandbox = sandbox();
    let dir = TempDir::new("changed");
    let text = csv(30);
    let file = dir.file("people.csv", &text);
    let report = dir.path("report.json");
    // The first piece (20) accepted, the second refused: one at a time, so
    // that the order is the file's.
    sandbox.set_credit(Some(20));
    let (code, _, _) = run(send_file_with(&sandbox, &file, "1")
        .arg("--report")
        .arg(&report));
    assert_eq!(code, 6);
    sandbox.set_credit(None);
    let journal = dir.path("people.csv.AbCdEf123.journal");
    let lines: Vec<&str> = text.lines().collect();
    let header = lines[0];
    let rows = &lines[1..];
    let mut sorted = rows.to_vec();
    sorted.reverse();
    let mut edited = rows.to_vec();
    edited[2] = "+33600000002,Someone Else";
    let mut cut = rows.to_vec();
    cut.remove(0);
    for (what, rows) in [("re-sorted", sorted), ("edited", edited), ("cut", cut)] {
        std::fs::write(&file, format!("{header}\n{}\n", rows.join("\n"))).unwrap();
        let (code, _, err) = run(cmd(&sandbox).arg("resume").arg(&journal));
        assert_eq!(code, 2, "{what}: {err}");
        assert!(err.contains("changed"), "{what}: {err}");
        let (code, _, err) = run(send_file(&sandbox, &file).arg("--resend-from").arg(&report));
        assert_eq!(code, 2, "{what}: {err}");
        assert!(err.contains("changed"), "{what}: {err}");
    }
    assert_eq!(received(&sandbox).len(), 20, "nothing more was sent");
    std::fs::write(&file, &text).unwrap();
    let (code, _, err) = run(cmd(&sandbox).arg("resume").arg(&journal));
    assert_eq!(code, 0, "{err}");
    let got = received(&sandbox);
    assert_eq!(got.len(), 30);
    assert!(got.values().all(|&n| n == 1));
}

#[test]
fn a_journal_or_report_that_cannot_be_written_stops_the_send_before_it_starts() {
    let sandbox = sandbox();
    let dir = TempDir::new("unwritable");
    let file = dir.file("people.csv", csv(5));
    let (code, _, err) = run(send_file(&sandbox, &file)
        .arg("--journal")
        .arg("/nonexistent-dir/j.journal"));
    assert_eq!(code, 2);
    assert!(err.contains("cannot create the journal"), "{err}");
    let (code, _, err) = run(send_file(&sandbox, &file)
        .arg("--report")
        .arg("/nonexistent-dir/r.json"));
    assert_eq!(code, 2);
    assert!(err.contains("cannot write the report"), "{err}");
    let (code, _, err) = run(send_file(&sandbox, &file).arg("--report").arg(&file));
    assert_eq!(code, 2);
    assert!(err.contains("would destroy it"), "{err}");
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        csv(5),
        "the input is intact"
    );
    assert_eq!(sandbox.hits(), 0, "nothing was sent");
}

/// A directory that cannot be written, holding a recipients file: a
/// read-only tmpfs (root writes in any directory whatever its mode), else a
/// directory of mode 0555. `None` when neither can be had.
fn read_only_dir_with(
    dir: &TempDir,
    name: &str,
    content: &str,
) -> Option<(std::path::PathBuf, Unmount)> {
    let ro = dir.path("ro");
    std::fs::create_dir_all(&ro).unwrap();
    let mounted = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=64k", "tmpfs"])
        .arg(&ro)
        .status()
        .is_ok_and(|s| s.success());
    let file = ro.join(name);
    std::fs::write(&file, content).unwrap();
    let guard = Unmount(mounted.then(|| ro.clone()));
    if mounted {
        let remounted = Command::new("mount")
            .args(["-o", "remount,ro"])
            .arg(&ro)
            .status()
            .is_ok_and(|s| s.success());
        return remounted.then_some((file, guard));
    }
    let mut perms = std::fs::metadata(&ro).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o555);
    std::fs::set_permissions(&ro, perms).unwrap();
    let writable = std::fs::File::create(ro.join("probe")).is_ok();
    (!writable).then_some((file, guard))
}

/// Unmounts a test's tmpfs, however the test ends.
struct Unmount(Option<std::path::PathBuf>);

impl Drop for Unmount {
    fn drop(&mut self) {
        if let Some(dir) = &self.0 {
            let _ = Command::new("umount").arg(dir).status();
        }
    }
}

#[test]
fn a_file_in_a_read_only_directory_needs_a_journal_elsewhere() {
    let sandbox = sandbox();
    let dir = TempDir::new("read-only");
    let Some((file, _mount)) = read_only_dir_with(&dir, "people.csv", &csv(5)) else {
        eprintln!("skipped: no read-only directory can be made here");
        return;
    };
    let (code, _, err) = run(&mut send_file(&sandbox, &file));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("cannot create the journal"), "{err}");
    assert!(err.contains("--no-journal"), "{err}");
    assert_eq!(sandbox.hits(), 0);
    let journal = dir.path("elsewhere.journal");
    let (code, _, err) = run(send_file(&sandbox, &file).arg("--journal").arg(&journal));
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = run(cmd(&sandbox).arg("resume").arg(&journal));
    assert_eq!(code, 0, "{err}");
    assert_eq!(received(&sandbox).len(), 5);
}

#[test]
fn a_second_process_on_the_same_journal_is_refused() {
    let sandbox = Sandbox::start(config().latency(Duration::from_millis(100))).unwrap();
    let dir = TempDir::new("two");
    let file = dir.file("people.csv", csv(200));
    let journal = dir.path("people.csv.AbCdEf123.journal");
    let first = send_file(&sandbox, &file)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    while sandbox.hits() == 0 {
        std::thread::sleep(Duration::from_millis(5));
    }
    let (code, _, err) = run(cmd(&sandbox).arg("resume").arg(&journal));
    assert_eq!(code, 2);
    assert!(err.contains("in use by another process"), "{err}");
    let (code, _, err) = run(&mut send_file(&sandbox, &file));
    assert_eq!(code, 2);
    assert!(err.contains("in use by another process"), "{err}");
    let first = first.wait_with_output().unwrap();
    assert_eq!(first.status.code(), Some(0));
    let got = received(&sandbox);
    assert_eq!(got.len(), 200);
    assert!(got.values().all(|&n| n == 1));
}

#[test]
fn a_full_disk_stops_new_pieces_and_the_rest_is_resumed_elsewhere() {
    let sandbox = sandbox();
    let dir = TempDir::new("full");
    let file = dir.file("people.csv", csv(3000));
    let small = dir.path("small");
    std::fs::create_dir_all(&small).unwrap();
    let mounted = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=64k", "tmpfs"])
        .arg(&small)
        .status()
        .is_ok_and(|s| s.success());
    if !mounted {
        eprintln!("skipped: cannot mount a small tmpfs here (needs root)");
        return;
    }
    let mount = Unmount(Some(small.clone()));
    let journal = small.join("j.journal");
    let (code, out, err) = run(cmd(&sandbox)
        .args([
            "send",
            "-m",
            DESIGN,
            "--batch-size",
            "100",
            "--concurrency",
            "2",
        ])
        .args(["--quiet", "--rcpts"])
        .arg(&file)
        .arg("--journal")
        .arg(&journal));
    // Moved to a disk with room, with its write-ahead log if one is left.
    eprintln!("{code}\n{out}\n{err}");
    let copied = dir.path("j.journal");
    std::fs::copy(&journal, &copied).unwrap();
    if small.join("j.journal-wal").exists() {
        std::fs::copy(small.join("j.journal-wal"), dir.path("j.journal-wal")).unwrap();
    }
    drop(mount);
    let state = Journal::read(&copied).unwrap().unwrap();
    assert_ne!(code, 0, "{out}{err}");
    assert!(err.contains("could not be written"), "{err}");
    // Pieces whose answers could not be recorded are unknown, never lost.
    let started = state.sent + state.unknown;
    assert!(started > 0 && started < 3000, "{state:?}");
    assert_eq!(received(&sandbox).len(), started);

    let (code, _, err) = run(cmd(&sandbox).args(["resume"]).arg(&copied));
    assert_eq!(code, 0, "{err}");
    let got = received(&sandbox);
    assert_eq!(got.len(), 3000);
    assert!(got.values().all(|&n| n == 1));
}

#[test]
fn a_closed_stdout_does_not_change_the_exit_code_of_a_send_that_happened() {
    let sandbox = sandbox();
    let dir = TempDir::new("closed");
    let file = dir.file("people.csv", csv(50));
    for flags in [&["--json"][..], &[][..]] {
        let mut child = send_file(&sandbox, &file)
            .args(["--no-journal"])
            .args(flags)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take()); // as `| true` does
        let out = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{err}");
        assert!(
            !err.contains("panicked") && !err.contains("internal error"),
            "{err}"
        );
    }
    let mut child = cmd(&sandbox)
        .args(["send", "-m", DESIGN, "--to", "+33612345678", "--json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    assert_eq!(child.wait().unwrap().code(), Some(0));
}

#[test]
fn quiet_still_tells_failures_grouped_on_stderr() {
    let sandbox = sandbox();
    let dir = TempDir::new("quiet");
    let file = dir.file("people.csv", csv(100));
    sandbox.set_credit(Some(0));
    let (code, out, err) = run(cmd(&sandbox)
        .args([
            "send",
            "-m",
            DESIGN,
            "--batch-size",
            "20",
            "--concurrency",
            "1",
        ])
        .args(["--quiet", "--no-journal", "--rcpts"])
        .arg(&file));
    assert_eq!(code, 5, "{err}");
    assert!(out.is_empty(), "{out}");
    let lines: Vec<&str> = err.lines().collect();
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("splio-sms: 1 batch (20 recipients): insufficient_credit")),
        "{err}"
    );
    assert!(
        lines.iter().any(|l| l.starts_with(
            "splio-sms: 4 batches (80 recipients): insufficient_credit: not sent: an earlier piece"
        )),
        "{err}"
    );
}
