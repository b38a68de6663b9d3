//! [`PostgresStore`]: the store shared by several replicas, on PostgreSQL (through sqlx).

mod wake;

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use sqlx::migrate::Migrator;
use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgConnectOptions, PgConnection, PgPool, PgPoolOptions, Postgres};
use tokio::sync::Notify;

use super::attempt::AttemptRecord;
use super::browse::{self, EventFilter, EventSummary, Overview};
use super::error::StoreError;
use super::record::{duration_ms, encode_headers, Inserted, NewEvent};
use super::record::{EventRecord, EventState};
use super::sql::{self, Ending, SqlReads, SqlStore, Statements};
use super::store::{Finished, InsertLease, Resolution};
use super::store::{Store, StoreFuture, WakeUps};

/// The database's clock, in milliseconds since the epoch: the time the statement started
/// (`statement_timestamp()` is stable within a statement, so that the claim's comparisons read
/// the due index; `clock_timestamp()`, volatile, would not).
macro_rules! now {
    () => {
        "(EXTRACT(EPOCH FROM statement_timestamp()) * 1000)::BIGINT"
    };
}

/// The schema, version by version.
const SCHEMA_V1: &str = "
CREATE TABLE IF NOT EXISTS webhook_inbox (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    route TEXT NOT NULL,
    method TEXT NOT NULL,
    uri TEXT NOT NULL,
    headers BYTEA NOT NULL,
    body BYTEA NOT NULL,
    received_at BIGINT NOT NULL,
    idempotency_key TEXT,
    state TEXT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    attempts_before_replay BIGINT NOT NULL DEFAULT 0,
    run_at BIGINT NOT NULL,
    lease_owner TEXT,
    lease_until BIGINT,
    last_error TEXT,
    finished_at BIGINT,
    UNIQUE (route, idempotency_key)
);
CREATE INDEX IF NOT EXISTS webhook_inbox_due ON webhook_inbox (state, run_at);
";

/// The PostgreSQL store: two pools of connections, one whose commits are durable
/// (`synchronous_commit = on`: stored events are on disk before the `202`) and one for the
/// workers' bookkeeping (`off`), each set once a connection; the schema migrated at start
/// under sqlx's advisory lock (replicas starting together migrate once); events claimed with
/// `FOR UPDATE SKIP LOCKED`. A batch of events is stored in one statement, and a batch of
/// attempts' ends recorded in one: a round trip each, whatever their number. Replicas wake
/// each other's idle workers with `LISTEN`/`NOTIFY` ([`Store::wake_ups`]) when events become
/// claimable without a commit of their own (events stored by a replica whose workers are busy,
/// released at a shutdown, replayed).
#[derive(Debug, Clone)]
pub struct PostgresStore {
    /// Durable commits.
    pool: PgPool,
    /// Reads: the durable pool.
    reads: PgPool,
    /// Relaxed commits: claims and attempts' ends.
    relaxed: PgPool,
    /// The listening connection's (one, opened when [`Store::wake_ups`] is first called).
    listen: PgPool,
    /// The spacing of the notices of events stored queued.
    spacing: Arc<wake::Spacing>,
}

/// How many batches of events are written at once: while one commits (waiting for the disk),
/// the next fills and starts, and PostgreSQL flushes the commits that come together at once.
/// The pool holds these connections on top of the ones it is opened with.
pub(crate) const CONCURRENT_BATCHES: usize = 4;

