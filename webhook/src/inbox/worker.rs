//! The workers: each claims a due event under a lease, runs its route's handler with a timeout,
//! and records the outcome (done, retry later, dead letter). They stop claiming at the shutdown
//! signal, let the running attempts finish within the shutdown timeout, and release the events
//! of the attempts cut.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::Router;
use tokio::sync::{watch, Notify};
use tower::ServiceExt;

use super::delivery::Delivery;
use super::outcome::{classify, AttemptOutcome};
use super::record::{from_ms, now_ms, EventRecord};
use super::replay::ReplayTarget;
use super::retry::RetryPolicy;
use super::store::{Failure, Store};
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
    pub(crate) replay: Router,
    pub(crate) policies: HashMap<String, RoutePolicy>,
    pub(crate) default_policy: RoutePolicy,
    pub(crate) lease: Duration,
    pub(crate) poll_interval: Duration,
    pub(crate) committed: Arc<Notify>,
    pub(crate) metrics: Option<InboxMetrics>,
}

/// The pool of workers.
pub(crate) struct Workers {
    /// `true`: stop claiming.
    stop: watch::Sender<bool>,
    /// `true`: the shutdown deadline passed; release what runs.
    abort: watch::Sender<bool>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Workers {
    /// Starts `count` workers.
    pub(crate) fn start(context: Arc<WorkerContext>, count: usize) -> Self {
        let (stop, stopped) = watch::channel(false);
        let (abort, aborted) = watch::channel(false);
        let process = worker_prefix();
        let tasks = (0..count.max(1))
            .map(|index| {
                let worker = Worker {
                    id: format!("{process}-{index}"),
                    context: Arc::clone(&context),
                    stopped: stopped.clone(),
                    aborted: aborted.clone(),
                };
                tokio::spawn(worker.run())
            })
            .collect();
        Self { stop, abort, tasks }
    }

    /// Stops claiming events (the shutdown signal).
    pub(crate) fn stop_claiming(&self) {
        let _ = self.stop.send(true);
    }

    /// Waits for the running attempts until `deadline` (`None`: as long as they take); past
    /// it, cuts them and releases their events. Whether every attempt finished in time.
    pub(crate) async fn finish(mut self, deadline: Option<tokio::time::Instant>) -> bool {
        self.stop_claiming();
        let all = futures_join(&mut self.tasks);
        let finished = match deadline {
            None => {
                all.await;
                true
            }
            Some(deadline) => tokio::time::timeout_at(deadline, all).await.is_ok(),
        };
        if !finished {
            tracing::warn!("the shutdown timeout cut running attempts: their events are released");
            let _ = self.abort.send(true);
            // Releasing is one short query a worker.
            let _ =
                tokio::time::timeout(Duration::from_secs(5), futures_join(&mut self.tasks)).await;
        }
        finished
    }
}

/// Waits for every task.
async fn futures_join(tasks: &mut Vec<tokio::task::JoinHandle<()>>) {
    // A handle is dropped once its task ended, so that a second wait never polls it again.
    while let Some(task) = tasks.last_mut() {
        let _ = task.await;
        tasks.pop();
    }
}

/// A unique prefix for this process's workers: pid and a random part (two replicas may have
/// one pid in two containers).
fn worker_prefix() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |elapsed| elapsed.as_nanos()),
    );
    format!("{}-{:08x}", std::process::id(), hasher.finish() as u32)
}

struct Worker {
    id: String,
    context: Arc<WorkerContext>,
    stopped: watch::Receiver<bool>,
    aborted: watch::Receiver<bool>,
}

impl Worker {
    async fn run(mut self) {
        let context = Arc::clone(&self.context);
        loop {
            if *self.stopped.borrow() {
                break;
            }
            // Listen for commits before claiming, so that one made meanwhile wakes us.
            let committed = context.committed.notified();
            let mut committed = std::pin::pin!(committed);
            committed.as_mut().enable();
            match context.store.claim(&self.id, context.lease, 1).await {
                Ok(events) if !events.is_empty() => {
                    for event in events {
                        self.attempt(event).await;
                    }
                    continue;
                }
                Ok(_) => {}
                Err(error) => tracing::warn!(%error, "cannot claim events"),
            }
            tokio::select! {
                () = committed => {}
                () = tokio::time::sleep(context.poll_interval) => {}
                _ = self.stopped.changed() => {}
            }
        }
    }

