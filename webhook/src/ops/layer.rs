//! The operations layer: around every route of the webhook (the probes and the fallback
//! included), it gives the request its id, opens its span, counts it in flight, and when the
//! answer is ready, echoes the id, records the status and the latency, and counts the answer
//! (and the rejection, when the pipeline refused: the answer's [`Rejected`] extension, set by
//! the error that became the JSON error).
//!
//! One layer, written as a plain tower service, instead of tower-http's request-id, trace and
//! a metrics middleware stacked: one boxed future a request, and the route's label, known from
//! axum's `MatchedPath`, is looked up once for the span and the metrics.
//!
//! The notifications' `POST` is observed by the same code ([`observe`]) without the layer when
//! the server calls it past the router (`pipeline::DirectRoute`), its route known beforehand.

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Instant;

use axum::body::Body;
use axum::extract::{MatchedPath, NestedPath};
use axum::response::Response;
use foldhash::{HashMap, HashMapExt};
use http::Request;
use tower::{Layer, Service};
use tracing::field::Empty;
use tracing::instrument::Instrumented;
use tracing::{Instrument, Span};

use super::drain::{InFlight, InFlightGuard};
use super::metrics::{Metrics, RouteMetrics, NO_ROUTE_LABEL};
use super::request_id::{RequestId, REQUEST_ID_HEADER};
use crate::error::Rejected;

/// A declared route pattern: its label, and its metrics resolved once.
struct RouteEntry {
    label: Arc<str>,
    metrics: Option<RouteMetrics>,
    /// A probe or the metrics: its `answered` event is at the `debug` level (a probe every few
    /// seconds would fill the logs).
    quiet: bool,
}

/// What every route's layer shares.
pub(crate) struct Observed {
    metrics: Option<Metrics>,
    spans: bool,
    in_flight: InFlight,
    /// The declared route patterns, by pattern; the last entry is `<none>`.
    by_pattern: HashMap<Box<str>, usize>,
    routes: Vec<RouteEntry>,
}

impl Observed {
    /// `patterns`: each declared pattern, and whether it is an operations endpoint (a probe,
    /// the metrics).
    pub(crate) fn new<'a>(
        metrics: Option<Metrics>,
        spans: bool,
        in_flight: InFlight,
        patterns: impl IntoIterator<Item = (&'a str, bool)>,
    ) -> Self {
        let mut by_pattern = HashMap::new();
        let mut routes = Vec::new();
        for (pattern, quiet) in patterns.into_iter().chain([(NO_ROUTE_LABEL, false)]) {
            if by_pattern.contains_key(pattern) {
                continue;
            }
            let label: Arc<str> = Arc::from(pattern);
            by_pattern.insert(Box::from(pattern), routes.len());
            routes.push(RouteEntry {
                metrics: metrics.as_ref().map(|metrics| metrics.route(&label)),
                label,
                quiet,
            });
        }
        if let Some(metrics) = &metrics {
            metrics.count_in_flight(&in_flight);
        }
        Self {
            metrics,
            spans,
            in_flight,
            by_pattern,
            routes,
        }
    }

    /// The index of the declared route `pattern` (of `<none>` when it was not declared).
    pub(crate) fn route(&self, pattern: &str) -> usize {
        self.declared(pattern).unwrap_or(self.none())
    }

    /// The index of the declared route `pattern`.
    fn declared(&self, pattern: &str) -> Option<usize> {
        self.by_pattern.get(pattern).copied()
    }

    /// The index of `<none>`, the last entry.
    fn none(&self) -> usize {
        self.routes.len() - 1
    }

    /// The route the request matched (axum's `MatchedPath`), or `<none>`. Under an
    /// application's prefix (`nest_service("/hooks", webhook_router)`) the matched path starts
    /// with the prefix (`NestedPath`): the route is the webhook's pattern after it.
    fn route_of(&self, request: &Request<Body>) -> usize {
        let extensions = request.extensions();
        let matched = extensions.get::<MatchedPath>().map(MatchedPath::as_str);
        let unnested = matched.and_then(|matched| {
            let prefix = extensions
                .get::<NestedPath>()?
                .as_str()
                .trim_end_matches('/');
            matched.strip_prefix(prefix)
        });
        [matched, unnested]
            .into_iter()
            .flatten()
            .find_map(|pattern| self.declared(pattern))
            .unwrap_or(self.none())
    }
}

