//! The request pipeline: every stage a notification goes through, assembled in one place.
//!
//! From the outside in:
//!
//! | stage | refuses with |
//! |---|---|
//! | panic guard (tower-http `CatchPanicLayer`, around the router) | `500` when a handler panics |
//! | content type ([`content_type`]): JSON types only, before the body is read | `415` |
//! | content encoding ([`encoding`]): accepted codings only, before the body is read | `415` |
//! | body buffer: reads the body once, within the limit and the read timeout | `413`, `408`, `400` |
//! | the max-age check of the `Date` header, when `request_max_age` is set | `400` |
//! | signature, when `private_key` is set: over the bytes received, before decoding | `400` |
//! | basic authentication, when credentials are set | `403` |
//! | decoding ([`encoding`]): gzip, deflate, br, streaming within the limit | `413`, `400` |
//! | the webhook's [authenticator](crate::auth), when set | `403`, its error, `500` |
//! | dispatch: load or scan the envelope (`envelope`, `typed_first`), route, the route's authenticator, extract, handle | `400`, `404`, `403`, the handler's answer |
//!
//! Unknown paths get a JSON `404` and other methods a JSON `405`. The header read timeout is
//! the server's (see [`Webhook::serve`](crate::Webhook::serve)).
//!
//! The stages between the panic guard and the dispatch run in order in one function
//! (`stages::Stages::ingest`), each a plain function of its module; the HTTP routes run the same
//! function as one middleware. Routing reads the topic and the step id with a scan of the body
//! that builds no JSON tree (`envelope`); the tree ([`Request::json`](crate::Request::json)) is
//! built when a filter or an extractor first asks for it.

mod authenticate;
pub mod body;
pub mod content_type;
mod direct;
pub mod dispatch;
pub mod encoding;
pub(crate) mod envelope;
mod fallback;
pub(crate) mod stages;
pub mod strict;
mod tree_limits;
mod typed_first;

pub(crate) use direct::DirectRoute;
pub(crate) use typed_first::TypedFirst;

use std::sync::Arc;

use axum::extract::{Request as HttpRequest, State};
use axum::middleware::{from_fn_with_state, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use http::{header, HeaderValue};
use tower_http::catch_panic::CatchPanicLayer;

use body::IngestedPayload;
use dispatch::NotificationDispatcher;
use stages::{Ingested, Stages};

use crate::error::ApiError;
use crate::ops::layer::{ObserveLayer, Observed};
use crate::ops::metrics::{METRICS_CHALLENGE, METRICS_CONTENT_TYPE};
use crate::ops::{InFlight, Metrics, MetricsToken, OpsOptions};

/// What the pipeline is built from.
pub(crate) struct Pipeline<S> {
    pub(crate) path: String,
    pub(crate) dispatcher: NotificationDispatcher<S>,
    /// The Clustaar endpoint's stages.
    pub(crate) stages: Stages,
    /// The generic HTTP routes (`crate::http`), on their own paths.
    pub(crate) http: Router,
    /// Their declared paths (the `route` label of their metrics).
    pub(crate) http_paths: Vec<String>,
    /// Probes, metrics, request ids and spans.
    pub(crate) ops: OpsOptions,
    /// The requests in flight (named when a shutdown cuts them).
    pub(crate) in_flight: InFlight,
    /// Pages of their own, outside the stages (the inbox's page).
    pub(crate) pages: Option<Pages>,
}

/// Routes served beside the webhook's, outside its stages (they check their own access), with
/// the patterns they are counted and logged under.
pub(crate) struct Pages {
    /// Their route patterns.
    pub(crate) patterns: Vec<String>,
    /// Their router.
    pub(crate) router: Router,
}

/// `GET <metrics_path>`: the metrics in the Prometheus text format.
async fn render_metrics(metrics: Metrics) -> Response {
    let mut response = Response::new(axum::body::Body::from(metrics.render()));
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(METRICS_CONTENT_TYPE),
    );
    response
}

/// The router of the metrics alone, for their own address (`Webhook::metrics_addr`): no
/// credentials.
pub(crate) fn metrics_router(path: &str, metrics: Metrics) -> Router {
    Router::new().route(path, get(move || render_metrics(metrics.clone())))
}

/// `GET <metrics_path>` on the webhook's own address: the metrics for a request that carries
/// the token, a JSON `401` with `WWW-Authenticate: Bearer realm="metrics"` for the others.
async fn render_guarded_metrics(
    metrics: Metrics,
    token: MetricsToken,
    headers: http::HeaderMap,
) -> Response {
    match token.verify(&headers) {
        Ok(()) => render_metrics(metrics).await,
        Err(refused) => {
            let mut response = ApiError::from(refused).into_response();
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static(METRICS_CHALLENGE),
            );
            response
        }
    }
}

/// The router of the metrics behind their token (`Webhook::metrics_token`).
fn guarded_metrics_router(path: &str, metrics: Metrics, token: MetricsToken) -> Router {
    Router::new().route(
        path,
        get(move |headers: http::HeaderMap| {
            render_guarded_metrics(metrics.clone(), token.clone(), headers)
        }),
    )
}

/// The Clustaar endpoint: the stages, then the dispatcher.
struct Endpoint<S> {
    stages: Stages,
    dispatcher: NotificationDispatcher<S>,
}

