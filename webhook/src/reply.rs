//! What handlers return: anything that implements axum's [`IntoResponse`].
//!
//! - [`StepReachedResponse`]: `200` with its JSON, once validated (see
//!   [`models::validate`](crate::models::validate)); an invalid answer is a `500` naming every
//!   broken rule;
//! - [`ApiError`]: that error, as JSON;
//! - [`HandlerError`]: a `500` JSON error whose cause is logged, not sent; `?` turns any
//!   `std::error::Error` into one;
//! - `Result<T, E>` of any of these (axum's rule: an `Err` is answered as `E` answers);
//! - and everything else axum answers: `StatusCode`, `String`, [`Json<T>`](axum::Json),
//!   `(StatusCode, T)`, `Response`, `impl IntoResponse`...
//!
//! ```
//! use clustaar_webhook::prelude::*;
//! use clustaar_webhook::HandlerError;
//!
//! async fn greet(event: StepReached) -> Result<StepReachedResponse, HandlerError> {
//!     let count: u32 = "3".parse()?; // any error: a logged `500`
//!     Ok(StepReachedResponse::new().action(SendTextAction::new([format!("{count}")])))
//! }
//! ```

use std::fmt;

use axum::response::{IntoResponse, Response};
use http::{header, HeaderValue, StatusCode};
use serde::Serialize;

use crate::error::ApiError;
use crate::models::validate::Validate;
use crate::models::StepReachedResponse;

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

impl IntoResponse for StepReachedResponse {
    /// Validates the answer before sending it: an answer the platform would refuse is a `500`
    /// that names the path and the rule of every error, logged through `tracing`.
    fn into_response(self) -> Response {
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

/// A handler's failure: answered `500` with a JSON error that does not reveal the cause (it may
/// hold internals), logged through `tracing` with it.
///
/// `?` converts any `std::error::Error` into it (a database error, an I/O error...);
/// [`HandlerError::msg`] makes one from a message.
///
/// ```
/// use clustaar_webhook::HandlerError;
/// use axum::response::IntoResponse;
///
/// fn parse(text: &str) -> Result<u32, HandlerError> {
///     Ok(text.parse::<u32>()?)
/// }
/// let response = parse("x").unwrap_err().into_response();
/// assert_eq!(response.status(), clustaar_webhook::StatusCode::INTERNAL_SERVER_ERROR);
/// assert!(HandlerError::msg("the CRM is down").to_string().contains("CRM"));
/// ```
pub struct HandlerError(Box<dyn std::error::Error + Send + Sync>);

impl HandlerError {
    /// A failure described by `message`.
    pub fn msg(message: impl fmt::Display) -> Self {
        Self(message.to_string().into())
    }

    /// The cause.
    pub fn cause(&self) -> &(dyn std::error::Error + Send + Sync + 'static) {
        &*self.0
    }
}

impl<E: std::error::Error + Send + Sync + 'static> From<E> for HandlerError {
    fn from(error: E) -> Self {
        Self(Box::new(error))
    }
}

impl fmt::Debug for HandlerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl fmt::Display for HandlerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl IntoResponse for HandlerError {
    fn into_response(self) -> Response {
        tracing::error!(error = %self.0, "the handler failed");
        let mut response =
            ApiError::internal("The handler failed; its error is in the webhook's logs.")
                .into_response();
        // A durable route records the cause as the event's last error (never sent).
        response
            .extensions_mut()
            .insert(crate::inbox::FailureCause(self.0.to_string()));
        response
    }
}

#[cfg(all(test, feature = "durable"))]
mod tests {
    use super::*;
    use crate::inbox::outcome::{classify, AttemptOutcome};

    /// A durable handler's error is a failed attempt (retried), with its message.
    #[tokio::test]
    async fn a_handler_error_is_a_failed_attempt() {
        assert_eq!(
            classify(HandlerError::msg("the CRM is down").into_response()).await,
            AttemptOutcome::Failed("the CRM is down".to_owned())
        );
    }
}
