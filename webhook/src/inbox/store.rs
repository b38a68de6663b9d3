//! [`Store`]: what the inbox asks of a database, and its errors.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use super::record::{EventRecord, EventState, Inserted, NewEvent};

/// The future a [`Store`] method returns.
pub type StoreFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, StoreError>> + Send + 'a>>;

/// The store failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The database cannot be opened or reached.
    #[error("cannot open the store {location}: {source}")]
    Open {
        /// The store, without password.
        location: String,
        /// Why.
        #[source]
        source: sqlx::Error,
    },
    /// The data directory cannot be created.
    #[error("cannot create the data directory {path}: {source}")]
    DataDir {
        /// The directory.
        path: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The schema cannot be created or migrated.
    #[error("cannot create or migrate the inbox schema: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// A query failed.
    #[error("the store failed: {0}")]
    Database(#[from] sqlx::Error),
    /// A stored row cannot be read back.
    #[error("a stored event cannot be read: {0}")]
    Corrupt(String),
    /// The batch writer stopped (the server is shutting down).
    #[error("the inbox is shutting down")]
    Closed,
}

/// How a failed attempt ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// Queued again, due at this time (ms since the epoch).
    Retry {
        /// When the next attempt is due.
        at: i64,
        /// The attempt's error.
        error: String,
    },
    /// Dead-lettered.
    Dead {
        /// The last attempt's error.
        error: String,
    },
}

/// How an attempt ends, as [`Store::finish`] records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolution {
    /// Done.
    Done,
    /// Failed: queued again or dead.
    Failed(Failure),
    /// Not run to its end (shutdown): queued again, the attempt not counted.
    Released,
}

/// An attempt's end, for [`Store::finish`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finished {
    /// The event.
    pub id: i64,
    /// The worker holding its lease.
    pub worker: String,
    /// How the attempt ended.
    pub resolution: Resolution,
}

/// A database holding the events of the durable routes: one table, one row an event, with its
/// state, attempts, due time and lease (the shape of the PostgreSQL job queues: graphile-worker,
/// river, Oban). Implemented by the embedded SQLite store and PostgreSQL.
///
/// Each method that moves a running event (`complete`, `fail`, `release`) applies only while
/// `worker` holds its lease: a worker whose lease expired, and whose event another worker took,
/// changes nothing (`false`).
pub trait Store: Send + Sync + 'static {
    /// Stores `events` in one transaction: each is new, or a duplicate of the stored event
    /// with its route and idempotency key. Nothing is stored when it fails.
    fn insert_batch<'a>(&'a self, events: &'a [NewEvent]) -> StoreFuture<'a, Vec<Inserted>>;

    /// Takes up to `limit` events that are due (queued and due, or running under an expired
    /// lease) for `worker`, under a lease of `lease`; each one's attempt count goes up by one.
    fn claim<'a>(
        &'a self,
        worker: &'a str,
        lease: Duration,
        limit: u32,
    ) -> StoreFuture<'a, Vec<EventRecord>>;

    /// The attempt succeeded: the event is done.
    fn complete<'a>(&'a self, id: i64, worker: &'a str) -> StoreFuture<'a, bool>;

    /// The attempt failed: the event is queued again or dead.
    fn fail<'a>(&'a self, id: i64, worker: &'a str, failure: Failure) -> StoreFuture<'a, bool>;

    /// The attempt did not run to its end (shutdown): the event is queued again, due now, and
    /// the attempt is not counted.
    fn release<'a>(&'a self, id: i64, worker: &'a str) -> StoreFuture<'a, bool>;

    /// Records the ends of several attempts in one transaction (what `complete`, `fail` and
    /// `release` do one at a time); for each, whether the worker still held the lease.
    fn finish<'a>(&'a self, attempts: &'a [Finished]) -> StoreFuture<'a, Vec<bool>>;

    /// Extends the leases `worker` holds on the running events `ids` to `lease` from now, in
    /// one transaction; for each, whether it was still held (owned by `worker` and not expired:
    /// an expired lease may be another worker's already, and is not renewed).
    fn renew<'a>(
        &'a self,
        worker: &'a str,
        ids: &'a [i64],
        lease: Duration,
    ) -> StoreFuture<'a, Vec<bool>>;

    /// Up to `limit` events, in the state given (every state: `None`), oldest first.
    fn list(&self, state: Option<EventState>, limit: u32) -> StoreFuture<'_, Vec<EventRecord>>;

    /// The event `id`.
    fn show(&self, id: i64) -> StoreFuture<'_, Option<EventRecord>>;

    /// Queues the done or dead event `id` again, with the retry policy's attempts again (its
    /// attempt number goes on from where it was); `false`: no such event, or
    /// it is queued or running.
    fn replay(&self, id: i64) -> StoreFuture<'_, bool>;

    /// Queues every dead event again; how many.
    fn replay_dead(&self) -> StoreFuture<'_, u64>;

    /// Deletes the events in `state` finished before `before` (ms since the epoch), with their
    /// idempotency keys; how many.
    fn purge(&self, state: EventState, before: i64) -> StoreFuture<'_, u64>;

    /// The number of events queued, running and dead (done events are not counted: the
    /// store keeps them for days, and this is read every few seconds).
    fn depth(&self) -> StoreFuture<'_, Vec<(EventState, u64)>>;

    /// Whether the database answers.
    fn ping(&self) -> StoreFuture<'_, ()>;

    /// How many [`insert_batch`](Store::insert_batch) transactions the batch writer keeps in
    /// flight at once: 1 for a store with one writer (SQLite); more where concurrent
    /// transactions commit together (PostgreSQL flushes the WAL of several commits at once).
    fn concurrent_writes(&self) -> usize {
        1
    }
}
