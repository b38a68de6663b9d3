//! [`SqliteStore`]: the embedded store, a SQLite file in WAL mode (through sqlx, as
//! PostgreSQL is: one SQL layer for both).

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::migrate::Migrator;
use sqlx::pool::PoolConnection;
use sqlx::sqlite::{
    Sqlite, SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions,
    SqliteSynchronous,
};

use super::attempt::AttemptEnd;
use super::record::{duration_ms, encode_headers, Inserted, NewEvent};
use super::sql::{sql_store, Ending, Statements, FIND_DUPLICATE};
use super::store::{Finished, InsertLease, StoreError};

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
/// `synchronous = FULL` (on disk before the `202`), the workers' bookkeeping with `NORMAL`;
/// written through one connection a process, with a busy timeout so that several processes on
/// one file wait for the lock instead of failing. Reads (the `inbox` commands, the depth, the
/// readiness probe's ping) go through two read-only connections of their own: in WAL mode they
/// do not wait for the writes.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
    reads: SqlitePool,
}

impl SqliteStore {
    /// Opens (creating it) the store in `file`, and creates or migrates its schema.
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
    /// The file cannot be opened, or the schema cannot be created.
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
        // One connection: SQLite has one writer, and waiting for the pool is fair where waiting
        // on SQLite's lock (its busy handler sleeps up to 100 ms a try) is not. Several
        // processes on one file still wait on the lock, within the busy timeout.
        // No test before each acquire: a file's connection does not go stale as a server's can.
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .test_before_acquire(false)
            .connect_with(options.clone())
            .await
            .map_err(|source| open_error(file, source))?;
        migrator().run(&pool).await?;
        let reads = SqlitePoolOptions::new()
            .max_connections(2)
            .test_before_acquire(false)
            .connect_with(options.read_only(true))
            .await
            .map_err(|source| open_error(file, source))?;
        Ok(Self { pool, reads })
    }
}

fn open_error(file: &Path, source: sqlx::Error) -> StoreError {
    StoreError::Open {
        location: file.display().to_string(),
        source,
    }
}

impl SqliteStore {
    /// The connection, its commits durable (on disk before they return: in WAL mode, `FULL`
    /// syncs the commit's frames; `NORMAL` leaves them to the next checkpoint).
    async fn durable(&self) -> Result<PoolConnection<Sqlite>, StoreError> {
        let mut connection = self.pool.acquire().await?;
        sqlx::query("PRAGMA synchronous = FULL")
            .execute(&mut *connection)
            .await?;
        Ok(connection)
    }

    /// The connection, its commits relaxed (WAL mode's `NORMAL`: a crash of the machine may
    /// lose the last ones).
    async fn relaxed(&self) -> Result<PoolConnection<Sqlite>, StoreError> {
        let mut connection = self.pool.acquire().await?;
        sqlx::query("PRAGMA synchronous = NORMAL")
            .execute(&mut *connection)
            .await?;
        Ok(connection)
    }
}

/// Inserts `events` in one transaction, one statement each (SQLite runs them in process: no
/// round trips to save).
async fn insert_batch(
    store: &SqliteStore,
    events: &[NewEvent],
    lease: Option<InsertLease<'_>>,
) -> Result<Vec<Inserted>, StoreError> {
    use sqlx::Row as _;
    let mut connection = store.durable().await?;
    let mut tx = sqlx::Connection::begin(&mut *connection).await?;
    let mut inserted = Vec::with_capacity(events.len());
    for (index, event) in events.iter().enumerate() {
        let leased = lease.filter(|lease| index < lease.count);
        let statement = match leased {
            Some(_) => &STATEMENTS.insert_leased,
            None => &STATEMENTS.insert,
        };
        let mut query = sqlx::query(statement)
            .bind(&event.route)
            .bind(&event.method)
            .bind(&event.uri)
            .bind(encode_headers(&event.headers))
            .bind(event.body.as_ref())
            .bind(event.received_at)
            .bind(event.idempotency_key.as_deref());
        if let Some(lease) = leased {
            query = query.bind(lease.worker).bind(duration_ms(lease.lease));
        }
        let row = query.fetch_optional(&mut *tx).await?;
        inserted.push(match (row, &event.idempotency_key) {
            (Some(row), _) => Inserted::New(row.try_get("id")?),
            (None, Some(key)) => {
                let row = sqlx::query(FIND_DUPLICATE)
                    .bind(&event.route)
                    .bind(key)
                    .fetch_one(&mut *tx)
                    .await?;
                Inserted::Duplicate(row.try_get("id")?)
            }
            (None, None) => {
                return Err(StoreError::Corrupt(
                    "an event without key was not inserted".to_owned(),
                ))
            }
        });
    }
    tx.commit().await?;
    Ok(inserted)
}

