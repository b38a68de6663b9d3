//! [`Store`]: what the inbox asks of a database.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Notify;

use super::attempt::AttemptRecord;
use super::browse::{EventFilter, EventSummary, Overview};
use super::error::StoreError;
use super::record::{EventRecord, EventState, Inserted, NewEvent};

/// The future a [`Store`] method returns.
pub type StoreFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, StoreError>> + Send + 'a>>;

/// The task [`Store::wake_ups`] returns: it runs until dropped.
pub type WakeUps = Pin<Box<dyn Future<Output = ()> + Send + 'static>>;

/// How a failed attempt ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// Queued again, due after a delay (from the database's clock).
    Retry {
        /// How long after now the next attempt is due.
        after: Duration,
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
    /// Stopped because its lease was lost (another attempt may hold the event): only the
    /// attempt's history is written.
    Lost,
}

/// An attempt's end, for [`Store::finish`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finished {
    /// The event.
    pub id: i64,
    /// The worker holding its lease.
    pub worker: String,
    /// The attempt's number, as its claim returned it ([`EventRecord::attempts`]): with the
    /// worker, the fence every write of a running event checks.
    pub attempt: u32,
    /// When the attempt started (ms since the epoch), for its history.
    pub started_at: i64,
    /// How the attempt ended.
    pub resolution: Resolution,
}

impl Finished {
    /// The end of the attempt `claimed` (an event as [`Store::claim`] returned it) run by
    /// `worker` from `started_at`.
    pub fn of(
        claimed: &EventRecord,
        worker: &str,
        started_at: i64,
        resolution: Resolution,
    ) -> Self {
        Self {
            id: claimed.id,
            worker: worker.to_owned(),
            attempt: claimed.attempts,
            started_at,
            resolution,
        }
    }
}

/// A lease taken by [`Store::insert_batch`] on the events it stores.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InsertLease<'a> {
    /// The worker the lease is for.
    pub worker: &'a str,
    /// Its length, from the insert (the database's clock).
    pub lease: Duration,
    /// How many of the batch's first events take it.
    pub count: usize,
}

