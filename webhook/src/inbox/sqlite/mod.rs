//! [`SqliteStore`]: the embedded store, a SQLite file in WAL mode. Every write goes through one
//! connection owned by a thread of its own ([`writer`], rusqlite, statements prepared once);
//! reads and the schema's migrations go through sqlx, as PostgreSQL's do.

mod connection;
mod writer;

use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use rusqlite::ToSql;
use sqlx::migrate::Migrator;
use sqlx::sqlite::{
    Sqlite, SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions,
    SqliteSynchronous,
};

use super::attempt::AttemptRecord;
use super::browse::{self, EventFilter, EventSummary, Overview};
use super::error::StoreError;
use super::record::{duration_ms, encode_headers, EventRecord, EventState, Inserted, NewEvent};
use super::sql::{self, SqlReads, Statements};
use super::store::{Finished, InsertLease, Store, StoreFuture};
use connection::{EventRow, RowLease};
use writer::Writer;

/// The batches of events the group commit hands to the writer thread at once
/// ([`Store::concurrent_writes`]). The thread stores every batch waiting for it in one
/// transaction, so a batch formed while a commit runs is written as soon as it ends (with
/// the others that came meanwhile) instead of being formed only once that commit has been
/// answered: the thread does not wait for a round trip through the async side between two
/// commits. Measured against one batch at a time (`benches/durable/ab.sh`, six alternated
/// rounds each): +14 % events a second at 32 connections, +9 % at 256 (medians).
const WRITES_IN_FLIGHT: usize = 4;

/// The schema, version by version.
const SCHEMA_V1: &str = "
CREATE TABLE IF NOT EXISTS webhook_inbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    route TEXT NOT NULL,
    method TEXT NOT NULL,
    uri TEXT NOT NULL,
    headers BLOB NOT NULL,
    body BLOB NOT NULL,
    received_at INTEGER NOT NULL,
    idempotency_key TEXT,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    attempts_before_replay INTEGER NOT NULL DEFAULT 0,
    run_at INTEGER NOT NULL,
    lease_owner TEXT,
    lease_until INTEGER,
    last_error TEXT,
    finished_at INTEGER,
    UNIQUE (route, idempotency_key)
);
CREATE INDEX IF NOT EXISTS webhook_inbox_due ON webhook_inbox (state, run_at);
";

/// The embedded store: one SQLite file, in WAL mode; stored events are committed with
/// `synchronous = FULL` (on disk before the `202`), the workers' bookkeeping with `NORMAL`.
///
/// Every write goes through one connection, owned by a thread of the store's own (a plain
/// `std` thread, rusqlite, its statements prepared once): a batch of events, with the ends of
/// attempts waiting, is one hand-off to it and one transaction; the connection waits for the
/// file's lock within a busy timeout, so that several processes on one file wait for each other
/// instead of failing. Reads (the `inbox` commands, the inbox's page, the depth, the readiness
/// probe's ping) go through two read-only sqlx connections of their own: in WAL mode they do not
/// wait for the writes. The thread stops, and is joined, when the store's last clone is
/// dropped.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    reads: SqlitePool,
    writer: Arc<Writer>,
}

impl SqliteStore {
    /// Opens (creating it) the store in `file`, creates or migrates its schema, and starts its
    /// writer thread.
    ///
    /// Replicas starting together on one new file race: switching it to WAL can answer
    /// `database is locked` at once (SQLite does not wait on that lock), and sqlx locks the
    /// migrations of PostgreSQL, not those of SQLite, so both apply the first one and the
    /// second's bookkeeping row fails (`UNIQUE constraint failed: _sqlx_migrations.version`).
    /// The schema statements are idempotent (`IF NOT EXISTS`): opening again settles both, so
    /// a failed open is tried again, up to 8 times within about a second.
    ///
    /// # Errors
    ///
    /// The file cannot be opened, the schema cannot be created, or the writer thread cannot
    /// start.
    pub async fn open(file: &Path) -> Result<Self, StoreError> {
        const ATTEMPTS: u64 = 8;
        let mut attempt = 1;
        loop {
            match Self::open_once(file).await {
                Ok(store) => return Ok(store),
                Err(error) if attempt < ATTEMPTS => {
                    tracing::debug!(%error, attempt, "opening the inbox again (another process is opening it)");
                    tokio::time::sleep(Duration::from_millis(25 * attempt)).await;
                    attempt += 1;
                }
                Err(error) => return Err(error),
            }
        }
    }

