//! The security checks as middlewares, each a thin wrapper around its verifier.

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::body::BufferedBody;
use crate::error::ApiError;
use crate::security::{BasicAuth, ReplayGuard, SignatureVerifier};

/// Refuses requests older than the guard's maximum age.
pub(crate) async fn check_replay(
    State(guard): State<ReplayGuard>,
    request: Request,
    next: Next,
) -> Response {
    match guard.check(request.headers()) {
        Ok(()) => next.run(request).await,
        Err(error) => ApiError::from(error).into_response(),
    }
}

/// Refuses requests whose `X-Hub-Signature` does not match the raw body.
pub(crate) async fn check_signature(
    State(verifier): State<SignatureVerifier>,
    request: Request,
    next: Next,
) -> Response {
    let body = request
        .extensions()
        .get::<BufferedBody>()
        .map(|body| body.0.as_ref())
        .unwrap_or_default();
    match verifier.verify(request.headers(), body) {
        Ok(()) => next.run(request).await,
        Err(error) => ApiError::from(error).into_response(),
    }
}

/// Refuses requests without the right basic-auth credentials.
pub(crate) async fn check_basic_auth(
    State(auth): State<BasicAuth>,
    request: Request,
    next: Next,
) -> Response {
    match auth.verify(request.headers()) {
        Ok(()) => next.run(request).await,
        Err(error) => {
            tracing::debug!(%error, "basic authentication refused");
            ApiError::from(error).into_response()
        }
    }
}
