//! [`Delivery`]: the extractor that tells a durable route's handler which event and which
//! attempt it runs.

use std::time::SystemTime;

use axum::extract::{FromRequestParts, OptionalFromRequestParts};
use http::request::Parts;
use http::StatusCode;

use crate::error::{status_title, ApiError, RejectionStage};

/// The event a durable route's handler runs, and its attempt: the id the `202` gave the
/// sender, the attempt number (1 for the first) and when the event was received.
///
/// Only a handler run from the inbox has one: as an argument it refuses the request (`500`) in
/// a handler called inline; take `Option<Delivery>` for a handler serving both kinds of route.
///
/// ```
/// use clustaar_webhook::inbox::Delivery;
/// use clustaar_webhook::StatusCode;
///
/// async fn on_payment(delivery: Option<Delivery>) -> StatusCode {
///     let attempt = delivery.map_or(1, |delivery| delivery.attempt);
///     tracing::info!(attempt, "processing");
///     StatusCode::OK
/// }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Delivery {
    /// The event's id in the store.
    pub id: i64,
    /// The attempt number: 1 for the first attempt.
    pub attempt: u32,
    /// When the first request of the event was received.
    pub received_at: SystemTime,
}

impl Delivery {
    #[cfg(feature = "durable")]
    pub(crate) fn new(id: i64, attempt: u32, received_at: SystemTime) -> Self {
        Self {
            id,
            attempt,
            received_at,
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Delivery {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        parts.extensions.get::<Delivery>().cloned().ok_or_else(|| {
            ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                status_title(StatusCode::INTERNAL_SERVER_ERROR),
                "This handler reads a Delivery, which only a durable route's handler has: \
                 declare the route durable, or take Option<Delivery>.",
            )
            .at_stage(RejectionStage::Extractor)
        })
    }
}

impl<S: Send + Sync> OptionalFromRequestParts<S> for Delivery {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        _: &S,
    ) -> Result<Option<Self>, std::convert::Infallible> {
        Ok(parts.extensions.get::<Delivery>().cloned())
    }
}
