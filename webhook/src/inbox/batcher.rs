//! Group commit: the requests of durable routes hand their events to one writer task, which
//! stores the events of many requests in one transaction and answers each request once the
//! transaction is committed.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{mpsc, oneshot, Notify};

use super::record::{Inserted, NewEvent};
use super::store::{Store, StoreError};

/// An event waiting to be written, and where to send what became of it.
type Pending = (NewEvent, oneshot::Sender<Result<Inserted, Arc<StoreError>>>);

/// The sending side of the writer: cloned into each durable route's endpoint.
#[derive(Debug, Clone)]
pub(crate) struct Batcher {
    sender: mpsc::Sender<Pending>,
}

impl Batcher {
    /// Starts the writer on `store`: it writes up to `batch_size` events a transaction,
    /// waiting up to `wait` for more once it has one, and wakes `committed`'s waiters after each
    /// commit (the local workers).
    pub(crate) fn start(
        store: Arc<dyn Store>,
        batch_size: usize,
        wait: Duration,
        committed: Arc<Notify>,
    ) -> (Self, tokio::task::JoinHandle<()>) {
        // A bounded queue: when the store is slower than the senders, requests wait here (and
        // their clients with them) instead of the memory growing.
        let (sender, receiver) = mpsc::channel(batch_size.saturating_mul(8).max(64));
        let task = tokio::spawn(write(store, receiver, batch_size.max(1), wait, committed));
        (Self { sender }, task)
    }

    /// Stores `event`, answering once it is committed (or is a duplicate).
    pub(crate) async fn store(&self, event: NewEvent) -> Result<Inserted, Arc<StoreError>> {
        let (answer, answered) = oneshot::channel();
        self.sender
            .send((event, answer))
            .await
            .map_err(|_| Arc::new(StoreError::Closed))?;
        answered
            .await
            .unwrap_or_else(|_| Err(Arc::new(StoreError::Closed)))
    }
}

/// The writer's loop: until every sender is gone.
async fn write(
    store: Arc<dyn Store>,
    mut receiver: mpsc::Receiver<Pending>,
    batch_size: usize,
    wait: Duration,
    committed: Arc<Notify>,
) {
    let mut batch: Vec<Pending> = Vec::with_capacity(batch_size);
    while let Some(first) = receiver.recv().await {
        batch.push(first);
        // What is queued already (it came while the last transaction committed)...
        while batch.len() < batch_size {
            match receiver.try_recv() {
                Ok(pending) => batch.push(pending),
                Err(_) => break,
            }
        }
        // ...then what comes within `wait`.
        if batch.len() < batch_size && !wait.is_zero() {
            let deadline = tokio::time::Instant::now() + wait;
            while batch.len() < batch_size {
                match tokio::time::timeout_at(deadline, receiver.recv()).await {
                    Ok(Some(pending)) => batch.push(pending),
                    Ok(None) | Err(_) => break,
                }
            }
        }
        let (events, answers): (Vec<NewEvent>, Vec<_>) = batch.drain(..).unzip();
        match store.insert_batch(&events).await {
            Ok(inserted) => {
                for (answer, inserted) in answers.into_iter().zip(inserted) {
                    let _ = answer.send(Ok(inserted));
                }
                committed.notify_waiters();
            }
            Err(error) => {
                tracing::error!(%error, events = events.len(), "cannot store a batch of events");
                let error = Arc::new(error);
                for answer in answers {
                    let _ = answer.send(Err(Arc::clone(&error)));
                }
            }
        }
    }
}
