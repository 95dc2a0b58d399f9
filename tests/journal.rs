//! The campaign journal through the library: a batch run again with its
//! journal sends no one twice, resumes what was left, and refuses a changed
//! input or a second user.
#![cfg(feature = "journal")]

mod common;

use std::path::PathBuf;
use std::time::Duration;

use common::*;
use splio_sms::sandbox::{Fault, Sandbox};
use splio_sms::{
    BatchControl, BatchStatus, Client, ErrorKind, Journal, Recipient, RecipientSource, SendRequest,
};

fn batch_client(sandbox: &Sandbox, size: usize, concurrency: usize) -> Client {
    builder(sandbox)
        .batch_size(size)
        .concurrency(concurrency)
        .build()
        .unwrap()
}

fn people(n: usize) -> Vec<Recipient> {
    (0..n)
        .map(|i| Recipient::new(format!("+336{i:08}")).field("firstname", format!("Name {i}")))
        .collect()
}

fn request(rcpts: Vec<Recipient>) -> SendRequest {
    SendRequest::new(DESIGN).recipients(rcpts)
}

struct Dir(PathBuf);

impl Dir {
    fn new(name: &str) -> Dir {
        let d = std::env::temp_dir().join(format!("splio-journal-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        Dir(d)
    }
    fn journal(&self) -> Journal {
        Journal::new(self.0.join("campaign.journal"))
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn with(journal: Journal) -> BatchControl {
    BatchControl::new().journal(journal)
}

#[test]
fn a_batch_run_twice_with_its_journal_sends_everyone_once() {
    let sandbox = sandbox();
    let dir = Dir::new("twice");
    let client = batch_client(&sandbox, 10, 3);
    let req = request(people(45));
    let first = client.send_batch_with(&req, &with(dir.journal())).unwrap();
    assert_eq!(first.status, BatchStatus::Ok);
    assert_eq!(first.already_sent, 0);
    let again = client.send_batch_with(&req, &with(dir.journal())).unwrap();
    assert_eq!(again.status, BatchStatus::Ok);
    assert!(again.batches.is_empty(), "nothing left to send");
    assert_eq!(again.already_sent, 45);
    assert!(again.to_json().contains(r#""already_sent":45"#));
    let got = received(&sandbox);
    assert_eq!(got.len(), 45);
    assert!(got.values().all(|&n| n == 1));

    let state = Journal::read(dir.journal().path()).unwrap().unwrap();
    assert_eq!((state.recipients, state.sent, state.runs), (45, 45, 2));
    assert!(state.finished_at.is_some());
}

#[test]
fn a_resume_sends_the_not_sent_and_leaves_the_unknown_unless_told() {
    let sandbox = sandbox();
    let dir = Dir::new("resume");
    let client = batch_client(&sandbox, 10, 1);
    let req = request(people(30));
    // Piece 1 accepted, piece 2 refused (surely not sent), piece 3 a 500 (unknown).
    sandbox.push_fault(Fault::Latency { ms: 0 });
    sandbox.push_fault(Fault::status(
        400,
        r#"{"status":"error","message":"invalid JSON","code":400}"#,
    ));
    sandbox.push_fault(Fault::status(500, "down"));
    let first = client.send_batch_with(&req, &with(dir.journal())).unwrap();
    assert_eq!(first.status, BatchStatus::Partial);
    assert_eq!(first.not_sent, (10..20).collect::<Vec<_>>());
    assert_eq!(first.unknown, (20..30).collect::<Vec<_>>());
    let state = Journal::read(dir.journal().path()).unwrap().unwrap();
    assert_eq!((state.sent, state.not_sent, state.unknown), (10, 10, 10));
    assert!(
        state.finished_at.is_none(),
        "the refused piece is left to send"
    );

    let resumed = client.send_batch_with(&req, &with(dir.journal())).unwrap();
    assert_eq!(resumed.batches.len(), 1, "only the refused piece");
    assert_eq!(resumed.batches[0].count, 10);
    assert_eq!(resumed.already_sent, 10);
    assert_eq!(resumed.unknown, (20..30).collect::<Vec<_>>(), "still told");
    assert!(resumed.not_sent.is_empty());
    // The sandbox's 500 queued nothing, but the client cannot know that.
    assert!(received(&sandbox).values().all(|&n| n == 1));
    assert_eq!(received(&sandbox).len(), 20);

    let once_more = client.send_batch_with(&req, &with(dir.journal())).unwrap();
    assert!(once_more.batches.is_empty());
    let unknown_too = client
        .send_batch_with(&req, &with(dir.journal().include_unknown(true)))
        .unwrap();
    assert_eq!(unknown_too.batches.len(), 1);
    assert_eq!(unknown_too.already_sent, 20);
    let got = received(&sandbox);
    assert_eq!(got.len(), 30);
    assert!(got.values().all(|&n| n == 1));
}

#[test]
fn pieces_made_ready_that_never_leave_change_no_one_s_fate() {
    // Answers slow enough that the pieces after the first two are made
    // ready (and written to the journal) before the first answer halts the batch.
    let sandbox = Sandbox::start(config().latency(Duration::from_millis(30))).unwrap();
    let dir = Dir::new("ready");
    let req = request(people(100));
    for _ in 0..10 {
        sandbox.push_fault(Fault::status(500, "down"));
    }
    let first = batch_client(&sandbox, 10, 1)
        .send_batch_with(&req, &with(dir.journal()))
        .unwrap();
    assert_eq!(first.unknown.len(), 100);

    // Sent again with the unknown ones, two at a time: the first answer
    // refuses the key; pieces already in flight may go through (how many
    // depends on when each worker sees the halt), and the pieces made ready
    // behind them never leave.
    sandbox.push_fault(Fault::status(401, r#"{"status":"error","code":401}"#));
    let halted = batch_client(&sandbox, 10, 2)
        .send_batch_with(&req, &with(dir.journal().include_unknown(true)))
        .unwrap();
    assert_ne!(halted.status, BatchStatus::Ok, "{}", halted.to_json());
    let accepted: usize = halted
        .batches
        .iter()
        .filter(|b| b.outcome.is_ok())
        .map(|b| b.count)
        .sum();
    let left = halted
        .batches
        .iter()
        .filter(|b| {
            b.outcome
                .as_ref()
                .map_or_else(|e| e.attempts() > 0, |_| true)
        })
        .count();
    assert!(left < 10, "some pieces never left: {}", halted.to_json());
    assert_eq!(received(&sandbox).len(), accepted);
    let state = Journal::read(dir.journal().path()).unwrap().unwrap();
    assert_eq!(state.not_sent, 10, "only the refused piece: {state:?}");
    assert_eq!(state.sent, accepted, "the pieces accepted: {state:?}");
    assert_eq!(
        state.unknown,
        100 - 10 - accepted,
        "the pieces that never left are still unknown, as the first run left them: {state:?}"
    );

    let last = batch_client(&sandbox, 10, 2)
        .send_batch_with(&req, &with(dir.journal().include_unknown(true)))
        .unwrap();
    assert_eq!(last.status, BatchStatus::Ok, "{}", last.to_json());
    assert_eq!(last.already_sent, state.sent);
    let state = Journal::read(dir.journal().path()).unwrap().unwrap();
    assert_eq!((state.sent, state.not_sent, state.unknown), (100, 0, 0));
    let got = received(&sandbox);
    assert_eq!(got.len(), 100);
    assert!(got.values().all(|&n| n == 1));
}

#[test]
fn a_changed_input_is_refused_before_anything_is_sent() {
    let sandbox = sandbox();
    let dir = Dir::new("changed");
    let client = batch_client(&sandbox, 10, 1);
    let rcpts = people(30);
    sandbox.push_fault(Fault::Latency { ms: 0 });
    sandbox.push_fault(Fault::status(
        400,
        r#"{"status":"error","message":"invalid JSON","code":400}"#,
    ));
    sandbox.push_fault(Fault::status(
        400,
        r#"{"status":"error","message":"invalid JSON","code":400}"#,
    ));
    let first = client
        .send_batch_with(&request(rcpts.clone()), &with(dir.journal()))
        .unwrap();
    assert_eq!(first.not_sent.len(), 20);
    let hits = sandbox.hits();

    let mut sorted = rcpts.clone();
    sorted.reverse();
    let mut edited = rcpts.clone();
    edited[3] = Recipient::new("+33600000003").field("firstname", "Someone else");
    let mut removed = rcpts.clone();
    removed.remove(0);
    let mut other_number = rcpts.clone();
    other_number[5] = Recipient::new("+33699999999").field("firstname", "Name 5");
    for (what, changed) in [
        ("re-sorted", sorted),
        ("edited", edited),
        ("a row removed", removed),
        ("a number changed", other_number),
    ] {
        let e = client
            .send_batch_with(&request(changed), &with(dir.journal()))
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidArgument, "{what}");
        assert!(
            e.message().contains("changed") || e.message().contains("another campaign"),
            "{what}: {e}"
        );
    }
    let e = client
        .send_batch_with(
            &SendRequest::new("ZzZzZz999").recipients(rcpts.clone()),
            &with(dir.journal()),
        )
        .unwrap_err();
    assert!(e.message().contains("design AbCdEf123"), "{e}");
    assert_eq!(sandbox.hits(), hits, "nothing was sent");

    // The same people written otherwise, columns in another order: the same input.
    let same: Vec<Recipient> = (0..30)
        .map(|i| Recipient::new(format!("+33 6 {i:08}")).field("firstname", format!("Name {i}")))
        .collect();
    let resumed = client
        .send_batch_with(&request(same), &with(dir.journal()))
        .unwrap();
    assert_eq!(resumed.already_sent, 10);
    let got = received(&sandbox);
    assert_eq!(got.len(), 30);
    assert!(got.values().all(|&n| n == 1));
}

#[test]
fn only_sends_the_positions_given_and_never_one_already_sent() {
    let sandbox = sandbox();
    let dir = Dir::new("only");
    // One piece at a time: which of two pieces in flight gets the last
    // credit would be a race.
    let client = batch_client(&sandbox, 10, 1);
    let req = request(people(20));
    sandbox.set_credit(Some(10));
    let first = client.send_batch_with(&req, &with(dir.journal())).unwrap();
    assert_eq!(first.not_sent, (10..20).collect::<Vec<_>>());
    sandbox.set_credit(None);
    let some = client
        .send_batch_with(&req, &with(dir.journal().only([1, 11, 13])))
        .unwrap();
    assert_eq!(some.batches[0].count, 2, "1 was sent by the first run");
    let again = client
        .send_batch_with(&req, &with(dir.journal().only([1, 11, 13, 15])))
        .unwrap();
    assert_eq!(again.batches[0].count, 1, "only 15 is new");
    assert!(Journal::read(dir.journal().path())
        .unwrap()
        .unwrap()
        .finished_at
        .is_none());
    let rest = client.send_batch_with(&req, &with(dir.journal())).unwrap();
    assert_eq!(rest.already_sent, 13);
    assert!(Journal::read(dir.journal().path())
        .unwrap()
        .unwrap()
        .finished_at
        .is_some());
    let got = received(&sandbox);
    assert_eq!(got.len(), 20);
    assert!(got.values().all(|&n| n == 1));
}

#[test]
fn a_journal_made_for_some_positions_is_a_campaign_of_those_alone() {
    let sandbox = sandbox();
    let dir = Dir::new("scope");
    let client = batch_client(&sandbox, 10, 2);
    let req = request(people(20));
    let some = client
        .send_batch_with(&req, &with(dir.journal().only([2, 4])))
        .unwrap();
    assert_eq!(some.batches[0].count, 2);
    let state = Journal::read(dir.journal().path()).unwrap().unwrap();
    assert!(state.finished_at.is_some(), "{state:?}");
    let resumed = client.send_batch_with(&req, &with(dir.journal())).unwrap();
    assert!(
        resumed.batches.is_empty(),
        "the others are not its campaign"
    );
    let wider = client
        .send_batch_with(&req, &with(dir.journal().only([2, 4, 6])))
        .unwrap();
    assert!(wider.batches.is_empty());
    assert_eq!(received(&sandbox).len(), 2);
}

#[test]
fn a_streamed_batch_resumes_from_its_journal() {
    let sandbox = sandbox();
    let dir = Dir::new("stream");
    let client = batch_client(&sandbox, 7, 2);
    let rcpts = people(50);
    let source = || Ok::<_, String>(rcpts.clone().into_iter().map(Ok));
    sandbox.set_credit(Some(21));
    let head = SendRequest::new(DESIGN);
    let first = client
        .send_stream(&head, &source, &with(dir.journal()))
        .unwrap();
    assert_eq!(first.totals.inserted, 21);
    assert_eq!(first.not_sent.len(), 29);
    sandbox.set_credit(None);
    let resumed = client
        .send_stream(&head, &source, &with(dir.journal()))
        .unwrap();
    assert_eq!(resumed.status, BatchStatus::Ok);
    assert_eq!(resumed.already_sent, 21);
    assert_eq!(resumed.totals.inserted, 29);
    let got = received(&sandbox);
    assert_eq!(got.len(), 50);
    assert!(got.values().all(|&n| n == 1));

    let mut shuffled = rcpts.clone();
    shuffled.swap(0, 49);
    let changed = || Ok::<_, String>(shuffled.clone().into_iter().map(Ok));
    let e = client
        .send_stream(&head, &changed, &with(dir.journal()))
        .unwrap_err();
    assert!(e.message().contains("rcpts[0]"), "{e}");
    let _ = source.open();
}

#[test]
fn a_second_batch_on_a_journal_in_use_is_refused() {
    let sandbox = Sandbox::start(config().latency(Duration::from_millis(200))).unwrap();
    let dir = Dir::new("in-use");
    let client = batch_client(&sandbox, 5, 1);
    let req = request(people(20));
    std::thread::scope(|s| {
        let running = s.spawn(|| client.send_batch_with(&req, &with(dir.journal())));
        while sandbox.hits() == 0 {
            std::thread::sleep(Duration::from_millis(10));
        }
        let e = client
            .send_batch_with(&req, &with(dir.journal()))
            .unwrap_err();
        assert!(e.message().contains("in use"), "{e}");
        let e = Journal::read(dir.journal().path()).unwrap_err();
        assert!(e.message().contains("in use"), "{e}");
        assert_eq!(running.join().unwrap().unwrap().status, BatchStatus::Ok);
    });
    assert!(received(&sandbox).values().all(|&n| n == 1));
}

#[test]
fn a_journal_that_cannot_be_made_sends_nothing() {
    let sandbox = sandbox();
    let client = batch_client(&sandbox, 5, 1);
    let req = request(people(3));
    let e = client
        .send_batch_with(
            &req,
            &with(Journal::new("/nonexistent-dir/campaign.journal")),
        )
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidArgument);
    assert!(e.message().contains("cannot open the journal"), "{e}");

    let dir = Dir::new("not-a-journal");
    let other = dir.0.join("notes.txt");
    std::fs::write(&other, "not a database, by far: some text").unwrap();
    let e = client
        .send_batch_with(&req, &with(Journal::new(&other)))
        .unwrap_err();
    assert!(e.message().contains("not"), "{e}");
    assert_eq!(
        std::fs::read_to_string(&other).unwrap(),
        "not a database, by far: some text",
        "left as it was"
    );
    assert_eq!(sandbox.hits(), 0);
}

#[test]
fn the_journal_holds_hashes_never_numbers_fields_or_the_key() {
    let sandbox = sandbox();
    let dir = Dir::new("content");
    let client = batch_client(&sandbox, 5, 1);
    let req = request(vec![
        Recipient::new("+33612345678").field("firstname", "Zoé-Unique-Name")
    ]);
    client.send_batch_with(&req, &with(dir.journal())).unwrap();
    let bytes = std::fs::read(dir.journal().path()).unwrap();
    let text = String::from_utf8_lossy(&bytes);
    for secret in ["612345678", "Zoé-Unique-Name", KEY, UNIVERSE] {
        assert!(!text.contains(secret), "{secret} is in the journal");
    }
}
