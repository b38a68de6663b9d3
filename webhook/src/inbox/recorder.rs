//! Group commit of outcomes: the attempts of this process hand how they ended to one task,
//! which records the ends of many attempts in one transaction (as the [`Batcher`] stores many
//! requests' events), so that a worker's bookkeeping does not cost a commit an event.
//!
//! [`Batcher`]: super::Batcher

use std::sync::Arc;

use tokio::sync::{mpsc, oneshot};

use super::store::{Finished, Store, StoreError};

/// An attempt's end waiting to be recorded, and where to say whether the lease was still held.
type Pending = (Finished, oneshot::Sender<Result<bool, Arc<StoreError>>>);

/// The sending side of the recorder.
#[derive(Debug, Clone)]
pub(crate) struct Recorder {
    sender: mpsc::Sender<Pending>,
}

impl Recorder {
    /// Starts the recorder on `store`, up to `batch_size` ends a transaction.
    pub(crate) fn start(store: Arc<dyn Store>, batch_size: usize) -> Self {
        let (sender, receiver) = mpsc::channel(batch_size.max(1) * 4);
        tokio::spawn(record(store, receiver, batch_size.max(1)));
        Self { sender }
    }

    /// Records `end`, answering once committed: whether the worker still held the lease.
    pub(crate) async fn record(&self, end: Finished) -> Result<bool, Arc<StoreError>> {
        let (answer, answered) = oneshot::channel();
        self.sender
            .send((end, answer))
            .await
            .map_err(|_| Arc::new(StoreError::Closed))?;
        answered
            .await
            .unwrap_or_else(|_| Err(Arc::new(StoreError::Closed)))
    }
}

async fn record(store: Arc<dyn Store>, mut receiver: mpsc::Receiver<Pending>, batch_size: usize) {
    let mut batch: Vec<Pending> = Vec::with_capacity(batch_size);
    while let Some(first) = receiver.recv().await {
        batch.push(first);
        while batch.len() < batch_size {
            match receiver.try_recv() {
                Ok(pending) => batch.push(pending),
                Err(_) => break,
            }
        }
        let (ends, answers): (Vec<Finished>, Vec<_>) = batch.drain(..).unzip();
        match store.finish(&ends).await {
            Ok(held) => {
                for (answer, held) in answers.into_iter().zip(held) {
                    let _ = answer.send(Ok(held));
                }
            }
            Err(error) => {
                let error = Arc::new(error);
                for answer in answers {
                    let _ = answer.send(Err(Arc::clone(&error)));
                }
            }
        }
    }
}
