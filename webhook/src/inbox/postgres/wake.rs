//! Wake-ups between replicas: `LISTEN`/`NOTIFY` on one channel. A process that makes events
//! claimable by others (a replica storing events its own workers do not take, a replica
//! releasing events at its shutdown, an operator replaying events) notifies the channel with
//! its worker id; every other replica's listener wakes its idle workers, which claim at once
//! instead of at their next poll.
//!
//! A notice is not durable: one sent while a listener reconnects is lost. The workers' poll
//! stays the fallback, and a listener that (re)connects wakes its workers, in case they missed
//! one.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use sqlx::postgres::{PgListener, PgPool};
use tokio::sync::Notify;
use tokio::time::Instant;

/// The channel.
pub(super) const CHANNEL: &str = "webhook_inbox";

/// The statement that notifies a channel; `$1`: the channel ([`CHANNEL`]), `$2`: the sender's
/// worker id (`''`: none).
pub(super) const NOTIFY: &str = "SELECT pg_notify($1, $2)";

/// The least time between two notices of events stored queued by one replica: a woken replica
/// claims as many events as it has idle workers, and claims again while its claims come back
/// full, so that one notice a few milliseconds serves a burst. (One a batch, under a load the
/// workers could not keep up with, accepted 9,424 events/s against 10,109 spaced: five
/// interleaved rounds at 256 connections, `benches/durable/ab.sh`; PostgreSQL serializes the
/// commits that notify, on its notice queue's lock.)
const SPACING: Duration = Duration::from_millis(10);

/// Spaces a replica's notices of events stored queued: at most one every [`SPACING`], and one
/// always sent after the last events it tells of.
#[derive(Debug, Default)]
pub(super) struct Spacing {
    /// A notice is on its way: the events stored meanwhile are told by it.
    pending: AtomicBool,
    /// When the last one was sent.
    last: Mutex<Option<Instant>>,
}

impl Spacing {
    /// Whether to send a notice now (after waiting [`wait`](Self::wait)): `false` when one is
    /// on its way already.
    pub(super) fn claim(&self) -> bool {
        !self.pending.swap(true, Ordering::AcqRel)
    }

    /// How long the notice [`claim`](Self::claim)ed waits, from the last one.
    pub(super) fn wait(&self) -> Duration {
        let last = self.last.lock().ok().and_then(|last| *last);
        last.map_or(Duration::ZERO, |last| {
            SPACING.saturating_sub(Instant::now().saturating_duration_since(last))
        })
    }

    /// The notice is about to be sent: events stored from now on need another one.
    pub(super) fn sending(&self) {
        if let Ok(mut last) = self.last.lock() {
            *last = Some(Instant::now());
        }
        self.pending.store(false, Ordering::Release);
    }
}

/// The longest wait before connecting again after a failure.
const MAX_BACKOFF: Duration = Duration::from_secs(30);

/// Listens on the channel through a connection of `pool` (kept for it), waking `wake`'s waiters
/// at each notice not sent by `own`; connects again after a failure, waiting longer each time
/// (up to 30 s). Runs until dropped.
pub(super) async fn listen(pool: PgPool, own: String, wake: Arc<Notify>) {
    let mut backoff = Duration::from_millis(100);
    loop {
        let listener = match PgListener::connect_with(&pool).await {
            Ok(mut listener) => match listener.listen(CHANNEL).await {
                Ok(()) => Some(listener),
                Err(error) => {
                    tracing::warn!(%error, "cannot listen for other replicas' events; polling meanwhile");
                    None
                }
            },
            Err(error) => {
                tracing::warn!(%error, "cannot connect to listen for other replicas' events; polling meanwhile");
                None
            }
        };
        if let Some(mut listener) = listener {
            backoff = Duration::from_millis(100);
            // Connected, perhaps again: what was notified meanwhile is lost.
            wake.notify_waiters();
            loop {
                match listener.try_recv().await {
                    Ok(Some(notice)) => {
                        if notice.payload() != own {
                            wake.notify_waiters();
                        }
                    }
                    // The connection was lost; sqlx connected again and listens again.
                    Ok(None) => {
                        tracing::info!("listening for other replicas' events again");
                        wake.notify_waiters();
                    }
                    Err(error) => {
                        tracing::warn!(%error, "lost the connection listening for other replicas' events; polling meanwhile");
                        break;
                    }
                }
            }
        }
        tokio::time::sleep(backoff).await;
        backoff = (backoff * 2).min(MAX_BACKOFF);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn notices_are_spaced_and_the_last_is_sent() {
        let spacing = Spacing::default();
        assert!(spacing.claim(), "the first is sent");
        assert_eq!(spacing.wait(), Duration::ZERO);
        assert!(
            !spacing.claim(),
            "one is on its way: the next events ride on it"
        );
        spacing.sending();
        assert!(spacing.claim(), "events stored after it need another");
        assert_eq!(spacing.wait(), SPACING, "which waits its turn");
        tokio::time::advance(Duration::from_millis(4)).await;
        assert_eq!(spacing.wait(), SPACING - Duration::from_millis(4));
        tokio::time::advance(SPACING).await;
        assert_eq!(spacing.wait(), Duration::ZERO);
    }
}
