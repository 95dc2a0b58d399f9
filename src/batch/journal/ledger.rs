//! Writing pieces to the journal while a batch runs. When a piece is made
//! ready, ahead of the workers, its recipients are written with the piece in
//! state `not_sent` and no `ended_at` (not synced: lost, they are recipients
//! never started, which is what they are). Before it leaves, the piece is
//! marked `sending` and that is committed and synced (`synchronous=FULL`,
//! which in WAL mode makes the earlier commits durable too), so not even a
//! power cut forgets that they may have been sent. Workers share one
//! connection, and a sync costs milliseconds, so commits are grouped: the
//! worker that gets the connection writes every start queued by then, and
//! the outcomes of pieces that came back, in one transaction — a worker
//! whose start was written by another returns at once. An outcome waits in
//! the queue until the next commit (at the latest the end of the run): a
//! crash before then leaves its piece `unknown`, never unsent.
//!
//! A recipient an earlier run recorded keeps pointing to its earlier piece
//! until its new piece is marked leaving: made ready, it must still read as
//! it did (an `unknown` one must not turn into `not_sent` if the run stops
//! before it leaves). Pieces made ready that never left are removed when the
//! run ends and when the next run opens the journal.

use std::collections::HashMap;
use std::mem::take;

use rusqlite::{params, Connection};

use super::store::{write_error, NOW};
use super::{Active, Hash};
use crate::answer::SendResult;
use crate::batch::feed::Piece;
use crate::batch::pool::Recorder;
use crate::error::{Delivery, Result};

/// What waits for the next commit.
#[derive(Default)]
pub(super) struct Queue {
    next: u64,
    starts: Vec<Start>,
    outcomes: Vec<Outcome>,
    /// Tickets (piece ids) of starts written by another worker, by request.
    done: HashMap<u64, Result<i64>>,
}

struct Start {
    request: u64,
    ticket: i64,
    /// Recipients an earlier run recorded, moved to this piece as it leaves.
    moved: Vec<(i64, Hash)>,
}

struct Outcome {
    ticket: i64,
    state: &'static str,
    error: Option<String>,
    campaign_id: Option<String>,
}

impl Recorder for Active {
    fn ready(&self, piece: &Piece) -> Result<i64> {
        let mut conn = self.conn.lock().unwrap_or_else(|p| p.into_inner());
        self.write_ready(&mut conn, piece)
    }

    fn start(&self, piece: &Piece) -> Result<i64> {
        let ticket = match &piece.ready {
            Some(ready) => ready.clone()?,
            None => self.ready(piece)?,
        };
        let request = {
            let mut q = self.queue();
            q.next += 1;
            let moved = piece
                .indexes
                .iter()
                .zip(&piece.hashes)
                .filter(|(i, _)| self.recorded.contains_key(i))
                .map(|(i, h)| (*i as i64, *h))
                .collect();
            let request = q.next;
            q.starts.push(Start {
                request,
                ticket,
                moved,
            });
            request
        };
        let mut conn = self.conn.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(written) = self.queue().done.remove(&request) {
            return written;
        }
        self.commit(&mut conn);
        self.queue()
            .done
            .remove(&request)
            .unwrap_or_else(|| Err(crate::Error::internal("a journal write went missing")))
    }

    fn finish(&self, ticket: i64, _piece: &Piece, outcome: &Result<SendResult>) -> Result<()> {
        let (state, error, campaign_id) = match outcome {
            Ok(r) => ("sent", None, r.campaign_id.clone()),
            Err(e) if e.delivery() == Delivery::NotSent => ("not_sent", Some(e.to_json()), None),
            Err(e) => ("unknown", Some(e.to_json()), None),
        };
        self.queue().outcomes.push(Outcome {
            ticket,
            state,
            error,
            campaign_id,
        });
        // Written now if no commit is running; else by the next one.
        if let Ok(mut conn) = self.conn.try_lock() {
            self.commit(&mut conn);
        }
        Ok(())
    }
}

