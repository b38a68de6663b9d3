//! [`SenderEvent`]: what a sender preset read from a request, for the handler.

use axum::extract::FromRequestParts;
use http::request::Parts;

use crate::error::ApiError;

/// The facts a sender preset read from a request it accepted: the provider, the event type as
/// the provider names it, its delivery id and the signed timestamp. A handler argument on a
/// route with a sender (`HttpRoute::sender`, `#[on(..., sender = ...)]`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SenderEvent {
    /// The preset's name: `stripe`, `github`...
    pub sender: &'static str,
    /// The event type (`invoice.paid`, `push`), when the request says.
    pub event: Option<String>,
    /// The provider's delivery id (the same on every retry of a delivery), when it sends one.
    pub id: Option<String>,
    /// The signed timestamp, seconds since the Unix epoch, when the scheme signs one.
    pub timestamp: Option<i64>,
}

impl<S: Send + Sync> FromRequestParts<S> for SenderEvent {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        parts.extensions.get::<SenderEvent>().cloned().ok_or_else(|| {
            tracing::error!("a SenderEvent argument on a route without a sender");
            ApiError::internal(
                "SenderEvent is given to the handlers of routes with a sender (`HttpRoute::sender`).",
            )
        })
    }
}