impl PostgresStore {
    /// Connects to `url` (`postgres://user@host:port/database`), and creates or migrates the
    /// schema.
    ///
    /// # Errors
    ///
    /// The URL is malformed, the database cannot be reached, or the schema cannot be created.
    pub async fn open(url: &str, connections: u32) -> Result<Self, StoreError> {
        let location = super::StoreLocation::Postgres(url.to_owned()).describe();
        let options = PgConnectOptions::from_str(url).map_err(|source| StoreError::Open {
            location: location.clone(),
            source,
        })?;
        let open = |size: u32, commit: &'static str| {
            // No ping before each acquire (a round trip a statement): a connection the server
            // closed fails its statement, the pool drops it, and the work is retried (a
            // request's writer answers 503; a worker's claim runs again at the next poll).
            PgPoolOptions::new()
                .max_connections(size)
                .acquire_timeout(Duration::from_secs(5))
                .test_before_acquire(false)
                .after_connect(move |connection, _| {
                    Box::pin(async move {
                        sqlx::query(commit).execute(&mut *connection).await?;
                        // A plan for each execution of a prepared statement, for its
                        // parameters and the table as it is: after five executions PostgreSQL
                        // may keep a generic plan, costed on the table as it was then. The
                        // inbox starts empty, the plans kept were sequential scans (the
                        // fenced locks' `id = ANY`, the insert's), and each batch read the
                        // whole table, more at each round: from 0.9 to 6 ms a statement in 20 s
                        // (`pg_stat_statements`, autovacuum having analyzed nothing yet).
                        sqlx::query("SET plan_cache_mode = force_custom_plan")
                            .execute(&mut *connection)
                            .await?;
                        Ok(())
                    })
                })
                .connect_with(options.clone())
        };
        let pool = open(
            connections.max(2).saturating_add(CONCURRENT_BATCHES as u32),
            "SET synchronous_commit = on",
        )
        .await
        .map_err(|source| StoreError::Open {
            location: location.clone(),
            source,
        })?;
        let relaxed = open(connections.clamp(2, 8), "SET synchronous_commit = off")
            .await
            .map_err(|source| StoreError::Open { location, source })?;
        migrator().run(&pool).await?;
        // A connection held for as long as it works: no lifetime, no idle timeout.
        let listen = PgPoolOptions::new()
            .max_connections(1)
            .max_lifetime(None)
            .idle_timeout(None)
            .connect_lazy_with(options);
        Ok(Self {
            reads: pool.clone(),
            pool,
            relaxed,
            listen,
            spacing: Arc::default(),
        })
    }

    /// Tells the other replicas' listeners that events can be claimed; `sender`: this
    /// replica's worker id (`""` for a process without workers). Best effort: the events are
    /// committed already, and a missed notice only delays them to the next poll.
    async fn announce(&self, sender: &str) {
        let sent = match self.relaxed.acquire().await {
            Ok(mut connection) => sqlx::query(wake::NOTIFY)
                .bind(wake::CHANNEL)
                .bind(sender)
                .execute(&mut *connection)
                .await
                .map(drop),
            Err(error) => Err(error),
        };
        if let Err(error) = sent {
            tracing::warn!(%error, "cannot tell the other replicas of claimable events; they find them at their next poll");
        }
    }
}

impl SqlReads for PostgresStore {
    type Db = Postgres;

    fn reads(&self) -> &PgPool {
        &self.reads
    }
}

impl SqlStore for PostgresStore {
    fn pool(&self) -> &PgPool {
        &self.pool
    }

    fn statements(&self) -> &'static Statements {
        &STATEMENTS
    }

    fn rows_affected(result: &sqlx::postgres::PgQueryResult) -> u64 {
        result.rows_affected()
    }

    /// A connection whose commits are durable.
    async fn durable(&self) -> Result<PoolConnection<Postgres>, StoreError> {
        Ok(self.pool.acquire().await?)
    }

    /// A connection whose commits are relaxed.
    async fn relaxed(&self) -> Result<PoolConnection<Postgres>, StoreError> {
        Ok(self.relaxed.acquire().await?)
    }
}

