//! [`RunningInbox`]: a webhook's running inbox: its store, its batch writer, its workers and its
//! janitor (retention and metrics), started by `Webhook::serve` when a route is durable.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use tokio::sync::Notify;

use super::batcher::{Batcher, HandoffSlot};
use super::error::StoreError;
use super::options::{InboxOptions, StoreLocation, EMBEDDED_STORE_FILE};
use super::postgres::PostgresStore;
use super::record::{duration_ms, now_ms, EventState};
use super::sqlite::SqliteStore;
use super::store::Store;
use super::worker::{RoutePolicy, WorkerContext, Workers};
use crate::ops::metrics::InboxMetrics;

/// Opens the store at `location` (creating or migrating its schema); `connections` sizes a
/// PostgreSQL pool.
///
/// # Errors
///
/// The store cannot be opened, or its schema created.
pub async fn open_store(
    location: &StoreLocation,
    connections: u32,
) -> Result<Arc<dyn Store>, StoreError> {
    Ok(match location {
        StoreLocation::Postgres(url) => Arc::new(PostgresStore::open(url, connections).await?),
        StoreLocation::Default => {
            Arc::new(SqliteStore::open(std::path::Path::new(EMBEDDED_STORE_FILE)).await?)
        }
        StoreLocation::Embedded(dir) => {
            let dir = dir.clone().unwrap_or_else(|| ".".into());
            std::fs::create_dir_all(&dir).map_err(|source| StoreError::DataDir {
                path: dir.display().to_string(),
                source,
            })?;
            Arc::new(SqliteStore::open(&dir.join(EMBEDDED_STORE_FILE)).await?)
        }
    })
}

/// The running inbox of a webhook.
pub(crate) struct RunningInbox {
    pub(crate) store: Arc<dyn Store>,
    pub(crate) batcher: Batcher,
    committed: Arc<Notify>,
    /// The workers' handoff, once they start.
    handoff: HandoffSlot,
    /// The batch writer's task.
    writer: tokio::task::JoinHandle<()>,
    options: InboxOptions,
}

impl RunningInbox {
    /// Opens the store and starts the batch writer (its batches counted in `metrics`).
    pub(crate) async fn open(
        options: InboxOptions,
        metrics: Option<InboxMetrics>,
    ) -> Result<Self, StoreError> {
        let connections = u32::try_from(options.workers)
            .unwrap_or(64)
            .saturating_add(4);
        let store = open_store(&options.store, connections).await?;
        tracing::info!(store = %options.store.describe(), "inbox store open");
        let committed = Arc::new(Notify::new());
        let handoff = HandoffSlot::default();
        let (batcher, writer) = Batcher::start(
            Arc::clone(&store),
            options.batch_size,
            options.batch_wait,
            Arc::clone(&committed),
            Arc::clone(&handoff),
            metrics,
        );
        Ok(Self {
            store,
            batcher,
            committed,
            handoff,
            writer,
            options,
        })
    }

    /// Starts the workers on the durable routes (their `handlers`, and each route's own policy by
    /// name), and the janitor.
    pub(crate) fn start_workers(
        self,
        handlers: Router,
        overrides: Vec<(String, super::Durable)>,
        metrics: Option<InboxMetrics>,
    ) -> Workers {
        let default_policy = RoutePolicy {
            retry: self.options.retry,
            timeout: self.options.timeout,
        };
        let policies: HashMap<String, RoutePolicy> = overrides
            .into_iter()
            .map(|(name, durable)| (name, route_policy(default_policy, &durable)))
            .collect();
        let janitor = tokio::spawn(janitor(
            Arc::clone(&self.store),
            [
                (EventState::Done, self.options.retention),
                (EventState::Dead, self.options.dead_retention),
            ],
            metrics.clone(),
        ));
        let context = Arc::new(WorkerContext {
            store: Arc::clone(&self.store),
            handlers,
            policies,
            default_policy,
            lease: self.options.lease,
            poll_interval: self.options.poll_interval.max(Duration::from_millis(10)),
            wake: Arc::clone(&self.committed),
            retries: super::due::DueRetries::default(),
            metrics,
            running: std::sync::Mutex::default(),
        });
        Workers::start(
            context,
            self.options.workers,
            self.options.batch_size,
            &self.handoff,
        )
        .with_background(vec![self.writer, janitor])
    }
}

