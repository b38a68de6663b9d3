//! The SQL the two stores share (SQLite reads `$1` parameters as PostgreSQL does), and the
//! [`Store`](super::Store) methods written once for both, as functions generic over the sqlx
//! database ([`SqlStore`]): each store's `impl Store` calls them, one line a method, and adds
//! what is its own (storing a batch of events, recording a batch of attempts' ends).
//!
//! Only the schema and the claim differ: PostgreSQL claims with `FOR UPDATE SKIP LOCKED`, so
//! that replicas claiming at once take different events without waiting on each other; SQLite
//! has one writer at a time, which makes its claim atomic as it is.

use std::future::Future;
use std::time::Duration;

use sqlx::pool::PoolConnection;
use sqlx::{ColumnIndex, Database, Decode, Encode, Executor, IntoArguments, Pool, Row, Type};

use super::attempt::AttemptRecord;
use super::error::StoreError;
use super::record::{duration_ms, EventRecord, EventState, NewEvent};

/// The columns of an event, in the order [`record_from_row`] reads them by name.
pub(crate) const COLUMNS: &str = "id, route, method, uri, headers, body, received_at, \
     idempotency_key, state, attempts, attempts_before_replay, run_at, lease_owner, lease_until, last_error, finished_at";

/// The statements the two stores share, written once with the store's expression of the
/// database's clock (`now`, milliseconds since the epoch) and its claim's lock (each store
/// writes its batches of events and of attempts' ends in statements of its own).
///
/// Every time a lease, a due time or a finish time is compared with or written is read from the
/// database's clock, not the replica's: two replicas whose clocks disagree by a second would
/// otherwise each see the other's leases expire a second early or late. (`received_at` is the
/// replica's: it is when the request arrived, and no decision reads it.)
///
/// Every write of a running event is fenced on the lease's owner and the attempt number: a
/// process may claim back its own expired event while the first attempt still runs, and that
/// first attempt must then change nothing.
#[derive(Debug)]
pub(crate) struct Statements {
    /// `$1` worker, `$2` lease (ms), `$3` limit: see [`claim_statement`].
    pub(crate) claim: String,
    /// `$1` id, `$2` worker, `$3` attempt, `$4` lease (ms): a lease held and not expired,
    /// extended.
    pub(crate) renew: String,
    /// `$1` id.
    pub(crate) replay: String,
    /// No parameter.
    pub(crate) replay_dead: String,
    /// `$1` id, `$2` error: see [`dead_letter_statement`](super::browse::dead_letter_statement).
    pub(crate) dead_letter: String,
}

impl Statements {
    /// The statements of a store whose clock is the SQL expression `now` and whose claim
    /// locks its selections with `lock`.
    pub(crate) fn new(now: &str, lock: &str) -> Self {
        Self {
            claim: claim_statement(now, lock),
            renew: format!(
                "UPDATE webhook_inbox SET lease_until = {now} + $4 \
                 WHERE id = $1 AND lease_owner = $2 AND attempts = $3 AND state = 'running' \
                 AND lease_until > {now}"
            ),
            replay: format!(
                "UPDATE webhook_inbox SET state = 'queued', run_at = {now}, \
                 attempts_before_replay = attempts, finished_at = NULL \
                 WHERE id = $1 AND state IN ('done', 'dead')"
            ),
            replay_dead: format!(
                "UPDATE webhook_inbox SET state = 'queued', run_at = {now}, \
                 attempts_before_replay = attempts, finished_at = NULL WHERE state = 'dead'"
            ),
            dead_letter: super::browse::dead_letter_statement(now),
        }
    }
}

/// An attempt's end as the stores write it: its outcome in the history, the retry's delay,
/// the error.
pub(crate) struct Ending {
    /// The outcome, if the fence holds.
    pub(crate) end: super::AttemptEnd,
    /// A retry's delay (ms); 0 otherwise.
    pub(crate) delay_ms: i64,
    /// The attempt's error.
    pub(crate) error: Option<String>,
}

