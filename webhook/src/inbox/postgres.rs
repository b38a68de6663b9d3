//! [`PostgresStore`]: the store shared by several replicas, on PostgreSQL (through sqlx).

use std::str::FromStr;
use std::time::Duration;

use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};

use super::record::{duration_ms, encode_headers, Inserted, NewEvent};
use super::sql::{sql_store, Statements, FIND_DUPLICATE};
use super::store::{InsertLease, StoreError};

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

/// The PostgreSQL store: a pool of connections; stored events are committed with
/// `synchronous_commit = on` (on disk before the `202`), the workers' bookkeeping with `off`; the schema migrated at start under sqlx's
/// advisory lock (replicas starting together migrate once); events claimed with
/// `FOR UPDATE SKIP LOCKED`.
#[derive(Debug, Clone)]
pub struct PostgresStore {
    pool: PgPool,
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
        let pool = PgPoolOptions::new()
            .max_connections(connections.max(2).saturating_add(CONCURRENT_BATCHES as u32))
            .acquire_timeout(Duration::from_secs(5))
            .connect_with(options)
            .await
            .map_err(|source| StoreError::Open { location, source })?;
        migrator().run(&pool).await?;
        Ok(Self { pool })
    }
}

/// Inserts `events` in two round trips whatever their number: their ids are drawn from the
/// table's sequence first, so that the ids the multi-row insert returns tell which events are
/// new; each of the others is a duplicate, looked up by its key.
async fn insert_batch(
    tx: &mut sqlx::PgConnection,
    events: &[NewEvent],
    lease: Option<InsertLease<'_>>,
) -> Result<Vec<Inserted>, StoreError> {
    use sqlx::Row as _;
    let count = i64::try_from(events.len()).unwrap_or(i64::MAX);
    let ids: Vec<i64> = sqlx::query_scalar(
        "SELECT nextval(pg_get_serial_sequence('webhook_inbox', 'id')) \
         FROM generate_series(1, $1)",
    )
    .bind(count)
    .fetch_all(&mut *tx)
    .await?;
    let inserted: Vec<i64> = sqlx::query_scalar(concat!(
        "INSERT INTO webhook_inbox (id, route, method, uri, headers, body, received_at, \
         idempotency_key, state, attempts, run_at, lease_owner, lease_until) \
         OVERRIDING SYSTEM VALUE \
         SELECT id, route, method, uri, headers, body, received_at, key, \
         CASE WHEN leased THEN 'running' ELSE 'queued' END, CASE WHEN leased THEN 1 ELSE 0 END, ",
        now!(),
        ", CASE WHEN leased THEN $10::text END, CASE WHEN leased THEN ",
        now!(),
        " + $11::int8 END \
         FROM UNNEST($1::int8[], $2::text[], $3::text[], $4::text[], $5::bytea[], $6::bytea[], \
         $7::int8[], $8::text[], $9::bool[]) \
         AS t(id, route, method, uri, headers, body, received_at, key, leased) \
         ON CONFLICT (route, idempotency_key) DO NOTHING RETURNING id",
    ))
    .bind(&ids)
    .bind(events.iter().map(|e| e.route.clone()).collect::<Vec<_>>())
    .bind(events.iter().map(|e| e.method.clone()).collect::<Vec<_>>())
    .bind(events.iter().map(|e| e.uri.clone()).collect::<Vec<_>>())
    .bind(
        events
            .iter()
            .map(|e| encode_headers(&e.headers))
            .collect::<Vec<_>>(),
    )
    .bind(events.iter().map(|e| e.body.to_vec()).collect::<Vec<_>>())
    .bind(events.iter().map(|e| e.received_at).collect::<Vec<_>>())
    .bind(
        events
            .iter()
            .map(|e| e.idempotency_key.clone())
            .collect::<Vec<_>>(),
    )
    .bind(
        (0..events.len())
            .map(|index| lease.is_some_and(|lease| index < lease.count))
            .collect::<Vec<bool>>(),
    )
    .bind(lease.map_or("", |lease| lease.worker))
    .bind(lease.map_or(0, |lease| duration_ms(lease.lease)))
    .fetch_all(&mut *tx)
    .await?;
    let inserted: std::collections::HashSet<i64> = inserted.into_iter().collect();
    let mut outcomes = Vec::with_capacity(events.len());
    for (event, id) in events.iter().zip(ids) {
        if inserted.contains(&id) {
            outcomes.push(Inserted::New(id));
            continue;
        }
        let Some(key) = &event.idempotency_key else {
            return Err(StoreError::Corrupt(
                "an event without key was not inserted".to_owned(),
            ));
        };
        let row = sqlx::query(FIND_DUPLICATE)
            .bind(&event.route)
            .bind(key)
            .fetch_one(&mut *tx)
            .await?;
        outcomes.push(Inserted::Duplicate(row.try_get("id")?));
    }
    Ok(outcomes)
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
    super::sql::migrator(SCHEMA_V1, ATTEMPTS_V3)
}

sql_store!(
    PostgresStore,
    STATEMENTS,
    insert: insert_batch,
    durable: "SET synchronous_commit = on",
    relaxed: "SET synchronous_commit = off",
    writers: CONCURRENT_BATCHES
);
