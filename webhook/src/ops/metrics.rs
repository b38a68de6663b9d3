//! The webhook's Prometheus metrics, in a registry of its own (`prometheus-client`), served in
//! the Prometheus text format (0.0.4).
//!
//! | metric | type | labels |
//! |---|---|---|
//! | `webhook_requests_total` | counter | `route`, `status` |
//! | `webhook_request_duration_seconds` | histogram | `route` |
//! | `webhook_rejections_total` | counter | `stage` ([`RejectionStage`]) |
//! | `webhook_requests_in_flight` | gauge | |
//! | `webhook_connections` | gauge | none: the client connections open on the webhook's server ([`Webhook::serve`](crate::Webhook::serve); `0` for a router mounted elsewhere) |
//! | `webhook_connections_idle` | gauge | none: those of them waiting for their next HTTP/1.1 request with hyper's buffers freed (idle for more than 10 ms) |
//! | `webhook_inbox_events` | gauge | `state` (`queued`, `running`, `dead`): the durable routes' events in the store, read every few seconds (done events are not counted: the store keeps days of them) |
//! | `webhook_inbox_completed_total` | counter | |
//! | `webhook_inbox_retries_total` | counter | |
//! | `webhook_inbox_dead_letters_total` | counter | |
//! | `webhook_inbox_batch_events` | histogram | none: the events of the requests each of this process's group commits handed to the store at once (duplicates included); its `_count` is the batches, its `_sum` the events. On PostgreSQL a batch is a transaction; on the embedded store, the batches waiting for its writer thread share its next transaction |
//! | `webhook_inbox_batch_duration_seconds` | histogram | none: how long each of those batches took, from the batch handed to the store to its commit (what the requests of the batch waited for the store) |
//! | `webhook_log_lines_dropped_total` | counter | none: the log lines the log output dropped because it could not keep up (`clustaar_webhook::logging`, the `logging` feature; `0` when `clustaar_webhook::logging::init` installed no output) |
//!
//! `route` is the declared pattern of the route that answered (`/` for the Clustaar
//! notifications, `/hooks/{slug}` for an HTTP route, `/healthz`...), or `<none>` when no route
//! has the path: never the raw path, so the number of series stays bounded.
//!
//! The inbox series exist in every webhook (at `0` without durable routes); the retries and dead
//! letters are those of this process's workers (and the completed events), the events by state those of the whole store.

use std::sync::{Arc, OnceLock};

use http::{header, HeaderMap, StatusCode};
use prometheus_client::encoding::{EncodeLabelSet, EncodeMetric, LabelSetEncoder, MetricEncoder};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::metrics::MetricType;
use prometheus_client::registry::{Registry, Unit};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::InFlight;
use crate::error::{ApiError, RejectionStage};

/// The `route` label of a request that matched no route.
pub const NO_ROUTE_LABEL: &str = "<none>";

/// The histogram's buckets, in seconds: from 0.5 ms (a notification answered in process) to
/// 10 s (a slow handler).
const DURATION_BUCKETS: [f64; 14] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// The buckets of `webhook_inbox_batch_events`: from one event a commit (requests one at a
/// time) to the largest batch size worth setting.
const BATCH_EVENTS_BUCKETS: [f64; 10] = [1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 256.0, 512.0];

/// The buckets of `webhook_inbox_batch_duration_seconds`: from 0.1 ms (a local disk's commit)
/// to 2.5 s (a store that is failing).
const BATCH_DURATION_BUCKETS: [f64; 14] = [
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
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
    requests: Family<RouteStatus, Counter>,
    durations: Family<RouteLabel, Histogram, fn() -> Histogram>,
    /// Every stage's counter, made at start (so that each series exists from the first scrape),
    /// in the order of [`RejectionStage::ALL`].
    rejections: Arc<[Counter]>,
    in_flight: Gauge,
    #[cfg_attr(not(feature = "durable"), allow(dead_code))]
    inbox: InboxMetrics,
    connections: ConnectionGauges,
    /// The requests in flight, counted when the metrics are rendered (no gauge to move on
    /// every request).
    flight: Arc<OnceLock<InFlight>>,
}

/// The lowest and highest statuses counted without a lookup.
const STATUSES: std::ops::RangeInclusive<u16> = 100..=599;

