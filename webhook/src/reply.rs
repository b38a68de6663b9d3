//! What handlers return: anything that implements axum's [`IntoResponse`].
//!
//! - [`StepReachedResponse`]: `200` with its JSON, once validated (see
//!   [`models::validate`](crate::models::validate)); an invalid answer is a `500` naming every
//!   broken rule ([`AnswerError`](crate::models::axum::AnswerError); the models implement
//!   `IntoResponse` themselves, in [`models::axum`](crate::models::axum));
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

use crate::error::ApiError;
#[cfg(doc)]
use crate::models::StepReachedResponse;

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
