//! [`SqliteStore`]: the embedded store, a SQLite file in WAL mode (through sqlx, as
//! PostgreSQL is: one SQL layer for both).

use std::path::Path;
use std::str::FromStr;
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::oneshot;

use sqlx::migrate::Migrator;
use sqlx::pool::PoolConnection;
use sqlx::sqlite::{
    Sqlite, SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions,
    SqliteSynchronous,
};

use super::attempt::AttemptEnd;
use super::attempt::AttemptRecord;
use super::browse::{self, EventFilter, EventSummary, Overview};
use super::error::StoreError;
use super::record::{duration_ms, encode_headers, Inserted, NewEvent};
use super::record::{EventRecord, EventState};
use super::sql::{self, Ending, SqlStore, Statements};
use super::store::{Finished, InsertLease};
use super::store::{Store, StoreFuture};

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
    /// The ends of attempts waiting for the write connection: the next transaction to take it
    /// (a batch of events, or the ends' own) records them.
    ends: Arc<Mutex<Vec<WaitingEnds>>>,
    /// Set while [`write`] holds a transaction open: one found set was cut short.
    in_transaction: Arc<AtomicBool>,
    /// The write connection's `synchronous` as last set ([`UNKNOWN`], [`NORMAL`], [`FULL`]):
    /// set again only when a transaction needs the other one.
    synchronous: Arc<AtomicU8>,
}

/// The ends of one [`Store::finish`] call, waiting for the write connection.
#[derive(Debug)]
struct WaitingEnds {
    ends: Vec<Finished>,
    answer: oneshot::Sender<Result<Vec<bool>, Arc<StoreError>>>,
}

/// How long the ends of attempts wait for a batch of events to carry them before they are
/// written alone.
const CARRY_WAIT: Duration = Duration::from_millis(5);

/// [`SqliteStore::synchronous`]'s values.
const UNKNOWN: u8 = 0;
const NORMAL: u8 = 1;
const FULL: u8 = 2;

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
            .busy_timeout(Duration::from_secs(10))
            // A statement journal (an `UPDATE` of many rows) in memory: spilled to a file past
            // 64 KiB otherwise, created and unlinked in `/var/tmp` within the transaction.
            .pragma("temp_store", "memory");
        // One connection: SQLite has one writer, and waiting for the pool is fair where waiting
        // on SQLite's lock (its busy handler sleeps up to 100 ms a try) is not. Several
        // processes on one file still wait on the lock, within the busy timeout.
        // No test before each acquire: a file's connection does not go stale as a server's can.
        // Kept open as long as the store (no idle timeout, no maximum lifetime): a new one would
        // start with the options' `synchronous = FULL`, which is safe but costs a `PRAGMA`.
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .test_before_acquire(false)
            .idle_timeout(None)
            .max_lifetime(None)
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
        Ok(Self {
            pool,
            reads,
            ends: Arc::default(),
            in_transaction: Arc::default(),
            synchronous: Arc::new(AtomicU8::new(UNKNOWN)),
        })
    }
}

fn open_error(file: &Path, source: sqlx::Error) -> StoreError {
    StoreError::Open {
        location: file.display().to_string(),
        source,
    }
}

impl SqlStore for SqliteStore {
    type Db = Sqlite;

    fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    fn reads(&self) -> &SqlitePool {
        &self.reads
    }

    fn statements(&self) -> &'static Statements {
        &STATEMENTS
    }

    fn rows_affected(result: &sqlx::sqlite::SqliteQueryResult) -> u64 {
        result.rows_affected()
    }

    /// The connection, its commits durable (on disk before they return: in WAL mode, `FULL`
    /// syncs the commit's frames; `NORMAL` leaves them to the next checkpoint).
    async fn durable(&self) -> Result<PoolConnection<Sqlite>, StoreError> {
        let mut connection = self.pool.acquire().await?;
        self.set_synchronous(&mut connection, FULL).await?;
        Ok(connection)
    }

    /// The connection, its commits relaxed (WAL mode's `NORMAL`: a crash of the machine may
    /// lose the last ones).
    async fn relaxed(&self) -> Result<PoolConnection<Sqlite>, StoreError> {
        let mut connection = self.pool.acquire().await?;
        self.set_synchronous(&mut connection, NORMAL).await?;
        Ok(connection)
    }
}

