//! The probes: `GET /healthz` (the process is alive) and `GET /readyz` (the server takes
//! traffic), outside every security check.

use std::borrow::Cow;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::response::{IntoResponse, Response};
use axum::Json;
use http::StatusCode;
use serde_json::json;

/// How long a readiness check may take before `/readyz` calls it failed (Kubernetes waits 1 s
/// for a probe by default).
pub const READINESS_CHECK_TIMEOUT: Duration = Duration::from_millis(900);

/// Where the server is in its life, as `/readyz` tells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ServingState {
    /// Not serving yet: `503`.
    Starting,
    /// Taking traffic: `200` (when every readiness check passes).
    Ready,
    /// Shutting down: `503`, so that load balancers stop sending requests.
    Draining,
}

impl ServingState {
    fn from_u8(value: u8) -> Self {
        match value {
            0 => Self::Starting,
            1 => Self::Ready,
            _ => Self::Draining,
        }
    }

    /// `starting`, `ready`, `draining`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Starting => "starting",
            Self::Ready => "ready",
            Self::Draining => "draining",
        }
    }
}

type CheckFuture = Pin<Box<dyn Future<Output = Result<(), String>> + Send>>;

/// A named readiness check: `/readyz` is `503` while it fails.
#[derive(Clone)]
struct ReadinessCheck {
    name: Cow<'static, str>,
    check: Arc<dyn Fn() -> CheckFuture + Send + Sync>,
}

/// The readiness of a webhook: its [`ServingState`] and its readiness checks. Clones share the
/// state.
///
/// [`Webhook::serve`](crate::Webhook::serve) moves it from `Starting` to `Ready` once it
/// listens, and to `Draining` when the shutdown signal comes. An application that serves
/// [`Webhook::into_router`](crate::Webhook::into_router) itself gets a router that is `Ready`
/// at once, and calls [`drain`](Readiness::drain) when it starts shutting down.
#[derive(Clone)]
pub struct Readiness {
    state: Arc<AtomicU8>,
    checks: Arc<Vec<ReadinessCheck>>,
}

impl std::fmt::Debug for Readiness {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<&str> = self.checks.iter().map(|c| &*c.name).collect();
        f.debug_struct("Readiness")
            .field("state", &self.state())
            .field("checks", &names)
            .finish()
    }
}

impl Default for Readiness {
    fn default() -> Self {
        Self {
            state: Arc::new(AtomicU8::new(0)),
            checks: Arc::new(Vec::new()),
        }
    }
}

impl Readiness {
    /// The current state.
    pub fn state(&self) -> ServingState {
        ServingState::from_u8(self.state.load(Ordering::Acquire))
    }

    /// The server takes traffic (unless it is already draining).
    pub fn ready(&self) {
        let _ = self
            .state
            .compare_exchange(0, 1, Ordering::AcqRel, Ordering::Acquire);
    }

    /// The server is shutting down: `/readyz` answers `503` from now on.
    pub fn drain(&self) {
        self.state.store(2, Ordering::Release);
    }

    /// Adds a check (before the webhook is built: the checks are shared by every clone made
    /// after).
    pub(crate) fn add_check<F, Fut, E>(&mut self, name: Cow<'static, str>, check: F)
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<(), E>> + Send + 'static,
        E: std::fmt::Display,
    {
        let check = Arc::new(move || -> CheckFuture {
            let future = check();
            Box::pin(async move { future.await.map_err(|error| error.to_string()) })
        });
        Arc::make_mut(&mut self.checks).push(ReadinessCheck { name, check });
    }

    /// Why the server does not take traffic, or `None` when it does: the state first, then
    /// each check in turn (each within [`READINESS_CHECK_TIMEOUT`]).
    pub async fn unready_reason(&self) -> Option<(ServingState, String)> {
        let state = self.state();
        match state {
            ServingState::Starting => {
                return Some((state, "the server is starting".to_owned()));
            }
            ServingState::Draining => {
                return Some((state, "the server is shutting down".to_owned()));
            }
            ServingState::Ready => {}
        }
        // The durable routes' store (issue 14) plugs in here, as one more check.
        for check in self.checks.iter() {
            let outcome = tokio::time::timeout(READINESS_CHECK_TIMEOUT, (check.check)()).await;
            let failure = match outcome {
                Ok(Ok(())) => continue,
                Ok(Err(error)) => error,
                Err(_) => format!(
                    "no answer within {} ms",
                    READINESS_CHECK_TIMEOUT.as_millis()
                ),
            };
            return Some((state, format!("{}: {failure}", check.name)));
        }
        None
    }
}

/// `GET /healthz`: the process is alive and answers.
pub(crate) async fn healthz() -> Response {
    Json(json!({"status": "alive"})).into_response()
}

/// `GET /readyz`: `200` when the server takes traffic, `503` with the reason otherwise.
pub(crate) async fn readyz(readiness: Readiness) -> Response {
    match readiness.unready_reason().await {
        None => Json(json!({"status": "ready"})).into_response(),
        Some((state, reason)) => {
            let status = match state {
                ServingState::Ready => "unavailable",
                other => other.as_str(),
            };
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({"status": status, "reason": reason})),
            )
                .into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_state_and_the_checks_decide() {
        let mut readiness = Readiness::default();
        readiness.add_check("store".into(), || async {
            Err::<(), _>("connection refused")
        });
        let (state, reason) = readiness.unready_reason().await.unwrap();
        assert_eq!(state, ServingState::Starting);
        assert_eq!(reason, "the server is starting");
        readiness.ready();
        assert_eq!(
            readiness.unready_reason().await.unwrap().1,
            "store: connection refused"
        );
        readiness.drain();
        readiness.ready();
        assert_eq!(readiness.state(), ServingState::Draining);

        let fine = Readiness::default();
        fine.ready();
        assert_eq!(fine.unready_reason().await, None);
    }

    #[tokio::test(start_paused = true)]
    async fn a_check_that_hangs_fails_in_time() {
        let mut readiness = Readiness::default();
        readiness.add_check("slow".into(), || async {
            tokio::time::sleep(Duration::from_secs(60)).await;
            Ok::<(), String>(())
        });
        readiness.ready();
        assert_eq!(
            readiness.unready_reason().await.unwrap().1,
            "slow: no answer within 900 ms"
        );
    }
}