/// Stores `events` in one statement, committed on its own: their ids are drawn from the
/// table's sequence in the statement, so that it tells which events are new. The others'
/// twins (stored before, by another transaction meanwhile, or by this statement: a key twice
/// in the batch) are then looked up in one statement, only when there are any.
async fn insert_batch(
    store: &PostgresStore,
    events: &[NewEvent],
    lease: Option<InsertLease<'_>>,
) -> Result<Vec<Inserted>, StoreError> {
    use sqlx::Row as _;
    let mut connection = store.durable().await?;
    let rows = sqlx::query(concat!(
        "WITH input AS (SELECT nextval(pg_get_serial_sequence('webhook_inbox', 'id')) AS id, t.* \
         FROM UNNEST($1::text[], $2::text[], $3::text[], $4::bytea[], $5::bytea[], $6::int8[], \
         $7::text[], $8::bool[]) WITH ORDINALITY \
         AS t(route, method, uri, headers, body, received_at, key, leased, ord)), \
         inserted AS (INSERT INTO webhook_inbox (id, route, method, uri, headers, body, \
         received_at, idempotency_key, state, attempts, run_at, lease_owner, lease_until) \
         OVERRIDING SYSTEM VALUE \
         SELECT id, route, method, uri, headers, body, received_at, key, \
         CASE WHEN leased THEN 'running' ELSE 'queued' END, CASE WHEN leased THEN 1 ELSE 0 END, ",
        now!(),
        ", CASE WHEN leased THEN $9::text END, CASE WHEN leased THEN ",
        now!(),
        " + $10::int8 END FROM input ORDER BY ord \
         ON CONFLICT (route, idempotency_key) DO NOTHING RETURNING id) \
         SELECT input.id, inserted.id IS NOT NULL AS new \
         FROM input LEFT JOIN inserted ON inserted.id = input.id ORDER BY input.ord",
    ))
    .bind(events.iter().map(|e| e.route.as_str()).collect::<Vec<_>>())
    .bind(events.iter().map(|e| e.method.as_str()).collect::<Vec<_>>())
    .bind(events.iter().map(|e| e.uri.as_str()).collect::<Vec<_>>())
    .bind(
        events
            .iter()
            .map(|e| encode_headers(&e.headers))
            .collect::<Vec<_>>(),
    )
    .bind(events.iter().map(|e| e.body.as_ref()).collect::<Vec<_>>())
    .bind(events.iter().map(|e| e.received_at).collect::<Vec<_>>())
    .bind(
        events
            .iter()
            .map(|e| e.idempotency_key.as_deref())
            .collect::<Vec<_>>(),
    )
    .bind(
        (0..events.len())
            .map(|index| lease.is_some_and(|lease| index < lease.count))
            .collect::<Vec<bool>>(),
    )
    .bind(lease.map_or("", |lease| lease.worker))
    .bind(lease.map_or(0, |lease| duration_ms(lease.lease)))
    .fetch_all(&mut *connection)
    .await?;
    // The new events, and the others' places: their twins are looked up after.
    let mut outcomes: Vec<Option<Inserted>> = Vec::with_capacity(events.len());
    let mut twins = Vec::new();
    for (index, (event, row)) in events.iter().zip(&rows).enumerate() {
        let id: i64 = row.try_get("id")?;
        let new: bool = row.try_get("new")?;
        outcomes.push(match (new, &event.idempotency_key) {
            (true, _) => Some(Inserted::New(id)),
            (false, Some(key)) => {
                twins.push((index, event.route.as_str(), key.as_str()));
                None
            }
            (false, None) => {
                return Err(StoreError::Corrupt(
                    "an event without key was not inserted".to_owned(),
                ))
            }
        });
    }
    if !twins.is_empty() {
        for (index, twin) in find_twins(&mut connection, &twins).await? {
            if let Some(outcome) = outcomes.get_mut(index) {
                *outcome = Some(Inserted::Duplicate(twin));
            }
        }
    }
    let outcomes: Vec<Inserted> = outcomes.into_iter().flatten().collect();
    if outcomes.len() != events.len() {
        return Err(StoreError::Corrupt(format!(
            "{} events stored, {} answered",
            events.len(),
            outcomes.len()
        )));
    }
    drop(connection);
    // Events stored queued (this replica's workers had no room for them) are the other
    // replicas' to claim too: told in a task of its own, so that the requests' answers do not
    // wait for it, and spaced (a notice on its way tells of these too).
    let leased = lease.map_or(0, |lease| lease.count);
    if outcomes
        .iter()
        .skip(leased)
        .any(|inserted| matches!(inserted, Inserted::New(_)))
        && store.spacing.claim()
    {
        let store = store.clone();
        let sender = lease.map_or_else(String::new, |lease| lease.worker.to_owned());
        tokio::spawn(async move {
            tokio::time::sleep(store.spacing.wait()).await;
            store.spacing.sending();
            store.announce(&sender).await;
        });
    }
    Ok(outcomes)
}

