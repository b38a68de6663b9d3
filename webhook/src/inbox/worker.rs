//! The workers: due events are claimed under a lease (as many at once as there are idle
//! workers), each attempt runs its route's handler with a timeout, and its outcome (done, retry
//! later, dead letter) is recorded, in batches. The leases of the running attempts are renewed
//! every third of a lease; an attempt whose lease could not be renewed (expired, or taken) is
//! stopped, unrecorded: its event is another worker's. They stop claiming at the shutdown
//! signal, let the running attempts finish within the shutdown timeout, and release the events
//! of the attempts cut.

use std::collections::HashMap;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::Router;
use futures_util::FutureExt as _;
use tokio::sync::{mpsc, watch, Notify, OwnedSemaphorePermit, Semaphore};
use tower::ServiceExt;

use super::batcher::HandoffSlot;
use super::delivery::Delivery;
use super::due::DueRetries;
use super::error::StoreError;
use super::handoff::{Handed, Handoff};
use super::outcome::{classify, AttemptOutcome};
use super::record::{from_ms, now_ms, EventRecord};
use super::recorder::Recorder;
use super::retry::RetryPolicy;
use super::run::TargetRoute;
use super::store::{Failure, Finished, Resolution, Store};
use crate::ops::metrics::InboxMetrics;

/// How a route's events are retried and how long its handler may run.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RoutePolicy {
    pub(crate) retry: RetryPolicy,
    pub(crate) timeout: Duration,
}

/// What every worker shares.
pub(crate) struct WorkerContext {
    pub(crate) store: Arc<dyn Store>,
    /// The durable routes' handlers ([`handlers_router`](super::run::handlers_router)).
    pub(crate) handlers: Router,
    pub(crate) policies: HashMap<String, RoutePolicy>,
    pub(crate) default_policy: RoutePolicy,
    pub(crate) lease: Duration,
    pub(crate) poll_interval: Duration,
    /// Wakes the idle workers: the writer's commits of events it did not hand over, the other
    /// replicas' notices ([`Store::wake_ups`]), a retry due earlier than they sleep.
    pub(crate) wake: Arc<Notify>,
    /// When this process's retries come due: the idle workers sleep until the next one at most.
    pub(crate) retries: DueRetries,
    pub(crate) metrics: Option<InboxMetrics>,
    /// The running attempts of this process, by event id, each with its attempt number and the
    /// signal that its lease was lost.
    pub(crate) running: std::sync::Mutex<HashMap<i64, (u32, Arc<Notify>)>>,
}

impl WorkerContext {
    /// Has the idle workers claim once `after` has passed: a retry recorded now, due `after`
    /// from the store's clock at its commit, is due by then.
    fn claim_after(&self, after: Duration) {
        if self.retries.add(tokio::time::Instant::now() + after) {
            // Earlier than the idle workers sleep: they look again.
            self.wake.notify_waiters();
        }
    }
}

/// The pool of workers: one feeder runs the events the replica's writer hands over, and
/// claims as many due events as there are idle workers, in one statement, for the rest
/// (retries, other replicas' events, a backlog); each attempt runs in a task of its own (its
/// handler in it, a panic caught), and a [`Recorder`] commits their ends in batches.
pub(crate) struct Workers {
    /// `true`: stop claiming.
    stop: watch::Sender<bool>,
    /// `true`: the shutdown deadline passed; release what runs.
    abort: watch::Sender<bool>,
    handoff: Arc<Handoff>,
    /// The [`WorkerFeeder`]'s task.
    feeder: Option<tokio::task::JoinHandle<()>>,
    /// The recorder's task: it ends once the attempts' ends are recorded.
    recorder: Option<tokio::task::JoinHandle<()>>,
    /// The inbox's other tasks (the batch writer, the janitor, the listener of other replicas'
    /// notices): stopped once the attempts end.
    background: Vec<tokio::task::JoinHandle<()>>,
}