/// A database holding the events of the durable routes: one table, one row an event, with its
/// state, attempts, due time and lease (the shape of the PostgreSQL job queues: graphile-worker,
/// river, Oban). Implemented by the embedded SQLite store and PostgreSQL.
///
/// Each write of a running event ([`finish`](Store::finish), [`renew`](Store::renew)) is
/// fenced on the lease's owner *and* the attempt number its claim gave: an attempt whose lease
/// expired, and whose event another claim took (another replica's, or this process's own),
/// changes nothing (`false`). Times (due times, leases, finish times) are read from the
/// database's clock, so that replicas with skewed clocks agree on when a lease expires.
pub trait Store: Send + Sync + 'static {
    /// Stores `events` in one transaction: each is new, or a duplicate of the stored event
    /// with its route and idempotency key. Nothing is stored when it fails. With `lease`, the
    /// first [`count`](InsertLease::count) events, when new, are stored running under the
    /// lease, at their first attempt: the replica's own workers run them from memory, without
    /// claiming them.
    fn insert_batch<'a>(
        &'a self,
        events: &'a [NewEvent],
        lease: Option<InsertLease<'a>>,
    ) -> StoreFuture<'a, Vec<Inserted>>;

    /// Takes up to `limit` events that are due (queued and due, or running under an expired
    /// lease) for `worker`, under a lease of `lease`; each one's attempt count goes up by one.
    fn claim<'a>(
        &'a self,
        worker: &'a str,
        lease: Duration,
        limit: u32,
    ) -> StoreFuture<'a, Vec<EventRecord>>;

    /// Records the ends of several attempts in one transaction, each with its row in the
    /// attempts' history: for each, whether the attempt still held its lease (when it did not,
    /// the event is left as it is and the history says `lost`).
    fn finish<'a>(&'a self, attempts: &'a [Finished]) -> StoreFuture<'a, Vec<bool>>;

    /// Extends the leases `worker` holds on the running attempts `attempts` (event id, attempt
    /// number) to `lease` from now, in one transaction; for each, whether it was still held
    /// (owned by `worker`, at that attempt, and not expired: an expired lease may be another
    /// worker's already, and is not renewed).
    fn renew<'a>(
        &'a self,
        worker: &'a str,
        attempts: &'a [(i64, u32)],
        lease: Duration,
    ) -> StoreFuture<'a, Vec<bool>>;

    /// Up to `limit` events, in the state given (every state: `None`), oldest first.
    fn list(&self, state: Option<EventState>, limit: u32) -> StoreFuture<'_, Vec<EventRecord>>;

    /// The event `id`.
    fn show(&self, id: i64) -> StoreFuture<'_, Option<EventRecord>>;

    /// The attempts of the event `id` that ended, first first.
    fn history(&self, id: i64) -> StoreFuture<'_, Vec<AttemptRecord>>;

    /// Queues the done or dead event `id` again, with the retry policy's attempts again (its
    /// attempt number goes on from where it was); `false`: no such event, or
    /// it is queued or running.
    fn replay(&self, id: i64) -> StoreFuture<'_, bool>;

    /// Queues every dead event again; how many.
    fn replay_dead(&self) -> StoreFuture<'_, u64>;

    /// Deletes the events in `state` finished before `before` (ms since the epoch), with their
    /// idempotency keys and their attempts' history; how many.
    fn purge(&self, state: EventState, before: i64) -> StoreFuture<'_, u64>;

    /// The number of events queued, running and dead (done events are not counted: the
    /// store keeps them for days, and this is read every few seconds).
    fn depth(&self) -> StoreFuture<'_, Vec<(EventState, u64)>>;

    /// Up to `limit` events matching `filter`, newest first; with `before`, those whose id is
    /// below it (the next page after the page whose last id it is). Headers and bodies are
    /// not read.
    fn events<'a>(
        &'a self,
        filter: &'a EventFilter,
        before: Option<i64>,
        limit: u32,
    ) -> StoreFuture<'a, Vec<EventSummary>>;

    /// The events by route and state, the oldest queued one, and a chart of the last
    /// `minutes` minutes (events received, attempts done and failed a minute), read at `now`
    /// (ms since the epoch).
    fn overview(&self, now: i64, minutes: u32) -> StoreFuture<'_, Overview>;

    /// Dead-letters the queued or running event `id` at once, with `error` as its last error
    /// (an operator's decision); `false`: no such event, or it is done or dead. A running
    /// attempt loses its lease and stops; its end is recorded as `lost`.
    fn dead_letter<'a>(&'a self, id: i64, error: &'a str) -> StoreFuture<'a, bool>;

    /// Deletes the events `ids` with their attempts' history and idempotency keys, except
    /// those running; how many.
    fn delete<'a>(&'a self, ids: &'a [i64]) -> StoreFuture<'a, u64>;

    /// Whether the database answers.
    fn ping(&self) -> StoreFuture<'_, ()>;

    /// How many [`insert_batch`](Store::insert_batch) calls the batch writer keeps in flight
    /// at once: more than 1 where concurrent transactions commit together (PostgreSQL flushes
    /// the WAL of several commits at once) or where the store gathers the batches waiting for
    /// it into one transaction ([`gathers_batches`](Store::gathers_batches)).
    fn concurrent_writes(&self) -> usize {
        1
    }

    /// Whether the store writes every batch handed to it while it is busy in its next
    /// transaction (the embedded store's writer thread): the batch writer then hands each batch
    /// over as soon as it has one, since waiting for more events would only delay those the
    /// store gathers anyway.
    fn gathers_batches(&self) -> bool {
        false
    }

    /// A task that calls `wake.notify_waiters()` whenever another process makes events
    /// claimable (another replica stores events it does not run itself, releases events at its
    /// shutdown, an operator replays events), so that idle workers claim them at once instead
    /// of at their next poll; notices of the replica `own` itself are skipped (its workers
    /// hear of its events in memory). `None`: the store has no such signal (the embedded
    /// store: one process writes), and the workers' poll alone finds them.
    fn wake_ups(&self, own: &str, wake: Arc<Notify>) -> Option<WakeUps> {
        let _ = (own, wake);
        None
    }
}
