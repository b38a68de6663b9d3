//! Handler arguments: axum extractors, and the framework's own types implementing axum's
//! [`FromRequestParts`].
//!
//! A handler's arguments are anything that implements axum's `FromRequestParts<S>` (every
//! argument) or `FromRequest<S>` (the last one, which may read the body): axum's own extractors,
//! those of other crates, and yours. The framework adds:
//!
//! | argument | what it holds |
//! |---|---|
//! | [`StepReached`] | the typed `data` of a `conversation.step_reached` notification |
//! | [`WebhookRequest<E>`] | the whole notification (`topic`, `botID`, `timestamp`, typed `data`) |
//! | [`RawBody`] | the body, byte for byte (decoded) |
//! | [`Request`] | the request as filters see it: head, body, JSON |
//! | [`HttpEvent`](crate::http::HttpEvent) | an HTTP route's request, as its CEL filter sees it |
//! | [`Identity<U>`](crate::auth::Identity), `Option<Identity<U>>` | who the [authenticator](crate::auth) identified |
//!
//! and, from axum: `HeaderMap`, `Method`, `Uri`, [`State<T>`](axum::extract::State),
//! [`Extension<T>`](axum::Extension), [`Json<T>`](axum::Json) (last argument),
//! [`Path<T>`](axum::extract::Path) (HTTP routes), `Query<T>`...
//!
//! [`StepReached`] and [`WebhookRequest<E>`] implement `FromRequestParts` with the models, in
//! [`models::axum`](crate::models::axum) (their rejection is a
//! [`NotificationRejection`], which converts into an
//! [`ApiError`]).
//!
//! The framework's extractors read the request that ingestion built once: they work in the
//! handlers the framework calls. A rejection that axum answers as plain text becomes the JSON
//! error every refusal has (`{"title", "description"}`), with the same status.
//!
//! Your own extractor, a tenant read from a header:
//!
//! ```
//! use axum::extract::FromRequestParts;
//! use http::request::Parts;
//! use clustaar_webhook::ApiError;
//!
//! struct Tenant(String);
//!
//! impl<S: Send + Sync> FromRequestParts<S> for Tenant {
//!     type Rejection = ApiError;
//!
//!     async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
//!         parts
//!             .headers
//!             .get("x-tenant")
//!             .and_then(|value| value.to_str().ok())
//!             .map(|tenant| Tenant(tenant.to_owned()))
//!             .ok_or_else(|| ApiError::bad_request("Missing tenant", "Send an X-Tenant header."))
//!     }
//! }
//! ```

use std::sync::Arc;

use axum::extract::FromRequestParts;
use bytes::Bytes;
use http::request::Parts;

use crate::error::ApiError;
use crate::models::axum::NotificationRejection;
#[cfg(doc)]
use crate::models::{StepReached, WebhookRequest};
use crate::request::{payload_of, Payload};
use crate::Request;

/// The request's payload, or the `500` of an extractor used outside the framework's handlers.
pub(crate) fn payload(parts: &Parts, extractor: &str) -> Result<Arc<Payload>, ApiError> {
    payload_of(parts).ok_or_else(|| {
        tracing::error!(
            extractor,
            "an extractor of the webhook framework was used outside its handlers"
        );
        ApiError::internal(format!(
            "`{extractor}` reads the request the webhook framework ingested: it works in the \
             handlers of a `Webhook`, not in another axum route."
        ))
    })
}

/// The models' extractors ([`StepReached`], [`WebhookRequest<E>`], implemented with the models
/// in `clustaar_schemas::axum`) refuse a notification with their own error; it converts into the
/// framework's.
impl From<NotificationRejection> for ApiError {
    fn from(rejection: NotificationRejection) -> Self {
        ApiError::new(rejection.status(), rejection.title(), rejection.to_string())
    }
}

/// The request body, byte for byte as received (once decoded).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawBody(pub Bytes);

impl<S: Send + Sync> FromRequestParts<S> for RawBody {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        Ok(RawBody(payload(parts, "RawBody")?.body().clone()))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Request {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        Request::from_handler_parts(parts).ok_or_else(|| {
            payload(parts, "Request")
                .err()
                .unwrap_or_else(|| ApiError::internal("The request cannot be read."))
        })
    }
}
