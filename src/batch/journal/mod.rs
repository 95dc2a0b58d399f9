//! The campaign journal: a SQLite file where every recipient of a batch is
//! committed as `sending` before its piece leaves and gets its outcome after
//! the answer, so that a crash at any instant leaves a record of exactly who
//! was `sent`, `not_sent`, or `unknown` (in flight at the crash). Opening a
//! journal that holds the same campaign resumes it: the recipients never
//! started (or surely not sent) are sent, no one else. Recipients are kept by
//! position and a keyed hash of their content, never the content or the key.
//! The schema is documented in the README ("The journal").
#![forbid(unsafe_code)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use ring::hmac;
use ring::rand::{SecureRandom, SystemRandom};
use rusqlite::{params, Connection};

mod ledger;
mod store;

use super::feed::{Hash, Selection};
use super::report::BatchReport;
use crate::error::{Error, Result};
use crate::recipient::Recipient;
use crate::settings::ValidationSettings;
use store::{
    check_campaign, connect, damaged, db_error, forget_ready, holds_journal, rules_text,
    APPLICATION_ID, FORMAT, MADE_READY, NOW, SCHEMA,
};

/// A journal for a batch: where it is kept, and how a resume treats it.
///
/// The first batch given a path creates the journal there. A later batch
/// given the same path with the same campaign (design, opcode, category,
/// validation settings, and the same recipients at the same positions,
/// compared by hash) resumes it: it sends the recipients never started and
/// those surely not sent, and leaves out those sent — and those whose fate is
/// unknown unless [`include_unknown`](Journal::include_unknown). A different
/// campaign, or an input changed at any recipient already started, is refused
/// before anything is sent. While a batch runs, its journal is locked: a
/// second process given the same path is refused.
///
/// ```no_run
/// use splio_sms::{BatchControl, Client, Journal, Recipient, SendRequest};
/// # fn main() -> Result<(), splio_sms::Error> {
/// let client = Client::builder("my_universe", "my_api_key").build()?;
/// let request = SendRequest::new("AbCdEf123").recipient(Recipient::new("+33612345678"));
/// // Run it again after a crash: no one who got the SMS gets it twice.
/// let control = BatchControl::new().journal(Journal::new("/var/lib/app/campaign-42.journal"));
/// let report = client.send_batch_with(&request, &control)?;
/// println!("{} sent in an earlier run, {} unknown", report.already_sent, report.unknown.len());
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Journal {
    path: PathBuf,
    include_unknown: bool,
    only: Option<Vec<usize>>,
    note: Option<String>,
}

impl Journal {
    /// A journal kept in the file at `path` (created when missing).
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Journal {
            path: path.into(),
            include_unknown: false,
            only: None,
            note: None,
        }
    }

    /// On resume, also send the recipients whose fate is unknown (in flight
    /// at a crash, or a piece whose answer was lost): they may get two SMS.
    pub fn include_unknown(mut self, yes: bool) -> Self {
        self.include_unknown = yes;
        self
    }

    /// Sends only the recipients at these input positions (re-sending the
    /// ones a report lists), still leaving out those already sent. A journal
    /// made by such a run is a campaign of these positions alone: resuming
    /// it later sends none of the others.
    pub fn only(mut self, positions: impl IntoIterator<Item = usize>) -> Self {
        self.only = Some(positions.into_iter().collect());
        self
    }

    /// Free text kept with the campaign when the journal is created (the
    /// command keeps there how to read its file again); not compared.
    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.note = Some(note.into());
        self
    }

    /// The journal's file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// What the journal at `path` says, sending nothing: `None` when no
    /// batch recorded anything there (no file, or one a batch killed at its
    /// very start left empty: sending again is safe). Fails when the file is
    /// not a journal or a batch is using it.
    pub fn read(path: impl AsRef<Path>) -> Result<Option<JournalState>> {
        let path = path.as_ref();
        if !path.exists() {
            return Ok(None);
        }
        let conn = connect(path)?;
        let fail = |e| db_error(path, e);
        if !holds_journal(&conn, path)? {
            return Ok(None);
        }
        let mut state = conn
            .query_row(
                "SELECT design, opcode, category, recipients, note, started_at, finished_at, \
                 (SELECT count(*) FROM run) FROM campaign",
                [],
                |r| {
                    Ok(JournalState {
                        design: r.get(0)?,
                        opcode: r.get(1)?,
                        category: r.get(2)?,
                        recipients: r.get::<_, i64>(3)? as usize,
                        note: r.get(4)?,
                        started_at: r.get(5)?,
                        finished_at: r.get(6)?,
                        runs: r.get::<_, i64>(7)? as usize,
                        sent: 0,
                        not_sent: 0,
                        unknown: 0,
                    })
                },
            )
            .map_err(fail)?;
        // Pieces made ready that never left were never started: no one's fate.
        let mut counts = conn
            .prepare(&format!(
                "SELECT piece.state, count(*) FROM recipient JOIN piece ON piece.id = recipient.piece \
                 WHERE NOT ({MADE_READY}) GROUP BY piece.state"
            ))
            .map_err(fail)?;
        let rows = counts
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))
            .map_err(fail)?;
        for row in rows {
            let (s, n) = row.map_err(fail)?;
            match s.as_str() {
                "sent" => state.sent += n as usize,
                "not_sent" => state.not_sent += n as usize,
                // No batch holds the lock: a piece still `sending` was cut off.
                _ => state.unknown += n as usize,
            }
        }
        Ok(Some(state))
    }
}

