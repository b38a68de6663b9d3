//! The request pipeline: every stage a notification goes through, assembled in one place.
//!
//! From the outside in:
//!
//! | stage | refuses with |
//! |---|---|
//! | panic guard (tower-http `CatchPanicLayer`) | `500` when a handler panics |
//! | body buffer: reads the body once, within the limit | `413`, `400` |
//! | replay prevention, when `request_max_age` is set | `400` |
//! | signature, when `private_key` is set | `400` |
//! | basic authentication, when credentials are set | `403` |
//! | dispatch: parse, route, extract, handle | `400`, `404`, the handler's answer |
//!
//! Unknown paths get a JSON `404` and other methods a JSON `405`. Later stages (content types,
//! encodings, authenticators) slot in here as further layers.

pub mod body;
mod checks;
pub mod dispatch;
mod fallback;
pub mod strict;

use std::sync::Arc;

use axum::middleware::from_fn_with_state;
use axum::routing::post;
use axum::Router;
use tower_http::catch_panic::CatchPanicLayer;

use crate::security::{BasicAuth, ReplayGuard, SignatureVerifier};
use dispatch::Dispatcher;

/// What the pipeline is built from.
pub(crate) struct Pipeline<S> {
    pub(crate) path: String,
    pub(crate) dispatcher: Dispatcher<S>,
    pub(crate) replay: Option<ReplayGuard>,
    pub(crate) signature: Option<SignatureVerifier>,
    pub(crate) basic_auth: Option<BasicAuth>,
}

impl<S: Send + Sync + 'static> Pipeline<S> {
    /// The axum router serving the webhook.
    pub(crate) fn into_router(self) -> Router {
        let body_limit = self.dispatcher.body_limit;
        // Layers wrap what is already there: add the innermost stage first. They wrap the POST
        // route only, so a wrong method is a plain 405.
        let mut endpoint = post(dispatch::dispatch::<S>);
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
            .route_layer(from_fn_with_state(body_limit, body::buffer_body))
            .fallback(fallback::wrong_method)
            .with_state(Arc::new(self.dispatcher));
        Router::new()
            .route(&self.path, endpoint)
            .fallback(fallback::unknown_path)
            .layer(CatchPanicLayer::custom(fallback::panicked))
    }
}
