//! [`Writer`]: the embedded store's writer thread, a plain `std` thread that owns the store's one
//! write connection ([`WriteConnection`]) and runs every write, in the order they come.
//!
//! The async side hands a write over once (a channel) and waits for its answer (a oneshot):
//! one hand-off each way whatever the number of statements, instead of two a statement with
//! sqlx's own SQLite thread. The batches of events waiting when the thread is free share one
//! transaction (several are handed over at once, [`WRITES_IN_FLIGHT`](super::WRITES_IN_FLIGHT):
//! the next ones wait here while a commit runs, and are stored by the next commit without a
//! round trip to the async side between the two). The attempts' ends waiting when a batch of
//! events comes ride in its transaction; ends alone wait up to [`CARRY_WAIT`] for one.
//!
//! The thread stops once its [`Writer`] is dropped (the last clone of the store), after the
//! writes already handed over, and the drop joins it. A write that panics fails with
//! [`StoreError::Writer`] (its transaction rolled back), as do the writes of its round not run
//! yet; none hangs, and the thread goes on with the next ones. Should the thread stop all the
//! same, every later write fails with that error and the readiness ping says so.

use std::collections::VecDeque;
use std::path::Path;
use std::sync::mpsc;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::oneshot;

use super::super::error::StoreError;
use super::super::record::Inserted;
use super::super::store::Finished;
use super::connection::{EventRow, RowLease, WriteConnection};

/// How long the ends of attempts wait for a batch of events to carry them before they are
/// written alone.
const CARRY_WAIT: Duration = Duration::from_millis(5);

/// The writer thread's name.
const THREAD_NAME: &str = "inbox-sqlite-writer";

/// A write handed to the writer thread.
enum Job {
    /// A batch of events.
    Insert {
        events: Vec<EventRow>,
        lease: Option<RowLease>,
        answer: oneshot::Sender<Result<Vec<Inserted>, StoreError>>,
    },
    /// The ends of one [`Store::finish`](super::super::Store::finish) call.
    Ends(WaitingEnds),
    /// Any other write: the closure answers its caller.
    Run(Box<dyn FnOnce(&mut WriteConnection) + Send>),
}

/// The ends of one [`Store::finish`](super::super::Store::finish) call, waiting for a
/// transaction.
struct WaitingEnds {
    ends: Vec<Finished>,
    answer: oneshot::Sender<Result<Vec<bool>, StoreError>>,
}

/// The handle of the writer thread: dropping it stops the thread and joins it.
#[derive(Debug)]
pub(crate) struct Writer {
    jobs: Option<mpsc::Sender<Job>>,
    thread: Option<std::thread::JoinHandle<()>>,
    /// Held by the thread's closure too: a test sees the thread gone once it is the only
    /// holder.
    #[cfg(test)]
    pub(super) alive: Arc<()>,
}

impl Writer {
    /// Starts the writer thread on `file` (its schema migrated already), once its connection
    /// is open.
    pub(crate) async fn start(file: &Path) -> Result<Self, StoreError> {
        let (jobs, queue) = mpsc::channel();
        let (opened, open) = oneshot::channel();
        let path = file.to_owned();
        #[cfg(test)]
        let alive = Arc::new(());
        #[cfg(test)]
        let held = Arc::clone(&alive);
        let thread = std::thread::Builder::new()
            .name(THREAD_NAME.to_owned())
            .spawn(move || {
                #[cfg(test)]
                let _held = held;
                match WriteConnection::open(&path) {
                    Ok(connection) => {
                        let _ = opened.send(Ok(()));
                        run(connection, &queue);
                    }
                    Err(error) => {
                        let _ = opened.send(Err(error));
                    }
                }
            })
            .map_err(|source| StoreError::Writer(format!("cannot start its thread: {source}")))?;
        let writer = Self {
            jobs: Some(jobs),
            thread: Some(thread),
            #[cfg(test)]
            alive,
        };
        match open.await {
            Ok(Ok(())) => Ok(writer),
            Ok(Err(source)) => Err(StoreError::OpenEmbedded {
                location: file.display().to_string(),
                source,
            }),
            Err(_) => Err(stopped()),
        }
    }