impl SqliteStore {
    /// Sets the write connection's `synchronous` to `mode` ([`NORMAL`] or [`FULL`]) unless it
    /// is set already: a round trip to sqlx's thread saved on most transactions. The store's
    /// one write connection is held while it is read and set; a new connection starts `FULL`
    /// (the connect options), so the record can only be wrong towards the safe side.
    async fn set_synchronous(
        &self,
        connection: &mut PoolConnection<Sqlite>,
        mode: u8,
    ) -> Result<(), StoreError> {
        if self.synchronous.load(Ordering::Acquire) == mode {
            return Ok(());
        }
        self.synchronous.store(UNKNOWN, Ordering::Release);
        let pragma = if mode == FULL {
            "PRAGMA synchronous = FULL"
        } else {
            "PRAGMA synchronous = NORMAL"
        };
        sqlx::query(pragma).execute(&mut **connection).await?;
        self.synchronous.store(mode, Ordering::Release);
        Ok(())
    }

    /// The ends of attempts waiting for the write connection, taken to be recorded by the
    /// transaction of the caller, which holds it.
    fn take_ends(&self) -> Vec<WaitingEnds> {
        self.ends
            .lock()
            .map(|mut ends| std::mem::take(&mut *ends))
            .unwrap_or_default()
    }
}

/// SQLite's clock in milliseconds since the epoch (SQLite ≥ 3.42; constant within a
/// statement).
const NOW: &str = "CAST(unixepoch('subsec') * 1000 AS INTEGER)";

/// `count` rows of `placeholders` (`(?, ?, …)` with `{now}` standing for [`NOW`]), comma
/// separated: the `VALUES` of a multi-row statement.
fn rows(placeholders: &str, count: usize) -> String {
    let row = placeholders.replace("{now}", NOW);
    let mut values = String::with_capacity((row.len() + 2) * count);
    for index in 0..count {
        if index > 0 {
            values.push_str(", ");
        }
        values.push_str(&row);
    }
    values
}

/// Inserts `events` in one transaction of two statements whatever their number: the next ids
/// of the table's sequence are read first, so that the ids the multi-row insert returns tell
/// which events are new (each other one is a duplicate, looked up by its key).
///
/// One statement a batch, not one an event: sqlx runs a SQLite connection on a thread of its
/// own, and each statement is a round trip to it; with the attempts' ends recorded on the same
/// connection, statements an event were most of a request's wait.
async fn insert_batch(
    store: &SqliteStore,
    events: &[NewEvent],
    lease: Option<InsertLease<'_>>,
) -> Result<Vec<Inserted>, StoreError> {
    let mut connection = store.durable().await?;
    // The ends of attempts waiting for the connection are recorded in this transaction: one
    // commit for both, instead of an end's transaction between two batches of events.
    let ends = store.take_ends();
    let all = all_ends(&ends);
    match write(store, &mut connection, events, lease, &all).await {
        Ok((inserted, held)) => {
            answer_ends(ends, Ok(held));
            Ok(inserted)
        }
        Err(Failed { error, committed }) if ends.is_empty() || committed => {
            answer_ends(ends, Err(StoreError::Shared(Arc::clone(&error))));
            Err(unshared(error))
        }
        Err(Failed { error, .. }) => {
            // Rolled back: the events alone, then the ends alone, so that neither fails for
            // the other's error.
            tracing::debug!(%error, "a batch of events and ends failed: writing them apart");
            let inserted = write(store, &mut connection, events, lease, &[]).await;
            let held = write(store, &mut connection, &[], None, &all).await;
            answer_ends(ends, held.map(|(_, held)| held).map_err(Failed::into_error));
            inserted
                .map(|(inserted, _)| inserted)
                .map_err(Failed::into_error)
        }
    }
}

/// The ends of all of `ends`, in their order: one transaction records them.
fn all_ends(ends: &[WaitingEnds]) -> Vec<Finished> {
    ends.iter()
        .flat_map(|waiting| waiting.ends.iter().cloned())
        .collect()
}

/// An error given to several callers, as one of them gets it: itself when no other holds it.
fn unshared(error: Arc<StoreError>) -> StoreError {
    Arc::try_unwrap(error).unwrap_or_else(StoreError::Shared)
}