impl Ending {
    /// How `finished` is written.
    pub(crate) fn of(finished: &super::Finished) -> Self {
        use super::{AttemptEnd, Failure, Resolution};
        let (end, delay_ms, error) = match &finished.resolution {
            Resolution::Done => (AttemptEnd::Done, 0, None),
            Resolution::Failed(Failure::Retry { after, error }) => {
                (AttemptEnd::Retry, duration_ms(*after), Some(error.clone()))
            }
            Resolution::Failed(Failure::Dead { error }) => {
                (AttemptEnd::Dead, 0, Some(error.clone()))
            }
            Resolution::Released => (AttemptEnd::Released, 0, None),
            Resolution::Lost => (
                AttemptEnd::Lost,
                0,
                Some("the lease was lost while the attempt ran".to_owned()),
            ),
        };
        Self {
            end,
            delay_ms,
            error,
        }
    }

    /// What the history records once the fenced update `applied` or not: an end whose update
    /// found the lease gone is `lost`, its error saying what was not recorded.
    pub(crate) fn recorded(&self, applied: bool) -> (super::AttemptEnd, Option<String>) {
        if applied || self.end == super::AttemptEnd::Lost {
            return (self.end, self.error.clone());
        }
        let lost = format!(
            "the lease was lost before the attempt's end ({}) was recorded",
            self.end
        );
        let error = match &self.error {
            Some(error) => format!("{lost}: {error}"),
            None => lost,
        };
        (super::AttemptEnd::Lost, Some(error))
    }
}

/// The id of the event of a route (`$1`) and key (`$2`).
pub(crate) const FIND_DUPLICATE: &str =
    "SELECT id FROM webhook_inbox WHERE route = $1 AND idempotency_key = $2";

/// The claim (`$1` worker, `$2` lease in ms, `$3` limit), the time read from `now`, with
/// `lock` after each of its two selections (PostgreSQL: ` FOR UPDATE SKIP LOCKED`; SQLite, one
/// writer: nothing).
///
/// The due events are selected in two parts, each read in the order of an index and cut at
/// the limit: the queued events due, oldest due first (`webhook_inbox_queued`), and the running
/// ones whose lease expired, in no order (few: at most the workers' of every replica). One
/// condition `(queued AND due) OR (running AND expired)` ordered by due time made both
/// databases collect and sort *every* queued event at each claim: with a backlog of 200,000
/// events a claim took about 100 ms, the workers fell further behind as the queue grew (found
/// by `benches/soak.sh durable`).
pub(crate) fn claim_statement(now: &str, lock: &str) -> String {
    format!(
        "WITH queued AS (SELECT id FROM webhook_inbox WHERE state = 'queued' AND run_at <= {now} \
         ORDER BY run_at LIMIT $3{lock}), \
         expired AS (SELECT id FROM webhook_inbox WHERE state = 'running' AND lease_until <= {now} \
         LIMIT $3{lock}) \
         UPDATE webhook_inbox SET state = 'running', attempts = attempts + 1, \
         lease_owner = $1, lease_until = {now} + $2 \
         WHERE id IN (SELECT id FROM expired UNION ALL SELECT id FROM queued LIMIT $3) \
         RETURNING {COLUMNS}"
    )
}

