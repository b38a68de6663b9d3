//! Group commit of outcomes: the attempts of this process hand how they ended to one task,
//! which records the ends of many attempts in one transaction (as the [`Batcher`] stores many
//! requests' events), so that a worker's bookkeeping does not cost a commit an event.
//!
//! [`Batcher`]: super::Batcher

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc;

use super::error::StoreError;
use super::group::{answer_each, next_batch, Pending, Submitter};
use super::store::{Finished, Store};

/// The sending side of the recorder.
#[derive(Debug, Clone)]
pub(crate) struct Recorder {
    submitter: Submitter<Finished, bool>,
}

impl Recorder {
    /// Starts the recorder on `store`, up to `batch_size` ends a transaction; its task ends
    /// once every clone of the recorder is dropped and what they sent is recorded.
    pub(crate) fn start(
        store: Arc<dyn Store>,
        batch_size: usize,
    ) -> (Self, tokio::task::JoinHandle<()>) {
        let (submitter, receiver) = Submitter::channel(batch_size.max(1) * 4);
        let task = tokio::spawn(record(store, receiver, batch_size.max(1)));
        (Self { submitter }, task)
    }

    /// Records `end`, answering once committed: whether the worker still held the lease.
    pub(crate) async fn record(&self, end: Finished) -> Result<bool, Arc<StoreError>> {
        self.submitter.submit(end).await
    }
}

/// The recorder's loop: what is queued is one batch (no wait: an attempt's end is not
/// delayed for others), until every sender is gone.
async fn record(
    store: Arc<dyn Store>,
    mut receiver: mpsc::Receiver<Pending<Finished, bool>>,
    batch_size: usize,
) {
    while let Some(batch) = next_batch(&mut receiver, batch_size, Duration::ZERO).await {
        let (ends, answers): (Vec<Finished>, Vec<_>) = batch.into_iter().unzip();
        answer_each(answers, store.finish(&ends).await);
    }
}
