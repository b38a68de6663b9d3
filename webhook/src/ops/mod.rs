//! Operations: what a webhook receiver behind a load balancer or in Kubernetes needs, on by
//! default in every webhook.
//!
//! | what | where | setting (builder method) |
//! |---|---|---|
//! | liveness probe: `200 {"status": "alive"}` | `GET /healthz` | `health_path`, `probes` |
//! | readiness probe: `200 {"status": "ready"}`, `503 {"status": "starting" \| "draining" \| "unavailable", "reason": ...}` | `GET /readyz` | `ready_path`, `probes`, [`Webhook::readiness_check`](crate::Webhook::readiness_check) |
//! | Prometheus metrics ([`metrics`]): always counted, served only where asked (not by default) | on an admin address without credentials, or `GET /metrics` on the webhook's address behind a bearer token ([`MetricsToken`]: `401` without it) | `metrics`, `metrics_addr`, `metrics_token`, `metrics_path` |
//! | request ids ([`RequestId`]): `X-Request-Id` kept or made, echoed on every answer | every answer | always |
//! | a `tracing` span a request (`request`: `method`, `route`, `request_id`; `status`, `latency_ms` when a layer reads them there: not with `logging::init` alone) and an `answered` event when it ends, with `status` and `latency_ms` (target `clustaar_webhook::access`; `debug` for the probes and the metrics, `info` for the others) | every request | `request_spans` |
//! | graceful drain: `/readyz` `503` at once, connections accepted for `drain_delay`, then refused; in-flight requests answered within `shutdown_timeout` | `serve`, `main!()` | `drain_delay`, `shutdown_timeout` |
//! | OpenTelemetry: spans over OTLP, the incoming `traceparent` continued | feature `otel` | `OTEL_*` variables |
//!
//! The webhook's address is the one exposed to the internet: it serves the probes (orchestrators
//! call them without credentials) and the metrics only behind their token, since they name the
//! routes and count the traffic and the refusals. Without a
//! [`metrics_addr`](crate::Webhook::metrics_addr) or a
//! [`metrics_token`](crate::Webhook::metrics_token), the metrics are counted but not served
//! (`serve` says so in its log at start; [`Webhook::metrics_handle`](crate::Webhook::metrics_handle)
//! renders them elsewhere).
//!
//! The probes and the metrics answer before any check of the pipeline: no signature, basic
//! auth or authenticator applies to them (the metrics have their token). A route of the
//! webhook's on one of their paths (or whose pattern matches one) stops the program at start
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
pub(crate) use metrics::ConnectionGauges;
pub use metrics::{Metrics, MetricsToken};
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
    pub(crate) metrics_token: Option<MetricsToken>,
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
            metrics_token: None,
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
        if self.public_metrics().is_some() {
            paths.push(("the metrics (metrics_path)", self.metrics_path.as_str()));
        }
        paths
    }

    /// The metrics and their token when they are served on the webhook's own address: on, no
    /// [`metrics_addr`](crate::Webhook::metrics_addr), a token.
    pub(crate) fn public_metrics(&self) -> Option<(&Metrics, &MetricsToken)> {
        match (&self.metrics, self.metrics_addr, &self.metrics_token) {
            (Some(metrics), None, Some(token)) => Some((metrics, token)),
            _ => None,
        }
    }

    /// Logs, once at start, where the metrics are not served: on, but with neither an address
    /// nor a token (`info`); with both (`warn`: the token is not used).
    pub(crate) fn log_metrics_exposure(&self) {
        match (&self.metrics, self.metrics_addr, &self.metrics_token) {
            (Some(_), None, None) => tracing::info!(
                "the metrics are counted but not served: set WEBHOOK_METRICS_ADDR \
                 (--metrics-addr, metrics_addr) to serve them on an admin address, or \
                 WEBHOOK_METRICS_TOKEN (--metrics-token, metrics_token) to serve them at {} on \
                 this address behind that bearer token",
                self.metrics_path
            ),
            (Some(_), Some(addr), Some(_)) => tracing::warn!(
                "WEBHOOK_METRICS_TOKEN (metrics_token) is not used: the metrics are served on \
                 the metrics address {addr} (metrics_addr), without credentials, and not on \
                 this address"
            ),
            (Some(_), None, Some(_)) => tracing::info!(
                path = %self.metrics_path,
                "metrics served on this address behind the metrics token"
            ),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_metrics_are_on_the_public_address_only_behind_a_token() {
        let mut ops = OpsOptions::default();
        assert!(ops.metrics.is_some());
        assert!(ops.public_metrics().is_none());
        assert!(!ops.reserved_paths().iter().any(|(_, p)| *p == "/metrics"));
        ops.metrics_token = Some(MetricsToken::new("t"));
        assert!(ops.public_metrics().is_some());
        assert!(ops.reserved_paths().iter().any(|(_, p)| *p == "/metrics"));
        // An admin address takes them off the public address, token or not.
        ops.metrics_addr = Some(SocketAddr::from(([127, 0, 0, 1], 9464)));
        assert!(ops.public_metrics().is_none());
        assert!(!ops.reserved_paths().iter().any(|(_, p)| *p == "/metrics"));
        ops.metrics_addr = None;
        assert!(format!("{ops:?}").contains("metrics_token: Some(MetricsToken(<redacted>))"));
        ops.metrics = None;
        assert!(ops.public_metrics().is_none());
    }
}
