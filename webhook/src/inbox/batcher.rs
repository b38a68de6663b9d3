//! Group commit: the requests of durable routes hand their events to one writer task, which
//! stores the events of many requests in one transaction and answers each request once the
//! transaction is committed. On a store that takes concurrent writes (PostgreSQL), several
//! batches are in flight at once: the next batch fills while the last one commits.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use tokio::sync::{mpsc, Notify, Semaphore};

use super::error::StoreError;
use super::group::{answer_each, next_batch, Pending, Submitter};
use super::handoff::Handoff;
use super::record::{now_ms, EventRecord, Inserted, NewEvent};
use super::store::{Finished, InsertLease, Resolution, Store};
use crate::ops::metrics::InboxMetrics;

/// Where the workers' [`Handoff`] is set once they start (the writer starts before them, and
/// a webhook without workers has none).
pub(crate) type HandoffSlot = Arc<OnceLock<Arc<Handoff>>>;

/// The sending side of the writer: cloned into each durable route's endpoint.
#[derive(Debug, Clone)]
pub(crate) struct Batcher {
    submitter: Submitter<NewEvent, Inserted>,
}

impl Batcher {
    /// Starts the writer on `store`: it writes up to `batch_size` events a transaction,
    /// waiting up to `wait` for more once it has one, with up to the store's
    /// [`concurrent_writes`](Store::concurrent_writes) transactions in flight. The first
    /// events of a batch, as many as the local workers have idle ones, are leased to them in
    /// the insert and handed over through `handoff`; when others were stored queued, the
    /// writer wakes `committed`'s waiters (the local workers, who claim them). Each batch's
    /// size and time are observed in `metrics`, when there are.
    pub(crate) fn start(
        store: Arc<dyn Store>,
        batch_size: usize,
        wait: Duration,
        committed: Arc<Notify>,
        handoff: HandoffSlot,
        metrics: Option<InboxMetrics>,
    ) -> (Self, tokio::task::JoinHandle<()>) {
        let (submitter, receiver) = Submitter::channel(batch_size.saturating_mul(8).max(64));
        let writer = Writer {
            store,
            committed,
            handoff,
            last_insert_us: std::sync::atomic::AtomicU64::new(0),
            metrics,
        };
        let task = tokio::spawn(writer.run(receiver, batch_size.max(1), wait));
        (Self { submitter }, task)
    }

    /// Stores `event`, answering once it is committed (or is a duplicate).
    pub(crate) async fn store(&self, event: NewEvent) -> Result<Inserted, Arc<StoreError>> {
        self.submitter.submit(event).await
    }
}

/// The writer task's state.
struct Writer {
    store: Arc<dyn Store>,
    committed: Arc<Notify>,
    handoff: HandoffSlot,
    /// How long the last insert took, in microseconds.
    last_insert_us: std::sync::atomic::AtomicU64,
    /// Where each batch is counted (`webhook_inbox_batch_events`, `..._duration_seconds`).
    metrics: Option<InboxMetrics>,
}

