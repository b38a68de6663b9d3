//! [`WriteConnection`]: the embedded store's one write connection (rusqlite), and the
//! transactions the writer thread runs on it. Each statement is prepared once and kept in the
//! connection's cache (`prepare_cached`), `BEGIN` and `COMMIT` included: one statement a row,
//! run in the thread that owns the connection, costs microseconds, with no hand-off between
//! threads.

use std::ops::Deref;
use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, OptionalExtension as _, ToSql};

use super::super::error::StoreError;
use super::super::record::{decode_headers, now_ms, EventRecord, EventState, Inserted, NewEvent};
use super::super::sql::{Ending, FIND_DUPLICATE, PURGE, PURGE_HISTORY};
use super::super::store::Finished;
use super::super::AttemptEnd;
use super::STATEMENTS;

/// An event to store, as the writer thread binds it (its headers encoded by the caller).
#[derive(Debug, Clone)]
pub(crate) struct EventRow {
    /// The route's name.
    pub(crate) route: String,
    /// The request's method.
    pub(crate) method: String,
    /// The request's URI.
    pub(crate) uri: String,
    /// The request's headers, as `encode_headers` writes them.
    pub(crate) headers: Vec<u8>,
    /// The body.
    pub(crate) body: bytes::Bytes,
    /// When it was received (ms since the epoch).
    pub(crate) received_at: i64,
    /// Its idempotency key.
    pub(crate) idempotency_key: Option<String>,
}

/// The lease an insert takes on a batch's first events ([`InsertLease`](super::super::InsertLease),
/// owned: it crosses to the writer thread).
#[derive(Debug, Clone)]
pub(crate) struct RowLease {
    /// The worker the lease is for.
    pub(crate) worker: String,
    /// Its length (ms), from the insert.
    pub(crate) lease_ms: i64,
    /// How many of the batch's first events take it.
    pub(crate) count: usize,
}

/// How a transaction's commit reaches the disk (`PRAGMA synchronous`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Commit {
    /// `FULL`: in WAL mode, the commit's frames are synced before it returns (stored events,
    /// lease renewals, an operator's changes).
    Durable,
    /// `NORMAL`: synced at the next checkpoint or durable commit; a crash of the machine may
    /// lose the last ones (the workers' bookkeeping: claims, attempts' ends, purges).
    Relaxed,
}

// The statements of a batch's rows take the time as a parameter, read once a transaction
// once it holds the write lock (`now_ms`: the clock SQLite's `unixepoch` reads, to the
// millisecond), instead of SQLite's clock evaluated in each row (~500 instructions each,
// about four an event).

/// The statement storing one event (a duplicate changes nothing); `?11` the lease (ms) when
/// it is leased, `NULL` otherwise; `?12` now.
const INSERT: &str = "INSERT INTO webhook_inbox (route, method, uri, headers, body, \
    received_at, idempotency_key, state, attempts, run_at, lease_owner, lease_until) \
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?12, ?10, ?12 + ?11) \
    ON CONFLICT (route, idempotency_key) DO NOTHING";

/// The fenced end of one attempt: `?1` id, `?2` worker, `?3` attempt, `?4` outcome, `?5`
/// error, `?6` a retry's delay (ms), `?7` now. Every `SET` reads the row as it was.
const END: &str = "UPDATE webhook_inbox SET \
    state = CASE ?4 WHEN 'done' THEN 'done' WHEN 'dead' THEN 'dead' ELSE 'queued' END, \
    run_at = CASE ?4 WHEN 'retry' THEN ?7 + ?6 WHEN 'released' THEN ?7 ELSE run_at END, \
    attempts = CASE ?4 WHEN 'released' THEN attempts - 1 ELSE attempts END, \
    finished_at = CASE WHEN ?4 IN ('done', 'dead') THEN ?7 ELSE finished_at END, \
    last_error = CASE WHEN ?4 IN ('retry', 'dead') THEN ?5 ELSE last_error END, \
    lease_owner = NULL, lease_until = NULL \
    WHERE id = ?1 AND lease_owner = ?2 AND attempts = ?3 AND state = 'running'";

