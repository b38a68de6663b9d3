//! The operations layer: around every route of the webhook (the probes and the fallback
//! included), it gives the request its id, opens its span, counts it in flight, and when the
//! answer is ready, echoes the id, records the status and the latency, and counts the answer
//! (and the rejection, when the pipeline refused: the answer's [`Rejected`] extension, set by
//! the error that became the JSON error).
//!
//! One layer, written as a plain tower service, instead of tower-http's request-id, trace and
//! a metrics middleware stacked: one boxed future a request, and the route's label, known from
//! axum's `MatchedPath`, is looked up once for the span and the metrics.

use std::collections::HashMap;
use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Instant;

use axum::body::Body;
use axum::extract::MatchedPath;
use axum::response::Response;
use http::Request;
use prometheus_client::metrics::gauge::Gauge;
use tower::{Layer, Service};
use tracing::field::Empty;
use tracing::{Instrument, Span};

use super::drain::{InFlight, InFlightGuard};
use super::metrics::{Metrics, NO_ROUTE_LABEL};
use super::request_id::{RequestId, REQUEST_ID_HEADER};
use crate::error::Rejected;

/// What every route's layer shares.
pub(crate) struct Observed {
    pub(crate) metrics: Option<Metrics>,
    pub(crate) spans: bool,
    pub(crate) in_flight: InFlight,
    /// The declared route patterns, as labels (one allocation each, at start).
    routes: HashMap<Box<str>, Arc<str>>,
    none: Arc<str>,
}

impl Observed {
    pub(crate) fn new<'a>(
        metrics: Option<Metrics>,
        spans: bool,
        in_flight: InFlight,
        patterns: impl IntoIterator<Item = &'a str>,
    ) -> Self {
        let routes = patterns
            .into_iter()
            .map(|pattern| (Box::from(pattern), Arc::from(pattern)))
            .collect();
        Self {
            metrics,
            spans,
            in_flight,
            routes,
            none: Arc::from(NO_ROUTE_LABEL),
        }
    }

    fn label(&self, request: &Request<Body>) -> Arc<str> {
        let found = request
            .extensions()
            .get::<MatchedPath>()
            .and_then(|matched| self.routes.get(matched.as_str()));
        Arc::clone(found.unwrap_or(&self.none))
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

/// A route, observed.
#[derive(Clone)]
pub(crate) struct ObserveService<S> {
    inner: S,
    shared: Arc<Observed>,
}

/// A request in flight: its slot, and the gauge, given back however the request ends.
struct Flight {
    _slot: InFlightGuard,
    gauge: Option<Gauge>,
}

impl Drop for Flight {
    fn drop(&mut self) {
        if let Some(gauge) = &self.gauge {
            gauge.dec();
        }
    }
}

fn request_span(request: &Request<Body>, route: &str, id: &RequestId) -> Span {
    #[cfg(feature = "otel")]
    let span = tracing::info_span!(
        target: "webhook::request",
        "request",
        method = %request.method(),
        route,
        request_id = %id,
        status = Empty,
        latency_ms = Empty,
        otel.name = format!("{} {route}", request.method()),
        otel.kind = "server",
    );
    #[cfg(not(feature = "otel"))]
    let span = tracing::info_span!(
        target: "webhook::request",
        "request",
        method = %request.method(),
        route,
        request_id = %id,
        status = Empty,
        latency_ms = Empty,
    );
    #[cfg(feature = "otel")]
    super::otel::continue_trace(&span, request.headers());
    span
}

impl<S> Service<Request<Body>> for ObserveService<S>
where
    S: Service<Request<Body>, Response = Response, Error = Infallible> + Clone + Send + 'static,
    S::Future: Send + 'static,
{
    type Response = Response;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Response, Infallible>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: Request<Body>) -> Self::Future {
        let started = Instant::now();
        let shared = Arc::clone(&self.shared);
        let id = RequestId::from_headers(request.headers());
        let route = shared.label(&request);
        let span = if shared.spans {
            request_span(&request, &route, &id)
        } else {
            Span::none()
        };
        let gauge = shared.metrics.as_ref().map(|metrics| {
            metrics.in_flight.inc();
            metrics.in_flight.clone()
        });
        let flight = Flight {
            _slot: shared.in_flight.enter(request.method(), request.uri(), &id),
            gauge,
        };
        request.extensions_mut().insert(id.clone());
        // The service that was polled ready answers; a clone waits for the next request.
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        let answer = inner.call(request);
        Box::pin(async move {
            let Ok(mut response) = answer.instrument(span.clone()).await;
            drop(flight);
            response
                .headers_mut()
                .insert(REQUEST_ID_HEADER.clone(), id.header_value().clone());
            let status = response.status().as_u16();
            let elapsed = started.elapsed();
            if let Some(metrics) = &shared.metrics {
                let rejected = response.extensions().get::<Rejected>().map(|r| r.0);
                metrics.answered(&route, status, elapsed.as_secs_f64(), rejected);
            }
            if !span.is_disabled() {
                let latency_ms = elapsed.as_secs_f64() * 1000.0;
                span.record("status", status);
                span.record("latency_ms", latency_ms);
                tracing::info!(target: "webhook::access", parent: &span, status, latency_ms, "answered");
            }
            Ok(response)
        })
    }
}