/// A route's metrics, resolved once: its histogram, and its counters by status, made on the
/// first answer of each status (a read of a `OnceLock` afterwards: no lock, no hash).
pub(crate) struct RouteMetrics {
    label: Arc<str>,
    duration: Histogram,
    statuses: Box<[OnceLock<Counter>]>,
}

impl RouteMetrics {
    /// Counts an answer of this route.
    pub(crate) fn answered(
        &self,
        metrics: &Metrics,
        status: u16,
        seconds: f64,
        rejected: Option<RejectionStage>,
    ) {
        let make = || {
            metrics.requests.get_or_create_owned(&RouteStatus {
                route: Arc::clone(&self.label),
                status,
            })
        };
        if STATUSES.contains(&status) {
            let slot = &self.statuses[usize::from(status - STATUSES.start())];
            slot.get_or_init(make).inc();
        } else {
            make().inc();
        }
        self.duration.observe(seconds);
        if let Some(stage) = rejected {
            metrics.rejected(stage);
        }
    }
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
        let by_stage: Arc<[Counter]> = RejectionStage::ALL
            .iter()
            .map(|stage| rejections.get_or_create_owned(&StageLabel(*stage)))
            .collect();
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
            rejections,
        );
        registry.register(
            "webhook_requests_in_flight",
            "Requests being answered",
            in_flight.clone(),
        );
        let connections = ConnectionGauges::default();
        registry.register(
            "webhook_connections",
            "Client connections open on the webhook's server",
            connections.open.clone(),
        );
        registry.register(
            "webhook_connections_idle",
            "Open connections waiting for their next HTTP/1.1 request, hyper's buffers freed",
            connections.idle.clone(),
        );
        let inbox = InboxMetrics::default();
        inbox.register(&mut registry);
        registry.register(
            "webhook_log_lines_dropped",
            "Log lines dropped because the log output could not keep up",
            LogLinesDropped,
        );
        Self {
            registry: Arc::new(registry),
            requests,
            durations,
            rejections: by_stage,
            in_flight,
            inbox,
            connections,
            flight: Arc::new(OnceLock::new()),
        }
    }

    /// Counts the requests in flight of this registry when rendering.
    pub(crate) fn count_in_flight(&self, in_flight: &InFlight) {
        let _ = self.flight.set(in_flight.clone());
    }

    /// The gauges the server keeps of its connections.
    pub(crate) fn connections(&self) -> ConnectionGauges {
        self.connections.clone()
    }

    /// The metrics of the route `label`.
    pub(crate) fn route(&self, label: &Arc<str>) -> RouteMetrics {
        RouteMetrics {
            label: Arc::clone(label),
            duration: self
                .durations
                .get_or_create_owned(&RouteLabel(Arc::clone(label))),
            statuses: STATUSES.map(|_| OnceLock::new()).collect(),
        }
    }

    /// The durable routes' metrics.
    #[cfg(feature = "durable")]
    pub(crate) fn inbox(&self) -> InboxMetrics {
        self.inbox.clone()
    }

    /// Counts a rejection.
    pub(crate) fn rejected(&self, stage: RejectionStage) {
        if let Some(at) = RejectionStage::ALL.iter().position(|known| *known == stage) {
            self.rejections[at].inc();
        }
    }

    /// Every metric of the registry, in the Prometheus text format (0.0.4).
    pub fn render(&self) -> String {
        if let Some(in_flight) = self.flight.get() {
            self.in_flight
                .set(i64::try_from(in_flight.count()).unwrap_or(i64::MAX));
        }
        let mut text = String::with_capacity(4096);
        // Writing to a `String` does not fail.
        let _ = prometheus_client::encoding::prometheus_text::encode(&mut text, &self.registry);
        text
    }
}

/// The server's gauges of its connections: `webhook_connections` (open) and
/// `webhook_connections_idle` (waiting for their next request without a hyper connection).
#[derive(Debug, Clone, Default)]
pub(crate) struct ConnectionGauges {
    pub(crate) open: Gauge,
    pub(crate) idle: Gauge,
}

/// `webhook_log_lines_dropped_total`: the log output's count, read when the metrics are
/// rendered (the count is the process's, shared by every webhook's registry).
#[derive(Debug)]
struct LogLinesDropped;