/// One attempt's row in the history, `?7` now.
const HISTORY: &str = "INSERT INTO webhook_inbox_attempts \
    (event_id, attempt, worker, started_at, finished_at, outcome, error) \
    VALUES (?1, ?2, ?3, ?4, ?7, ?5, ?6)";

/// A transaction on the write connection, begun (`BEGIN IMMEDIATE`) and committed by
/// statements prepared once, where rusqlite's own transaction parses both again each time
/// (two prepares a transaction, ~3,500 instructions each); rolled back when dropped without
/// its commit (an error, a panic).
struct Transaction<'c> {
    connection: &'c Connection,
    committed: bool,
}

impl<'c> Transaction<'c> {
    /// Begins a transaction taking the write lock at once (`IMMEDIATE`, waiting within the
    /// busy timeout: a deferred transaction reading then writing fails at once with
    /// `SQLITE_BUSY` when another process wrote between the two).
    fn begin(connection: &'c Connection) -> Result<Self, rusqlite::Error> {
        connection.prepare_cached("BEGIN IMMEDIATE")?.execute([])?;
        Ok(Self {
            connection,
            committed: false,
        })
    }

    /// Commits (a failed commit leaves the transaction open: the drop rolls it back).
    fn commit(mut self) -> Result<(), rusqlite::Error> {
        self.connection.prepare_cached("COMMIT")?.execute([])?;
        self.committed = true;
        Ok(())
    }
}

impl Deref for Transaction<'_> {
    type Target = Connection;

    fn deref(&self) -> &Connection {
        self.connection
    }
}

impl Drop for Transaction<'_> {
    fn drop(&mut self) {
        // SQLite may have rolled back already (some I/O errors do): nothing open then.
        if !self.committed
            && !self.connection.is_autocommit()
            && let Err(error) = self.connection.execute_batch("ROLLBACK")
        {
            tracing::error!(%error, "the inbox's SQLite writer cannot roll back a transaction");
        }
    }
}

/// The store's one write connection, owned by the writer thread.
#[derive(Debug)]
pub(crate) struct WriteConnection {
    connection: Connection,
    /// `synchronous` as last set: set again only when a transaction needs the other one.
    synchronous: Option<Commit>,
    /// The transactions of events and ends committed.
    transactions: u64,
}

impl WriteConnection {
    /// Opens `file` (created by the migrations already) as the store's writer: WAL, commits
    /// durable until a transaction says otherwise, a busy timeout so that several processes
    /// on one file wait for its lock, a statement journal in memory.
    pub(crate) fn open(file: &Path) -> Result<Self, rusqlite::Error> {
        let connection = Connection::open_with_flags(
            file,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        connection.busy_timeout(Duration::from_secs(10))?;
        let mode: String =
            connection.pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            tracing::warn!(%mode, "the inbox's SQLite file is not in WAL mode");
        }
        connection.pragma_update(None, "synchronous", "FULL")?;
        // A statement journal (an `UPDATE` of many rows) in memory: spilled to a file past
        // 64 KiB otherwise, created and unlinked in `/var/tmp` within the transaction.
        connection.pragma_update(None, "temp_store", "MEMORY")?;
        // Room for every statement the writer runs (about fifteen).
        connection.set_prepared_statement_cache_capacity(32);
        Ok(Self {
            connection,
            synchronous: Some(Commit::Durable),
            transactions: 0,
        })
    }

