//! The journal's file: its schema, opening and locking it, telling a
//! journal from another file, checking that it holds the same campaign, and
//! the errors it gives.

use std::path::Path;

use rusqlite::{Connection, ErrorCode, OpenFlags, OptionalExtension};

use super::Campaign;
use crate::error::{Error, Result};
use crate::settings::ValidationSettings;

/// "SPLJ": tells a journal from any other SQLite file.
pub(super) const APPLICATION_ID: i64 = 0x5350_4c4a;
/// The schema's version (`PRAGMA user_version`).
pub(super) const FORMAT: i64 = 1;
pub(super) const NOW: &str = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";
/// A piece made ready that has not left (or never did): `not_sent`, with no
/// `ended_at` (every piece that ends gets one).
pub(super) const MADE_READY: &str = "piece.state = 'not_sent' AND piece.ended_at IS NULL";
/// Removes the pieces made ready that never left, and their recipients (never
/// one an earlier run recorded): the journal then reads as if they had
/// never been made ready, as before a batch recorded pieces ahead. Finding
/// their recipients reads the whole table: only done when there are some.
pub(super) fn forget_ready(conn: &Connection) -> rusqlite::Result<()> {
    let any: bool = conn.query_row(
        &format!("SELECT EXISTS (SELECT 1 FROM piece WHERE {MADE_READY})"),
        [],
        |r| r.get(0),
    )?;
    if any {
        conn.execute_batch(&format!(
            "DELETE FROM recipient WHERE piece IN (SELECT id FROM piece WHERE {MADE_READY});
             DELETE FROM piece WHERE {MADE_READY};"
        ))?;
    }
    Ok(())
}

pub(super) const SCHEMA: &str = "
CREATE TABLE campaign (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    design      TEXT NOT NULL,
    opcode      TEXT,
    category    TEXT,
    recipients  INTEGER NOT NULL,
    rules       TEXT NOT NULL,
    salt        BLOB NOT NULL,
    note        TEXT,
    started_at  TEXT NOT NULL,
    finished_at TEXT
);
CREATE TABLE run (
    id              INTEGER PRIMARY KEY,
    started_at      TEXT NOT NULL,
    ended_at        TEXT,
    include_unknown INTEGER NOT NULL,
    only_positions  INTEGER
);
CREATE TABLE piece (
    id          INTEGER PRIMARY KEY,
    run         INTEGER NOT NULL REFERENCES run(id),
    recipients  INTEGER NOT NULL,
    state       TEXT NOT NULL CHECK (state IN ('sending', 'sent', 'not_sent', 'unknown')),
    started_at  TEXT NOT NULL,
    ended_at    TEXT,
    error       TEXT,
    campaign_id TEXT
);
CREATE TABLE scope (
    position INTEGER PRIMARY KEY
);
CREATE TABLE recipient (
    position INTEGER PRIMARY KEY,
    hash     BLOB NOT NULL,
    piece    INTEGER NOT NULL REFERENCES piece(id)
);
CREATE VIEW fate AS
    SELECT recipient.position, piece.state, recipient.piece, piece.error
    FROM recipient JOIN piece ON piece.id = recipient.piece;
";

/// Opens `path` (creating it), and takes the lock the connection keeps until
/// it closes: the operating system drops it when the process dies, however.
pub(super) fn connect(path: &Path) -> Result<Connection> {
    // std says why a file cannot be made (read-only directory, no such
    // directory) better than SQLite's "unable to open database file".
    std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
        .map_err(|e| {
            Error::invalid_argument(format!("cannot open the journal {}: {e}", path.display()))
        })?;
    let fail = |e| db_error(path, e);
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(fail)?;
    conn.busy_timeout(std::time::Duration::ZERO).map_err(fail)?;
    // Exclusive locking: the lock taken below is held until the connection
    // closes, so a second process is refused at once and for the whole run;
    // it also keeps WAL's index in memory (no -shm file).
    conn.pragma_update(None, "locking_mode", "EXCLUSIVE")
        .map_err(fail)?;
    conn.execute_batch("BEGIN EXCLUSIVE; COMMIT;")
        .map_err(fail)?;
    // WAL: a commit appends to one file, and after a crash the last whole
    // commit is what is read back. See the README for the sync choice.
    let mode: String = conn
        .pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))
        .map_err(fail)?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(Error::invalid_argument(format!(
            "the journal {} cannot use write-ahead logging (journal_mode {mode})",
            path.display()
        )));
    }
    conn.pragma_update(None, "synchronous", "FULL")
        .map_err(fail)?;
    Ok(conn)
}

