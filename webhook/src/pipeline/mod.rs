//! The request pipeline: every stage a notification goes through, assembled in one place.
//!
//! From the outside in:
//!
//! | stage | refuses with |
//! |---|---|
//! | panic guard (tower-http `CatchPanicLayer`) | `500` when a handler panics |
//! | content type ([`content_type`]): JSON types only, before the body is read | `415` |
//! | content encoding ([`encoding`]): accepted codings only, before the body is read | `415` |
//! | body buffer: reads the body once, within the limit and the read timeout | `413`, `408`, `400` |
//! | replay prevention, when `request_max_age` is set | `400` |
//! | signature, when `private_key` is set: over the bytes received, before decoding | `400` |
//! | basic authentication, when credentials are set | `403` |
//! | decoding ([`encoding`]): gzip, deflate, br, streaming within the limit | `413`, `400` |
//! | the webhook's [authenticator](crate::auth), when set | `403`, its error, `500` |
//! | dispatch: parse, route, the route's authenticator, extract, handle | `400`, `404`, `403`, the handler's answer |
//!
//! Unknown paths get a JSON `404` and other methods a JSON `405`. The header read timeout is
//! the server's (see [`Webhook::serve`](crate::Webhook::serve)).

mod authenticate;
pub mod body;
mod checks;
pub mod content_type;
pub mod dispatch;
pub mod encoding;
mod fallback;
pub mod strict;

use std::sync::Arc;
use std::time::Duration;

use axum::middleware::from_fn_with_state;
use axum::routing::post;
use axum::Router;
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;

use crate::auth::SharedAuthenticator;
use crate::security::{BasicAuth, ReplayGuard, SignatureVerifier};
use body::BodyRules;
use content_type::ContentTypeCheck;
use dispatch::Dispatcher;
use encoding::AcceptedEncodings;

/// What the pipeline is built from.
pub(crate) struct Pipeline<S> {
    pub(crate) path: String,
    pub(crate) dispatcher: Dispatcher<S>,
    pub(crate) replay: Option<ReplayGuard>,
    pub(crate) signature: Option<SignatureVerifier>,
    pub(crate) basic_auth: Option<BasicAuth>,
    /// The generic HTTP routes (`crate::http`), on their own paths.
    pub(crate) http: Router,
    pub(crate) content_type: ContentTypeCheck,
    pub(crate) encodings: AcceptedEncodings,
    pub(crate) body_read_timeout: Option<Duration>,
    pub(crate) authenticator: Option<SharedAuthenticator>,
}

impl<S: Send + Sync + 'static> Pipeline<S> {
    /// The axum router serving the webhook.
    pub(crate) fn into_router(self) -> Router {
        let body_limit = self.dispatcher.body_limit;
        let body_rules = BodyRules {
            limit: body_limit,
            timeout: self.body_read_timeout,
        };
        // One tower stack, outermost stage first, applied as one route layer: the stages call
        // each other directly, and only the endpoint is a boxed route (a route layer a stage
        // would box and clone every stage on every request). They wrap the POST route only, so
        // a wrong method is a plain 405.
        let stages = ServiceBuilder::new()
            .layer(from_fn_with_state(
                self.content_type,
                content_type::check_content_type,
            ))
            .layer(from_fn_with_state(self.encodings, encoding::check_encoding))
            .layer(from_fn_with_state(body_rules, body::buffer_body))
            .option_layer(
                self.replay
                    .map(|guard| from_fn_with_state(guard, checks::check_replay)),
            )
            .option_layer(
                self.signature
                    .map(|verifier| from_fn_with_state(verifier, checks::check_signature)),
            )
            .option_layer(
                self.basic_auth
                    .map(|auth| from_fn_with_state(auth, checks::check_basic_auth)),
            )
            .layer(from_fn_with_state(body_limit, encoding::decode_body))
            .option_layer(self.authenticator.clone().map(|authenticator| {
                from_fn_with_state(authenticator, authenticate::authenticate)
            }));
        let endpoint = post(dispatch::dispatch::<S>)
            .route_layer(stages)
            .fallback(fallback::wrong_method)
            .with_state(Arc::new(self.dispatcher));
        // The HTTP routes get the same ingestion stages, except the JSON content-type rule (a
        // form, a text or an empty body are all fine there) and the Clustaar security checks
        // (each HTTP route verifies its own sender).
        // (`route_layer` on a router without routes panics: only layer one that has some.)
        let mut http = self.http;
        if http.has_routes() {
            http = http.route_layer(
                ServiceBuilder::new()
                    .layer(from_fn_with_state(self.encodings, encoding::check_encoding))
                    .layer(from_fn_with_state(body_rules, body::buffer_body))
                    .layer(from_fn_with_state(body_limit, encoding::decode_body))
                    .option_layer(self.authenticator.map(|authenticator| {
                        from_fn_with_state(authenticator, authenticate::authenticate)
                    })),
            );
        }
        Router::new()
            .route(&self.path, endpoint)
            .merge(http)
            .fallback(fallback::unknown_path)
            .layer(CatchPanicLayer::custom(fallback::panicked))
    }
}