/// What a journal says: the campaign and its recipients' fates.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct JournalState {
    /// The design ID.
    pub design: String,
    /// The campaign's opcode.
    pub opcode: Option<String>,
    /// The campaign's category.
    pub category: Option<String>,
    /// Recipients in the input.
    pub recipients: usize,
    /// What the caller kept with it ([`Journal::note`]).
    pub note: Option<String>,
    /// When the first run started (UTC, RFC 3339).
    pub started_at: String,
    /// When a run left no recipient to send (none never started, none surely
    /// not sent); `None` while some are left.
    pub finished_at: Option<String>,
    /// Runs so far (the first and each resume).
    pub runs: usize,
    /// Recipients accepted by the service.
    pub sent: usize,
    /// Recipients surely not sent (refused, or after a halt): a resume sends them.
    pub not_sent: usize,
    /// Recipients whose fate is unknown (in flight at a crash, or an answer
    /// lost): a resume sends them only when told to.
    pub unknown: usize,
}

/// A journal open for one run of a batch: locked for its whole life.
pub(crate) struct Active {
    path: PathBuf,
    conn: Mutex<Connection>,
    queue: Mutex<ledger::Queue>,
    key: hmac::Key,
    run: i64,
    /// By input position: whether this run sends it.
    wanted: Vec<bool>,
    recorded: HashMap<usize, Hash>,
    already_sent: usize,
    earlier_unknown: Vec<usize>,
    total: usize,
}

/// The campaign a batch is: what must match for a journal to be resumed.
pub(crate) struct Campaign<'a> {
    pub design: &'a str,
    pub opcode: Option<&'a str>,
    pub category: Option<&'a str>,
    pub rules: ValidationSettings,
    /// Recipients in the input (positions `0..total`).
    pub total: usize,
}

