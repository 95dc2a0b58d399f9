//! Writing pieces to the journal while a batch runs. Before a piece leaves,
//! its recipients are committed and synced (`synchronous=FULL`), so not even
//! a power cut forgets that they may have been sent. Workers share one
//! connection, and a sync costs milliseconds, so commits are grouped: the
//! worker that gets the connection writes every piece queued by then, and
//! the outcomes of pieces that came back, in one transaction — a worker
//! whose piece was written by another returns at once. An outcome waits in
//! the queue until the next commit (at the latest the end of the run): a
//! crash before then leaves its piece `unknown`, never unsent.

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
    rows: Vec<(i64, Hash)>,
}

struct Outcome {
    ticket: i64,
    state: &'static str,
    error: Option<String>,
    campaign_id: Option<String>,
}

impl Recorder for Active {
    fn start(&self, piece: &Piece) -> Result<i64> {
        let request = {
            let mut q = self.queue();
            q.next += 1;
            let rows = piece
                .indexes
                .iter()
                .zip(&piece.hashes)
                .map(|(i, h)| (*i as i64, *h))
                .collect();
            let request = q.next;
            q.starts.push(Start { request, rows });
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
        for (i, s) in starts.iter().enumerate() {
            let ticket = match &written {
                Ok(tickets) => Ok(tickets[i]),
                Err(e) => Err(e.clone()),
            };
            q.done.insert(s.request, ticket);
        }
    }

    fn write(
        &self,
        conn: &mut Connection,
        starts: &[Start],
        outcomes: &[Outcome],
    ) -> Result<Vec<i64>> {
        let fail = |e| write_error(&self.path, e);
        // Only a commit that records pieces leaving must wait for the disk.
        let sync = if starts.is_empty() { "NORMAL" } else { "FULL" };
        conn.pragma_update(None, "synchronous", sync)
            .map_err(fail)?;
        let tx = conn.transaction().map_err(fail)?;
        {
            let mut done = tx
                .prepare(&format!(
                    "UPDATE piece SET state = ?1, ended_at = {NOW}, error = ?2, campaign_id = ?3 \
                     WHERE id = ?4"
                ))
                .map_err(fail)?;
            for o in outcomes {
                done.execute(params![o.state, o.error, o.campaign_id, o.ticket])
                    .map_err(fail)?;
            }
        }
        let mut tickets = Vec::with_capacity(starts.len());
        {
            let mut piece = tx
                .prepare(&format!(
                    "INSERT INTO piece (run, recipients, state, started_at) \
                     VALUES (?1, ?2, 'sending', {NOW})"
                ))
                .map_err(fail)?;
            // A recipient's fate is its last piece's: re-sent, it points to the new one.
            let mut recipient = tx
                .prepare(
                    "INSERT INTO recipient (position, hash, piece) VALUES (?1, ?2, ?3) \
                     ON CONFLICT (position) DO UPDATE SET piece = excluded.piece",
                )
                .map_err(fail)?;
            for s in starts {
                piece
                    .execute(params![self.run, s.rows.len() as i64])
                    .map_err(fail)?;
                let ticket = tx.last_insert_rowid();
                for (position, hash) in &s.rows {
                    recipient
                        .execute(params![position, &hash[..], ticket])
                        .map_err(fail)?;
                }
                tickets.push(ticket);
            }
        }
        tx.commit().map_err(fail)?;
        Ok(tickets)
    }
}