impl EncodeMetric for LogLinesDropped {
    fn encode(&self, mut encoder: MetricEncoder<'_>) -> Result<(), std::fmt::Error> {
        #[cfg(feature = "logging")]
        let dropped = crate::logging::dropped_lines().unwrap_or(0);
        #[cfg(not(feature = "logging"))]
        let dropped = 0;
        let dropped = u64::try_from(dropped).unwrap_or(u64::MAX);
        encoder.encode_counter::<prometheus_client::encoding::NoLabelSet, _, u64>(&dropped, None)
    }

    fn metric_type(&self) -> MetricType {
        MetricType::Counter
    }
}

/// `state`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct StateLabel(pub(crate) &'static str);

impl EncodeLabelSet for StateLabel {
    fn encode(&self, encoder: &mut LabelSetEncoder<'_>) -> Result<(), std::fmt::Error> {
        [("state", self.0)].encode(encoder)
    }
}

/// The metrics of the durable routes: events by state, retries, dead letters, the group
/// commits of the requests' events.
#[derive(Debug, Clone)]
pub(crate) struct InboxMetrics {
    events: Family<StateLabel, Gauge>,
    completed: Counter,
    retries: Counter,
    dead_letters: Counter,
    batch_events: Histogram,
    batch_duration: Histogram,
}

impl Default for InboxMetrics {
    fn default() -> Self {
        Self {
            events: Family::default(),
            completed: Counter::default(),
            retries: Counter::default(),
            dead_letters: Counter::default(),
            batch_events: Histogram::new(BATCH_EVENTS_BUCKETS),
            batch_duration: Histogram::new(BATCH_DURATION_BUCKETS),
        }
    }
}

#[cfg_attr(not(feature = "durable"), allow(dead_code))]
impl InboxMetrics {
    fn register(&self, registry: &mut Registry) {
        for state in ["queued", "running", "dead"] {
            let _ = self.events.get_or_create(&StateLabel(state));
        }
        registry.register(
            "webhook_inbox_events",
            "Events of the durable routes in the store, by state",
            self.events.clone(),
        );
        registry.register(
            "webhook_inbox_completed",
            "Durable events whose attempt succeeded, by this process's workers",
            self.completed.clone(),
        );
        registry.register(
            "webhook_inbox_retries",
            "Failed attempts of durable events that will be retried",
            self.retries.clone(),
        );
        registry.register(
            "webhook_inbox_dead_letters",
            "Durable events given up (permanent failure or last attempt)",
            self.dead_letters.clone(),
        );
        registry.register(
            "webhook_inbox_batch_events",
            "Events of durable routes' requests stored in one transaction (a group commit)",
            self.batch_events.clone(),
        );
        registry.register_with_unit(
            "webhook_inbox_batch_duration",
            "Time from a batch of durable events handed to the store to its commit",
            Unit::Seconds,
            self.batch_duration.clone(),
        );
    }

    /// Counts a group commit of `events` that took `seconds` (failed or not).
    pub(crate) fn batch(&self, events: usize, seconds: f64) {
        self.batch_events.observe(events as f64);
        self.batch_duration.observe(seconds);
    }

    /// Sets the number of events in `state`.
    pub(crate) fn events(&self, state: &'static str, count: u64) {
        self.events
            .get_or_create(&StateLabel(state))
            .set(i64::try_from(count).unwrap_or(i64::MAX));
    }

    /// Counts an event done.
    pub(crate) fn completed(&self) {
        self.completed.inc();
    }

    /// Counts a retry.
    pub(crate) fn retry(&self) {
        self.retries.inc();
    }

    /// Counts a dead letter.
    pub(crate) fn dead_letter(&self) {
        self.dead_letters.inc();
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new(Registry::default())
    }
}

/// The `Content-Type` of [`Metrics::render`]'s text.
pub const METRICS_CONTENT_TYPE: &str = prometheus_client::encoding::prometheus_text::CONTENT_TYPE;

/// The `WWW-Authenticate` header of a scrape refused for want of the [`MetricsToken`].
pub const METRICS_CHALLENGE: &str = "Bearer realm=\"metrics\"";

