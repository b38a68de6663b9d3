//! What an operator reads and does through the inbox's page ([`ui`](super::ui)): a filtered,
//! keyset-paginated list of events ([`EventFilter`], [`EventSummary`]), the
//! [`Overview`] (counts by route and state, the oldest queued event, a per-minute chart), and
//! the actions the CLI does not have (dead-letter now, delete chosen events).
//!
//! The SQL is written once, as functions generic over the sqlx database, for both stores (they
//! read `$1` parameters alike).

use sqlx::{Database, Executor, IntoArguments, Pool, Row};

use super::error::StoreError;
use super::record::EventState;

/// Which events a list shows; every field left `None` matches every event.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EventFilter {
    /// Only events in this state.
    pub state: Option<EventState>,
    /// Only events of this route (its name).
    pub route: Option<String>,
    /// Only the event with this idempotency key.
    pub idempotency_key: Option<String>,
    /// Only events received at or after this time (ms since the epoch).
    pub received_from: Option<i64>,
    /// Only events received before this time (ms since the epoch).
    pub received_until: Option<i64>,
}

/// An event in a list: what a row of the events page shows, without its headers and body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventSummary {
    /// Its id.
    pub id: i64,
    /// The route's name.
    pub route: String,
    /// The request's method.
    pub method: String,
    /// The request's URI.
    pub uri: String,
    /// Its state.
    pub state: EventState,
    /// The attempts started.
    pub attempts: u32,
    /// When it was received (ms since the epoch).
    pub received_at: i64,
    /// When it may be attempted (ms since the epoch).
    pub run_at: i64,
    /// When it was done or dead (ms since the epoch).
    pub finished_at: Option<i64>,
    /// Its idempotency key.
    pub idempotency_key: Option<String>,
    /// The error of the last failed attempt.
    pub last_error: Option<String>,
    /// The body's length in bytes.
    pub body_len: u64,
}

/// The number of events of a route in a state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteCount {
    /// The route's name.
    pub route: String,
    /// The state.
    pub state: EventState,
    /// How many.
    pub count: u64,
}

/// One minute of the overview's chart.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Minute {
    /// The minute's start (ms since the epoch, a multiple of 60,000).
    pub start: i64,
    /// Events received in that minute.
    pub accepted: u64,
    /// Attempts that ended done in that minute.
    pub done: u64,
    /// Attempts that failed in that minute (retried or dead-lettered).
    pub failed: u64,
}

/// The inbox at a glance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Overview {
    /// When it was read (ms since the epoch, this process's clock).
    pub now: i64,
    /// The events by route and state (routes in name order).
    pub counts: Vec<RouteCount>,
    /// When the oldest queued event was received (ms since the epoch).
    pub oldest_queued: Option<i64>,
    /// The chart, one entry a minute, oldest first, the current minute last.
    pub minutes: Vec<Minute>,
}

impl Overview {
    /// How many events are in `state`, every route.
    pub fn total(&self, state: EventState) -> u64 {
        self.counts
            .iter()
            .filter(|count| count.state == state)
            .map(|count| count.count)
            .sum()
    }
}

/// The most events [`delete`] takes in one statement.
pub(crate) const DELETE_CHUNK: usize = 500;

/// The columns of an [`EventSummary`].
const SUMMARY_COLUMNS: &str = "id, route, method, uri, state, attempts, received_at, run_at, \
     finished_at, idempotency_key, last_error, CAST(LENGTH(body) AS BIGINT) AS body_len";