/// The migrations of a store whose first schema is `schema_v1` and whose attempts' history
/// table is `attempts_v3` (the stores differ only there): 1, the table and its due index; 2,
/// [`FINISHED_INDEX`]; 3, the attempts' history; 4, [`PAGE_INDEXES`]; 5, [`PARTIAL_INDEXES`]
/// (in place of the indexes of 1 and 2); then the store's own, `later` (numbered from 6).
pub(crate) fn migrator(
    schema_v1: &'static str,
    attempts_v3: &'static str,
    later: &[(&'static str, &'static str)],
) -> sqlx::migrate::Migrator {
    use sqlx::migrate::{Migration, MigrationType, Migrator};
    use std::borrow::Cow;
    let migration = |version, description, sql| {
        Migration::new(
            version,
            Cow::Borrowed(description),
            MigrationType::Simple,
            Cow::Borrowed(sql),
            false,
        )
    };
    let mut migrations = vec![
        migration(1, "webhook inbox", schema_v1),
        migration(2, "webhook inbox: finished events by time", FINISHED_INDEX),
        migration(3, "webhook inbox: the attempts' history", attempts_v3),
        migration(
            4,
            "webhook inbox: events and attempts by time",
            PAGE_INDEXES,
        ),
        migration(
            5,
            "webhook inbox: partial indexes of the queued and the finished events",
            PARTIAL_INDEXES,
        ),
    ];
    migrations.extend(
        (6..)
            .zip(later)
            .map(|(version, (description, sql))| migration(version, description, sql)),
    );
    Migrator {
        migrations: Cow::Owned(migrations),
        ..Migrator::DEFAULT
    }
}

/// The index the purge reads (done or dead events by the time they finished): without it,
/// each purge read every event of the state (the second migration of both stores).
pub(crate) const FINISHED_INDEX: &str =
    "CREATE INDEX IF NOT EXISTS webhook_inbox_finished ON webhook_inbox (state, finished_at)";

/// The indexes the inbox's page reads (the fourth migration of both stores), each holding
/// what its query reads so that no row is visited: events by the time they were received (the
/// chart's events a minute, the events page's time range), events by state and route (the
/// overview's counts: a scan of the table took 430 ms on 100,000 events, bodies and all), and
/// attempts by the time they ended, with their outcome (the chart's done and failed a minute).
pub(crate) const PAGE_INDEXES: &str = "
CREATE INDEX IF NOT EXISTS webhook_inbox_received ON webhook_inbox (received_at);
CREATE INDEX IF NOT EXISTS webhook_inbox_state_route ON webhook_inbox (state, route);
CREATE INDEX IF NOT EXISTS webhook_inbox_attempts_finished ON webhook_inbox_attempts (finished_at, outcome);
";

/// The fifth migration of both stores: the indexes of the queued events (the claim) and of
/// the finished ones (the purge) hold only those, instead of every event by its state.
///
/// Most events never wait in the queue (an event is leased to a worker of its replica in its
/// insert) and are finished only once: with `(state, run_at)` and `(state, finished_at)` over
/// every event, each insert wrote an entry in both, and each attempt's end moved both, four
/// more index pages dirtied in every batch. With these, an event handed over is written in
/// neither until it ends, then once in the finished one. The claim's leases that expired are
/// found through `(state, route)` (running events are few); the depth reads that index too.
/// The embedded store at 32 connections: 22,100 events/s against 21,000 before, six pairs of
/// rounds interleaved (`benches/durable/ab.sh`, figures in `benches/README.md`).
pub(crate) const PARTIAL_INDEXES: &str = "
DROP INDEX IF EXISTS webhook_inbox_due;
CREATE INDEX IF NOT EXISTS webhook_inbox_queued ON webhook_inbox (state, run_at) WHERE state = 'queued';
DROP INDEX IF EXISTS webhook_inbox_finished;
CREATE INDEX IF NOT EXISTS webhook_inbox_finished_at ON webhook_inbox (state, finished_at) WHERE finished_at IS NOT NULL;
";

/// The attempts of an event (`$1`), first first.
pub(crate) const HISTORY: &str = "SELECT event_id, attempt, worker, started_at, finished_at, \
     outcome, error FROM webhook_inbox_attempts WHERE event_id = $1 ORDER BY id";

/// `$1` state, `$2` finished before: the history of the events [`PURGE`] deletes.
pub(crate) const PURGE_HISTORY: &str = "DELETE FROM webhook_inbox_attempts WHERE event_id IN \
     (SELECT id FROM webhook_inbox WHERE state = $1 AND finished_at < $2)";