/// Why a scrape of the metrics on the webhook's own address is refused. All are answered alike:
/// `401` `{"title": "Invalid credentials", "description": "The metrics need their bearer
/// token."}` with `WWW-Authenticate: Bearer realm="metrics"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MetricsTokenError {
    /// No `Authorization` header.
    #[error("no Authorization header")]
    Missing,
    /// Not `Bearer <token>`.
    #[error("malformed Authorization header")]
    Malformed,
    /// Another token.
    #[error("wrong token")]
    Wrong,
}

impl From<MetricsTokenError> for ApiError {
    /// A `401`; not a rejection of the pipeline (no stage): the scrape is counted in
    /// `webhook_requests_total{route="/metrics",status="401"}`.
    fn from(_: MetricsTokenError) -> Self {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "Invalid credentials",
            "The metrics need their bearer token.",
        )
    }
}

/// The bearer token the metrics are served behind on the webhook's own address
/// ([`Webhook::metrics_token`](crate::Webhook::metrics_token)): a scrape sends
/// `Authorization: Bearer <token>`, what Prometheus' `authorization` (or `bearer_token`)
/// setting sends.
///
/// Only the token's SHA-256 is kept, and a request's token is hashed and compared with it in
/// constant time (so the comparison tells neither the length nor a prefix). An empty token
/// matches no request.
///
/// ```
/// use clustaar_webhook::ops::metrics::{MetricsToken, MetricsTokenError};
///
/// let token = MetricsToken::new("s3cret");
/// assert!(token.verify_value(Some("Bearer s3cret")).is_ok());
/// assert_eq!(token.verify_value(Some("Bearer nope")), Err(MetricsTokenError::Wrong));
/// assert_eq!(token.verify_value(None), Err(MetricsTokenError::Missing));
/// ```
#[derive(Clone)]
pub struct MetricsToken {
    digest: [u8; 32],
}

impl std::fmt::Debug for MetricsToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MetricsToken(<redacted>)")
    }
}

impl MetricsToken {
    /// Expects `token`.
    pub fn new(token: impl AsRef<[u8]>) -> Self {
        Self {
            digest: Sha256::digest(token.as_ref()).into(),
        }
    }

    /// Checks a request's headers.
    pub fn verify(&self, headers: &HeaderMap) -> Result<(), MetricsTokenError> {
        let value = headers
            .get(header::AUTHORIZATION)
            .map(|value| value.to_str().map_err(|_| MetricsTokenError::Malformed))
            .transpose()?;
        self.verify_value(value)
    }

