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
//! | replay prevention, when `request_max_age` is set | `400` |
//! | signature, when `private_key` is set: over the bytes received, before decoding | `400` |
//! | basic authentication, when credentials are set | `403` |
//! | decoding ([`encoding`]): gzip, deflate, br, streaming within the limit | `413`, `400` |
//! | the webhook's [authenticator](crate::auth), when set | `403`, its error, `500` |
//! | dispatch: scan the envelope (`envelope`), route, the route's authenticator, extract, handle | `400`, `404`, `403`, the handler's answer |
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
pub mod dispatch;
pub mod encoding;
pub(crate) mod envelope;
mod fallback;
pub(crate) mod stages;
pub mod strict;

use std::sync::Arc;

use axum::extract::{Request as HttpRequest, State};
use axum::middleware::{from_fn_with_state, Next};
use axum::response::Response;
use axum::routing::post;
use axum::Router;
use tower_http::catch_panic::CatchPanicLayer;

use body::IngestedPayload;
use dispatch::Dispatcher;
use stages::{Ingested, Stages};

/// What the pipeline is built from.
pub(crate) struct Pipeline<S> {
    pub(crate) path: String,
    pub(crate) dispatcher: Dispatcher<S>,
    /// The Clustaar endpoint's stages.
    pub(crate) stages: Stages,
    /// The generic HTTP routes (`crate::http`), on their own paths.
    pub(crate) http: Router,
}

/// The Clustaar endpoint: the stages, then the dispatcher.
struct Endpoint<S> {
    stages: Stages,
    dispatcher: Dispatcher<S>,
}

impl<S: Send + Sync + 'static> Endpoint<S> {
    async fn serve(&self, request: HttpRequest) -> Response {
        let (parts, body) = request.into_parts();
        match self.stages.ingest(parts, body).await {
            // An encoded body's wire bytes served the signature check; handlers get it decoded.
            Ok(Ingested { request, .. }) => dispatch::dispatch(&self.dispatcher, request).await,
            Err(refusal) => refusal,
        }
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

impl<S: Send + Sync + 'static> Pipeline<S> {
    /// The axum router serving the webhook.
    pub(crate) fn into_router(self) -> Router {
        // The HTTP routes get the same ingestion stages, except the JSON content-type rule (a
        // form, a text or an empty body are all fine there) and the Clustaar security checks
        // (each HTTP route verifies its own sender).
        // (`route_layer` on a router without routes panics: only layer one that has some.)
        let mut http = self.http;
        if http.has_routes() {
            let stages = Stages {
                content_type: None,
                replay: None,
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
        let serve = move |request: HttpRequest| {
            let endpoint = Arc::clone(&endpoint);
            async move { endpoint.serve(request).await }
        };
        Router::new()
            .route(&self.path, post(serve).fallback(fallback::wrong_method))
            .merge(http)
            .fallback(fallback::unknown_path)
            .layer(CatchPanicLayer::custom(fallback::panicked))
    }
}