impl Workers {
    /// Starts `count` workers, which take the events the writer hands over through `slot`.
    pub(crate) fn start(
        context: Arc<WorkerContext>,
        count: usize,
        batch_size: usize,
        slot: &HandoffSlot,
    ) -> Self {
        let (stop, stopped) = watch::channel(false);
        let (abort, aborted) = watch::channel(false);
        let worker = worker_id();
        let idle = Arc::new(Semaphore::new(count.max(1)));
        // The events handed over that wait for a worker: a batch's worth beyond the workers.
        let places = count.max(1).saturating_add(batch_size.max(1));
        let (handoff, handed) = Handoff::new(worker.clone(), context.lease, places);
        let handoff = Arc::new(handoff);
        if slot.set(Arc::clone(&handoff)).is_err() {
            // One pool of workers an inbox (`Webhook::serve` starts one): a second one only
            // claims.
            tracing::debug!("the inbox's writer hands its events to another pool of workers");
        }
        let (recorder, recorder_task) = Recorder::start(Arc::clone(&context.store), batch_size);
        // The other replicas' notices, where the store has them.
        let background = context
            .store
            .wake_ups(&worker, Arc::clone(&context.wake))
            .map(tokio::spawn)
            .into_iter()
            .collect();
        let feeder = WorkerFeeder {
            spawner: Spawner {
                worker,
                recorder,
                context,
                aborted,
            },
            idle,
            stopped,
            handed,
        };
        Self {
            stop,
            abort,
            handoff,
            feeder: Some(tokio::spawn(feeder.run())),
            recorder: Some(recorder_task),
            background,
        }
    }

    /// Gives the pool the inbox's other tasks to stop when it finishes.
    pub(crate) fn with_background(mut self, tasks: Vec<tokio::task::JoinHandle<()>>) -> Self {
        self.background.extend(tasks);
        self
    }

    /// Stops claiming events and taking new ones from the writer (the shutdown signal).
    pub(crate) fn stop_claiming(&self) {
        self.handoff.close();
        let _ = self.stop.send(true);
    }

    /// Waits for the running attempts until `deadline` (`None`: as long as they take); past
    /// it, cuts them and releases their events. Whether every attempt finished in time.
    pub(crate) async fn finish(mut self, deadline: Option<tokio::time::Instant>) -> bool {
        self.stop_claiming();
        let Some(mut feeder) = self.feeder.take() else {
            return true;
        };
        let finished = match deadline {
            None => {
                let _ = (&mut feeder).await;
                true
            }
            Some(deadline) => tokio::time::timeout_at(deadline, &mut feeder).await.is_ok(),
        };
        if !finished {
            tracing::warn!("the shutdown timeout cut running attempts: their events are released");
            let _ = self.abort.send(true);
            // Releasing is one short transaction.
            let _ = tokio::time::timeout(Duration::from_secs(5), feeder).await;
        }
        // Every attempt ended: the recorder commits what it holds, then stops.
        if let Some(recorder) = self.recorder.take()
            && tokio::time::timeout(Duration::from_secs(5), recorder)
                .await
                .is_err()
        {
            tracing::warn!(
                "the attempts' last ends were not recorded within 5 s; their leases will expire"
            );
        }
        // The requests were answered (their events committed): the writer and the janitor
        // have nothing left to do.
        for task in self.background.drain(..) {
            task.abort();
            let _ = task.await;
        }
        finished
    }
}

/// This process's worker id in leases: pid and a random part (two replicas may have one pid in
/// two containers).
fn worker_id() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |elapsed| elapsed.as_nanos()),
    );
    format!("{}-{:08x}", std::process::id(), hasher.finish() as u32)
}

/// Starts attempts.
struct Spawner {
    worker: String,
    context: Arc<WorkerContext>,
    recorder: Recorder,
    aborted: watch::Receiver<bool>,
}

impl Spawner {
    /// Runs the attempt of `event` in `attempts`, in `seat`.
    fn spawn(&self, attempts: &mut tokio::task::JoinSet<()>, event: EventRecord, seat: Seat) {
        let attempt = Attempt {
            worker: self.worker.clone(),
            context: Arc::clone(&self.context),
            recorder: self.recorder.clone(),
            aborted: self.aborted.clone(),
        };
        // Boxed: the attempt's future (about 5 KB, the handler's future within it) is moved
        // into the heap once, where tokio's task would move it whole again at its spawn, in
        // its cell and at each change of its stage (~3,800 instructions of `memcpy` an event,
        // 2,200-2,700 of them saved: benches/README.md, "2026-12-06 late night").
        attempts.spawn(Box::pin(attempt.run(event, seat)));
    }
}

/// How an attempt gets its worker.
enum Seat {
    /// A claimed event: the feeder took an idle worker's permit for it.
    Taken(OwnedSemaphorePermit),
    /// An event handed over, or claimed while the handed ones took the idle workers: its
    /// attempt waits for an idle worker (its lease renewed meanwhile), holding its place in the
    /// handoff (a handed event's) until it ends.
    Wait {
        idle: Arc<Semaphore>,
        place: Option<OwnedSemaphorePermit>,
    },
}