    /// Whether the thread still runs.
    pub(crate) fn is_running(&self) -> bool {
        self.thread
            .as_ref()
            .is_some_and(|thread| !thread.is_finished())
    }

    /// Stores `events` in one durable transaction, with the ends of attempts waiting.
    pub(crate) async fn insert(
        &self,
        events: Vec<EventRow>,
        lease: Option<RowLease>,
    ) -> Result<Vec<Inserted>, StoreError> {
        let (answer, answered) = oneshot::channel();
        self.send(Job::Insert {
            events,
            lease,
            answer,
        })?;
        answered.await.unwrap_or_else(|_| Err(stopped()))
    }

    /// Records the ends of `ends`, with the next batch of events or alone.
    pub(crate) async fn finish(&self, ends: Vec<Finished>) -> Result<Vec<bool>, StoreError> {
        let (answer, answered) = oneshot::channel();
        self.send(Job::Ends(WaitingEnds { ends, answer }))?;
        answered.await.unwrap_or_else(|_| Err(stopped()))
    }

    /// Runs `write` on the write connection, in the thread: its answer.
    pub(crate) async fn run<T, F>(&self, write: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut WriteConnection) -> Result<T, StoreError> + Send + 'static,
    {
        let (answer, answered) = oneshot::channel();
        self.send(Job::Run(Box::new(move |connection| {
            let _ = answer.send(write(connection));
        })))?;
        answered.await.unwrap_or_else(|_| Err(stopped()))
    }

    fn send(&self, job: Job) -> Result<(), StoreError> {
        self.jobs
            .as_ref()
            .ok_or(StoreError::Closed)?
            .send(job)
            .map_err(|_| stopped())
    }
}

impl Drop for Writer {
    /// Stops the thread once it has run the writes handed over, and joins it.
    fn drop(&mut self) {
        drop(self.jobs.take());
        if let Some(thread) = self.thread.take()
            && thread.join().is_err()
        {
            tracing::error!("the inbox's SQLite writer thread panicked");
        }
    }
}

/// The error of a write the thread did not answer: it panicked, or the thread stopped.
fn stopped() -> StoreError {
    StoreError::Writer("the write panicked, or the writer thread stopped".to_owned())
}

/// The thread: takes the writes waiting, in rounds, until the channel closes.
fn run(mut connection: WriteConnection, queue: &mpsc::Receiver<Job>) {
    let mut pending = VecDeque::new();
    loop {
        match queue.recv() {
            Ok(job) => pending.push_back(job),
            Err(_) => return,
        }
        pending.extend(queue.try_iter());
        wait_for_a_carrier(&mut pending, queue);
        // A write that panics fails alone: its transaction rolled back (dropped as the panic
        // unwinds, uncommitted), its caller and those of the round's writes not run yet answered
        // an error (their answers dropped), and the thread goes on with the next ones.
        let ran = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            round(&mut connection, &mut pending);
        }));
        if ran.is_err() {
            pending.clear();
            tracing::error!(
                "a write of the inbox's SQLite writer panicked: it failed, and the writer goes on"
            );
        }
    }
}

/// When only ends wait, waits up to [`CARRY_WAIT`] for something else: a batch of events to
/// carry them (one commit for both), or another write not to delay.
fn wait_for_a_carrier(pending: &mut VecDeque<Job>, queue: &mpsc::Receiver<Job>) {
    let deadline = Instant::now() + CARRY_WAIT;
    while pending.iter().all(|job| matches!(job, Job::Ends(_))) {
        let left = deadline.saturating_duration_since(Instant::now());
        match queue.recv_timeout(left) {
            Ok(job) => pending.push_back(job),
            Err(_) => return,
        }
    }
}