/// What a waiting [`Store::finish`] was answered (`Closed` when its answer was dropped).
fn received(
    answer: Result<Result<Vec<bool>, Arc<StoreError>>, oneshot::error::RecvError>,
) -> Result<Vec<bool>, StoreError> {
    match answer {
        Ok(Ok(held)) => Ok(held),
        Ok(Err(error)) => Err(unshared(error)),
        Err(_) => Err(StoreError::Closed),
    }
}

/// Answers each waiting [`Store::finish`] with its share of `held` (the ends in their order),
/// or all with the error.
fn answer_ends(ends: Vec<WaitingEnds>, held: Result<Vec<bool>, StoreError>) {
    match held {
        Ok(held) => {
            let mut held = held.into_iter();
            for waiting in ends {
                let own: Vec<bool> = held.by_ref().take(waiting.ends.len()).collect();
                let _ = waiting.answer.send(Ok(own));
            }
        }
        Err(error) => {
            let error = Arc::new(error);
            for waiting in ends {
                let _ = waiting.answer.send(Err(Arc::clone(&error)));
            }
        }
    }
}

/// A [`write`] that failed: its error, and whether its transaction was committed all the same
/// (the duplicates' lookup, after the commit, failed).
struct Failed {
    error: Arc<StoreError>,
    committed: bool,
}

impl Failed {
    fn into_error(self) -> StoreError {
        unshared(self.error)
    }
}

/// The next id of the events' table: AUTOINCREMENT never gives an id twice, a purged event's
/// neither, so the sequence goes on.
const NEXT_ID: &str = "SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence \
     WHERE name = 'webhook_inbox'), 0), COALESCE((SELECT MAX(id) FROM webhook_inbox), 0)) + 1";

/// Stores `events` and records the ends of `attempts` in one transaction, on `connection` (its
/// `synchronous` as the caller set it): what became of each event, and whether each attempt
/// still held its event's lease.
///
/// Each statement is a round trip to sqlx's thread for the connection, and under load each
/// costs as much as the next batch's wait (a hand-off between threads each way): `BEGIN`
/// rides with the first statement and `COMMIT` with the last (sqlx runs the statements of one
/// query in order, binding the parameters across them): two round trips for a batch of events,
/// four with ends (instead of four and six).
async fn write(
    store: &SqliteStore,
    connection: &mut PoolConnection<Sqlite>,
    events: &[NewEvent],
    lease: Option<InsertLease<'_>>,
    attempts: &[Finished],
) -> Result<(Vec<Inserted>, Vec<bool>), Failed> {
    let connection: &mut sqlx::SqliteConnection = connection;
    // A transaction left open by a write cut short (its task aborted at the shutdown, between
    // two statements) is rolled back first.
    if store.in_transaction.load(Ordering::Acquire) {
        let _ = sqlx::query("ROLLBACK").execute(&mut *connection).await;
    }
    store.in_transaction.store(true, Ordering::Release);
    let mut committed = false;
    let written = write_in_transaction(connection, events, lease, attempts, &mut committed).await;
    if written.is_err() && !committed {
        // Its error when the transaction is gone already (a failed `BEGIN`, or `COMMIT`).
        let _ = sqlx::query("ROLLBACK").execute(&mut *connection).await;
    }
    store.in_transaction.store(false, Ordering::Release);
    written.map_err(|error| Failed {
        error: Arc::new(error),
        committed,
    })
}

/// [`write`]'s statements, `committed` set once `COMMIT` succeeded.
async fn write_in_transaction(
    connection: &mut sqlx::SqliteConnection,
    events: &[NewEvent],
    lease: Option<InsertLease<'_>>,
    attempts: &[Finished],
    committed: &mut bool,
) -> Result<(Vec<Inserted>, Vec<bool>), StoreError> {
    // The write lock first (`IMMEDIATE`, waiting within the busy timeout): a deferred
    // transaction reading the sequence and then writing fails at once (`SQLITE_BUSY`) when
    // another process on the file wrote between the two.
    let stored = if events.is_empty() {
        sqlx::query("BEGIN IMMEDIATE")
            .execute(&mut *connection)
            .await?;
        None
    } else {
        let first: i64 = sqlx::query_scalar(&format!("BEGIN IMMEDIATE; {NEXT_ID}"))
            .fetch_one(&mut *connection)
            .await?;
        let count = insert_events(connection, first, events, lease, attempts.is_empty()).await?;
        Some((first, count))
    };
    let held = if attempts.is_empty() {
        Vec::new()
    } else {
        record_ends(connection, attempts).await?
    };
    *committed = true;
    let inserted = match stored {
        Some((first, count)) => resolve(connection, first, count, events).await?,
        None => Vec::new(),
    };
    Ok((inserted, held))
}

