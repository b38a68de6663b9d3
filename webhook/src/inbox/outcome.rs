//! What an attempt's answer means: success (`2xx`), a failure to retry, or a [`Permanent`]
//! failure, dead-lettered at once.

use std::fmt;

use axum::response::{IntoResponse, Response};
use http::StatusCode;

use crate::error::ApiError;

/// A response extension: the error a handler's answer stands for (the cause of a
/// [`HandlerError`](crate::HandlerError), the message of a [`Permanent`]), recorded as the
/// event's last error. The client of an inline route never sees it.
#[derive(Debug, Clone)]
#[cfg_attr(not(feature = "durable"), allow(dead_code))]
pub(crate) struct FailureCause(pub(crate) String);

/// A response extension: the failure is permanent.
#[derive(Debug, Clone, Copy)]
struct IsPermanent;

/// A handler's failure that retrying will not fix (a malformed event, an unknown customer): on
/// a durable route the event is dead-lettered at once, with this message; inline, it is a
/// `422` JSON error whose description is the message.
///
/// ```
/// use clustaar_webhook::inbox::Permanent;
///
/// fn check(amount: i64) -> Result<(), Permanent> {
///     if amount < 0 {
///         return Err(Permanent::new(format!("negative amount {amount}")));
///     }
///     Ok(())
/// }
/// assert_eq!(check(-1).unwrap_err().to_string(), "negative amount -1");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Permanent(String);

impl Permanent {
    /// A permanent failure described by `message`.
    pub fn new(message: impl fmt::Display) -> Self {
        Self(message.to_string())
    }
}

impl fmt::Display for Permanent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl IntoResponse for Permanent {
    fn into_response(self) -> Response {
        let mut response = ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "422 Unprocessable Entity",
            self.0.clone(),
        )
        .into_response();
        response.extensions_mut().insert(FailureCause(self.0));
        response.extensions_mut().insert(IsPermanent);
        response
    }
}

/// What an attempt came to.
#[cfg(feature = "durable")]
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum AttemptOutcome {
    /// A `2xx` answer.
    Succeeded,
    /// A failure worth retrying, with its description.
    Failed(String),
    /// A [`Permanent`] failure.
    Permanent(String),
}

/// The most of an error answer's body kept as the event's last error.
#[cfg(feature = "durable")]
const ERROR_BODY_LIMIT: usize = 1024;

/// Reads a handler's answer as the outcome of an attempt.
#[cfg(feature = "durable")]
pub(crate) async fn classify(response: Response) -> AttemptOutcome {
    let status = response.status();
    if status.is_success() {
        return AttemptOutcome::Succeeded;
    }
    let permanent = response.extensions().get::<IsPermanent>().is_some();
    let cause = response.extensions().get::<FailureCause>().cloned();
    let description = match cause {
        Some(FailureCause(cause)) => cause,
        None => {
            let body = axum::body::to_bytes(response.into_body(), ERROR_BODY_LIMIT * 4)
                .await
                .unwrap_or_default();
            let text = String::from_utf8_lossy(&body);
            let text: String = text.chars().take(ERROR_BODY_LIMIT).collect();
            format!("{status}: {text}")
        }
    };
    if permanent {
        AttemptOutcome::Permanent(description)
    } else {
        AttemptOutcome::Failed(description)
    }
}

#[cfg(all(test, feature = "durable"))]
mod tests {
    use super::*;

    #[tokio::test]
    async fn answers_become_outcomes() {
        assert_eq!(
            classify(StatusCode::ACCEPTED.into_response()).await,
            AttemptOutcome::Succeeded
        );
        assert_eq!(
            classify(Permanent::new("bad").into_response()).await,
            AttemptOutcome::Permanent("bad".to_owned())
        );
        assert_eq!(
            classify((StatusCode::BAD_GATEWAY, "upstream").into_response()).await,
            AttemptOutcome::Failed("502 Bad Gateway: upstream".to_owned())
        );
    }
}