/// Whether the file already holds a journal (`false`: it is empty, to be made one).
pub(super) fn holds_journal(conn: &Connection, path: &Path) -> Result<bool> {
    let fail = |e| db_error(path, e);
    let id: i64 = conn
        .query_row("PRAGMA application_id", [], |r| r.get(0))
        .map_err(fail)?;
    let tables: i64 = conn
        .query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))
        .map_err(fail)?;
    if id == APPLICATION_ID {
        let format: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(fail)?;
        if format != FORMAT {
            return Err(Error::invalid_argument(format!(
                "the journal {} is of format {format}, this version reads format {FORMAT}",
                path.display()
            )));
        }
        let campaign: Option<i64> = conn
            .query_row("SELECT id FROM campaign", [], |r| r.get(0))
            .optional()
            .map_err(fail)?;
        return match campaign {
            Some(_) => Ok(true),
            None => Err(Error::invalid_argument(format!(
                "the journal {} is damaged (it has no campaign); give another journal path",
                path.display()
            ))),
        };
    }
    if id == 0 && tables == 0 {
        return Ok(false);
    }
    Err(Error::invalid_argument(format!(
        "{} is not a splio-sms journal (another file?): give another journal path",
        path.display()
    )))
}

pub(super) fn check_campaign(
    tx: &rusqlite::Transaction<'_>,
    path: &Path,
    c: &Campaign<'_>,
    rules: &str,
) -> Result<()> {
    type Row = (String, Option<String>, Option<String>, i64, String, String);
    let (design, opcode, category, recipients, kept_rules, started): Row = tx
        .query_row(
            "SELECT design, opcode, category, recipients, rules, started_at FROM campaign",
            [],
            |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                ))
            },
        )
        .map_err(|e| db_error(path, e))?;
    let mut differs = Vec::new();
    if design != c.design {
        differs.push(format!("design {design}, not {}", c.design));
    }
    if opcode.as_deref() != c.opcode {
        differs.push(format!("opcode {opcode:?}, not {:?}", c.opcode));
    }
    if category.as_deref() != c.category {
        differs.push(format!("category {category:?}, not {:?}", c.category));
    }
    if kept_rules != rules {
        differs.push(format!("{kept_rules}, not {rules}"));
    }
    if differs.is_empty() && recipients as usize != c.total {
        return Err(Error::invalid_argument(format!(
            "the input changed since the journal {} was written: it held {recipients} recipients, \
             it holds {} now (a row added or removed?); nothing was sent. Send the new input with \
             another journal",
            path.display(),
            c.total
        )));
    }
    if recipients as usize != c.total {
        differs.push(format!("{recipients} recipients, not {}", c.total));
    }
    if differs.is_empty() {
        return Ok(());
    }
    Err(Error::invalid_argument(format!(
        "the journal {} holds another campaign (started {started}): {}; nothing was sent. \
         Give another journal path for this one",
        path.display(),
        differs.join(", ")
    )))
}

/// The validation settings that change who is sent, as kept in the journal.
pub(super) fn rules_text(rules: &ValidationSettings) -> String {
    format!(
        "duplicates={} default_country={} number_check={}",
        format!("{:?}", rules.duplicates).to_lowercase(),
        rules.default_country.unwrap_or("none"),
        format!("{:?}", rules.number_check).to_lowercase()
    )
}

pub(super) fn damaged(path: &Path) -> Error {
    Error::invalid_argument(format!(
        "the journal {} is damaged (a recipient outside the input); nothing was sent",
        path.display()
    ))
}

fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked)
    )
}

pub(super) fn db_error(path: &Path, e: rusqlite::Error) -> Error {
    if is_busy(&e) {
        return Error::invalid_argument(format!(
            "the journal {} is in use by another process (a send still running?); nothing was sent",
            path.display()
        ));
    }
    Error::invalid_argument(format!("the journal {}: {e}", path.display()))
}

/// A write that failed mid-batch (a full disk): the piece is not sent, nor any after it.
pub(super) fn write_error(path: &Path, e: rusqlite::Error) -> Error {
    Error::invalid_argument(format!(
        "the journal {} could not be written ({e}): this piece and the ones after it were not sent",
        path.display()
    ))
}