    /// Begins a [`Transaction`], its commit as `commit` says.
    fn begin(&mut self, commit: Commit) -> Result<Transaction<'_>, StoreError> {
        if self.synchronous != Some(commit) {
            self.synchronous = None;
            let mode = match commit {
                Commit::Durable => "FULL",
                Commit::Relaxed => "NORMAL",
            };
            self.connection.pragma_update(None, "synchronous", mode)?;
            self.synchronous = Some(commit);
        }
        Ok(Transaction::begin(&self.connection)?)
    }

    /// Stores `events` (the first of them leased as `lease` says) and records the ends of
    /// `attempts`, in one transaction, durable when there are events: what became of each
    /// event, and whether each attempt still held its event's lease.
    pub(crate) fn write(
        &mut self,
        events: &[EventRow],
        lease: Option<&RowLease>,
        attempts: &[Finished],
    ) -> Result<(Vec<Inserted>, Vec<bool>), StoreError> {
        let (mut inserted, held) = self.write_batches(&[(events, lease)], attempts)?;
        Ok((inserted.pop().unwrap_or_default(), held))
    }

    /// [`write`](Self::write) for several batches of events, each with its lease, in one
    /// transaction (one commit for every batch that waited for the last one): what became of
    /// each batch's events, and whether each attempt still held its event's lease.
    pub(crate) fn write_batches(
        &mut self,
        batches: &[(&[EventRow], Option<&RowLease>)],
        attempts: &[Finished],
    ) -> Result<(Vec<Vec<Inserted>>, Vec<bool>), StoreError> {
        let commit = if batches.iter().all(|(events, _)| events.is_empty()) {
            Commit::Relaxed
        } else {
            Commit::Durable
        };
        let tx = self.begin(commit)?;
        let now = now_ms();
        let mut inserted = Vec::with_capacity(batches.len());
        for (events, lease) in batches {
            inserted.push(insert_events(&tx, events, *lease, now)?);
        }
        let held = record_ends(&tx, attempts, now)?;
        tx.commit()?;
        self.transactions += 1;
        Ok((inserted, held))
    }

    /// The transactions of events and ends committed on this connection ([`write`](Self::write)
    /// and [`write_batches`](Self::write_batches)).
    #[cfg(test)]
    pub(crate) fn transactions(&self) -> u64 {
        self.transactions
    }

    /// [`Store::claim`](super::super::Store::claim), relaxed.
    pub(crate) fn claim(
        &mut self,
        worker: &str,
        lease_ms: i64,
        limit: u32,
    ) -> Result<Vec<EventRecord>, StoreError> {
        let tx = self.begin(Commit::Relaxed)?;
        let claimed = {
            let mut claim = tx.prepare_cached(&STATEMENTS.claim)?;
            let params: &[(&str, &dyn ToSql)] = &[
                ("$1", &worker),
                ("$2", &lease_ms),
                ("$3", &i64::from(limit)),
            ];
            let mut rows = claim.query(params)?;
            let mut claimed = Vec::new();
            while let Some(row) = rows.next()? {
                claimed.push(record_from_row(row)?);
            }
            claimed
        };
        tx.commit()?;
        Ok(claimed)
    }

    /// [`Store::renew`](super::super::Store::renew), durable: in id order, as the ends lock
    /// their rows on PostgreSQL.
    pub(crate) fn renew(
        &mut self,
        worker: &str,
        attempts: &[(i64, u32)],
        lease_ms: i64,
    ) -> Result<Vec<bool>, StoreError> {
        let tx = self.begin(Commit::Durable)?;
        let mut held = vec![false; attempts.len()];
        {
            let mut renew = tx.prepare_cached(&STATEMENTS.renew)?;
            let mut order: Vec<usize> = (0..attempts.len()).collect();
            order.sort_unstable_by_key(|&at| attempts[at].0);
            for at in order {
                let (id, attempt) = attempts[at];
                let params: &[(&str, &dyn ToSql)] = &[
                    ("$1", &id),
                    ("$2", &worker),
                    ("$3", &i64::from(attempt)),
                    ("$4", &lease_ms),
                ];
                held[at] = renew.execute(params)? == 1;
            }
        }
        tx.commit()?;
        Ok(held)
    }

    /// Runs `statement` (its parameters named `$1`, `$2`...) in a durable transaction of its
    /// own: how many rows it changed.
    pub(crate) fn execute(
        &mut self,
        statement: &str,
        params: &[(&str, &dyn ToSql)],
    ) -> Result<u64, StoreError> {
        let tx = self.begin(Commit::Durable)?;
        let changed = tx.prepare_cached(statement)?.execute(params)?;
        tx.commit()?;
        Ok(changed as u64)
    }

    /// [`Store::purge`](super::super::Store::purge): the history, then the events, in one
    /// relaxed transaction (a purge lost by a crash of the machine is done again).
    pub(crate) fn purge(&mut self, state: EventState, before: i64) -> Result<u64, StoreError> {
        let tx = self.begin(Commit::Relaxed)?;
        let params: &[(&str, &dyn ToSql)] = &[("$1", &state.as_str()), ("$2", &before)];
        tx.prepare_cached(PURGE_HISTORY)?.execute(params)?;
        let purged = tx.prepare_cached(PURGE)?.execute(params)?;
        tx.commit()?;
        Ok(purged as u64)
    }

    /// [`Store::delete`](super::super::Store::delete): the events `ids` not running, with
    /// their history, in one durable transaction.
    pub(crate) fn delete(&mut self, ids: &[i64]) -> Result<u64, StoreError> {
        let tx = self.begin(Commit::Durable)?;
        let mut deleted = 0;
        {
            let mut event = tx
                .prepare_cached("DELETE FROM webhook_inbox WHERE id = ?1 AND state <> 'running'")?;
            let mut history =
                tx.prepare_cached("DELETE FROM webhook_inbox_attempts WHERE event_id = ?1")?;
            for id in ids {
                if event.execute([id])? == 1 {
                    history.execute([id])?;
                    deleted += 1;
                }
            }
        }
        tx.commit()?;
        Ok(deleted)
    }
}