impl<S: Send + Sync + 'static> Endpoint<S> {
    /// Takes its `Arc` so that the route's handler is this future itself, with no async block
    /// around it.
    async fn serve(self: Arc<Self>, request: HttpRequest) -> Response {
        let (parts, body) = request.into_parts();
        // An encoded body's wire bytes served the signature check; handlers get it decoded.
        // (Not `match ingest { Ok(..) => dispatch(..).await }`: the match's scrutinee, the
        // whole `Result`, would be kept in the future across the dispatch.)
        let request = match self.stages.ingest(parts, body).await {
            Ok(ingested) => ingested.request,
            Err(refusal) => return refusal,
        };
        dispatch::dispatch(&self.dispatcher, request).await
    }
}

/// The stages in front of the HTTP routes (one middleware, since axum routes each path first):
/// the ingested request's payload, and the bytes received when they were encoded, go on to the
/// path's endpoint (`crate::http::dispatch`) in the extensions.
async fn ingest_http(
    State(stages): State<Arc<Stages>>,
    request: HttpRequest,
    next: Next,
) -> Response {
    let (parts, body) = request.into_parts();
    match stages.ingest(parts, body).await {
        Ok(Ingested { request, received }) => {
            let (mut parts, payload) = request.into_head();
            parts
                .extensions
                .insert(IngestedPayload { payload, received });
            next.run(HttpRequest::from_parts(parts, axum::body::Body::empty()))
                .await
        }
        Err(refusal) => refusal,
    }
}

/// The webhook's routes: the router, and its notifications' route as the server calls it past
/// the router ([`DirectRoute`]: `None` when its path has parameters).
pub(crate) struct Routes {
    /// Every route.
    pub(crate) router: Router,
    /// The notifications' `POST`.
    pub(crate) direct: Option<DirectRoute>,
}

impl From<Router> for Routes {
    fn from(router: Router) -> Self {
        Self {
            router,
            direct: None,
        }
    }
}

impl<S: Send + Sync + 'static> Pipeline<S> {
    /// The axum router serving the webhook, and its notifications' route past the router.
    pub(crate) fn into_routes(self) -> Routes {
        // The HTTP routes get the same ingestion stages, except the JSON content-type rule (a
        // form, a text or an empty body are all fine there) and the Clustaar security checks
        // (each HTTP route verifies its own sender).
        // (`route_layer` on a router without routes panics: only layer one that has some.)
        let mut http = self.http;
        if http.has_routes() {
            let stages = Stages {
                content_type: None,
                max_age: None,
                signature: None,
                basic_auth: None,
                ..self.stages.clone()
            };
            http = http.route_layer(from_fn_with_state(Arc::new(stages), ingest_http));
        }
        // The stages wrap the POST route only, so a wrong method is a plain 405.
        let endpoint = Arc::new(Endpoint {
            stages: self.stages,
            dispatcher: self.dispatcher,
        });
        let direct_endpoint = Arc::clone(&endpoint);
        let serve = move |request: HttpRequest| Arc::clone(&endpoint).serve(request);
        let mut router = Router::new()
            .route(&self.path, post(serve).fallback(fallback::wrong_method))
            .merge(http);
        // The probes and the metrics: routes of their own, outside the stages (no signature,
        // basic auth or authenticator; the metrics behind their token); `Webhook::check_paths`
        // made sure nothing else is there.
        let ops = self.ops;
        // Each declared pattern, and whether it is an operations endpoint.
        let mut patterns: Vec<(&str, bool)> = vec![(&self.path, false)];
        patterns.extend(self.http_paths.iter().map(|path| (path.as_str(), false)));
        if ops.probes {
            let readiness = ops.readiness.clone();
            router = router
                .route(&ops.health_path, get(crate::ops::healthz))
                .route(
                    &ops.ready_path,
                    get(move || crate::ops::readyz(readiness.clone())),
                );
            patterns.extend([
                (ops.health_path.as_str(), true),
                (ops.ready_path.as_str(), true),
            ]);
        }
        if let Some((metrics, token)) = ops.public_metrics() {
            router = router.merge(guarded_metrics_router(
                &ops.metrics_path,
                metrics.clone(),
                token.clone(),
            ));
            patterns.push((&ops.metrics_path, true));
        }
        let pages = self.pages.map(|pages| {
            router = std::mem::take(&mut router).merge(pages.router);
            pages.patterns
        });
        patterns.extend(
            pages
                .iter()
                .flatten()
                .map(|pattern| (pattern.as_str(), false)),
        );
        let observed = Observed::new(
            ops.metrics.clone(),
            ops.request_spans,
            self.in_flight,
            patterns,
        );
        let observed = Arc::new(observed);
        let direct = DirectRoute::new(&self.path, &observed, move |request| {
            Arc::clone(&direct_endpoint).serve(request)
        });
        // Outermost, around each route and the fallback (after axum matched the path): the
        // request id, the span, the metrics.
        let router = router
            .fallback(fallback::unknown_path)
            .layer(CatchPanicLayer::custom(fallback::panicked))
            .layer(ObserveLayer(observed));
        Routes { router, direct }
    }
}