/// Feeds the idle workers: runs the events handed over, and claims events for the idle workers.
struct WorkerFeeder {
    spawner: Spawner,
    /// A permit an idle worker.
    idle: Arc<Semaphore>,
    stopped: watch::Receiver<bool>,
    /// The events the writer leased to this replica in their insert.
    handed: mpsc::UnboundedReceiver<Handed>,
}

impl WorkerFeeder {
    /// The seat of an event handed over in `place`, or claimed without a worker (`None`).
    fn seat(&self, place: Option<OwnedSemaphorePermit>) -> Seat {
        Seat::Wait {
            idle: Arc::clone(&self.idle),
            place,
        }
    }

    async fn run(mut self) {
        let context = Arc::clone(&self.spawner.context);
        let renewer = tokio::spawn(renew_leases(
            Arc::clone(&context),
            self.spawner.worker.clone(),
        ));
        let mut attempts = tokio::task::JoinSet::new();
        'claims: loop {
            if *self.stopped.borrow() {
                break;
            }
            // Wait for an idle worker (or the stop), running what is handed over meanwhile.
            let first = loop {
                tokio::select! {
                    permit = Arc::clone(&self.idle).acquire_owned() => match permit {
                        Ok(permit) => break permit,
                        Err(_) => break 'claims,
                    },
                    Some(handed) = self.handed.recv() => {
                        self.spawner.spawn(&mut attempts, handed.event, self.seat(Some(handed.place)));
                        while attempts.try_join_next().is_some() {}
                    }
                    // The pool's handle gone without a stop: stop too.
                    changed = self.stopped.changed() => {
                        if changed.is_err() || *self.stopped.borrow() {
                            break 'claims;
                        }
                    }
                }
            };
            let idle = 1 + self.idle.available_permits();
            // Listen for wake-ups before claiming, so that one meanwhile wakes us.
            let woken = context.wake.notified();
            let mut woken = std::pin::pin!(woken);
            woken.as_mut().enable();
            // Retries due by now are the claim's.
            let claimed_at = tokio::time::Instant::now();
            let claimed = match context
                .store
                .claim(
                    &self.spawner.worker,
                    context.lease,
                    u32::try_from(idle).unwrap_or(u32::MAX),
                )
                .await
            {
                Ok(claimed) => claimed,
                Err(error) => {
                    tracing::warn!(%error, "cannot claim events");
                    Vec::new()
                }
            };
            let full = claimed.len() == idle;
            let mut first = Some(first);
            for event in claimed {
                let permit = match first.take() {
                    Some(permit) => Ok(permit),
                    None => Arc::clone(&self.idle).try_acquire_owned(),
                };
                // The events handed over meanwhile took the idle workers: this one waits for
                // a worker as they do (at most the idle workers' count of them a claim).
                let seat = match permit {
                    Ok(permit) => Seat::Taken(permit),
                    Err(_) => self.seat(None),
                };
                self.spawner.spawn(&mut attempts, event, seat);
            }
            // Reap the attempts that ended (their results are recorded already).
            while attempts.try_join_next().is_some() {}
            drop(first);
            if full {
                continue;
            }
            // Wait for a wake-up (events stored queued, here or by another replica), this
            // replica's next retry, the poll or the stop, running what is handed over meanwhile.
            let poll_at = tokio::time::Instant::now() + context.poll_interval;
            let until = context
                .retries
                .next_after(claimed_at)
                .map_or(poll_at, |due| due.min(poll_at));
            let poll = tokio::time::sleep_until(until);
            let mut poll = std::pin::pin!(poll);
            loop {
                tokio::select! {
                    () = woken.as_mut() => break,
                    () = poll.as_mut() => break,
                    Some(handed) = self.handed.recv() => {
                        self.spawner.spawn(&mut attempts, handed.event, self.seat(Some(handed.place)));
                        while attempts.try_join_next().is_some() {}
                    }
                    changed = self.stopped.changed() => if changed.is_err() { break 'claims } else { break },
                }
            }
        }
        // The events handed over before the stop run too; later ones go back to the writer,
        // which releases them.
        self.handed.close();
        while let Some(handed) = self.handed.recv().await {
            self.spawner
                .spawn(&mut attempts, handed.event, self.seat(Some(handed.place)));
        }
        while attempts.join_next().await.is_some() {}
        renewer.abort();
    }
}