    async fn open_once(file: &Path) -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::from_str("sqlite:")
            .map_err(|source| open_error(file, source))?
            .filename(file)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(Duration::from_secs(10));
        // The migrations on a connection of their own, closed once they ran: the writer
        // thread's connection is then the only one to write.
        let migrations = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options.clone())
            .await
            .map_err(|source| open_error(file, source))?;
        let migrated = migrator().run(&migrations).await;
        migrations.close().await;
        migrated?;
        let writer = Writer::start(file).await?;
        let reads = SqlitePoolOptions::new()
            .max_connections(2)
            .test_before_acquire(false)
            .connect_with(options.read_only(true))
            .await
            .map_err(|source| open_error(file, source))?;
        Ok(Self {
            reads,
            writer: Arc::new(writer),
        })
    }
}

fn open_error(file: &Path, source: sqlx::Error) -> StoreError {
    StoreError::Open {
        location: file.display().to_string(),
        source,
    }
}

impl SqlReads for SqliteStore {
    type Db = Sqlite;

    fn reads(&self) -> &SqlitePool {
        &self.reads
    }
}

/// SQLite's clock in milliseconds since the epoch (SQLite ≥ 3.42; constant within a
/// statement).
const NOW: &str = "CAST(unixepoch('subsec') * 1000 AS INTEGER)";

/// The store's statements (see [`Statements`]), the clock read as milliseconds since the
/// epoch; the claim takes no lock: SQLite has one writer at a time.
static STATEMENTS: std::sync::LazyLock<Statements> =
    std::sync::LazyLock::new(|| Statements::new(NOW, ""));

/// The attempts' history (the third migration).
const ATTEMPTS_V3: &str = "
CREATE TABLE IF NOT EXISTS webhook_inbox_attempts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id INTEGER NOT NULL,
    attempt INTEGER NOT NULL,
    worker TEXT NOT NULL,
    started_at INTEGER NOT NULL,
    finished_at INTEGER NOT NULL,
    outcome TEXT NOT NULL,
    error TEXT
);
CREATE INDEX IF NOT EXISTS webhook_inbox_attempts_event ON webhook_inbox_attempts (event_id);
";

/// The sixth migration: the attempts' history without `AUTOINCREMENT` (SQLite only; the table
/// rebuilt, its rows and ids kept). `AUTOINCREMENT` made every insert read and rewrite the
/// table's row of `sqlite_sequence`, and the writer inserts one history row an attempt: about a
/// third of an insert's time (Python's `sqlite3`, 20 rows a transaction: 9.8 against 6.4 µs a
/// row). The ids still grow: a new row's id is one more than the largest, and only
/// [`HISTORY`](super::sql::HISTORY)'s order reads them. (The events keep theirs: an event's id
/// is given to its sender and must never name another event.)
const ATTEMPTS_V6: &str = "
CREATE TABLE webhook_inbox_attempts_v6 (
    id INTEGER PRIMARY KEY,
    event_id INTEGER NOT NULL,
    attempt INTEGER NOT NULL,
    worker TEXT NOT NULL,
    started_at INTEGER NOT NULL,
    finished_at INTEGER NOT NULL,
    outcome TEXT NOT NULL,
    error TEXT
);
INSERT INTO webhook_inbox_attempts_v6 (id, event_id, attempt, worker, started_at, finished_at, outcome, error)
    SELECT id, event_id, attempt, worker, started_at, finished_at, outcome, error FROM webhook_inbox_attempts;
DROP TABLE webhook_inbox_attempts;
ALTER TABLE webhook_inbox_attempts_v6 RENAME TO webhook_inbox_attempts;
DELETE FROM sqlite_sequence WHERE name = 'webhook_inbox_attempts';
CREATE INDEX webhook_inbox_attempts_event ON webhook_inbox_attempts (event_id);
CREATE INDEX webhook_inbox_attempts_finished ON webhook_inbox_attempts (finished_at, outcome);
";

fn migrator() -> Migrator {
    super::sql::migrator(
        SCHEMA_V1,
        ATTEMPTS_V3,
        &[(
            "webhook inbox: the attempts' history without AUTOINCREMENT",
            ATTEMPTS_V6,
        )],
    )
}

/// `events` as the writer thread binds them.
fn rows(events: &[NewEvent]) -> Vec<EventRow> {
    events
        .iter()
        .map(|event| EventRow {
            route: event.route.clone(),
            method: event.method.clone(),
            uri: event.uri.clone(),
            headers: encode_headers(&event.headers),
            body: event.body.clone(),
            received_at: event.received_at,
            idempotency_key: event.idempotency_key.clone(),
        })
        .collect()
}