/// Records the ends of `attempts` in one transaction, two statements each: the fenced update
/// of the event, and its row in the history.
async fn finish(store: &SqliteStore, attempts: &[Finished]) -> Result<Vec<bool>, StoreError> {
    let mut connection = store.relaxed().await?;
    let mut tx = sqlx::Connection::begin(&mut *connection).await?;
    let mut held = Vec::with_capacity(attempts.len());
    for attempt in attempts {
        let end = Ending::of(attempt);
        let number = i64::from(attempt.attempt);
        let statement = match end.end {
            AttemptEnd::Done => Some(&STATEMENTS.complete),
            AttemptEnd::Retry => Some(&STATEMENTS.retry),
            AttemptEnd::Dead => Some(&STATEMENTS.dead),
            AttemptEnd::Released => Some(&STATEMENTS.release),
            AttemptEnd::Lost => None,
        };
        let applied = match statement {
            Some(statement) => {
                let mut query = sqlx::query(statement)
                    .bind(attempt.id)
                    .bind(attempt.worker.as_str())
                    .bind(number);
                if end.end == AttemptEnd::Retry {
                    query = query.bind(end.delay_ms);
                }
                if matches!(end.end, AttemptEnd::Retry | AttemptEnd::Dead) {
                    query = query.bind(end.error.as_deref());
                }
                query.execute(&mut *tx).await?.rows_affected() == 1
            }
            None => false,
        };
        let (recorded, error) = end.recorded(applied);
        sqlx::query(&STATEMENTS.record_attempt)
            .bind(attempt.id)
            .bind(number)
            .bind(attempt.worker.as_str())
            .bind(attempt.started_at)
            .bind(recorded.as_str())
            .bind(error)
            .execute(&mut *tx)
            .await?;
        held.push(applied);
    }
    tx.commit().await?;
    Ok(held)
}

/// The store's statements (see [`Statements`]), the clock read as milliseconds since the
/// epoch (SQLite ≥ 3.42's `unixepoch('subsec')`, constant within a statement); the claim takes
/// no lock: SQLite has one writer at a time.
static STATEMENTS: std::sync::LazyLock<Statements> =
    std::sync::LazyLock::new(|| Statements::new("CAST(unixepoch('subsec') * 1000 AS INTEGER)", ""));

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

fn migrator() -> Migrator {
    super::sql::migrator(SCHEMA_V1, ATTEMPTS_V3)
}

sql_store!(
    SqliteStore,
    STATEMENTS,
    insert: insert_batch,
    finish: finish,
    // One connection: a second batch would wait for it.
    writers: 1
);

#[cfg(test)]
mod tests {
    use sqlx::Row as _;

    use super::*;

    /// Two processes opening one new file at once both migrate it: neither fails.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn two_stores_opening_one_new_file_at_once_both_open() {
        let dir = std::env::temp_dir().join(format!(
            "webhook-migrate-race-{}-{}",
            std::process::id(),
            super::super::record::now_ms()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        for round in 0..20 {
            let file = dir.join(format!("inbox-{round}.sqlite3"));
            let (a, b) = tokio::join!(
                tokio::spawn({
                    let file = file.clone();
                    async move { SqliteStore::open(&file).await }
                }),
                tokio::spawn({
                    let file = file.clone();
                    async move { SqliteStore::open(&file).await }
                }),
            );
            a.unwrap().unwrap();
            b.unwrap().unwrap();
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// The claim reads the due events in the order of the `(state, run_at)` index and stops at
    /// its limit: no sort of every queued event (a temporary B-tree), which made each claim
    /// cost as much as the backlog.
    #[tokio::test]
    async fn a_claim_reads_an_index_in_order_without_sorting_the_backlog() {
        let dir = std::env::temp_dir().join(format!(
            "webhook-claim-plan-{}-{}",
            std::process::id(),
            super::super::record::now_ms()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let store = SqliteStore::open(&dir.join("inbox.sqlite3")).await.unwrap();
        let plan = sqlx::query(&format!("EXPLAIN QUERY PLAN {}", STATEMENTS.claim))
            .bind("worker")
            .bind(0_i64)
            .bind(8_i64)
            .fetch_all(&store.pool)
            .await
            .unwrap();
        let plan: Vec<String> = plan
            .iter()
            .map(|row| row.try_get::<String, _>("detail").unwrap())
            .collect();
        assert!(
            plan.iter().all(|step| !step.contains("TEMP B-TREE")),
            "the claim sorts: {plan:#?}"
        );
        assert!(
            plan.iter()
                .any(|step| step.contains("INDEX webhook_inbox_due (state=? AND run_at<?)")),
            "the claim does not read the due index: {plan:#?}"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