/// Renews the leases of this process's running attempts every third of a lease. An attempt
/// whose lease is not renewed (it expired, and another worker may have the event) is told to
/// stop; so are all of them when no renewal succeeded for a whole lease (the store out of
/// reach: their leases are expiring).
async fn renew_leases(context: Arc<WorkerContext>, worker: String) {
    let mut ticks = tokio::time::interval((context.lease / 3).max(Duration::from_millis(20)));
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    ticks.tick().await;
    let mut renewed_at = tokio::time::Instant::now();
    loop {
        ticks.tick().await;
        let running: Vec<((i64, u32), Arc<Notify>)> = match context.running.lock() {
            Ok(running) => running
                .iter()
                .map(|(id, (attempt, lost))| ((*id, *attempt), Arc::clone(lost)))
                .collect(),
            Err(_) => return,
        };
        if running.is_empty() {
            renewed_at = tokio::time::Instant::now();
            continue;
        }
        let attempts: Vec<(i64, u32)> = running.iter().map(|(attempt, _)| *attempt).collect();
        match context.store.renew(&worker, &attempts, context.lease).await {
            Ok(held) => {
                renewed_at = tokio::time::Instant::now();
                for (((id, _), lost), held) in running.into_iter().zip(held) {
                    if !held {
                        tracing::warn!(id, "the event's lease was lost: its attempt is stopped");
                        lost.notify_one();
                    }
                }
            }
            Err(error) if renewed_at.elapsed() >= context.lease => {
                tracing::error!(%error, "cannot renew the leases for a whole lease: the running attempts are stopped");
                for (_, lost) in running {
                    lost.notify_one();
                }
            }
            Err(error) => tracing::warn!(%error, "cannot renew the leases; trying again"),
        }
    }
}

/// An attempt, registered as running (its lease renewed) until dropped.
struct Registered<'a> {
    context: &'a WorkerContext,
    id: i64,
    attempt: u32,
}

impl<'a> Registered<'a> {
    /// Registers attempt `attempt` of event `id`. An older attempt of the event still running
    /// here (this process claimed back its own expired lease) has lost its lease to this one:
    /// it is told to stop at once, and its end changes nothing in the store (the fence).
    fn new(context: &'a WorkerContext, id: i64, attempt: u32, lost: Arc<Notify>) -> Self {
        if let Ok(mut running) = context.running.lock()
            && let Some((older, superseded)) = running.insert(id, (attempt, lost))
        {
            tracing::warn!(
                    id,
                    attempt = older,
                    "the event's lease expired while its attempt ran, and a new attempt took it: the old attempt is stopped"
                );
            superseded.notify_one();
        }
        Self {
            context,
            id,
            attempt,
        }
    }
}

impl Drop for Registered<'_> {
    fn drop(&mut self) {
        if let Ok(mut running) = self.context.running.lock() {
            // A newer attempt of the event keeps its registration.
            if running
                .get(&self.id)
                .is_some_and(|(attempt, _)| *attempt == self.attempt)
            {
                running.remove(&self.id);
            }
        }
    }
}

/// How the handler of an attempt stopped.
enum Stopped {
    /// It ended (a panic is a failure).
    Ended(AttemptOutcome),
    /// The shutdown cut it.
    Aborted,
    /// Its lease was lost: another attempt may run the event.
    Lost,
}

/// One attempt of one event.
struct Attempt {
    worker: String,
    context: Arc<WorkerContext>,
    recorder: Recorder,
    aborted: watch::Receiver<bool>,
}