/// The layer, applied to the webhook's router with `Router::layer` (so to each route and the
/// fallback, after axum has matched the path).
#[derive(Clone)]
pub(crate) struct ObserveLayer(pub(crate) Arc<Observed>);

impl<S> Layer<S> for ObserveLayer {
    type Service = ObserveService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        ObserveService {
            inner,
            shared: Arc::clone(&self.0),
        }
    }
}

/// The target of a request's access line (the `answered` event, or the line the log output
/// writes in its place: `logging::access`).
pub(crate) const ACCESS_TARGET: &str = "clustaar_webhook::access";

/// A route, observed.
#[derive(Clone)]
pub(crate) struct ObserveService<S> {
    inner: S,
    shared: Arc<Observed>,
}

fn request_span(request: &Request<Body>, route: &str, id: &RequestId) -> Span {
    #[cfg(feature = "otel")]
    let span = tracing::info_span!(
        target: "clustaar_webhook::request",
        "request",
        method = request.method().as_str(),
        route,
        request_id = id.as_str(),
        status = Empty,
        latency_ms = Empty,
        otel.name = format!("{} {route}", request.method()),
        otel.kind = "server",
        otel.status_code = Empty,
    );
    #[cfg(not(feature = "otel"))]
    let span = tracing::info_span!(
        target: "clustaar_webhook::request",
        "request",
        method = request.method().as_str(),
        route,
        request_id = id.as_str(),
        status = Empty,
        latency_ms = Empty,
    );
    #[cfg(feature = "otel")]
    super::otel::continue_trace(&span, request.headers());
    span
}

/// Whether a layer of the subscriber may read a request span's `status` and `latency_ms`
/// once the request is answered: true unless [`logging::init`](crate::logging::init)
/// installed the subscriber without OpenTelemetry's export, whose only reader of the span
/// after its `answered` event (which holds them) is the log line of that event.
static ANSWER_READ_FROM_SPAN: AtomicBool = AtomicBool::new(true);

/// Says that no layer reads a request span's answer (the subscriber is the log output alone):
/// the status and the latency are then in the `answered` event only, not recorded in the span
/// too, which saves a pass through the subscriber's layers and their repetition in each line.
#[cfg(feature = "logging")]
pub(crate) fn answer_not_read_from_span() {
    ANSWER_READ_FROM_SPAN.store(false, Ordering::Relaxed);
}

/// Records the status and the latency in the request's span, in one call (each record is a
/// pass through every layer of the subscriber), when a layer may read them there.
fn record_answer(span: &Span, status: u16, latency_ms: f64) {
    // A server span is an error when the server failed (OpenTelemetry's HTTP conventions).
    #[cfg(feature = "otel")]
    if status >= 500 {
        span.record("otel.status_code", "ERROR");
    }
    if !ANSWER_READ_FROM_SPAN.load(Ordering::Relaxed) {
        return;
    }
    let Some(metadata) = span.metadata() else {
        return;
    };
    let fields = metadata.fields();
    if let (Some(status_field), Some(latency_field)) =
        (fields.field("status"), fields.field("latency_ms"))
    {
        span.record_all(&fields.value_set(&[
            (&status_field, Some(&status as &dyn tracing::Value)),
            (&latency_field, Some(&latency_ms as &dyn tracing::Value)),
        ]));
    }
}

impl<S> Service<Request<Body>> for ObserveService<S>
where
    S: Service<Request<Body>, Response = Response, Error = Infallible> + Clone + Send + 'static,
    S::Future: Send + 'static,
{
    type Response = Response;
    type Error = Infallible;
    type Future = ObservedFuture;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<Body>) -> Self::Future {
        let route = self.shared.route_of(&request);
        // The service that was polled ready answers. Its future owns what it needs (axum's
        // `RouteFuture`), so the service is not moved into it, nor cloned for the next request:
        // axum calls each route's layered service once, on a clone of its own (a clone here was
        // one more boxed service allocated and freed a request).
        observe(&self.shared, route, request, |request| {
            self.inner.call(request)
        })
    }
}