/// The ids of the events stored with the keys of `duplicates` (each with its index in the
/// batch), in one statement: `(index, twin)` for each. The insert is committed, so every twin
/// is visible; one missing (deleted since) is an error, as the insert's answer would be wrong.
async fn find_twins(
    connection: &mut PgConnection,
    duplicates: &[(usize, &str, &str)],
) -> Result<Vec<(usize, i64)>, StoreError> {
    use sqlx::Row as _;
    let rows = sqlx::query(
        "SELECT t.ord, w.id FROM UNNEST($1::int8[], $2::text[], $3::text[]) AS t(ord, route, key) \
         JOIN webhook_inbox w ON w.route = t.route AND w.idempotency_key = t.key",
    )
    .bind(
        duplicates
            .iter()
            .map(|(index, ..)| i64::try_from(*index).unwrap_or(i64::MAX))
            .collect::<Vec<_>>(),
    )
    .bind(
        duplicates
            .iter()
            .map(|(_, route, _)| *route)
            .collect::<Vec<_>>(),
    )
    .bind(duplicates.iter().map(|(.., key)| *key).collect::<Vec<_>>())
    .fetch_all(&mut *connection)
    .await?;
    let mut twins = Vec::with_capacity(rows.len());
    for row in &rows {
        let index: i64 = row.try_get("ord")?;
        let twin: i64 = row.try_get("id")?;
        twins.push((usize::try_from(index).unwrap_or(usize::MAX), twin));
    }
    if twins.len() != duplicates.len() {
        return Err(StoreError::Corrupt(format!(
            "{} duplicate events, {} of their twins found",
            duplicates.len(),
            twins.len()
        )));
    }
    Ok(twins)
}

