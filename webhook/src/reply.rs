//! What handlers return, and how it becomes an HTTP response.

use std::any::Any;
use std::fmt::Display;

use axum::response::{IntoResponse, Response};
use axum::Json;
use http::{header, HeaderValue, StatusCode};
use serde::Serialize;

use crate::error::ApiError;
use crate::models::validate::Validate;
use crate::models::StepReachedResponse;

/// A value a handler can return.
///
/// - [`StepReachedResponse`]: `200` with its JSON, once validated (see
///   [`models::validate`](crate::models::validate)); an invalid answer is a `500` naming every
///   broken rule;
/// - [`ApiError`]: that error;
/// - `Result<T, E>` of any of these, where `E: Display`: an `Err` is a `500` JSON error with the
///   cause logged through `tracing` (not sent: it may hold internals), except an `Err` that is an
///   [`ApiError`], answered as is;
/// - [`Json<T>`] and axum's [`Response`], for full control (not validated).
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be returned by a webhook handler",
    label = "a handler must return something that becomes a response",
    note = "return a `StepReachedResponse`, an `ApiError`, a `Result<StepReachedResponse, E>` where `E: Display`, a `Json<T>` or an axum `Response`"
)]
pub trait IntoReply {
    /// The HTTP response.
    fn into_reply(self) -> Response;
}

/// Serialises `value` as a `200` JSON response; a value that cannot be serialised is a `500`.
pub(crate) fn json_response<T: Serialize>(value: &T) -> Response {
    match serde_json::to_vec(value) {
        Ok(bytes) => {
            let mut response = (StatusCode::OK, bytes).into_response();
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            response
        }
        Err(error) => {
            tracing::error!(%error, "the handler's answer cannot be serialised");
            ApiError::internal("The handler's answer cannot be serialised to JSON.").into_response()
        }
    }
}

impl IntoReply for StepReachedResponse {
    /// Validates the answer before sending it: an answer the platform would refuse is a `500`
    /// that names the path and the rule of every error, logged through `tracing`.
    fn into_reply(self) -> Response {
        match self.validate() {
            Ok(()) => json_response(&self),
            Err(errors) => {
                tracing::error!(%errors, "the handler's answer breaks the platform's rules");
                ApiError::internal(format!(
                    "The handler's answer breaks the platform's rules: {errors}."
                ))
                .into_response()
            }
        }
    }
}

impl IntoReply for ApiError {
    fn into_reply(self) -> Response {
        self.into_response()
    }
}

impl IntoReply for Response {
    fn into_reply(self) -> Response {
        self
    }
}

impl<T: Serialize> IntoReply for Json<T> {
    fn into_reply(self) -> Response {
        json_response(&self.0)
    }
}

impl<T, E> IntoReply for Result<T, E>
where
    T: IntoReply,
    E: Display + 'static,
{
    fn into_reply(self) -> Response {
        match self {
            Ok(value) => value.into_reply(),
            Err(error) => {
                if let Some(api_error) = (&error as &dyn Any).downcast_ref::<ApiError>() {
                    return api_error.clone().into_response();
                }
                tracing::error!(error = %error, "the handler failed");
                ApiError::internal("The handler failed; its error is in the webhook's logs.")
                    .into_response()
            }
        }
    }
}