/// Inserts `events` one prepared statement each: new (its id) or a duplicate of the stored
/// event with its route and key (looked up, in the transaction that holds the write lock).
fn insert_events(
    tx: &Connection,
    events: &[EventRow],
    lease: Option<&RowLease>,
    now: i64,
) -> Result<Vec<Inserted>, StoreError> {
    let mut inserted = Vec::with_capacity(events.len());
    if events.is_empty() {
        return Ok(inserted);
    }
    let mut insert = tx.prepare_cached(INSERT)?;
    for (index, event) in events.iter().enumerate() {
        let leased = lease.filter(|lease| index < lease.count);
        let stored = insert.execute(rusqlite::params![
            event.route,
            event.method,
            event.uri,
            event.headers,
            event.body.as_ref(),
            event.received_at,
            event.idempotency_key,
            if leased.is_some() {
                "running"
            } else {
                "queued"
            },
            i64::from(leased.is_some()),
            leased.map(|lease| lease.worker.as_str()),
            leased.map(|lease| lease.lease_ms),
            now,
        ])?;
        if stored == 1 {
            inserted.push(Inserted::New(tx.last_insert_rowid()));
            continue;
        }
        let Some(key) = event.idempotency_key.as_deref() else {
            return Err(StoreError::Corrupt(
                "an event without key was not inserted".to_owned(),
            ));
        };
        let twin: Option<i64> = tx
            .prepare_cached(FIND_DUPLICATE)?
            .query_row([event.route.as_str(), key], |row| row.get(0))
            .optional()?;
        match twin {
            Some(id) => inserted.push(Inserted::Duplicate(id)),
            None => {
                return Err(StoreError::Corrupt(
                    "a duplicate event's stored twin cannot be found".to_owned(),
                ))
            }
        }
    }
    Ok(inserted)
}