impl Active {
    /// Opens (or creates) the journal for `campaign`, locks it, marks what an
    /// earlier run left `sending` as `unknown`, and works out who this run sends.
    pub fn begin(journal: &Journal, campaign: &Campaign<'_>) -> Result<Active> {
        let path = &journal.path;
        let fail = |e| db_error(path, e);
        let mut conn = connect(path)?;
        let fresh = !holds_journal(&conn, path)?;
        let tx = conn.transaction().map_err(fail)?;
        let rules = rules_text(&campaign.rules);
        if fresh {
            let mut salt = [0u8; 32];
            SystemRandom::new()
                .fill(&mut salt)
                .map_err(|_| Error::invalid_argument("no randomness for the journal's key"))?;
            tx.execute_batch(&format!(
                "PRAGMA application_id = {APPLICATION_ID}; PRAGMA user_version = {FORMAT}; {SCHEMA}"
            ))
            .map_err(fail)?;
            tx.execute(
                &format!(
                    "INSERT INTO campaign (id, design, opcode, category, recipients, rules, salt, note, started_at) \
                     VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, {NOW})"
                ),
                params![
                    campaign.design,
                    campaign.opcode,
                    campaign.category,
                    campaign.total as i64,
                    rules,
                    &salt[..],
                    journal.note
                ],
            )
            .map_err(fail)?;
            if let Some(only) = &journal.only {
                let mut insert = tx
                    .prepare("INSERT OR IGNORE INTO scope (position) VALUES (?1)")
                    .map_err(fail)?;
                for &i in only {
                    insert.execute([i as i64]).map_err(fail)?;
                }
            }
        } else {
            check_campaign(&tx, path, campaign, &rules)?;
        }
        // No one else holds the lock: what is still `sending` was cut off,
        // and what was made ready and never left was never started.
        tx.execute_batch("UPDATE piece SET state = 'unknown' WHERE state = 'sending'")
            .map_err(fail)?;
        forget_ready(&tx).map_err(fail)?;
        tx.execute(
            &format!(
                "INSERT INTO run (started_at, include_unknown, only_positions) VALUES ({NOW}, ?1, ?2)"
            ),
            params![
                journal.include_unknown,
                journal.only.as_ref().map(|o| o.len() as i64)
            ],
        )
        .map_err(fail)?;
        let run = tx.last_insert_rowid();
        let salt: Vec<u8> = tx
            .query_row("SELECT salt FROM campaign", [], |r| r.get(0))
            .map_err(fail)?;

        let scope: Vec<usize> = {
            let mut rows = tx.prepare("SELECT position FROM scope").map_err(fail)?;
            let rows = rows.query_map([], |r| r.get::<_, i64>(0)).map_err(fail)?;
            rows.map(|r| r.map(|i| i as usize))
                .collect::<rusqlite::Result<_>>()
                .map_err(fail)?
        };
        let mut wanted = vec![scope.is_empty(); campaign.total];
        for &i in &scope {
            *wanted.get_mut(i).ok_or_else(|| damaged(path))? = true;
        }
        if let Some(only) = &journal.only {
            let mut chosen = vec![false; campaign.total];
            for &i in only.iter().filter(|&&i| i < campaign.total) {
                chosen[i] = true;
            }
            for (w, c) in wanted.iter_mut().zip(chosen) {
                *w &= c;
            }
        }
        let (mut recorded, mut already_sent, mut earlier_unknown) = (HashMap::new(), 0, Vec::new());
        {
            let mut rows = tx
                .prepare(
                    "SELECT recipient.position, recipient.hash, piece.state \
                     FROM recipient JOIN piece ON piece.id = recipient.piece",
                )
                .map_err(fail)?;
            let rows = rows
                .query_map([], |r| {
                    Ok((
                        r.get::<_, i64>(0)? as usize,
                        r.get::<_, Vec<u8>>(1)?,
                        r.get::<_, String>(2)?,
                    ))
                })
                .map_err(fail)?;
            for row in rows {
                let (i, hash, state) = row.map_err(fail)?;
                let hash: Hash = hash.try_into().map_err(|_| damaged(path))?;
                recorded.insert(i, hash);
                let Some(w) = wanted.get_mut(i) else {
                    return Err(damaged(path));
                };
                match state.as_str() {
                    "sent" => {
                        *w = false;
                        already_sent += 1;
                    }
                    "not_sent" => {}
                    _ if journal.include_unknown => {}
                    _ => {
                        *w = false;
                        earlier_unknown.push(i);
                    }
                }
            }
        }
        tx.commit().map_err(fail)?;
        earlier_unknown.sort_unstable();
        Ok(Active {
            path: path.clone(),
            conn: Mutex::new(conn),
            queue: Mutex::default(),
            key: hmac::Key::new(hmac::HMAC_SHA256, &salt),
            run,
            wanted,
            recorded,
            already_sent,
            earlier_unknown,
            total: campaign.total,
        })
    }

    /// Whether an earlier run started any recipient (then the input must be
    /// checked against the journal before anything is sent).
    pub fn has_records(&self) -> bool {
        !self.recorded.is_empty()
    }

    /// Whether an earlier run started the recipient at `i`.
    pub fn recorded_at(&self, i: usize) -> bool {
        self.recorded.contains_key(&i)
    }