    /// Runs one attempt of `event` and records its outcome.
    async fn attempt(&mut self, event: EventRecord) {
        let context = Arc::clone(&self.context);
        let policy = context
            .policies
            .get(&event.route)
            .copied()
            .unwrap_or(context.default_policy);
        let id = event.id;
        let attempt = event.attempts;
        // Attempts since the last replay, which the retry policy counts.
        let counted = attempt.saturating_sub(event.attempts_before_replay);
        tracing::debug!(id, attempt, route = %event.route, "running a stored event");
        let known = context.policies.contains_key(&event.route);
        let run = tokio::spawn(run_handler(context.replay.clone(), event, policy.timeout));
        let mut run = std::pin::pin!(run);
        let outcome = tokio::select! {
            joined = &mut run => match joined {
                Ok(outcome) => outcome,
                Err(error) if error.is_panic() => {
                    AttemptOutcome::Failed(format!("the handler panicked: {}", panic_message(error.into_panic())))
                }
                Err(error) => AttemptOutcome::Failed(format!("the handler's task failed: {error}")),
            },
            _ = self.aborted.changed() => {
                run.abort();
                match context.store.release(id, &self.id).await {
                    Ok(_) => tracing::info!(id, "released an event cut by the shutdown"),
                    Err(error) => tracing::error!(id, %error, "cannot release an event; its lease will expire"),
                }
                return;
            }
        };
        let outcome = if known {
            outcome
        } else {
            AttemptOutcome::Failed("no durable route of this program has its name".to_owned())
        };
        let recorded = match outcome {
            AttemptOutcome::Succeeded => context.store.complete(id, &self.id).await,
            AttemptOutcome::Failed(error) if policy.retry.gives_up_after(counted) => {
                tracing::warn!(id, attempt, %error, "dead letter: the last attempt failed");
                if let Some(metrics) = &context.metrics {
                    metrics.dead_letter();
                }
                let error = format!(
                    "{error} (attempt {attempt}; {counted} of {} since it was stored or replayed)",
                    policy.retry.attempts()
                );
                context
                    .store
                    .fail(id, &self.id, Failure::Dead { error })
                    .await
            }
            AttemptOutcome::Failed(error) => {
                let delay = policy.retry.delay(counted);
                tracing::info!(id, attempt, %error, retry_in_ms = delay.as_millis() as u64, "attempt failed; retrying later");
                if let Some(metrics) = &context.metrics {
                    metrics.retry();
                }
                let at = now_ms().saturating_add(super::record::duration_ms(delay));
                context
                    .store
                    .fail(id, &self.id, Failure::Retry { at, error })
                    .await
            }
            AttemptOutcome::Permanent(error) => {
                tracing::warn!(id, attempt, %error, "dead letter: permanent failure");
                if let Some(metrics) = &context.metrics {
                    metrics.dead_letter();
                }
                context
                    .store
                    .fail(id, &self.id, Failure::Dead { error })
                    .await
            }
        };
        match recorded {
            Ok(true) => {}
            Ok(false) => tracing::warn!(
                id,
                "the event's lease was lost before its outcome was recorded"
            ),
            Err(error) => {
                tracing::error!(id, %error, "cannot record an attempt's outcome; the lease will expire and the event run again")
            }
        }
    }
}

/// Rebuilds the request of `event` and runs it through its handler within `timeout`.
async fn run_handler(replay: Router, event: EventRecord, timeout: Duration) -> AttemptOutcome {
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
    request.extensions_mut().insert(Delivery::new(
        event.id,
        event.attempts,
        from_ms(event.received_at),
    ));
    request
        .extensions_mut()
        .insert(ReplayTarget(Arc::from(event.route.as_str())));
    match tokio::time::timeout(timeout, replay.oneshot(request)).await {
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