/// Inserts `events` with the ids `first..` in one statement whatever their number (then
/// `COMMIT` when `commit`): how many were new (the others are duplicates of stored events).
///
/// One statement a batch, not one an event: sqlx runs a SQLite connection on a thread of its
/// own, and each statement is a round trip to it.
async fn insert_events(
    connection: &mut sqlx::SqliteConnection,
    first: i64,
    events: &[NewEvent],
    lease: Option<InsertLease<'_>>,
    commit: bool,
) -> Result<u64, StoreError> {
    // The count from `changes()`, a row: the query's total of rows affected would count the
    // insert twice (`COMMIT` reports the last statement's).
    let statement = format!(
        "INSERT INTO webhook_inbox (id, route, method, uri, headers, body, received_at, \
         idempotency_key, state, attempts, run_at, lease_owner, lease_until) VALUES {} \
         ON CONFLICT (route, idempotency_key) DO NOTHING; SELECT changes(){}",
        rows(
            "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, {now}, ?, {now} + ?)",
            events.len()
        ),
        if commit { "; COMMIT" } else { "" }
    );
    let mut query = sqlx::query_scalar(&statement);
    for (index, (id, event)) in (first..).zip(events).enumerate() {
        let leased = lease.filter(|lease| index < lease.count);
        query = query
            .bind(id)
            .bind(&event.route)
            .bind(&event.method)
            .bind(&event.uri)
            .bind(encode_headers(&event.headers))
            .bind(event.body.as_ref())
            .bind(event.received_at)
            .bind(event.idempotency_key.as_deref())
            .bind(if leased.is_some() {
                "running"
            } else {
                "queued"
            })
            .bind(i64::from(leased.is_some()))
            .bind(leased.map(|lease| lease.worker))
            .bind(leased.map(|lease| duration_ms(lease.lease)));
    }
    // `fetch_all`: a `fetch_one` would stop sqlx at the row, before the `COMMIT`.
    let counts: Vec<i64> = query.fetch_all(&mut *connection).await?;
    let count = counts.first().copied().ok_or_else(|| {
        StoreError::Corrupt("the insert's count of new events is missing".to_owned())
    })?;
    Ok(u64::try_from(count).unwrap_or(0))
}

/// What became of `events`, inserted with the ids `first..`, `count` of them new: when every
/// one is, nothing to read; otherwise which ids were taken and the duplicates' twins (after the
/// commit, the connection still held: the store's one writer; the twins of duplicates are
/// stored and purged only long after).
async fn resolve(
    connection: &mut sqlx::SqliteConnection,
    first: i64,
    count: u64,
    events: &[NewEvent],
) -> Result<Vec<Inserted>, StoreError> {
    use sqlx::Row as _;
    if count == events.len() as u64 {
        return Ok((first..).take(events.len()).map(Inserted::New).collect());
    }
    let new: std::collections::HashSet<i64> =
        sqlx::query_scalar("SELECT id FROM webhook_inbox WHERE id >= ? AND id < ?")
            .bind(first)
            .bind(first.saturating_add(i64::try_from(events.len()).unwrap_or(i64::MAX)))
            .fetch_all(&mut *connection)
            .await?
            .into_iter()
            .collect();
    // The duplicates' ids, in one statement.
    let duplicates: Vec<(&str, &str)> = (first..)
        .zip(events)
        .filter(|(id, _)| !new.contains(id))
        .filter_map(|(_, event)| Some((event.route.as_str(), event.idempotency_key.as_deref()?)))
        .collect();
    let mut existing = std::collections::HashMap::with_capacity(duplicates.len());
    if !duplicates.is_empty() {
        let statement = format!(
            "SELECT id, route, idempotency_key FROM webhook_inbox \
             WHERE (route, idempotency_key) IN (VALUES {})",
            rows("(?, ?)", duplicates.len())
        );
        let mut query = sqlx::query(&statement);
        for (route, key) in &duplicates {
            query = query.bind(*route).bind(*key);
        }
        for row in query.fetch_all(&mut *connection).await? {
            existing.insert(
                (
                    row.try_get::<String, _>("route")?,
                    row.try_get::<String, _>("idempotency_key")?,
                ),
                row.try_get::<i64, _>("id")?,
            );
        }
    }
    let mut inserted = Vec::with_capacity(events.len());
    for (id, event) in (first..).zip(events) {
        inserted.push(match (new.contains(&id), &event.idempotency_key) {
            (true, _) => Inserted::New(id),
            (false, Some(key)) => match existing.get(&(event.route.clone(), key.clone())) {
                Some(id) => Inserted::Duplicate(*id),
                None => {
                    return Err(StoreError::Corrupt(
                        "a duplicate event's stored twin cannot be found".to_owned(),
                    ))
                }
            },
            (false, None) => {
                return Err(StoreError::Corrupt(
                    "an event without key was not inserted".to_owned(),
                ))
            }
        });
    }
    Ok(inserted)
}