    /// The last position an earlier run started.
    pub fn last_recorded(&self) -> Option<usize> {
        self.recorded.keys().copied().max()
    }

    /// Checks the input against what earlier runs recorded: `current` gives
    /// each position's hash as the input holds it now (`None`: the recipient
    /// there is no longer one that would be sent). Any recorded recipient
    /// that is not the same is a changed input: nothing is sent.
    pub fn verify(&self, current: impl Iterator<Item = (usize, Option<Hash>)>) -> Result<()> {
        let mut seen = 0;
        for (i, hash) in current {
            if let Some(recorded) = self.recorded.get(&i) {
                if hash.as_ref() != Some(recorded) {
                    return Err(self.changed(i));
                }
                seen += 1;
            }
        }
        if seen < self.recorded.len() {
            let missing = self.recorded.keys().copied().min().unwrap_or(0);
            return Err(self.changed(missing));
        }
        Ok(())
    }

    fn changed(&self, i: usize) -> Error {
        Error::invalid_argument(format!(
            "the input changed since the journal {} was written: rcpts[{i}] is not the recipient \
             it recorded there (re-sorted, edited, or a row added or removed?); nothing was sent. \
             Send the new input with another journal",
            self.path.display()
        ))
    }

    /// How many recipients this run may send (an upper bound: repeats
    /// dropped by `dedupe` are among them).
    pub fn to_send(&self) -> usize {
        self.wanted.iter().filter(|w| **w).count()
    }

    /// Ends the run: adds to `report` what earlier runs did, and marks the
    /// campaign finished when no recipient is left to send.
    pub fn end(self, report: &mut BatchReport) {
        report.already_sent = self.already_sent;
        if !self.earlier_unknown.is_empty() {
            report.unknown.extend(&self.earlier_unknown);
            report.unknown.sort_unstable();
        }
        // Outcomes not written yet (the last pieces'), then the run's end.
        self.flush();
        let conn = self.conn.into_inner().unwrap_or_else(|p| p.into_inner());
        // Best effort: a journal that cannot record its end still holds
        // every recipient's fate, and the next run finishes it.
        let count = |sql: &str| conn.query_row(sql, [], |r| r.get::<_, i64>(0)).ok();
        let done = count("SELECT count(*) FROM fate WHERE state IN ('sent', 'unknown')");
        let scoped_left = count(
            "SELECT count(*) FROM scope WHERE position NOT IN \
             (SELECT position FROM fate WHERE state IN ('sent', 'unknown'))",
        );
        let scoped = count("SELECT count(*) FROM scope").unwrap_or(0) > 0;
        let finished = match (scoped, done, scoped_left) {
            (true, _, Some(left)) => left as usize <= report.dropped.len(),
            (false, Some(done), _) => done as usize + report.dropped.len() >= self.total,
            _ => false,
        };
        let _ = conn
            .execute_batch("BEGIN")
            .and_then(|()| forget_ready(&conn))
            .and_then(|()| {
                conn.execute_batch(&format!(
                    "UPDATE run SET ended_at = {NOW} WHERE id = {run};
                     UPDATE campaign SET finished_at = coalesce(finished_at, {NOW}) WHERE {finished};
                     COMMIT;",
                    run = self.run,
                    finished = i32::from(finished),
                ))
            });
    }
}

impl Selection for Active {
    fn wanted(&self, index: usize) -> bool {
        self.wanted.get(index).copied().unwrap_or(false)
    }

    fn hash(&self, cellphone: &str, recipient: &Recipient) -> Hash {
        let mut ctx = hmac::Context::with_key(&self.key);
        let mut part = |bytes: &[u8]| {
            ctx.update(&(bytes.len() as u64).to_le_bytes());
            ctx.update(bytes);
        };
        part(cellphone.as_bytes());
        // By name: the same recipient read from columns in another order is the same.
        let mut fields: Vec<(&str, &str)> = recipient.fields().collect();
        fields.sort_unstable();
        for (name, value) in fields {
            part(name.as_bytes());
            part(value.as_bytes());
        }
        let tag = ctx.sign();
        let mut hash = [0u8; 16];
        hash.copy_from_slice(&tag.as_ref()[..16]);
        hash
    }
}