/// The future of an observed request.
pub(crate) type ObservedFuture = Pin<Box<dyn Future<Output = Result<Response, Infallible>> + Send>>;

/// Observes the request to the route `route` (an index of [`Observed::route`]) that `answer`
/// answers: its id, span, in-flight entry, then the id echoed, the metrics and the access line.
pub(crate) fn observe<F>(
    shared: &Arc<Observed>,
    route: usize,
    mut request: Request<Body>,
    answer: impl FnOnce(Request<Body>) -> F,
) -> ObservedFuture
where
    F: Future<Output = Result<Response, Infallible>> + Send + 'static,
{
    let started = Instant::now();
    let shared = Arc::clone(shared);
    let id = RequestId::from_headers(request.headers());
    let span = if shared.spans {
        request_span(&request, &shared.routes[route].label, &id)
    } else {
        Span::none()
    };
    let flight = shared.in_flight.enter(request.method(), request.uri(), &id);
    request.extensions_mut().insert(id.clone());
    Box::pin(Observing {
        answering: answer(request).instrument(span),
        after: Some(After {
            shared,
            route,
            id,
            started,
            flight,
        }),
    })
}

pin_project_lite::pin_project! {
    /// An observed request's future: the answer's, in the request's span, then [`After`].
    ///
    /// A future of its own, not an `async` block: the block held the answer's future twice (as
    /// captured, and moved into its state to be pinned there), 3,656 bytes allocated and the
    /// endpoint's 1,728-byte future copied once more a notification (release build).
    struct Observing<F> {
        #[pin]
        answering: Instrumented<F>,
        // `None` once answered.
        after: Option<After>,
    }
}

impl<F> Future for Observing<F>
where
    F: Future<Output = Result<Response, Infallible>>,
{
    type Output = Result<Response, Infallible>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut this = self.project();
        let Ok(response) = std::task::ready!(this.answering.as_mut().poll(cx));
        let after = this
            .after
            .take()
            .expect("an observed request's future polled after its answer");
        // The span stays the instrumented future's (no clone).
        Poll::Ready(Ok(after.answered(this.answering.span(), response)))
    }
}

/// What is done with a request's answer.
struct After {
    shared: Arc<Observed>,
    route: usize,
    id: RequestId,
    started: Instant,
    /// Given back however the request ends (answered, or dropped with its connection).
    flight: InFlightGuard,
}

impl After {
    /// Echoes the id, counts the answer in the metrics and writes the access line.
    fn answered(self, span: &Span, mut response: Response) -> Response {
        let Self {
            shared,
            route,
            id,
            started,
            flight,
        } = self;
        drop(flight);
        response
            .headers_mut()
            .insert(REQUEST_ID_HEADER.clone(), id.header_value().clone());
        let status = response.status().as_u16();
        let elapsed = started.elapsed();
        let route = &shared.routes[route];
        if let (Some(metrics), Some(metered)) = (&shared.metrics, &route.metrics) {
            let rejected = response.extensions().get::<Rejected>().map(|r| r.0);
            metered.answered(metrics, status, elapsed.as_secs_f64(), rejected);
        }
        if !span.is_disabled() {
            // In milliseconds to the microsecond: `0.173`, not `0.17362600000000001`.
            let latency_ms = elapsed.as_micros() as f64 / 1000.0;
            record_answer(span, status, latency_ms);
            // Written by the log output itself when it is `logging::init`'s (the same line).
            #[cfg(feature = "logging")]
            let written = crate::logging::access::answered(span, route.quiet, status, latency_ms);
            #[cfg(not(feature = "logging"))]
            let written = false;
            if !written {
                if route.quiet {
                    tracing::debug!(target: ACCESS_TARGET, parent: span, status, latency_ms, "answered");
                } else {
                    tracing::info!(target: ACCESS_TARGET, parent: span, status, latency_ms, "answered");
                }
            }
        }
        response
    }
}