/// Records the ends of `attempts`: they wait for the write connection, and the transaction
/// that takes it next records them, with a batch of events (durable) or alone (relaxed) with
/// the ends of others waiting too.
async fn finish(store: &SqliteStore, attempts: &[Finished]) -> Result<Vec<bool>, StoreError> {
    let (answer, answered) = oneshot::channel();
    if let Ok(mut ends) = store.ends.lock() {
        ends.push(WaitingEnds {
            ends: attempts.to_vec(),
            answer,
        });
    }
    // The next batch of events carries them, when one comes soon (under load, every
    // millisecond or two); otherwise they are written alone, with the others waiting.
    let mut answered = answered;
    if let Ok(answer) = tokio::time::timeout(CARRY_WAIT, &mut answered).await {
        return received(answer);
    }
    {
        let mut connection = store.relaxed().await?;
        let ends = store.take_ends();
        if !ends.is_empty() {
            let all = all_ends(&ends);
            let held = write(store, &mut connection, &[], None, &all).await;
            answer_ends(ends, held.map(|(_, held)| held).map_err(Failed::into_error));
        }
    }
    received(answered.await)
}

/// Records the ends of `attempts` in two statements whatever their number, then commits with
/// the second: the fenced updates of the events (one `UPDATE … FROM` the ends), and their rows
/// in the history (`lost` where the fence failed).
async fn record_ends(
    tx: &mut sqlx::SqliteConnection,
    attempts: &[Finished],
) -> Result<Vec<bool>, StoreError> {
    let endings: Vec<Ending> = attempts.iter().map(Ending::of).collect();
    let ends: Vec<(&Finished, &Ending)> = attempts
        .iter()
        .zip(&endings)
        .filter(|(_, ending)| ending.end != AttemptEnd::Lost)
        .collect();
    // The update returns the ids it moved: an event's id names its end where the batch holds
    // one end of it. Two ends of one event (a stale attempt's beside its holder's) are updated
    // one at a time.
    let mut ends_of = std::collections::HashMap::<i64, usize>::new();
    for (attempt, _) in &ends {
        *ends_of.entry(attempt.id).or_default() += 1;
    }
    let (alone, shared): (Vec<_>, Vec<_>) = ends
        .into_iter()
        .partition(|(attempt, _)| ends_of[&attempt.id] == 1);
    let moved = update_ends(tx, &alone).await?;
    let mut held: Vec<bool> = attempts
        .iter()
        .map(|attempt| ends_of.get(&attempt.id) == Some(&1) && moved.contains(&attempt.id))
        .collect();
    for end in shared {
        let moved = update_ends(tx, &[end]).await?;
        if let Some(index) = attempts
            .iter()
            .position(|attempt| std::ptr::eq(attempt, end.0))
        {
            held[index] = moved.contains(&end.0.id);
        }
    }
    for (index, ending) in endings.iter().enumerate() {
        if ending.end == AttemptEnd::Lost {
            held[index] = false;
        }
    }
    let history = format!(
        "INSERT INTO webhook_inbox_attempts \
         (event_id, attempt, worker, started_at, finished_at, outcome, error) VALUES {}",
        rows("(?, ?, ?, ?, {now}, ?, ?)", attempts.len())
    ) + "; COMMIT";
    let mut query = sqlx::query(&history);
    for ((attempt, ending), held) in attempts.iter().zip(&endings).zip(&held) {
        let (end, error) = ending.recorded(*held);
        query = query
            .bind(attempt.id)
            .bind(i64::from(attempt.attempt))
            .bind(attempt.worker.as_str())
            .bind(attempt.started_at)
            .bind(end.as_str())
            .bind(error);
    }
    query.execute(&mut *tx).await?;
    Ok(held)
}