/// Records the ends of `attempts`, each fenced on its lease's owner and attempt number, in
/// their order (two ends of one event, a stale attempt's beside its holder's, each see the
/// other's), each with its row in the history (`lost` where the fence failed): for each,
/// whether the attempt still held its event's lease.
fn record_ends(tx: &Connection, attempts: &[Finished], now: i64) -> Result<Vec<bool>, StoreError> {
    let mut held = Vec::with_capacity(attempts.len());
    if attempts.is_empty() {
        return Ok(held);
    }
    let mut update = tx.prepare_cached(END)?;
    let mut history = tx.prepare_cached(HISTORY)?;
    for attempt in attempts {
        let ending = Ending::of(attempt);
        let applied = ending.end != AttemptEnd::Lost
            && update.execute(rusqlite::params![
                attempt.id,
                attempt.worker,
                i64::from(attempt.attempt),
                ending.end.as_str(),
                ending.error,
                ending.delay_ms,
                now,
            ])? == 1;
        let (end, error) = ending.recorded(applied);
        history.execute(rusqlite::params![
            attempt.id,
            i64::from(attempt.attempt),
            attempt.worker,
            attempt.started_at,
            end.as_str(),
            error,
            now,
        ])?;
        held.push(applied);
    }
    Ok(held)
}

/// An event of a row holding the columns of an event (`sql::COLUMNS`).
fn record_from_row(row: &rusqlite::Row<'_>) -> Result<EventRecord, StoreError> {
    let state: String = row.get("state")?;
    let attempts: i64 = row.get("attempts")?;
    let before_replay: i64 = row.get("attempts_before_replay")?;
    let headers: Vec<u8> = row.get("headers")?;
    let body: Vec<u8> = row.get("body")?;
    Ok(EventRecord {
        id: row.get("id")?,
        event: NewEvent {
            route: row.get("route")?,
            method: row.get("method")?,
            uri: row.get("uri")?,
            headers: decode_headers(&headers),
            body: body.into(),
            received_at: row.get("received_at")?,
            idempotency_key: row.get("idempotency_key")?,
        },
        state: state.parse().map_err(StoreError::Corrupt)?,
        attempts: u32::try_from(attempts).unwrap_or(0),
        attempts_before_replay: u32::try_from(before_replay).unwrap_or(0),
        run_at: row.get("run_at")?,
        lease_owner: row.get("lease_owner")?,
        lease_until: row.get("lease_until")?,
        last_error: row.get("last_error")?,
        finished_at: row.get("finished_at")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Connection {
        let connection = Connection::open_in_memory().unwrap();
        connection
            .execute_batch("CREATE TABLE t (x INTEGER)")
            .unwrap();
        connection
    }

    fn count(connection: &Connection) -> i64 {
        connection
            .query_row("SELECT count(*) FROM t", [], |row| row.get(0))
            .unwrap()
    }

    #[test]
    fn a_transaction_commits_what_it_wrote() {
        let connection = table();
        let tx = Transaction::begin(&connection).unwrap();
        assert!(
            !connection.is_autocommit(),
            "BEGIN IMMEDIATE opened nothing"
        );
        tx.execute("INSERT INTO t VALUES (1)", []).unwrap();
        tx.commit().unwrap();
        assert!(connection.is_autocommit());
        assert_eq!(count(&connection), 1);
        // The cached statements run again (reset after each use).
        let tx = Transaction::begin(&connection).unwrap();
        tx.execute("INSERT INTO t VALUES (2)", []).unwrap();
        tx.commit().unwrap();
        assert_eq!(count(&connection), 2);
    }

    #[test]
    fn a_transaction_dropped_or_unwound_without_its_commit_is_rolled_back() {
        let connection = table();
        {
            let tx = Transaction::begin(&connection).unwrap();
            tx.execute("INSERT INTO t VALUES (1)", []).unwrap();
        }
        assert!(
            connection.is_autocommit(),
            "the dropped transaction is still open"
        );
        assert_eq!(count(&connection), 0);
        let unwound = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let tx = Transaction::begin(&connection).unwrap();
            tx.execute("INSERT INTO t VALUES (2)", []).unwrap();
            panic!("a write that panics (expected)");
        }));
        assert!(unwound.is_err());
        assert!(
            connection.is_autocommit(),
            "the unwound transaction is still open"
        );
        assert_eq!(count(&connection), 0);
        // The next one begins.
        let tx = Transaction::begin(&connection).unwrap();
        tx.execute("INSERT INTO t VALUES (3)", []).unwrap();
        tx.commit().unwrap();
        assert_eq!(count(&connection), 1);
    }
}
