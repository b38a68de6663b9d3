//! Group commit's plumbing, shared by the [`Batcher`](super::Batcher) (events of requests) and
//! the [`Recorder`](super::recorder::Recorder) (ends of attempts): many tasks submit one item
//! each to a single writer, which takes them in batches, writes each batch in one transaction
//! and answers every submitter.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{mpsc, oneshot};

use super::error::StoreError;

/// Where a submitter waits for what became of its item.
pub(crate) type Answer<R> = oneshot::Sender<Result<R, Arc<StoreError>>>;

/// An item waiting for the writer, with its answer.
pub(crate) type Pending<T, R> = (T, Answer<R>);

/// The submitting side of a writer: cloned into every task that submits.
pub(crate) struct Submitter<T, R> {
    sender: mpsc::Sender<Pending<T, R>>,
}

impl<T, R> Clone for Submitter<T, R> {
    fn clone(&self) -> Self {
        Self {
            sender: self.sender.clone(),
        }
    }
}

impl<T, R> std::fmt::Debug for Submitter<T, R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Submitter")
            .field(
                "queued",
                &(self.sender.max_capacity() - self.sender.capacity()),
            )
            .finish()
    }
}

impl<T, R> Submitter<T, R> {
    /// A submitter and the writer's receiving side, holding at most `capacity` items: when the
    /// store is slower than the submitters, they wait here (and their clients with them)
    /// instead of the memory growing.
    pub(crate) fn channel(capacity: usize) -> (Self, mpsc::Receiver<Pending<T, R>>) {
        let (sender, receiver) = mpsc::channel(capacity.max(1));
        (Self { sender }, receiver)
    }

    /// Submits `item` and waits for the writer's answer ([`StoreError::Closed`] when the
    /// writer is gone).
    pub(crate) async fn submit(&self, item: T) -> Result<R, Arc<StoreError>> {
        let (answer, answered) = oneshot::channel();
        self.sender
            .send((item, answer))
            .await
            .map_err(|_| Arc::new(StoreError::Closed))?;
        answered
            .await
            .unwrap_or_else(|_| Err(Arc::new(StoreError::Closed)))
    }
}

/// The next batch: waits for a first item, takes what is queued already (it came while the
/// last transaction committed), then what comes within `wait`, up to `size` items. `None` when
/// every submitter is gone.
///
/// The whole wait is the point: the clients the last commit answered send their next requests
/// during it, and join the requests that came during the commit in one batch. Ending the wait
/// once the batch held as many events as the last one (tried) kept two cohorts of clients
/// alternating, each waiting for the other's commit before its own: about a third fewer
/// events a second on the embedded store.
pub(crate) async fn next_batch<P>(
    receiver: &mut mpsc::Receiver<P>,
    size: usize,
    wait: Duration,
) -> Option<Vec<P>> {
    let size = size.max(1);
    let first = receiver.recv().await?;
    let mut batch = Vec::with_capacity(size);
    batch.push(first);
    while batch.len() < size {
        match receiver.try_recv() {
            Ok(pending) => batch.push(pending),
            Err(_) => break,
        }
    }
    if batch.len() < size && !wait.is_zero() {
        let deadline = tokio::time::Instant::now() + wait;
        while batch.len() < size {
            match tokio::time::timeout_at(deadline, receiver.recv()).await {
                Ok(Some(pending)) => batch.push(pending),
                Ok(None) | Err(_) => break,
            }
        }
    }
    Some(batch)
}

/// Answers each submitter of a batch with its own result, or all with the batch's error.
pub(crate) fn answer_each<R>(answers: Vec<Answer<R>>, written: Result<Vec<R>, StoreError>) {
    match written {
        Ok(results) => {
            for (answer, result) in answers.into_iter().zip(results) {
                let _ = answer.send(Ok(result));
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

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_batch_takes_what_is_queued_up_to_its_size() {
        let (sender, mut receiver) = mpsc::channel(16);
        for item in 0..5 {
            sender.send(item).await.unwrap();
        }
        let wait = Duration::from_millis(1);
        assert_eq!(
            next_batch(&mut receiver, 3, wait).await,
            Some(vec![0, 1, 2])
        );
        assert_eq!(next_batch(&mut receiver, 3, wait).await, Some(vec![3, 4]));
        drop(sender);
        assert_eq!(next_batch(&mut receiver, 3, wait).await, None);
    }

    #[tokio::test]
    async fn a_batch_waits_for_late_items_within_its_wait() {
        let (sender, mut receiver) = mpsc::channel(16);
        sender.send(1).await.unwrap();
        let late = tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(5)).await;
            sender.send(2).await.unwrap();
            sender
        });
        let batch = next_batch(&mut receiver, 8, Duration::from_secs(5)).await;
        // The wait ends when the late item came and the channel stays open: the full wait is
        // not needed to take it, only to give up on more.
        assert_eq!(batch.as_deref().map(|b| b[..2].to_vec()), Some(vec![1, 2]));
        drop(late.await.unwrap());
    }

    #[tokio::test]
    async fn every_submitter_gets_its_own_answer_or_the_error() {
        let (submitter, mut receiver) = Submitter::<u32, u32>::channel(8);
        let writer = tokio::spawn(async move {
            let batch = next_batch(&mut receiver, 8, Duration::from_millis(20))
                .await
                .unwrap();
            let (items, answers): (Vec<u32>, Vec<_>) = batch.into_iter().unzip();
            answer_each(answers, Ok(items.iter().map(|item| item * 10).collect()));
            let batch = next_batch(&mut receiver, 8, Duration::ZERO).await.unwrap();
            let (_, answers): (Vec<u32>, Vec<_>) = batch.into_iter().unzip();
            answer_each(answers, Err(StoreError::Closed));
        });
        let (a, b) = tokio::join!(submitter.submit(1), submitter.submit(2));
        assert_eq!((a.unwrap(), b.unwrap()), (10, 20));
        assert!(matches!(
            submitter.submit(3).await.unwrap_err().as_ref(),
            StoreError::Closed
        ));
        writer.await.unwrap();
        // The writer is gone: a submission says so.
        assert!(submitter.submit(4).await.is_err());
    }
}