impl Store for SqliteStore {
    fn insert_batch<'a>(
        &'a self,
        events: &'a [NewEvent],
        lease: Option<InsertLease<'a>>,
    ) -> StoreFuture<'a, Vec<Inserted>> {
        let lease = lease.map(|lease| RowLease {
            worker: lease.worker.to_owned(),
            lease_ms: duration_ms(lease.lease),
            count: lease.count,
        });
        Box::pin(self.writer.insert(rows(events), lease))
    }

    fn claim<'a>(
        &'a self,
        worker: &'a str,
        lease: Duration,
        limit: u32,
    ) -> StoreFuture<'a, Vec<EventRecord>> {
        let worker = worker.to_owned();
        let lease = duration_ms(lease);
        Box::pin(
            self.writer
                .run(move |connection| connection.claim(&worker, lease, limit)),
        )
    }

    fn finish<'a>(&'a self, attempts: &'a [Finished]) -> StoreFuture<'a, Vec<bool>> {
        Box::pin(self.writer.finish(attempts.to_vec()))
    }

    fn renew<'a>(
        &'a self,
        worker: &'a str,
        attempts: &'a [(i64, u32)],
        lease: Duration,
    ) -> StoreFuture<'a, Vec<bool>> {
        let worker = worker.to_owned();
        let attempts = attempts.to_vec();
        let lease = duration_ms(lease);
        Box::pin(
            self.writer
                .run(move |connection| connection.renew(&worker, &attempts, lease)),
        )
    }

    fn list(&self, state: Option<EventState>, limit: u32) -> StoreFuture<'_, Vec<EventRecord>> {
        Box::pin(sql::list(self, state, limit))
    }

    fn show(&self, id: i64) -> StoreFuture<'_, Option<EventRecord>> {
        Box::pin(sql::show(self, id))
    }

    fn history(&self, id: i64) -> StoreFuture<'_, Vec<AttemptRecord>> {
        Box::pin(sql::history(self, id))
    }

    fn replay(&self, id: i64) -> StoreFuture<'_, bool> {
        Box::pin(self.writer.run(move |connection| {
            let params: &[(&str, &dyn ToSql)] = &[("$1", &id)];
            Ok(connection.execute(&STATEMENTS.replay, params)? == 1)
        }))
    }

    fn replay_dead(&self) -> StoreFuture<'_, u64> {
        Box::pin(
            self.writer
                .run(|connection| connection.execute(&STATEMENTS.replay_dead, &[])),
        )
    }

    fn purge(&self, state: EventState, before: i64) -> StoreFuture<'_, u64> {
        Box::pin(
            self.writer
                .run(move |connection| connection.purge(state, before)),
        )
    }

    fn depth(&self) -> StoreFuture<'_, Vec<(EventState, u64)>> {
        Box::pin(sql::depth(self))
    }

    fn events<'a>(
        &'a self,
        filter: &'a EventFilter,
        before: Option<i64>,
        limit: u32,
    ) -> StoreFuture<'a, Vec<EventSummary>> {
        Box::pin(browse::events(&self.reads, filter, before, limit))
    }

    fn overview(&self, now: i64, minutes: u32) -> StoreFuture<'_, Overview> {
        Box::pin(browse::overview(&self.reads, now, minutes))
    }

    fn dead_letter<'a>(&'a self, id: i64, error: &'a str) -> StoreFuture<'a, bool> {
        let error = error.to_owned();
        Box::pin(self.writer.run(move |connection| {
            let params: &[(&str, &dyn ToSql)] = &[("$1", &id), ("$2", &error)];
            Ok(connection.execute(&STATEMENTS.dead_letter, params)? == 1)
        }))
    }

    fn delete<'a>(&'a self, ids: &'a [i64]) -> StoreFuture<'a, u64> {
        let ids = ids.to_vec();
        Box::pin(self.writer.run(move |connection| connection.delete(&ids)))
    }

    /// Whether the writer thread runs and a read connection answers.
    fn ping(&self) -> StoreFuture<'_, ()> {
        Box::pin(async move {
            if !self.writer.is_running() {
                return Err(StoreError::Writer("its thread stopped".to_owned()));
            }
            sql::ping(self).await
        })
    }

    fn concurrent_writes(&self) -> usize {
        WRITES_IN_FLIGHT
    }

    fn gathers_batches(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests;
