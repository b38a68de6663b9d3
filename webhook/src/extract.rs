//! Handler arguments, extracted from the [`Request`] in the axum style.
//!
//! | argument | what it holds |
//! |---|---|
//! | [`StepReached`] | the typed `data` of a `conversation.step_reached` notification |
//! | [`WebhookRequest<E>`] | the whole notification (`topic`, `botID`, `timestamp`, typed `data`) |
//! | [`HeaderMap`] | the request's headers |
//! | [`RawBody`] | the body, byte for byte |
//! | [`Json<T>`] | the body deserialised into any `T` (`serde_json::Value` for the raw JSON) |
//! | [`State<T>`] | the webhook's shared state, or a part of it (see [`FromState`]) |
//! | [`Extension<T>`] | a value a layer stored in the request's extensions |
//! | [`Identity<U>`](crate::auth::Identity), `Option<Identity<U>>` | who the [authenticator](crate::auth) identified |
//! | [`Method`], [`Uri`] | the request line |
//! | `Arc<Request>` | everything above |

use std::sync::Arc;

use axum::extract::State;
use axum::{Extension, Json};
use bytes::Bytes;
use http::{HeaderMap, Method, Uri};
use serde::de::DeserializeOwned;

use crate::error::ApiError;
use crate::models::load::load;
use crate::models::{StepReached, WebhookRequest};
use crate::state::FromState;
use crate::Request;

/// A type a handler can take as an argument.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be an argument of a webhook handler",
    label = "this argument is not an extractor",
    note = "a handler's arguments are extractors: `StepReached`, `WebhookRequest<E>`, `HeaderMap`, `RawBody`, `Json<T>`, `State<T>`, `Extension<T>`, `Identity<U>`, `Method`, `Uri` or `Arc<Request>`; an HTTP route's handler also takes `HttpEvent` and `Path<T>`",
    note = "for `State<T>`, the webhook's state must be a `T`, hold one (`StateMap`), or implement `FromState` for it"
)]
pub trait Extract<S>: Sized {
    /// Extracts the argument; an error is answered as is (usually a `400`).
    fn extract(request: &Arc<Request>, state: &S) -> Result<Self, ApiError>;
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

impl<S> Extract<S> for StepReached {
    fn extract(request: &Arc<Request>, _: &S) -> Result<Self, ApiError> {
        // Straight from the bytes when the JSON tree was not built (the usual case); the tree,
        // which finds every error at its path, when that fails.
        if let Some(DataOf { data }) = request.deserialize_body() {
            return Ok(data);
        }
        let data = request.json().get("data").ok_or_else(|| {
            ApiError::bad_request(
                "Invalid notification",
                "The notification has no \"data\" field.",
            )
        })?;
        load::<StepReached>(data, "data").map_err(|errors| invalid_notification(&errors))
    }
}

impl<S, E: DeserializeOwned> Extract<S> for WebhookRequest<E> {
    fn extract(request: &Arc<Request>, _: &S) -> Result<Self, ApiError> {
        if let Some(notification) = request.deserialize_body() {
            return Ok(notification);
        }
        load::<WebhookRequest<E>>(request.json(), "")
            .map_err(|errors| invalid_notification(&errors))
    }
}

impl<S, T: DeserializeOwned> Extract<S> for Json<T> {
    fn extract(request: &Arc<Request>, _: &S) -> Result<Self, ApiError> {
        // From the bytes when no filter built the JSON tree (no copy of the tree); from the tree,
        // for its error message, when that fails.
        if let Some(value) = request.deserialize_body() {
            return Ok(Json(value));
        }
        T::deserialize(request.json())
            .map(Json)
            .map_err(|error| invalid_notification(&error))
    }
}

/// The request body, byte for byte as received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawBody(pub Bytes);

impl<S> Extract<S> for RawBody {
    fn extract(request: &Arc<Request>, _: &S) -> Result<Self, ApiError> {
        Ok(RawBody(request.body().clone()))
    }
}

impl<S> Extract<S> for HeaderMap {
    fn extract(request: &Arc<Request>, _: &S) -> Result<Self, ApiError> {
        Ok(request.headers().clone())
    }
}

impl<S> Extract<S> for Method {
    fn extract(request: &Arc<Request>, _: &S) -> Result<Self, ApiError> {
        Ok(request.method().clone())
    }
}

impl<S> Extract<S> for Uri {
    fn extract(request: &Arc<Request>, _: &S) -> Result<Self, ApiError> {
        Ok(request.uri().clone())
    }
}

impl<S> Extract<S> for Arc<Request> {
    fn extract(request: &Arc<Request>, _: &S) -> Result<Self, ApiError> {
        Ok(Arc::clone(request))
    }
}

impl<S, T> Extract<S> for State<T>
where
    T: FromState<S>,
{
    fn extract(_: &Arc<Request>, state: &S) -> Result<Self, ApiError> {
        T::from_state(state).map(State).ok_or_else(|| {
            tracing::error!(
                state = std::any::type_name::<T>(),
                "a handler asks for state the webhook does not hold"
            );
            ApiError::internal(format!(
                "The handler asks for state of type `{}` that the webhook does not hold.",
                std::any::type_name::<T>()
            ))
        })
    }
}

impl<S, T> Extract<S> for Extension<T>
where
    T: Clone + Send + Sync + 'static,
{
    fn extract(request: &Arc<Request>, _: &S) -> Result<Self, ApiError> {
        request
            .extensions()
            .get::<T>()
            .cloned()
            .map(Extension)
            .ok_or_else(|| {
                ApiError::internal(format!(
                    "The handler asks for an extension of type `{}` that no layer provided.",
                    std::any::type_name::<T>()
                ))
            })
    }
}