/// Records the ends of `attempts` in one statement: the fenced updates of the events, and their
/// rows in the history (`lost` where the fence failed).
async fn finish(store: &PostgresStore, attempts: &[Finished]) -> Result<Vec<bool>, StoreError> {
    use sqlx::Row as _;
    let endings: Vec<Ending> = attempts.iter().map(Ending::of).collect();
    let lost: Vec<Option<String>> = endings
        .iter()
        .map(|ending| ending.recorded(false).1)
        .collect();
    let mut connection = store.relaxed().await?;
    let mut tx = sqlx::Connection::begin(&mut *connection).await?;
    // The rows locked first, in id order, as the renewals lock theirs: two transactions taking
    // the same rows in different orders deadlock, and PostgreSQL cancels one of them after its
    // `deadlock_timeout` (1 s): renewals failed and every request waited a second behind them
    // (found by benches/durable/run.sh: `deadlock detected`, p99 0.9 s).
    let mut ids: Vec<i64> = attempts.iter().map(|a| a.id).collect();
    ids.sort_unstable();
    ids.dedup();
    sqlx::query("SELECT id FROM webhook_inbox WHERE id = ANY($1) ORDER BY id FOR UPDATE")
        .bind(&ids)
        .fetch_all(&mut *tx)
        .await?;
    let rows = sqlx::query(concat!(
        "WITH ends AS (SELECT * FROM UNNEST($1::int8[], $2::text[], $3::int8[], $4::int8[], \
         $5::text[], $6::text[], $7::text[], $8::int8[]) WITH ORDINALITY \
         AS e(id, worker, attempt, started_at, outcome, error, lost_error, delay, ord)), \
         updated AS (UPDATE webhook_inbox w SET \
         state = CASE e.outcome WHEN 'done' THEN 'done' WHEN 'dead' THEN 'dead' ELSE 'queued' END, \
         run_at = CASE e.outcome WHEN 'retry' THEN ",
        now!(),
        " + e.delay WHEN 'released' THEN ",
        now!(),
        " ELSE w.run_at END, \
         attempts = CASE e.outcome WHEN 'released' THEN w.attempts - 1 ELSE w.attempts END, \
         finished_at = CASE WHEN e.outcome IN ('done', 'dead') THEN ",
        now!(),
        " ELSE w.finished_at END, \
         last_error = CASE WHEN e.outcome IN ('retry', 'dead') THEN e.error ELSE w.last_error END, \
         lease_owner = NULL, lease_until = NULL FROM ends e \
         WHERE w.id = e.id AND w.lease_owner = e.worker AND w.attempts = e.attempt \
         AND w.state = 'running' AND e.outcome <> 'lost' RETURNING e.ord), \
         history AS (INSERT INTO webhook_inbox_attempts \
         (event_id, attempt, worker, started_at, finished_at, outcome, error) \
         SELECT e.id, e.attempt, e.worker, e.started_at, ",
        now!(),
        ", CASE WHEN u.ord IS NULL THEN 'lost' ELSE e.outcome END, \
         CASE WHEN u.ord IS NULL THEN e.lost_error ELSE e.error END \
         FROM ends e LEFT JOIN updated u ON u.ord = e.ord ORDER BY e.ord) \
         SELECT u.ord IS NOT NULL AS held FROM ends e LEFT JOIN updated u ON u.ord = e.ord \
         ORDER BY e.ord",
    ))
    .bind(attempts.iter().map(|a| a.id).collect::<Vec<_>>())
    .bind(
        attempts
            .iter()
            .map(|a| a.worker.as_str())
            .collect::<Vec<_>>(),
    )
    .bind(
        attempts
            .iter()
            .map(|a| i64::from(a.attempt))
            .collect::<Vec<_>>(),
    )
    .bind(attempts.iter().map(|a| a.started_at).collect::<Vec<_>>())
    .bind(endings.iter().map(|e| e.end.as_str()).collect::<Vec<_>>())
    .bind(
        endings
            .iter()
            .map(|e| e.error.as_deref())
            .collect::<Vec<_>>(),
    )
    .bind(lost.iter().map(Option::as_deref).collect::<Vec<_>>())
    .bind(endings.iter().map(|e| e.delay_ms).collect::<Vec<_>>())
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    drop(connection);
    // Released events (a shutdown) are queued again, due now: another replica may run them.
    if let Some(released) = attempts
        .iter()
        .find(|attempt| attempt.resolution == Resolution::Released)
    {
        store.announce(&released.worker).await;
    }
    rows.iter()
        .map(|row| Ok(row.try_get::<bool, _>("held")?))
        .collect()
}

/// The store's statements (see [`Statements`]): claims lock what they select and skip what
/// another replica's claim holds.
static STATEMENTS: std::sync::LazyLock<Statements> =
    std::sync::LazyLock::new(|| Statements::new(now!(), " FOR UPDATE SKIP LOCKED"));

/// The attempts' history (the third migration).
const ATTEMPTS_V3: &str = "
CREATE TABLE IF NOT EXISTS webhook_inbox_attempts (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id BIGINT NOT NULL,
    attempt BIGINT NOT NULL,
    worker TEXT NOT NULL,
    started_at BIGINT NOT NULL,
    finished_at BIGINT NOT NULL,
    outcome TEXT NOT NULL,
    error TEXT
);
CREATE INDEX IF NOT EXISTS webhook_inbox_attempts_event ON webhook_inbox_attempts (event_id);
";

fn migrator() -> Migrator {
    super::sql::migrator(SCHEMA_V1, ATTEMPTS_V3, &[])
}

impl Store for PostgresStore {
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
        Box::pin(async move {
            let replayed = sql::replay(self, id).await?;
            if replayed {
                self.announce("").await;
            }
            Ok(replayed)
        })
    }

    fn replay_dead(&self) -> StoreFuture<'_, u64> {
        Box::pin(async move {
            let replayed = sql::replay_dead(self).await?;
            if replayed > 0 {
                self.announce("").await;
            }
            Ok(replayed)
        })
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
        CONCURRENT_BATCHES
    }

    fn wake_ups(&self, own: &str, wake: Arc<Notify>) -> Option<WakeUps> {
        Some(Box::pin(wake::listen(
            self.listen.clone(),
            own.to_owned(),
            wake,
        )))
    }
}