/// A batch of events waiting for the thread, with its caller's answer.
struct Batch {
    events: Vec<EventRow>,
    lease: Option<RowLease>,
    answer: oneshot::Sender<Result<Vec<Inserted>, StoreError>>,
}

/// Runs the writes of `pending`, in their order. Batches of events that follow each other
/// share one transaction: every batch handed over while the last commit ran is stored by the
/// next one. The ends among them ride with the first of those transactions, or go alone after
/// the others.
fn round(connection: &mut WriteConnection, pending: &mut VecDeque<Job>) {
    let mut ends = Vec::new();
    let mut others = VecDeque::with_capacity(pending.len());
    for job in pending.drain(..) {
        match job {
            Job::Ends(waiting) => ends.push(waiting),
            other => others.push_back(other),
        }
    }
    let mut batches = Vec::new();
    for job in others {
        match job {
            Job::Insert {
                events,
                lease,
                answer,
            } => batches.push(Batch {
                events,
                lease,
                answer,
            }),
            Job::Run(write) => {
                insert(connection, std::mem::take(&mut batches), &mut ends);
                write(connection);
            }
            Job::Ends(_) => {}
        }
    }
    insert(connection, batches, &mut ends);
    if !ends.is_empty() {
        let all = all_ends(&ends);
        answer_ends(
            ends,
            connection.write(&[], None, &all).map(|(_, held)| held),
        );
    }
}

/// Stores `batches` and records the ends `carried` (taken, when there are batches) in one
/// transaction, and answers each; when it fails, each batch alone, then the ends alone, so that
/// none fails for another's error.
fn insert(connection: &mut WriteConnection, batches: Vec<Batch>, carried: &mut Vec<WaitingEnds>) {
    if batches.is_empty() {
        return;
    }
    let carried = std::mem::take(carried);
    let all = all_ends(&carried);
    let rows: Vec<(&[EventRow], Option<&RowLease>)> = batches
        .iter()
        .map(|batch| (batch.events.as_slice(), batch.lease.as_ref()))
        .collect();
    match connection.write_batches(&rows, &all) {
        Ok((inserted, held)) => {
            answer_ends(carried, Ok(held));
            for (batch, inserted) in batches.into_iter().zip(inserted) {
                let _ = batch.answer.send(Ok(inserted));
            }
        }
        Err(error) if carried.is_empty() && batches.len() == 1 => {
            if let Some(batch) = batches.into_iter().next() {
                let _ = batch.answer.send(Err(error));
            }
        }
        Err(error) => {
            tracing::debug!(%error, "a transaction of batches and ends failed: writing each apart");
            for batch in batches {
                let inserted = connection.write(&batch.events, batch.lease.as_ref(), &[]);
                let _ = batch.answer.send(inserted.map(|(inserted, _)| inserted));
            }
            if !carried.is_empty() {
                let held = connection.write(&[], None, &all);
                answer_ends(carried, held.map(|(_, held)| held));
            }
        }
    }
}

/// The ends of all of `ends`, in their order: one transaction records them.
fn all_ends(ends: &[WaitingEnds]) -> Vec<Finished> {
    ends.iter()
        .flat_map(|waiting| waiting.ends.iter().cloned())
        .collect()
}

/// Answers each of `ends` with its share of `held` (the ends in their order), or all with the
/// error (shared).
fn answer_ends(ends: Vec<WaitingEnds>, held: Result<Vec<bool>, StoreError>) {
    match held {
        Ok(held) => {
            let mut held = held.into_iter();
            for waiting in ends {
                let own: Vec<bool> = held.by_ref().take(waiting.ends.len()).collect();
                let _ = waiting.answer.send(Ok(own));
            }
        }
        Err(error) if ends.len() == 1 => {
            if let Some(waiting) = ends.into_iter().next() {
                let _ = waiting.answer.send(Err(error));
            }
        }
        Err(error) => {
            let error = Arc::new(error);
            for waiting in ends {
                let _ = waiting
                    .answer
                    .send(Err(StoreError::Shared(Arc::clone(&error))));
            }
        }
    }
}
