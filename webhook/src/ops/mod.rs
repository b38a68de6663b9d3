//! Operations: what a webhook receiver behind a load balancer or in Kubernetes needs, on by
//! default in every webhook.
//!
//! | what | where | setting (builder method) |
//! |---|---|---|
//! | liveness probe: `200 {"status": "alive"}` | `GET /healthz` | `health_path`, `probes` |
//! | readiness probe: `200 {"status": "ready"}`, `503 {"status": "starting" \| "draining" \| "unavailable", "reason": ...}` | `GET /readyz` | `ready_path`, `probes`, [`Webhook::readiness_check`](crate::Webhook::readiness_check) |
//! | Prometheus metrics ([`metrics`]) | `GET /metrics`, or on an admin address | `metrics`, `metrics_path`, `metrics_addr` |
//! | request ids ([`RequestId`]): `X-Request-Id` kept or made, echoed on every answer | every answer | always |
//! | a `tracing` span a request (`request`: `method`, `route`, `request_id`, `status`, `latency_ms`) and an `answered` event when it ends (target `webhook::access`; `debug` for the probes and the metrics, `info` for the others) | every request | `request_spans` |
//! | graceful drain: `/readyz` `503` at once, connections accepted for `drain_delay`, then refused; in-flight requests answered within `shutdown_timeout` | `serve`, `main!()` | `drain_delay`, `shutdown_timeout` |
//! | OpenTelemetry: spans over OTLP, the incoming `traceparent` continued | feature `otel` | `OTEL_*` variables |
//!
//! The probes and the metrics answer before any check of the pipeline: no signature, basic
//! auth or authenticator applies to them. A route of the webhook's on one of their paths (or
//! whose pattern matches one) stops the program at start
//! ([`Webhook::check_paths`](crate::Webhook::check_paths)).

mod drain;
pub(crate) mod layer;
pub mod metrics;
#[cfg(feature = "otel")]
#[cfg_attr(docsrs, doc(cfg(feature = "otel")))]
pub mod otel;
mod probes;
mod request_id;

use std::net::SocketAddr;
use std::time::Duration;

pub(crate) use drain::InFlight;
pub use drain::{CutRequest, ShutdownTimedOut, DEFAULT_SHUTDOWN_TIMEOUT};
pub use metrics::Metrics;
pub(crate) use probes::{healthz, readyz};
pub use probes::{Readiness, ServingState, READINESS_CHECK_TIMEOUT};
pub use request_id::{RequestId, MAX_REQUEST_ID_LEN, REQUEST_ID_HEADER};

/// The default path of the liveness probe.
pub const DEFAULT_HEALTH_PATH: &str = "/healthz";
/// The default path of the readiness probe.
pub const DEFAULT_READY_PATH: &str = "/readyz";
/// The default path of the metrics.
pub const DEFAULT_METRICS_PATH: &str = "/metrics";

/// The operations settings of a webhook (the builder's methods set them).
#[derive(Debug, Clone)]
pub(crate) struct OpsOptions {
    pub(crate) probes: bool,
    pub(crate) health_path: String,
    pub(crate) ready_path: String,
    pub(crate) metrics: Option<Metrics>,
    pub(crate) metrics_path: String,
    pub(crate) metrics_addr: Option<SocketAddr>,
    pub(crate) request_spans: bool,
    pub(crate) drain_delay: Duration,
    pub(crate) shutdown_timeout: Option<Duration>,
    pub(crate) readiness: Readiness,
}

impl Default for OpsOptions {
    fn default() -> Self {
        Self {
            probes: true,
            health_path: DEFAULT_HEALTH_PATH.to_owned(),
            ready_path: DEFAULT_READY_PATH.to_owned(),
            metrics: Some(Metrics::default()),
            metrics_path: DEFAULT_METRICS_PATH.to_owned(),
            metrics_addr: None,
            request_spans: true,
            drain_delay: Duration::ZERO,
            shutdown_timeout: Some(DEFAULT_SHUTDOWN_TIMEOUT),
            readiness: Readiness::default(),
        }
    }
}

impl OpsOptions {
    /// The paths the operations endpoints take on the webhook's own address, with what each is.
    pub(crate) fn reserved_paths(&self) -> Vec<(&'static str, &str)> {
        let mut paths = Vec::new();
        if self.probes {
            paths.push((
                "the liveness probe (health_path)",
                self.health_path.as_str(),
            ));
            paths.push(("the readiness probe (ready_path)", self.ready_path.as_str()));
        }
        if self.metrics.is_some() && self.metrics_addr.is_none() {
            paths.push(("the metrics (metrics_path)", self.metrics_path.as_str()));
        }
        paths
    }
}
