//! [`InboxWorkers`]: the workers of the durable routes of a webhook mounted in an application's
//! own server ([`Webhook::into_router_with_inbox`](crate::Webhook::into_router_with_inbox)).

use std::time::Duration;

use super::Workers;

/// The running workers of a webhook's durable routes, returned with its router by
/// [`Webhook::into_router_with_inbox`](crate::Webhook::into_router_with_inbox).
///
/// They claim the stored events and run their handlers until [`shutdown`](Self::shutdown).
/// Dropping them stops the claiming as well (the attempts already running finish in the
/// background): the events left stay stored, and the next start runs them.
#[must_use = "dropping the workers stops them: keep them while the router serves, then call `shutdown`"]
pub struct InboxWorkers {
    workers: Option<Workers>,
}

impl std::fmt::Debug for InboxWorkers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InboxWorkers")
            .field("running", &self.is_running())
            .finish()
    }
}

impl InboxWorkers {
    pub(crate) fn new(workers: Option<Workers>) -> Self {
        Self { workers }
    }

    /// Whether there are workers: `false` for a webhook without durable routes.
    pub fn is_running(&self) -> bool {
        self.workers.is_some()
    }

    /// Stops claiming events and waits for the running attempts, up to `timeout` (`None`: as
    /// long as they take); past it, cuts them and puts their events back in the queue, for
    /// another replica or the next start. Whether every running attempt finished in time.
    pub async fn shutdown(self, timeout: Option<Duration>) -> bool {
        match self.workers {
            Some(workers) => {
                workers
                    .finish(timeout.map(|timeout| tokio::time::Instant::now() + timeout))
                    .await
            }
            None => true,
        }
    }
}