/// `$1` state, `$2` finished before.
pub(crate) const PURGE: &str = "DELETE FROM webhook_inbox WHERE state = $1 AND finished_at < $2";

/// The number of events by state, done events left out: the store keeps them for the
/// retention (days of traffic), and counting them would read them all every few seconds; the
/// other states are read from the `(state, route)` index, in proportion to their size.
pub(crate) const DEPTH: &str = "SELECT state, COUNT(*) AS n FROM webhook_inbox \
     WHERE state IN ('queued', 'running', 'dead') GROUP BY state";

/// An attempt of a row read by [`HISTORY`].
pub(crate) fn attempt_from_row<R>(row: &R) -> Result<AttemptRecord, StoreError>
where
    R: Row,
    for<'r> &'r str: ColumnIndex<R>,
    for<'r> i64: Decode<'r, R::Database> + Type<R::Database>,
    for<'r> String: Decode<'r, R::Database> + Type<R::Database>,
    for<'r> Option<String>: Decode<'r, R::Database> + Type<R::Database>,
{
    let attempt: i64 = row.try_get("attempt")?;
    let end: String = row.try_get("outcome")?;
    Ok(AttemptRecord {
        event_id: row.try_get("event_id")?,
        attempt: u32::try_from(attempt).unwrap_or(0),
        worker: row.try_get("worker")?,
        started_at: row.try_get("started_at")?,
        finished_at: row.try_get("finished_at")?,
        end: end.parse().map_err(StoreError::Corrupt)?,
        error: row.try_get("error")?,
    })
}

/// An event of a row holding [`COLUMNS`].
pub(crate) fn record_from_row<R>(row: &R) -> Result<EventRecord, StoreError>
where
    R: Row,
    for<'r> &'r str: ColumnIndex<R>,
    for<'r> i64: Decode<'r, R::Database> + Type<R::Database>,
    for<'r> String: Decode<'r, R::Database> + Type<R::Database>,
    for<'r> Vec<u8>: Decode<'r, R::Database> + Type<R::Database>,
{
    let state: String = row.try_get("state")?;
    let attempts: i64 = row.try_get("attempts")?;
    let before_replay: i64 = row.try_get("attempts_before_replay")?;
    let headers: Vec<u8> = row.try_get("headers")?;
    let body: Vec<u8> = row.try_get("body")?;
    Ok(EventRecord {
        id: row.try_get("id")?,
        event: NewEvent {
            route: row.try_get("route")?,
            method: row.try_get("method")?,
            uri: row.try_get("uri")?,
            headers: super::record::decode_headers(&headers),
            body: body.into(),
            received_at: row.try_get("received_at")?,
            idempotency_key: row.try_get("idempotency_key")?,
        },
        state: state.parse().map_err(StoreError::Corrupt)?,
        attempts: u32::try_from(attempts).unwrap_or(0),
        attempts_before_replay: u32::try_from(before_replay).unwrap_or(0),
        run_at: row.try_get("run_at")?,
        lease_owner: row.try_get("lease_owner")?,
        lease_until: row.try_get("lease_until")?,
        last_error: row.try_get("last_error")?,
        finished_at: row.try_get("finished_at")?,
    })
}

/// A store whose reads are written here once: its sqlx database and the pool that lists,
/// shows, counts and pings (the embedded store writes through a connection of its own).
pub(crate) trait SqlReads: Send + Sync {
    /// The sqlx database.
    type Db: Database;

    /// The pool that lists, shows, counts and pings.
    fn reads(&self) -> &Pool<Self::Db>;
}

/// A store whose SQL is written here once: its pools, its [`Statements`], and how it gives a
/// connection whose commits are durable (on disk before they return) or relaxed.
///
/// Storing events is durable: the `202` follows. The workers' bookkeeping (claims, outcomes,
/// releases) is relaxed: a crash of the machine (not of the process) may lose its last commits,
/// which puts an event back where it was, to be run again: at-least-once holds, and a commit
/// an event does not wait for the disk.
pub(crate) trait SqlStore: SqlReads {
    /// The pool that writes.
    fn pool(&self) -> &Pool<Self::Db>;

