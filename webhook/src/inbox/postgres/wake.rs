//! Wake-ups between replicas: `LISTEN`/`NOTIFY` on one channel. A process that makes events
//! claimable by others (a replica storing events its own workers do not take, a replica
//! releasing events at its shutdown, an operator replaying events) notifies the channel with
//! its worker id; every other replica's listener wakes its idle workers, which claim at once
//! instead of at their next poll.
//!
//! A notice is not durable: one sent while a listener reconnects is lost. The workers' poll
//! stays the fallback, and a listener that (re)connects wakes its workers, in case they missed
//! one.

use std::sync::Arc;
use std::time::Duration;

use sqlx::postgres::{PgListener, PgPool};
use tokio::sync::Notify;

/// The channel.
pub(super) const CHANNEL: &str = "webhook_inbox";

/// The statement that notifies the channel; `$1`: the sender's worker id (`''`: none).
pub(super) const NOTIFY: &str = "SELECT pg_notify('webhook_inbox', $1)";

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