impl Attempt {
    /// Runs the attempt of `record` and records its outcome.
    async fn run(self, record: EventRecord, seat: Seat) {
        let context = Arc::clone(&self.context);
        let mut aborted = self.aborted.clone();
        let policy = context
            .policies
            .get(&record.event.route)
            .copied()
            .unwrap_or(context.default_policy);
        let id = record.id;
        let attempt = record.attempts;
        // Attempts since the last replay, which the retry policy counts.
        let counted = attempt.saturating_sub(record.attempts_before_replay);
        let known = context.policies.contains_key(&record.event.route);
        let lost = Arc::new(Notify::new());
        let registered = Registered::new(&context, id, attempt, Arc::clone(&lost));
        let (worker, place) = match seat {
            Seat::Taken(worker) => (worker, None),
            Seat::Wait { idle, place } => {
                let worker = tokio::select! {
                    worker = idle.acquire_owned() => worker.ok(),
                    () = until_aborted(&mut aborted) => None,
                    () = lost.notified() => {
                        drop(registered);
                        if let Err(error) = self.end(id, attempt, now_ms(), Resolution::Lost).await {
                            tracing::warn!(id, %error, "cannot record a lost attempt in the history");
                        }
                        return;
                    }
                };
                let Some(worker) = worker else {
                    // The shutdown came first: back to the queue, the attempt not counted.
                    drop(registered);
                    if let Err(error) = self.end(id, attempt, now_ms(), Resolution::Released).await
                    {
                        tracing::error!(id, %error, "cannot release an event; its lease will expire");
                    }
                    return;
                };
                (worker, place)
            }
        };
        let started_at = now_ms();
        tracing::debug!(id, attempt, route = %record.event.route, "running a stored event");
        // The handler runs in this attempt's task, a panic caught as it unwinds (a task of its
        // own cost a spawn, a join and a wake-up an event, measured under load).
        let stopped = {
            let run = AssertUnwindSafe(run_handler(
                context.handlers.clone(),
                record,
                policy.timeout,
            ))
            .catch_unwind();
            let mut run = std::pin::pin!(run);
            tokio::select! {
                caught = &mut run => Stopped::Ended(caught.unwrap_or_else(|panic| {
                    AttemptOutcome::Failed(format!("the handler panicked: {}", panic_message(panic)))
                })),
                () = until_aborted(&mut aborted) => Stopped::Aborted,
                () = lost.notified() => Stopped::Lost,
            }
            // The handler's future dropped here when it did not end: the attempt cut.
        };
        let outcome = match stopped {
            Stopped::Ended(outcome) => outcome,
            Stopped::Aborted => {
                match self
                    .end(id, attempt, started_at, Resolution::Released)
                    .await
                {
                    Ok(_) => tracing::info!(id, "released an event cut by the shutdown"),
                    Err(error) => {
                        tracing::error!(id, %error, "cannot release an event; its lease will expire")
                    }
                }
                return;
            }
            Stopped::Lost => {
                // Another attempt may run the event now: this attempt's outcome is not ours to
                // record; only its history says how it ended.
                drop(registered);
                if let Err(error) = self.end(id, attempt, started_at, Resolution::Lost).await {
                    tracing::warn!(id, %error, "cannot record a lost attempt in the history");
                }
                return;
            }
        };
        drop(registered);
        // The handler ended: its worker takes the next event while this end is recorded (a
        // commit away, shared with other ends and the requests' events). The event keeps its
        // place in the handoff, and its lease, until then: no other attempt can take it.
        drop(worker);
        let _place = place;
        let outcome = if known {
            outcome
        } else {
            AttemptOutcome::Failed("no durable route of this program has its name".to_owned())
        };
        let resolution = match outcome {
            AttemptOutcome::Succeeded => {
                if let Some(metrics) = &context.metrics {
                    metrics.completed();
                }
                Resolution::Done
            }
            AttemptOutcome::Failed(error) if policy.retry.gives_up_after(counted) => {
                tracing::warn!(id, attempt, %error, "dead letter: the last attempt failed");
                if let Some(metrics) = &context.metrics {
                    metrics.dead_letter();
                }
                let error = format!(
                    "{error} (attempt {attempt}; {counted} of {} since it was stored or replayed)",
                    policy.retry.attempts()
                );
                Resolution::Failed(Failure::Dead { error })
            }
            AttemptOutcome::Failed(error) => {
                let delay = policy.retry.delay(counted);
                tracing::info!(id, attempt, %error, retry_in_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX), "attempt failed; retrying later");
                if let Some(metrics) = &context.metrics {
                    metrics.retry();
                }
                Resolution::Failed(Failure::Retry {
                    after: delay,
                    error,
                })
            }
            AttemptOutcome::Permanent(error) => {
                tracing::warn!(id, attempt, %error, "dead letter: permanent failure");
                if let Some(metrics) = &context.metrics {
                    metrics.dead_letter();
                }
                Resolution::Failed(Failure::Dead { error })
            }
        };
        let retry = match &resolution {
            Resolution::Failed(Failure::Retry { after, .. }) => Some(*after),
            _ => None,
        };
        match self.end(id, attempt, started_at, resolution).await {
            Ok(true) => {
                if let Some(after) = retry {
                    context.claim_after(after);
                }
            }
            Ok(false) => tracing::warn!(
                id,
                "the event's lease was lost before its outcome was recorded"
            ),
            Err(error) => {
                tracing::error!(id, %error, "cannot record an attempt's outcome; the lease will expire and the event run again")
            }
        }
    }

    async fn end(
        &self,
        id: i64,
        attempt: u32,
        started_at: i64,
        resolution: Resolution,
    ) -> Result<bool, Arc<StoreError>> {
        self.recorder
            .record(Finished {
                id,
                worker: self.worker.clone(),
                attempt,
                started_at,
                resolution,
            })
            .await
    }
}