impl Active {
    fn queue(&self) -> std::sync::MutexGuard<'_, Queue> {
        self.queue.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Writes what is queued, before the run ends.
    pub(super) fn flush(&self) {
        let mut conn = self.conn.lock().unwrap_or_else(|p| p.into_inner());
        self.commit(&mut conn);
    }

    /// Writes everything queued in one transaction, and tells each start its ticket.
    fn commit(&self, conn: &mut Connection) {
        let (starts, outcomes) = {
            let mut q = self.queue();
            (take(&mut q.starts), take(&mut q.outcomes))
        };
        if starts.is_empty() && outcomes.is_empty() {
            return;
        }
        let written = self.write(conn, &starts, &outcomes);
        let mut q = self.queue();
        for s in &starts {
            let ticket = match &written {
                Ok(()) => Ok(s.ticket),
                Err(e) => Err(e.clone()),
            };
            q.done.insert(s.request, ticket);
        }
    }

    fn write(&self, conn: &mut Connection, starts: &[Start], outcomes: &[Outcome]) -> Result<()> {
        let fail = |e| write_error(&self.path, e);
        // Only a commit that records pieces leaving must wait for the disk.
        let sync = if starts.is_empty() { "NORMAL" } else { "FULL" };
        conn.pragma_update(None, "synchronous", sync)
            .map_err(fail)?;
        let tx = conn.transaction().map_err(fail)?;
        {
            let mut done = tx
                .prepare_cached(&format!(
                    "UPDATE piece SET state = ?1, ended_at = {NOW}, error = ?2, campaign_id = ?3 \
                     WHERE id = ?4"
                ))
                .map_err(fail)?;
            for o in outcomes {
                done.execute(params![o.state, o.error, o.campaign_id, o.ticket])
                    .map_err(fail)?;
            }
            let mut leaving = tx
                .prepare_cached(&format!(
                    "UPDATE piece SET state = 'sending', started_at = {NOW} WHERE id = ?1"
                ))
                .map_err(fail)?;
            let mut recipient = tx.prepare_cached(RECIPIENT).map_err(fail)?;
            for s in starts {
                leaving.execute([s.ticket]).map_err(fail)?;
                for (position, hash) in &s.moved {
                    recipient
                        .execute(params![position, &hash[..], s.ticket])
                        .map_err(fail)?;
                }
            }
        }
        tx.commit().map_err(fail)
    }

    /// Records a piece made ready: the piece, not sent, and its recipients
    /// no earlier run recorded; not synced (see the module's comment).
    fn write_ready(&self, conn: &mut Connection, piece: &Piece) -> Result<i64> {
        let fail = |e| write_error(&self.path, e);
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(fail)?;
        let tx = conn.transaction().map_err(fail)?;
        let ticket = {
            tx.prepare_cached(&format!(
                "INSERT INTO piece (run, recipients, state, started_at) \
                 VALUES (?1, ?2, 'not_sent', {NOW})"
            ))
            .map_err(fail)?
            .execute(params![self.run, piece.indexes.len() as i64])
            .map_err(fail)?;
            let ticket = tx.last_insert_rowid();
            let mut recipient = tx.prepare_cached(RECIPIENT).map_err(fail)?;
            for (i, hash) in piece.indexes.iter().zip(&piece.hashes) {
                if !self.recorded.contains_key(i) {
                    recipient
                        .execute(params![*i as i64, &hash[..], ticket])
                        .map_err(fail)?;
                }
            }
            ticket
        };
        tx.commit().map_err(fail)?;
        Ok(ticket)
    }
}

/// A recipient's fate is its last piece's: re-sent, it points to the new one.
const RECIPIENT: &str = "INSERT INTO recipient (position, hash, piece) VALUES (?1, ?2, ?3) \
                         ON CONFLICT (position) DO UPDATE SET piece = excluded.piece";
