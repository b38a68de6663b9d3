//! Group commit: the requests of durable routes hand their events to one writer task, which
//! stores the events of many requests in one transaction and answers each request once the
//! transaction is committed. On a store that takes concurrent writes (PostgreSQL), several
//! batches are in flight at once: the next batch fills while the last one commits.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{mpsc, Notify, Semaphore};

use super::group::{answer_each, next_batch, Pending, Submitter};
use super::record::{Inserted, NewEvent};
use super::store::{Store, StoreError};

/// The sending side of the writer: cloned into each durable route's endpoint.
#[derive(Debug, Clone)]
pub(crate) struct Batcher {
    submitter: Submitter<NewEvent, Inserted>,
}

impl Batcher {
    /// Starts the writer on `store`: it writes up to `batch_size` events a transaction,
    /// waiting up to `wait` for more once it has one, with up to the store's
    /// [`concurrent_writes`](Store::concurrent_writes) transactions in flight, and wakes
    /// `committed`'s waiters after each commit (the local workers).
    pub(crate) fn start(
        store: Arc<dyn Store>,
        batch_size: usize,
        wait: Duration,
        committed: Arc<Notify>,
    ) -> (Self, tokio::task::JoinHandle<()>) {
        let (submitter, receiver) = Submitter::channel(batch_size.saturating_mul(8).max(64));
        let task = tokio::spawn(write(store, receiver, batch_size.max(1), wait, committed));
        (Self { submitter }, task)
    }

    /// Stores `event`, answering once it is committed (or is a duplicate).
    pub(crate) async fn store(&self, event: NewEvent) -> Result<Inserted, Arc<StoreError>> {
        self.submitter.submit(event).await
    }
}

/// The writer's loop: until every sender is gone, then until the batches in flight end.
async fn write(
    store: Arc<dyn Store>,
    mut receiver: mpsc::Receiver<Pending<NewEvent, Inserted>>,
    batch_size: usize,
    wait: Duration,
    committed: Arc<Notify>,
) {
    let writers = Arc::new(Semaphore::new(store.concurrent_writes().max(1)));
    let mut in_flight = tokio::task::JoinSet::new();
    loop {
        // A free writer first: while every writer is busy, the events wait in the channel and
        // make the next batch larger.
        let Ok(writer) = Arc::clone(&writers).acquire_owned().await else {
            break;
        };
        let Some(mut batch) = next_batch(&mut receiver, batch_size, wait).await else {
            break;
        };
        // Every transaction takes the keys' locks in one order, so that two batches in flight
        // (of this replica or another) holding one key each cannot wait for each other.
        batch.sort_by(|(a, _), (b, _)| {
            (&a.route, &a.idempotency_key).cmp(&(&b.route, &b.idempotency_key))
        });
        let store = Arc::clone(&store);
        let committed = Arc::clone(&committed);
        in_flight.spawn(async move {
            let (events, answers): (Vec<NewEvent>, Vec<_>) = batch.into_iter().unzip();
            let written = store.insert_batch(&events).await;
            match &written {
                Ok(_) => committed.notify_waiters(),
                Err(error) => {
                    tracing::error!(%error, events = events.len(), "cannot store a batch of events");
                }
            }
            answer_each(answers, written);
            drop(writer);
        });
        // Reap the batches that ended.
        while in_flight.try_join_next().is_some() {}
    }
    while in_flight.join_next().await.is_some() {}
}