/// Up to `limit` events matching `filter`, newest first, with an id below `before` when given
/// (the keyset of the next page: the last id of the page before).
pub(crate) async fn events<DB>(
    pool: &Pool<DB>,
    filter: &EventFilter,
    before: Option<i64>,
    limit: u32,
) -> Result<Vec<EventSummary>, StoreError>
where
    DB: Database,
    for<'c> &'c Pool<DB>: Executor<'c, Database = DB>,
    for<'q> <DB as Database>::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> i64: sqlx::Encode<'q, DB> + sqlx::Decode<'q, DB> + sqlx::Type<DB>,
    for<'q> String: sqlx::Encode<'q, DB> + sqlx::Decode<'q, DB> + sqlx::Type<DB>,
    for<'q> Option<i64>: sqlx::Decode<'q, DB>,
    for<'q> Option<String>: sqlx::Decode<'q, DB>,
    for<'r> &'r str: sqlx::ColumnIndex<DB::Row>,
{
    let mut conditions = Vec::new();
    let mut texts = Vec::new();
    let mut numbers = Vec::new();
    let text_conditions = [
        ("state", filter.state.map(|state| state.as_str().to_owned())),
        ("route", filter.route.clone()),
        ("idempotency_key", filter.idempotency_key.clone()),
    ];
    for (column, value) in text_conditions {
        if let Some(value) = value {
            texts.push(value);
            conditions.push(format!("{column} = ${}", texts.len()));
        }
    }
    let number_conditions = [
        ("received_at >=", filter.received_from),
        ("received_at <", filter.received_until),
        ("id <", before),
    ];
    for (comparison, value) in number_conditions {
        if let Some(value) = value {
            numbers.push(value);
            conditions.push(format!("{comparison} ${}", texts.len() + numbers.len()));
        }
    }
    numbers.push(i64::from(limit));
    let limit_parameter = texts.len() + numbers.len();
    let filter = if conditions.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", conditions.join(" AND "))
    };
    let sql = format!(
        "SELECT {SUMMARY_COLUMNS} FROM webhook_inbox {filter} ORDER BY id DESC \
         LIMIT ${limit_parameter}"
    );
    let mut query = sqlx::query::<DB>(&sql);
    for text in texts {
        query = query.bind(text);
    }
    for number in numbers {
        query = query.bind(number);
    }
    let rows = query.fetch_all(pool).await?;
    rows.iter().map(summary_from_row).collect()
}

/// The events by route and state, the oldest queued event, and the `minutes` minutes up to now
/// (`now`, ms since the epoch) as a chart.
pub(crate) async fn overview<DB>(
    pool: &Pool<DB>,
    now: i64,
    minutes: u32,
) -> Result<Overview, StoreError>
where
    DB: Database,
    for<'c> &'c Pool<DB>: Executor<'c, Database = DB>,
    for<'q> <DB as Database>::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> i64: sqlx::Encode<'q, DB> + sqlx::Decode<'q, DB> + sqlx::Type<DB>,
    for<'q> String: sqlx::Decode<'q, DB> + sqlx::Type<DB>,
    for<'q> Option<i64>: sqlx::Decode<'q, DB>,
    for<'r> &'r str: sqlx::ColumnIndex<DB::Row>,
{
    const MINUTE: i64 = 60_000;
    let count = |row: &DB::Row| -> Result<u64, StoreError> {
        Ok(u64::try_from(row.try_get::<i64, _>("n")?).unwrap_or(0))
    };
    let rows = sqlx::query::<DB>(
        "SELECT state, route, COUNT(*) AS n FROM webhook_inbox GROUP BY state, route \
         ORDER BY route, state",
    )
    .fetch_all(pool)
    .await?;
    let mut counts = Vec::with_capacity(rows.len());
    for row in &rows {
        let state: String = row.try_get("state")?;
        counts.push(RouteCount {
            route: row.try_get("route")?,
            state: state.parse().map_err(StoreError::Corrupt)?,
            count: count(row)?,
        });
    }
    let oldest_queued = sqlx::query::<DB>(
        "SELECT MIN(received_at) AS oldest FROM webhook_inbox WHERE state = 'queued'",
    )
    .fetch_one(pool)
    .await?
    .try_get::<Option<i64>, _>("oldest")?;

    let current = now.div_euclid(MINUTE);
    let first = current - i64::from(minutes.max(1)) + 1;
    let mut chart: Vec<Minute> = (first..=current)
        .map(|minute| Minute {
            start: minute * MINUTE,
            ..Minute::default()
        })
        .collect();
    let slot = |minute: i64| usize::try_from(minute - first).ok();
    let accepted = sqlx::query::<DB>(
        "SELECT received_at / 60000 AS minute, COUNT(*) AS n FROM webhook_inbox \
         WHERE received_at >= $1 GROUP BY received_at / 60000",
    )
    .bind(first * MINUTE)
    .fetch_all(pool)
    .await?;
    for row in &accepted {
        if let Some(entry) = slot(row.try_get("minute")?).and_then(|i| chart.get_mut(i)) {
            entry.accepted += count(row)?;
        }
    }
    let ended = sqlx::query::<DB>(
        "SELECT finished_at / 60000 AS minute, outcome, COUNT(*) AS n \
         FROM webhook_inbox_attempts WHERE finished_at >= $1 \
         GROUP BY finished_at / 60000, outcome",
    )
    .bind(first * MINUTE)
    .fetch_all(pool)
    .await?;
    for row in &ended {
        let outcome: String = row.try_get("outcome")?;
        let n = count(row)?;
        if let Some(entry) = slot(row.try_get("minute")?).and_then(|i| chart.get_mut(i)) {
            match outcome.as_str() {
                "done" => entry.done += n,
                "retry" | "dead" => entry.failed += n,
                _ => {}
            }
        }
    }
    Ok(Overview {
        now,
        counts,
        oldest_queued,
        minutes: chart,
    })
}