    /// The store's statements.
    fn statements(&self) -> &'static Statements;

    /// A connection whose commits are durable.
    fn durable(&self) -> impl Future<Output = Result<PoolConnection<Self::Db>, StoreError>> + Send;

    /// A connection whose commits are relaxed.
    fn relaxed(&self) -> impl Future<Output = Result<PoolConnection<Self::Db>, StoreError>> + Send;

    /// How many rows a statement changed (sqlx has it on each database's result type, in no
    /// trait).
    fn rows_affected(result: &<Self::Db as Database>::QueryResult) -> u64;
}

/// [`Store::claim`](super::Store::claim), on a relaxed connection.
pub(crate) async fn claim<S: SqlStore>(
    store: &S,
    worker: &str,
    lease: Duration,
    limit: u32,
) -> Result<Vec<EventRecord>, StoreError>
where
    for<'c> &'c mut <S::Db as Database>::Connection: Executor<'c, Database = S::Db>,
    for<'q> <S::Db as Database>::Arguments<'q>: IntoArguments<'q, S::Db>,
    for<'q> &'q str: Encode<'q, S::Db> + Type<S::Db>,
    for<'q> i64: Encode<'q, S::Db> + Decode<'q, S::Db> + Type<S::Db>,
    for<'q> String: Decode<'q, S::Db> + Type<S::Db>,
    for<'q> Vec<u8>: Decode<'q, S::Db> + Type<S::Db>,
    for<'r> &'r str: ColumnIndex<<S::Db as Database>::Row>,
{
    let mut connection = store.relaxed().await?;
    let rows = sqlx::query::<S::Db>(&store.statements().claim)
        .bind(worker)
        .bind(duration_ms(lease))
        .bind(i64::from(limit))
        .fetch_all(&mut *connection)
        .await?;
    rows.iter().map(record_from_row).collect()
}

/// [`Store::renew`](super::Store::renew), in one durable transaction: a renewal lost by a
/// database crash would hand a running event to another worker; renewals are a transaction
/// every third of a lease.
pub(crate) async fn renew<S: SqlStore>(
    store: &S,
    worker: &str,
    attempts: &[(i64, u32)],
    lease: Duration,
) -> Result<Vec<bool>, StoreError>
where
    for<'c> &'c mut <S::Db as Database>::Connection: Executor<'c, Database = S::Db>,
    for<'q> <S::Db as Database>::Arguments<'q>: IntoArguments<'q, S::Db>,
    for<'q> &'q str: Encode<'q, S::Db> + Type<S::Db>,
    for<'q> i64: Encode<'q, S::Db> + Type<S::Db>,
{
    let lease = duration_ms(lease);
    let mut connection = store.durable().await?;
    let mut tx = sqlx::Connection::begin(&mut *connection).await?;
    // In id order, as the ends of attempts lock their rows: two transactions taking rows in
    // different orders deadlock on PostgreSQL.
    let mut order: Vec<usize> = (0..attempts.len()).collect();
    order.sort_unstable_by_key(|&at| attempts[at].0);
    let mut held = vec![false; attempts.len()];
    for at in order {
        let (id, attempt) = attempts[at];
        let renewed = sqlx::query::<S::Db>(&store.statements().renew)
            .bind(id)
            .bind(worker)
            .bind(i64::from(attempt))
            .bind(lease)
            .execute(&mut *tx)
            .await?;
        held[at] = S::rows_affected(&renewed) == 1;
    }
    tx.commit().await?;
    Ok(held)
}

