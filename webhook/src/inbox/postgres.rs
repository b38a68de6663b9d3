//! [`PostgresStore`]: the store shared by several replicas, on PostgreSQL (through sqlx).

use std::borrow::Cow;
use std::str::FromStr;
use std::time::Duration;

use sqlx::migrate::{Migration, MigrationType, Migrator};
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};

use super::sql::{sql_store, DUE};
use super::store::StoreError;

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
            .max_connections(connections.max(2))
            .acquire_timeout(Duration::from_secs(5))
            .connect_with(options)
            .await
            .map_err(|source| StoreError::Open { location, source })?;
        migrator().run(&pool).await?;
        Ok(Self { pool })
    }
}

fn migrator() -> Migrator {
    Migrator {
        migrations: Cow::Owned(vec![Migration::new(
            1,
            Cow::Borrowed("webhook inbox"),
            MigrationType::Simple,
            Cow::Borrowed(SCHEMA_V1),
            false,
        )]),
        ..Migrator::DEFAULT
    }
}

sql_store!(
    PostgresStore,
    &format!(
        "UPDATE webhook_inbox SET state = 'running', attempts = attempts + 1, \
         lease_owner = $1, lease_until = $2 WHERE id IN ({DUE} FOR UPDATE SKIP LOCKED) \
         RETURNING {}",
        super::sql::COLUMNS
    ),
    durable: "SET synchronous_commit = on",
    relaxed: "SET synchronous_commit = off"
);