impl Writer {
    /// The writer's loop: until every sender is gone, then until the batches in flight end.
    async fn run(
        self,
        mut receiver: mpsc::Receiver<Pending<NewEvent, Inserted>>,
        batch_size: usize,
        wait: Duration,
    ) {
        let writer = Arc::new(self);
        let writers = Arc::new(Semaphore::new(writer.store.concurrent_writes().max(1)));
        let mut in_flight = tokio::task::JoinSet::new();
        loop {
            // A free writer first: while every writer is busy, the events wait in the channel
            // and make the next batch larger.
            let Ok(permit) = Arc::clone(&writers).acquire_owned().await else {
                break;
            };
            // Waiting for more events pays only where a commit takes longer than the wait (a
            // slow disk's fsync): the clients the last commit answered come back during it and
            // share the next commit, instead of waiting for another one. Where commits are
            // quicker, the next batch forms while the last one commits, and a wait (a whole
            // millisecond of tokio's timer) only adds to each request's: measured on a disk
            // whose fsync takes 0.1 ms, 9,400 events/s with the wait, 11,600-12,000 without.
            // A wait of tokio's timer lasts up to a millisecond more than asked (it rounds up to
            // its tick): 1 ms measured 2.2 ms on average. So the wait is taken only where the
            // last insert took more than twice as long: an insert of about 1 ms (a batch on the
            // embedded store under load) with the wait was 10,000 events/s, 14,700 without.
            let last = Duration::from_micros(
                writer
                    .last_insert_us
                    .load(std::sync::atomic::Ordering::Relaxed),
            );
            // A store that gathers the batches waiting for it (the embedded store) takes each
            // at once: the events that come during a commit share the next one all the same.
            let wait = if !writer.store.gathers_batches() && last > wait.saturating_mul(2) {
                wait
            } else {
                Duration::ZERO
            };
            let Some(mut batch) = next_batch(&mut receiver, batch_size, wait).await else {
                break;
            };
            // Every transaction takes the keys' locks in one order, so that two batches in
            // flight (of this replica or another) holding one key each cannot wait for each
            // other.
            batch.sort_by(|(a, _), (b, _)| {
                (&a.route, &a.idempotency_key).cmp(&(&b.route, &b.idempotency_key))
            });
            let writer = Arc::clone(&writer);
            in_flight.spawn(async move {
                writer.write(batch).await;
                drop(permit);
            });
            // Reap the batches that ended.
            while in_flight.try_join_next().is_some() {}
        }
        while in_flight.join_next().await.is_some() {}
    }

    /// Stores one batch, answers its requests, and hands its leased events to the workers.
    async fn write(&self, batch: Vec<Pending<NewEvent, Inserted>>) {
        let (events, answers): (Vec<NewEvent>, Vec<_>) = batch.into_iter().unzip();
        let handoff = self.handoff.get();
        let mut reservation = handoff.and_then(|handoff| handoff.reserve(events.len()));
        let lease = handoff
            .zip(reservation.as_ref())
            .map(|(handoff, reservation)| InsertLease {
                worker: handoff.worker(),
                lease: handoff.lease(),
                count: reservation.count(),
            });
        let started = std::time::Instant::now();
        let written = self.store.insert_batch(&events, lease).await;
        let took = started.elapsed();
        self.last_insert_us.store(
            u64::try_from(took.as_micros()).unwrap_or(u64::MAX),
            std::sync::atomic::Ordering::Relaxed,
        );
        if let Some(metrics) = &self.metrics {
            metrics.batch(events.len(), took.as_secs_f64());
        }
        let inserted = match written {
            Ok(inserted) => inserted,
            Err(error) => {
                tracing::error!(%error, events = events.len(), "cannot store a batch of events");
                answer_each(answers, Err(error));
                return;
            }
        };
        answer_each(answers, Ok(inserted.clone()));
        let leased = lease.map_or(0, |lease| lease.count);
        let mut queued = false;
        let mut back = Vec::new();
        for (index, (event, inserted)) in events.into_iter().zip(inserted).enumerate() {
            match (inserted, handoff, reservation.as_mut()) {
                (Inserted::New(id), Some(handoff), Some(reservation)) if index < leased => {
                    let event = EventRecord::leased(event, id, handoff.worker());
                    if let Err(event) = handoff.hand(reservation, event) {
                        back.push(*event);
                    }
                }
                (Inserted::New(_), ..) => queued = true,
                (Inserted::Duplicate(_), ..) => {}
            }
        }
        if queued {
            self.committed.notify_waiters();
        }
        if let (Some(handoff), false) = (handoff, back.is_empty()) {
            self.release(handoff, &back).await;
        }
    }

    /// Puts back in the queue the leased events the workers did not take (they stopped).
    async fn release(&self, handoff: &Handoff, events: &[EventRecord]) {
        let ends: Vec<Finished> = events
            .iter()
            .map(|event| Finished::of(event, handoff.worker(), now_ms(), Resolution::Released))
            .collect();
        match self.store.finish(&ends).await {
            Ok(_) => tracing::info!(
                events = ends.len(),
                "stored events released: the workers stopped"
            ),
            Err(error) => {
                tracing::warn!(%error, "cannot release stored events; their leases will expire")
            }
        }
    }
}
