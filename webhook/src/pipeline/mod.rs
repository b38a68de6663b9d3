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
        // Layers wrap what is already there: add the innermost stage first. They wrap the POST
        // route only, so a wrong method is a plain 405.
        let body_rules = BodyRules {
            limit: body_limit,
            timeout: self.body_read_timeout,
        };
        let encodings = self.encodings;
        let webhook_authenticator = self.authenticator.clone();
        let mut endpoint = post(dispatch::dispatch::<S>);
        if let Some(authenticator) = self.authenticator {
            endpoint = endpoint.route_layer(from_fn_with_state(
                authenticator,
                authenticate::authenticate,
            ));
        }
        endpoint = endpoint.route_layer(from_fn_with_state(body_limit, encoding::decode_body));
        if let Some(auth) = self.basic_auth {
            endpoint = endpoint.route_layer(from_fn_with_state(auth, checks::check_basic_auth));
        }
        if let Some(verifier) = self.signature {
            endpoint = endpoint.route_layer(from_fn_with_state(verifier, checks::check_signature));
        }
        if let Some(guard) = self.replay {
            endpoint = endpoint.route_layer(from_fn_with_state(guard, checks::check_replay));
        }
        let endpoint = endpoint
            .route_layer(from_fn_with_state(body_rules, body::buffer_body))
            .route_layer(from_fn_with_state(self.encodings, encoding::check_encoding))
            .route_layer(from_fn_with_state(
                self.content_type,
                content_type::check_content_type,
            ))
            .fallback(fallback::wrong_method)
            .with_state(Arc::new(self.dispatcher));
        // The HTTP routes get the same ingestion stages, except the JSON content-type rule (a
        // form, a text or an empty body are all fine there) and the Clustaar security checks
        // (each HTTP route verifies its own sender).
        // (`route_layer` on a router without routes panics: only layer one that has some.)
        let mut http = self.http;
        if http.has_routes() {
            if let Some(authenticator) = webhook_authenticator {
                http = http.route_layer(from_fn_with_state(
                    authenticator,
                    authenticate::authenticate,
                ));
            }
            http = http
                .route_layer(from_fn_with_state(body_limit, encoding::decode_body))
                .route_layer(from_fn_with_state(body_rules, body::buffer_body))
                .route_layer(from_fn_with_state(encodings, encoding::check_encoding));
        }
        Router::new()
            .route(&self.path, endpoint)
            .merge(http)
            .fallback(fallback::unknown_path)
            .layer(CatchPanicLayer::custom(fallback::panicked))
    }
}