/// A route's policy: its own settings over the webhook's (`default`).
fn route_policy(default: RoutePolicy, durable: &super::Durable) -> RoutePolicy {
    let mut retry = durable.retry_policy().copied().unwrap_or(default.retry);
    if let Some(attempts) = durable.max_attempts_value() {
        retry = retry.max_attempts(attempts);
    }
    RoutePolicy {
        retry,
        timeout: durable.timeout_value().unwrap_or(default.timeout),
    }
}

/// How often the janitor purges and reads the depth.
const JANITOR_PERIOD: Duration = Duration::from_secs(5);

/// Purges the finished events past their state's retention (`None`: kept), and sets the
/// depth gauges.
async fn janitor(
    store: Arc<dyn Store>,
    retentions: [(EventState, Option<Duration>); 2],
    metrics: Option<InboxMetrics>,
) {
    let mut ticks = tokio::time::interval(JANITOR_PERIOD);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        for (state, retention) in retentions {
            let Some(retention) = retention else { continue };
            match store.purge(state, now_ms() - duration_ms(retention)).await {
                Ok(0) => {}
                Ok(purged) => {
                    tracing::info!(purged, %state, "purged finished events past their retention");
                }
                Err(error) => tracing::warn!(%error, %state, "cannot purge finished events"),
            }
        }
        if let Some(metrics) = &metrics {
            match store.depth().await {
                Ok(depth) => {
                    // Done events are not counted (`Store::depth`).
                    for state in EventState::ALL
                        .into_iter()
                        .filter(|state| *state != EventState::Done)
                    {
                        let count = depth
                            .iter()
                            .find(|(known, _)| *known == state)
                            .map_or(0, |(_, count)| *count);
                        metrics.events(state.as_str(), count);
                    }
                }
                Err(error) => tracing::debug!(%error, "cannot read the inbox depth"),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inbox::{Durable, Failure, Finished, NewEvent, Resolution, RetryPolicy};

    #[tokio::test]
    async fn the_janitor_purges_dead_letters_past_their_own_retention() {
        let dir = std::env::temp_dir().join(format!("webhook-janitor-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let store = open_store(&StoreLocation::Embedded(Some(dir.clone())), 1)
            .await
            .unwrap();
        let event = |key: &str| NewEvent::sample(Some(key));
        store
            .insert_batch(&[event("dead"), event("done")], None)
            .await
            .unwrap();
        let claimed = store.claim("w", Duration::from_secs(60), 2).await.unwrap();
        let dead = Resolution::Failed(Failure::Dead {
            error: "gave up".to_owned(),
        });
        let ends: Vec<Finished> = claimed
            .iter()
            .map(|record| {
                let end = match record.event.idempotency_key.as_deref() {
                    Some("dead") => dead.clone(),
                    _ => Resolution::Done,
                };
                Finished::of(record, "w", now_ms(), end)
            })
            .collect();
        store.finish(&ends).await.unwrap();
        tokio::time::sleep(Duration::from_millis(5)).await;
        // Dead letters past a zero retention go; done events are kept (no retention).
        let janitor = tokio::spawn(janitor(
            Arc::clone(&store),
            [
                (EventState::Done, None),
                (EventState::Dead, Some(Duration::ZERO)),
            ],
            None,
        ));
        let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
        while !store
            .list(Some(EventState::Dead), 10)
            .await
            .unwrap()
            .is_empty()
        {
            assert!(tokio::time::Instant::now() < deadline, "never purged");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        janitor.abort();
        assert_eq!(
            store.list(Some(EventState::Done), 10).await.unwrap().len(),
            1
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_route_s_settings_override_the_webhook_s() {
        let default = RoutePolicy {
            retry: RetryPolicy::default()
                .first_delay(Duration::from_millis(50))
                .max_attempts(10),
            timeout: Duration::from_secs(60),
        };
        let plain = route_policy(default, &Durable::new());
        assert_eq!(plain.retry, default.retry);
        assert_eq!(plain.timeout, default.timeout);
        let own = route_policy(
            default,
            &Durable::new()
                .max_attempts(3)
                .timeout(Duration::from_secs(5)),
        );
        assert_eq!(own.retry.attempts(), 3);
        assert_eq!(
            own.retry.first_delay_value(),
            Duration::from_millis(50),
            "the delays stay the webhook's"
        );
        assert_eq!(own.timeout, Duration::from_secs(5));
        let replaced = route_policy(
            default,
            &Durable::new().retry(RetryPolicy::default().max_attempts(2)),
        );
        assert_eq!(replaced.retry, RetryPolicy::default().max_attempts(2));
    }
}