    /// Checks an `Authorization` header value (`None` when absent): `Bearer <token>`, the
    /// scheme in any case (RFC 7235).
    pub fn verify_value(&self, authorization: Option<&str>) -> Result<(), MetricsTokenError> {
        let authorization = authorization.ok_or(MetricsTokenError::Missing)?;
        let (scheme, token) = authorization
            .trim()
            .split_once(' ')
            .ok_or(MetricsTokenError::Malformed)?;
        let token = token.trim();
        if !scheme.eq_ignore_ascii_case("bearer") || token.is_empty() {
            return Err(MetricsTokenError::Malformed);
        }
        let digest: [u8; 32] = Sha256::digest(token.as_bytes()).into();
        if bool::from(digest.ct_eq(&self.digest)) {
            Ok(())
        } else {
            Err(MetricsTokenError::Wrong)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_prometheus_names_and_labels() {
        let metrics = Metrics::default();
        let root = metrics.route(&Arc::from("/"));
        root.answered(&metrics, 200, 0.002, None);
        root.answered(&metrics, 200, 0.004, None);
        root.answered(&metrics, 400, 0.001, Some(RejectionStage::Signature));
        root.answered(&metrics, 42, 0.001, None);
        let none = metrics.route(&Arc::from(NO_ROUTE_LABEL));
        none.answered(&metrics, 404, 0.0001, Some(RejectionStage::NoRoute));
        let text = metrics.render();
        for line in [
            "# TYPE webhook_requests_total counter",
            r#"webhook_requests_total{route="/",status="200"} 2"#,
            r#"webhook_requests_total{route="/",status="400"} 1"#,
            r#"webhook_requests_total{route="<none>",status="404"} 1"#,
            r#"webhook_requests_total{route="/",status="42"} 1"#,
            r#"webhook_rejections_total{stage="max_age"} 0"#,
            "# TYPE webhook_request_duration_seconds histogram",
            r#"webhook_request_duration_seconds_count{route="/"} 4"#,
            r#"webhook_request_duration_seconds_bucket{route="/",le="0.0025"} 3"#,
            r#"webhook_rejections_total{stage="signature"} 1"#,
            r#"webhook_rejections_total{stage="no_route"} 1"#,
            "webhook_requests_in_flight 0",
            r#"webhook_inbox_events{state="dead"} 0"#,
            "webhook_inbox_retries_total 0",
            "webhook_inbox_completed_total 0",
            "# TYPE webhook_inbox_batch_events histogram",
            "webhook_inbox_batch_events_count 0",
            "# TYPE webhook_inbox_batch_duration_seconds histogram",
            "webhook_inbox_batch_duration_seconds_count 0",
            "# TYPE webhook_log_lines_dropped_total counter",
            "webhook_log_lines_dropped_total 0",
        ] {
            assert!(text.lines().any(|l| l == line), "{line} not in\n{text}");
        }
    }

    #[test]
    fn a_group_commit_is_counted_with_its_events_and_time() {
        let metrics = Metrics::default();
        let inbox = metrics.inbox.clone();
        inbox.batch(1, 0.0004);
        inbox.batch(13, 0.0009);
        inbox.batch(128, 0.3);
        let text = metrics.render();
        for line in [
            "webhook_inbox_batch_events_count 3",
            "webhook_inbox_batch_events_sum 142.0",
            r#"webhook_inbox_batch_events_bucket{le="1"} 1"#,
            r#"webhook_inbox_batch_events_bucket{le="16"} 2"#,
            r#"webhook_inbox_batch_events_bucket{le="128"} 3"#,
            "webhook_inbox_batch_duration_seconds_count 3",
            r#"webhook_inbox_batch_duration_seconds_bucket{le="0.0005"} 1"#,
            r#"webhook_inbox_batch_duration_seconds_bucket{le="0.001"} 2"#,
            r#"webhook_inbox_batch_duration_seconds_bucket{le="0.25"} 2"#,
            r#"webhook_inbox_batch_duration_seconds_bucket{le="0.5"} 3"#,
        ] {
            assert!(text.lines().any(|l| l == line), "{line} not in\n{text}");
        }
    }

    #[test]
    fn the_token_is_compared_whole_behind_the_bearer_scheme() {
        let token = MetricsToken::new("s3cret-token");
        assert_eq!(token.verify_value(Some("Bearer s3cret-token")), Ok(()));
        // The scheme in any case, spaces around the token.
        assert_eq!(token.verify_value(Some("bEARER   s3cret-token ")), Ok(()));
        for wrong in [
            "Bearer s3cret",
            "Bearer s3cret-token2",
            "Bearer S3CRET-TOKEN",
        ] {
            assert_eq!(
                token.verify_value(Some(wrong)),
                Err(MetricsTokenError::Wrong),
                "{wrong}"
            );
        }
        for malformed in ["s3cret-token", "Basic s3cret-token", "Bearer", "Bearer   "] {
            assert_eq!(
                token.verify_value(Some(malformed)),
                Err(MetricsTokenError::Malformed),
                "{malformed}"
            );
        }
        assert_eq!(token.verify_value(None), Err(MetricsTokenError::Missing));
        let mut headers = HeaderMap::new();
        assert_eq!(token.verify(&headers), Err(MetricsTokenError::Missing));
        headers.insert(
            header::AUTHORIZATION,
            http::HeaderValue::from_bytes(b"Bearer \xff").unwrap(),
        );
        assert_eq!(token.verify(&headers), Err(MetricsTokenError::Malformed));
        headers.insert(
            header::AUTHORIZATION,
            http::HeaderValue::from_static("Bearer s3cret-token"),
        );
        assert_eq!(token.verify(&headers), Ok(()));
        // An empty token matches nothing; the Debug form hides the token.
        let empty = MetricsToken::new("");
        assert_eq!(
            empty.verify_value(Some("Bearer ")),
            Err(MetricsTokenError::Malformed)
        );
        assert_eq!(format!("{token:?}"), "MetricsToken(<redacted>)");
        let refused = ApiError::from(MetricsTokenError::Wrong);
        assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(refused.stage(), None);
        assert_eq!(
            refused.to_json(),
            r#"{"title":"Invalid credentials","description":"The metrics need their bearer token."}"#
        );
    }
}
