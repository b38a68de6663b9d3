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
use serde::de::DeserializeOwned;

use crate::error::ApiError;
use crate::models::load::load;
use crate::models::{StepReached, WebhookRequest};
use crate::request::{payload_of, Payload};
use crate::Request;

/// The request's payload, or the `500` of an extractor used outside the framework's handlers.
pub(crate) fn payload(parts: &Parts, extractor: &str) -> Result<Arc<Payload>, ApiError> {
    payload_of(parts).cloned().ok_or_else(|| {
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

fn invalid_notification(error: &dyn std::fmt::Display) -> ApiError {
    ApiError::bad_request(
        "Invalid notification",
        format!("The notification cannot be loaded: {error}."),
    )
}

/// The notification's `data`, read from the body's bytes.
#[derive(serde::Deserialize)]
struct DataOf<T> {
    data: T,
}

impl<S: Send + Sync> FromRequestParts<S> for StepReached {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        let payload = payload(parts, "StepReached")?;
        // Straight from the bytes when the JSON tree was not built (the usual case); the tree,
        // which finds every error at its path, when that fails.
        if let Some(DataOf { data }) = payload.deserialize_body() {
            return Ok(data);
        }
        let data = payload.json().get("data").ok_or_else(|| {
            ApiError::bad_request(
                "Invalid notification",
                "The notification has no \"data\" field.",
            )
        })?;
        load::<StepReached>(data, "data").map_err(|errors| invalid_notification(&errors))
    }
}

impl<S: Send + Sync, E: DeserializeOwned> FromRequestParts<S> for WebhookRequest<E> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        let payload = payload(parts, "WebhookRequest")?;
        if let Some(notification) = payload.deserialize_body() {
            return Ok(notification);
        }
        load::<WebhookRequest<E>>(payload.json(), "")
            .map_err(|errors| invalid_notification(&errors))
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