/// [`Store::list`](super::Store::list).
pub(crate) async fn list<S: SqlReads>(
    store: &S,
    state: Option<EventState>,
    limit: u32,
) -> Result<Vec<EventRecord>, StoreError>
where
    for<'c> &'c Pool<S::Db>: Executor<'c, Database = S::Db>,
    for<'q> <S::Db as Database>::Arguments<'q>: IntoArguments<'q, S::Db>,
    for<'q> &'q str: Encode<'q, S::Db> + Type<S::Db>,
    for<'q> i64: Encode<'q, S::Db> + Decode<'q, S::Db> + Type<S::Db>,
    for<'q> String: Decode<'q, S::Db> + Type<S::Db>,
    for<'q> Vec<u8>: Decode<'q, S::Db> + Type<S::Db>,
    for<'r> &'r str: ColumnIndex<<S::Db as Database>::Row>,
{
    let rows = match state {
        Some(state) => {
            sqlx::query::<S::Db>(&format!(
                "SELECT {COLUMNS} FROM webhook_inbox WHERE state = $1 ORDER BY id LIMIT $2"
            ))
            .bind(state.as_str())
            .bind(i64::from(limit))
            .fetch_all(store.reads())
            .await?
        }
        None => {
            sqlx::query::<S::Db>(&format!(
                "SELECT {COLUMNS} FROM webhook_inbox ORDER BY id LIMIT $1"
            ))
            .bind(i64::from(limit))
            .fetch_all(store.reads())
            .await?
        }
    };
    rows.iter().map(record_from_row).collect()
}