/// Applies `ends` (none `lost`) to their events where the fence holds, in one statement: the
/// ids of the events moved.
async fn update_ends(
    tx: &mut sqlx::SqliteConnection,
    ends: &[(&Finished, &Ending)],
) -> Result<std::collections::HashSet<i64>, StoreError> {
    use sqlx::Row as _;
    if ends.is_empty() {
        return Ok(std::collections::HashSet::new());
    }
    let update = format!(
        "WITH ends (id, worker, attempt, outcome, error, delay) AS (VALUES {}) \
         UPDATE webhook_inbox SET \
         state = CASE ends.outcome WHEN 'done' THEN 'done' WHEN 'dead' THEN 'dead' \
         ELSE 'queued' END, \
         run_at = CASE ends.outcome WHEN 'retry' THEN {NOW} + ends.delay \
         WHEN 'released' THEN {NOW} ELSE webhook_inbox.run_at END, \
         attempts = CASE ends.outcome WHEN 'released' THEN webhook_inbox.attempts - 1 \
         ELSE webhook_inbox.attempts END, \
         finished_at = CASE WHEN ends.outcome IN ('done', 'dead') THEN {NOW} \
         ELSE webhook_inbox.finished_at END, \
         last_error = CASE WHEN ends.outcome IN ('retry', 'dead') THEN ends.error \
         ELSE webhook_inbox.last_error END, \
         lease_owner = NULL, lease_until = NULL \
         FROM ends WHERE webhook_inbox.id = ends.id AND webhook_inbox.lease_owner = ends.worker \
         AND webhook_inbox.attempts = ends.attempt AND webhook_inbox.state = 'running' \
         RETURNING webhook_inbox.id",
        rows("(?, ?, ?, ?, ?, ?)", ends.len())
    );
    let mut query = sqlx::query(&update);
    for (attempt, ending) in ends {
        query = query
            .bind(attempt.id)
            .bind(attempt.worker.as_str())
            .bind(i64::from(attempt.attempt))
            .bind(ending.end.as_str())
            .bind(ending.error.as_deref())
            .bind(ending.delay_ms);
    }
    query
        .fetch_all(&mut *tx)
        .await?
        .iter()
        .map(|row| Ok(row.try_get::<i64, _>("id")?))
        .collect()
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

impl Store for SqliteStore {
    fn insert_batch<'a>(
        &'a self,
        events: &'a [NewEvent],
        lease: Option<InsertLease<'a>>,
    ) -> StoreFuture<'a, Vec<Inserted>> {
        Box::pin(insert_batch(self, events, lease))
    }

    fn claim<'a>(
        &'a self,
        worker: &'a str,
        lease: Duration,
        limit: u32,
    ) -> StoreFuture<'a, Vec<EventRecord>> {
        Box::pin(sql::claim(self, worker, lease, limit))
    }

    fn finish<'a>(&'a self, attempts: &'a [Finished]) -> StoreFuture<'a, Vec<bool>> {
        Box::pin(finish(self, attempts))
    }

    fn renew<'a>(
        &'a self,
        worker: &'a str,
        attempts: &'a [(i64, u32)],
        lease: Duration,
    ) -> StoreFuture<'a, Vec<bool>> {
        Box::pin(sql::renew(self, worker, attempts, lease))
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
        Box::pin(sql::replay(self, id))
    }

    fn replay_dead(&self) -> StoreFuture<'_, u64> {
        Box::pin(sql::replay_dead(self))
    }

    fn purge(&self, state: EventState, before: i64) -> StoreFuture<'_, u64> {
        Box::pin(sql::purge(self, state, before))
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
        Box::pin(sql::dead_letter(self, id, error))
    }

    fn delete<'a>(&'a self, ids: &'a [i64]) -> StoreFuture<'a, u64> {
        Box::pin(browse::delete(&self.pool, ids))
    }

    fn ping(&self) -> StoreFuture<'_, ()> {
        Box::pin(sql::ping(self))
    }

    fn concurrent_writes(&self) -> usize {
        // One connection: a second batch would wait for it.
        1
    }
}

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
