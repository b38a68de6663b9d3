//! The webhook's Prometheus metrics, in a registry of its own (`prometheus-client`), served in
//! the Prometheus text format (0.0.4).
//!
//! | metric | type | labels |
//! |---|---|---|
//! | `webhook_requests_total` | counter | `route`, `status` |
//! | `webhook_request_duration_seconds` | histogram | `route` |
//! | `webhook_rejections_total` | counter | `stage` ([`RejectionStage`]) |
//! | `webhook_requests_in_flight` | gauge | |
//!
//! `route` is the declared pattern of the route that answered (`/` for the Clustaar
//! notifications, `/hooks/{slug}` for an HTTP route, `/healthz`...), or `<none>` when no route
//! has the path: never the raw path, so the number of series stays bounded.
//!
//! The durable routes (issue 14) will add their queue depth by state, attempts, retries and
//! dead letters here, to the same registry.

use std::sync::Arc;

use prometheus_client::encoding::{EncodeLabelSet, LabelSetEncoder};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::{Registry, Unit};

use crate::error::RejectionStage;

/// The `route` label of a request that matched no route.
pub const NO_ROUTE_LABEL: &str = "<none>";

/// The histogram's buckets, in seconds: from 0.5 ms (a notification answered in process) to
/// 10 s (a slow handler).
const DURATION_BUCKETS: [f64; 14] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// `route` and `status`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct RouteStatus {
    pub(crate) route: Arc<str>,
    pub(crate) status: u16,
}

impl EncodeLabelSet for RouteStatus {
    fn encode(&self, encoder: &mut LabelSetEncoder<'_>) -> Result<(), std::fmt::Error> {
        (
            [("route", &*self.route)],
            [("status", self.status.to_string())],
        )
            .encode(encoder)
    }
}

/// `route`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct RouteLabel(pub(crate) Arc<str>);

impl EncodeLabelSet for RouteLabel {
    fn encode(&self, encoder: &mut LabelSetEncoder<'_>) -> Result<(), std::fmt::Error> {
        [("route", &*self.0)].encode(encoder)
    }
}

/// `stage`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct StageLabel(pub(crate) RejectionStage);

impl EncodeLabelSet for StageLabel {
    fn encode(&self, encoder: &mut LabelSetEncoder<'_>) -> Result<(), std::fmt::Error> {
        [("stage", self.0.as_str())].encode(encoder)
    }
}

fn duration_histogram() -> Histogram {
    Histogram::new(DURATION_BUCKETS)
}

/// The metrics of one webhook, and their registry.
#[derive(Clone)]
pub struct Metrics {
    registry: Arc<Registry>,
    pub(crate) requests: Family<RouteStatus, Counter>,
    pub(crate) durations: Family<RouteLabel, Histogram, fn() -> Histogram>,
    pub(crate) rejections: Family<StageLabel, Counter>,
    pub(crate) in_flight: Gauge,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Metrics").finish_non_exhaustive()
    }
}

impl Metrics {
    /// The webhook's metrics, registered in `registry` (which may hold the program's own).
    pub fn new(mut registry: Registry) -> Self {
        let requests = Family::<RouteStatus, Counter>::default();
        let durations: Family<RouteLabel, Histogram, fn() -> Histogram> =
            Family::new_with_constructor(duration_histogram);
        let rejections = Family::<StageLabel, Counter>::default();
        let in_flight = Gauge::default();
        registry.register(
            "webhook_requests",
            "Requests answered, by route pattern and status",
            requests.clone(),
        );
        registry.register_with_unit(
            "webhook_request_duration",
            "Time from the request's head to its answer, by route pattern",
            Unit::Seconds,
            durations.clone(),
        );
        registry.register(
            "webhook_rejections",
            "Requests refused by the pipeline, by stage",
            rejections.clone(),
        );
        registry.register(
            "webhook_requests_in_flight",
            "Requests being answered",
            in_flight.clone(),
        );
        Self {
            registry: Arc::new(registry),
            requests,
            durations,
            rejections,
            in_flight,
        }
    }

    /// Every metric of the registry, in the Prometheus text format (0.0.4).
    pub fn render(&self) -> String {
        let mut text = String::with_capacity(4096);
        // Writing to a `String` does not fail.
        let _ = prometheus_client::encoding::prometheus_text::encode(&mut text, &self.registry);
        text
    }

    /// Counts an answer.
    pub(crate) fn answered(
        &self,
        route: &Arc<str>,
        status: u16,
        seconds: f64,
        rejected: Option<RejectionStage>,
    ) {
        self.requests
            .get_or_create(&RouteStatus {
                route: Arc::clone(route),
                status,
            })
            .inc();
        self.durations
            .get_or_create(&RouteLabel(Arc::clone(route)))
            .observe(seconds);
        if let Some(stage) = rejected {
            self.rejections.get_or_create(&StageLabel(stage)).inc();
        }
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new(Registry::default())
    }
}

/// The `Content-Type` of [`Metrics::render`]'s text.
pub const METRICS_CONTENT_TYPE: &str = prometheus_client::encoding::prometheus_text::CONTENT_TYPE;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_prometheus_names_and_labels() {
        let metrics = Metrics::default();
        let root: Arc<str> = Arc::from("/");
        metrics.answered(&root, 200, 0.002, None);
        metrics.answered(&root, 200, 0.004, None);
        metrics.answered(&root, 400, 0.001, Some(RejectionStage::Signature));
        metrics.answered(
            &Arc::from(NO_ROUTE_LABEL),
            404,
            0.0001,
            Some(RejectionStage::NoRoute),
        );
        let text = metrics.render();
        for line in [
            "# TYPE webhook_requests_total counter",
            r#"webhook_requests_total{route="/",status="200"} 2"#,
            r#"webhook_requests_total{route="/",status="400"} 1"#,
            r#"webhook_requests_total{route="<none>",status="404"} 1"#,
            "# TYPE webhook_request_duration_seconds histogram",
            r#"webhook_request_duration_seconds_count{route="/"} 3"#,
            r#"webhook_request_duration_seconds_bucket{route="/",le="0.0025"} 2"#,
            r#"webhook_rejections_total{stage="signature"} 1"#,
            r#"webhook_rejections_total{stage="no_route"} 1"#,
            "webhook_requests_in_flight 0",
        ] {
            assert!(text.lines().any(|l| l == line), "{line} not in\n{text}");
        }
    }
}