/// Dead-letters the queued or running event `id` (`$1`) at once, `$2` its error: the statement
/// of a store whose clock is `now`. A running attempt loses its lease (its renewal and its end
/// are fenced on it) and stops.
pub(crate) fn dead_letter_statement(now: &str) -> String {
    format!(
        "UPDATE webhook_inbox SET state = 'dead', finished_at = {now}, last_error = $2, \
         lease_owner = NULL, lease_until = NULL \
         WHERE id = $1 AND state IN ('queued', 'running')"
    )
}

/// Deletes the events `ids` that are not running, with their attempts' history (their
/// idempotency keys go with their rows), in one transaction; how many.
pub(crate) async fn delete<DB>(pool: &Pool<DB>, ids: &[i64]) -> Result<u64, StoreError>
where
    DB: Database,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> <DB as Database>::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> i64: sqlx::Encode<'q, DB> + sqlx::Decode<'q, DB> + sqlx::Type<DB>,
    for<'r> &'r str: sqlx::ColumnIndex<DB::Row>,
{
    let mut tx = pool.begin().await?;
    let mut deleted = 0;
    for chunk in ids.chunks(DELETE_CHUNK) {
        let list = (1..=chunk.len())
            .map(|n| format!("${n}"))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "DELETE FROM webhook_inbox WHERE id IN ({list}) AND state <> 'running' RETURNING id"
        );
        let mut query = sqlx::query::<DB>(&sql);
        for id in chunk {
            query = query.bind(*id);
        }
        let gone = query.fetch_all(&mut *tx).await?;
        if gone.is_empty() {
            continue;
        }
        let gone: Vec<i64> = gone
            .iter()
            .map(|row| row.try_get::<i64, _>("id"))
            .collect::<Result<_, _>>()?;
        let list = (1..=gone.len())
            .map(|n| format!("${n}"))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!("DELETE FROM webhook_inbox_attempts WHERE event_id IN ({list})");
        let mut query = sqlx::query::<DB>(&sql);
        for id in &gone {
            query = query.bind(*id);
        }
        query.execute(&mut *tx).await?;
        deleted += gone.len() as u64;
    }
    tx.commit().await?;
    Ok(deleted)
}

/// An event summary of a row holding `SUMMARY_COLUMNS`.
fn summary_from_row<R>(row: &R) -> Result<EventSummary, StoreError>
where
    R: Row,
    for<'r> &'r str: sqlx::ColumnIndex<R>,
    for<'r> i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> Option<i64>: sqlx::Decode<'r, R::Database>,
    for<'r> Option<String>: sqlx::Decode<'r, R::Database>,
{
    let state: String = row.try_get("state")?;
    let attempts: i64 = row.try_get("attempts")?;
    let body_len: i64 = row.try_get("body_len")?;
    Ok(EventSummary {
        id: row.try_get("id")?,
        route: row.try_get("route")?,
        method: row.try_get("method")?,
        uri: row.try_get("uri")?,
        state: state.parse().map_err(StoreError::Corrupt)?,
        attempts: u32::try_from(attempts).unwrap_or(0),
        received_at: row.try_get("received_at")?,
        run_at: row.try_get("run_at")?,
        finished_at: row.try_get("finished_at")?,
        idempotency_key: row.try_get("idempotency_key")?,
        last_error: row.try_get("last_error")?,
        body_len: u64::try_from(body_len).unwrap_or(0),
    })
}