/// Returns once the shutdown deadline passed (never, if the pool is gone without one).
async fn until_aborted(aborted: &mut watch::Receiver<bool>) {
    if aborted.wait_for(|aborted| *aborted).await.is_err() {
        std::future::pending::<()>().await;
    }
}

/// Rebuilds the request of `record` and runs it through its handler within `timeout`.
async fn run_handler(handlers: Router, record: EventRecord, timeout: Duration) -> AttemptOutcome {
    let EventRecord {
        id,
        attempts,
        event,
        ..
    } = record;
    let mut request = http::Request::new(Body::from(event.body));
    *request.method_mut() = match event.method.parse() {
        Ok(method) => method,
        Err(_) => {
            return AttemptOutcome::Permanent(format!(
                "stored method {:?} is invalid",
                event.method
            ))
        }
    };
    *request.uri_mut() = match event.uri.parse() {
        Ok(uri) => uri,
        Err(_) => {
            return AttemptOutcome::Permanent(format!("stored URI {:?} is invalid", event.uri))
        }
    };
    *request.headers_mut() = event.headers;
    request
        .extensions_mut()
        .insert(Delivery::new(id, attempts, from_ms(event.received_at)));
    request
        .extensions_mut()
        .insert(TargetRoute(Arc::from(event.route.as_str())));
    match tokio::time::timeout(timeout, handlers.oneshot(request)).await {
        Ok(Ok(response)) => classify(response).await,
        Ok(Err(never)) => match never {},
        Err(_) => AttemptOutcome::Failed(format!(
            "the handler did not finish within {} ms",
            timeout.as_millis()
        )),
    }
}

/// The message of a panic.
fn panic_message(payload: Box<dyn std::any::Any + Send>) -> String {
    match payload.downcast::<String>() {
        Ok(message) => *message,
        Err(payload) => payload.downcast_ref::<&str>().map_or_else(
            || "(no message)".to_owned(),
            |message| (*message).to_owned(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inbox::{SqliteStore, EMBEDDED_STORE_FILE};

    async fn context(name: &str) -> WorkerContext {
        let dir =
            std::env::temp_dir().join(format!("webhook-worker-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let store: Arc<dyn Store> = Arc::new(
            SqliteStore::open(&dir.join(EMBEDDED_STORE_FILE))
                .await
                .unwrap(),
        );
        let policy = RoutePolicy {
            retry: RetryPolicy::default(),
            timeout: Duration::from_secs(1),
        };
        WorkerContext {
            store,
            handlers: Router::new(),
            policies: HashMap::new(),
            default_policy: policy,
            lease: Duration::from_secs(30),
            poll_interval: Duration::from_millis(100),
            wake: Arc::new(Notify::new()),
            retries: DueRetries::default(),
            metrics: None,
            running: std::sync::Mutex::default(),
        }
    }

    #[tokio::test]
    async fn a_newer_attempt_of_an_event_stops_the_older_one_and_keeps_its_renewals() {
        let context = context("supersede").await;
        let older_lost = Arc::new(Notify::new());
        let older = Registered::new(&context, 7, 1, Arc::clone(&older_lost));
        let newer_lost = Arc::new(Notify::new());
        let newer = Registered::new(&context, 7, 2, Arc::clone(&newer_lost));
        // The older attempt was told at once that its lease is gone.
        tokio::time::timeout(Duration::from_secs(1), older_lost.notified())
            .await
            .expect("the older attempt is stopped");
        // Its end does not take the newer attempt out of the renewals.
        drop(older);
        assert_eq!(
            context
                .running
                .lock()
                .unwrap()
                .get(&7)
                .map(|(attempt, _)| *attempt),
            Some(2)
        );
        drop(newer);
        assert!(context.running.lock().unwrap().is_empty());
    }
}