/// [`Store::show`](super::Store::show).
pub(crate) async fn show<S: SqlReads>(store: &S, id: i64) -> Result<Option<EventRecord>, StoreError>
where
    for<'c> &'c Pool<S::Db>: Executor<'c, Database = S::Db>,
    for<'q> <S::Db as Database>::Arguments<'q>: IntoArguments<'q, S::Db>,
    for<'q> i64: Encode<'q, S::Db> + Decode<'q, S::Db> + Type<S::Db>,
    for<'q> String: Decode<'q, S::Db> + Type<S::Db>,
    for<'q> Vec<u8>: Decode<'q, S::Db> + Type<S::Db>,
    for<'r> &'r str: ColumnIndex<<S::Db as Database>::Row>,
{
    let row = sqlx::query::<S::Db>(&format!(
        "SELECT {COLUMNS} FROM webhook_inbox WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(store.reads())
    .await?;
    row.as_ref().map(record_from_row).transpose()
}

/// [`Store::history`](super::Store::history).
pub(crate) async fn history<S: SqlReads>(
    store: &S,
    id: i64,
) -> Result<Vec<AttemptRecord>, StoreError>
where
    for<'c> &'c Pool<S::Db>: Executor<'c, Database = S::Db>,
    for<'q> <S::Db as Database>::Arguments<'q>: IntoArguments<'q, S::Db>,
    for<'q> i64: Encode<'q, S::Db> + Decode<'q, S::Db> + Type<S::Db>,
    for<'q> String: Decode<'q, S::Db> + Type<S::Db>,
    for<'r> &'r str: ColumnIndex<<S::Db as Database>::Row>,
{
    let rows = sqlx::query::<S::Db>(HISTORY)
        .bind(id)
        .fetch_all(store.reads())
        .await?;
    rows.iter().map(attempt_from_row).collect()
}

/// [`Store::replay`](super::Store::replay).
pub(crate) async fn replay<S: SqlStore>(store: &S, id: i64) -> Result<bool, StoreError>
where
    for<'c> &'c Pool<S::Db>: Executor<'c, Database = S::Db>,
    for<'q> <S::Db as Database>::Arguments<'q>: IntoArguments<'q, S::Db>,
    for<'q> i64: Encode<'q, S::Db> + Type<S::Db>,
{
    let replayed = sqlx::query::<S::Db>(&store.statements().replay)
        .bind(id)
        .execute(store.pool())
        .await?;
    Ok(S::rows_affected(&replayed) == 1)
}

/// [`Store::replay_dead`](super::Store::replay_dead).
pub(crate) async fn replay_dead<S: SqlStore>(store: &S) -> Result<u64, StoreError>
where
    for<'c> &'c Pool<S::Db>: Executor<'c, Database = S::Db>,
    for<'q> <S::Db as Database>::Arguments<'q>: IntoArguments<'q, S::Db>,
{
    let replayed = sqlx::query::<S::Db>(&store.statements().replay_dead)
        .execute(store.pool())
        .await?;
    Ok(S::rows_affected(&replayed))
}

/// [`Store::purge`](super::Store::purge): the history, then the events, in one transaction.
pub(crate) async fn purge<S: SqlStore>(
    store: &S,
    state: EventState,
    before: i64,
) -> Result<u64, StoreError>
where
    for<'c> &'c mut <S::Db as Database>::Connection: Executor<'c, Database = S::Db>,
    for<'q> <S::Db as Database>::Arguments<'q>: IntoArguments<'q, S::Db>,
    for<'q> &'q str: Encode<'q, S::Db> + Type<S::Db>,
    for<'q> i64: Encode<'q, S::Db> + Type<S::Db>,
{
    let mut tx = store.pool().begin().await?;
    sqlx::query::<S::Db>(PURGE_HISTORY)
        .bind(state.as_str())
        .bind(before)
        .execute(&mut *tx)
        .await?;
    let purged = sqlx::query::<S::Db>(PURGE)
        .bind(state.as_str())
        .bind(before)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(S::rows_affected(&purged))
}

/// [`Store::depth`](super::Store::depth).
pub(crate) async fn depth<S: SqlReads>(store: &S) -> Result<Vec<(EventState, u64)>, StoreError>
where
    for<'c> &'c Pool<S::Db>: Executor<'c, Database = S::Db>,
    for<'q> <S::Db as Database>::Arguments<'q>: IntoArguments<'q, S::Db>,
    for<'q> i64: Decode<'q, S::Db> + Type<S::Db>,
    for<'q> String: Decode<'q, S::Db> + Type<S::Db>,
    for<'r> &'r str: ColumnIndex<<S::Db as Database>::Row>,
{
    let rows = sqlx::query::<S::Db>(DEPTH).fetch_all(store.reads()).await?;
    let mut depth = Vec::new();
    for row in rows {
        let state: String = row.try_get("state")?;
        let count: i64 = row.try_get("n")?;
        let state = state.parse().map_err(StoreError::Corrupt)?;
        depth.push((state, u64::try_from(count).unwrap_or(0)));
    }
    Ok(depth)
}

/// [`Store::dead_letter`](super::Store::dead_letter).
pub(crate) async fn dead_letter<S: SqlStore>(
    store: &S,
    id: i64,
    error: &str,
) -> Result<bool, StoreError>
where
    for<'c> &'c Pool<S::Db>: Executor<'c, Database = S::Db>,
    for<'q> <S::Db as Database>::Arguments<'q>: IntoArguments<'q, S::Db>,
    for<'q> &'q str: Encode<'q, S::Db> + Type<S::Db>,
    for<'q> i64: Encode<'q, S::Db> + Type<S::Db>,
{
    let killed = sqlx::query::<S::Db>(&store.statements().dead_letter)
        .bind(id)
        .bind(error)
        .execute(store.pool())
        .await?;
    Ok(S::rows_affected(&killed) == 1)
}

/// [`Store::ping`](super::Store::ping), on the reads' pool.
pub(crate) async fn ping<S: SqlReads>(store: &S) -> Result<(), StoreError>
where
    for<'c> &'c Pool<S::Db>: Executor<'c, Database = S::Db>,
    for<'q> <S::Db as Database>::Arguments<'q>: IntoArguments<'q, S::Db>,
{
    sqlx::query::<S::Db>("SELECT 1")
        .execute(store.reads())
        .await?;
    Ok(())
}
