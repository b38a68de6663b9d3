//! Reads the body once, within a size limit and a time limit, for every later stage.
//!
//! The limit applies to the bytes received; the decoding stage (`encoding.rs`) applies it again
//! to the decoded bytes. The time limit ([`Webhook::body_read_timeout`](crate::Webhook::body_read_timeout))
//! bounds the whole read, so a sender trickling a byte now and then cannot hold a connection:
//! past it the answer is a `408` and the connection is closed.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::Body;
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use http::{header, HeaderValue, StatusCode};
use http_body_util::{BodyExt, LengthLimitError, Limited};

use crate::error::{status_title, ApiError, RejectionStage};

/// What the ingestion middleware of the HTTP routes hands to their endpoint, in the request's
/// extensions: the ingested request's payload, and the body as received when it was encoded
/// (what a signature covers).
#[derive(Clone)]
pub(crate) struct IngestedPayload {
    pub(crate) payload: std::sync::Arc<crate::request::Payload>,
    pub(crate) received: Option<Bytes>,
}

/// Why the body could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BodyError {
    /// The body is larger than the limit: `413`.
    #[error("The request body is larger than the limit of {limit} bytes.")]
    TooLarge {
        /// The limit, in bytes.
        limit: usize,
    },
    /// The body did not arrive within the time limit: `408`.
    #[error("The request body did not arrive within {} seconds.", .0.as_secs_f64())]
    Timeout(Duration),
    /// The connection failed while the body was read: `400`.
    #[error("The request body could not be read: {0}.")]
    Read(String),
}

impl From<BodyError> for ApiError {
    fn from(error: BodyError) -> Self {
        match error {
            BodyError::TooLarge { .. } => ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                status_title(StatusCode::PAYLOAD_TOO_LARGE),
                error.to_string(),
            )
            .at_stage(RejectionStage::Limit),
            BodyError::Timeout(_) => ApiError::new(
                StatusCode::REQUEST_TIMEOUT,
                status_title(StatusCode::REQUEST_TIMEOUT),
                error.to_string(),
            )
            .at_stage(RejectionStage::Timeout),
            BodyError::Read(_) => ApiError::bad_request("Unreadable body", error.to_string())
                .at_stage(RejectionStage::Body),
        }
    }
}

/// Reads at most `limit` bytes of `body`.
pub(crate) async fn read_limited(body: Body, limit: usize) -> Result<Bytes, BodyError> {
    match Limited::new(body, limit).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(error) if error.downcast_ref::<LengthLimitError>().is_some() => {
            Err(BodyError::TooLarge { limit })
        }
        Err(error) => Err(BodyError::Read(error.to_string())),
    }
}

/// How the body stage reads: at most `limit` bytes, within `timeout`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct BodyRules {
    pub(crate) limit: usize,
    pub(crate) timeout: Option<Duration>,
}

/// `future`'s output if it ends within `timeout` of this call, `None` if not. The timer is made
/// only when the future is not ready at its first poll: a body already in hyper's buffer (a
/// notification's, nearly always) then costs no timer, where `tokio::time::timeout` makes one
/// for every request (the runtime's handle read, a timer entry built and dropped).
fn within<F: Future>(timeout: Duration, future: F) -> Within<F> {
    Within {
        future,
        deadline: tokio::time::Instant::now() + timeout,
        timer: None,
    }
}

pin_project_lite::pin_project! {
    /// [`within`]'s future. The timer is boxed: it is made for a slow body only, and unboxed it
    /// would add its ~200 bytes to the future of every notification, which is moved a few
    /// times before it is polled (as an `async fn` with `tokio::time::timeout_at`, this was
    /// 592 bytes around a 192-byte read).
    struct Within<F> {
        #[pin]
        future: F,
        deadline: tokio::time::Instant,
        timer: Option<Pin<Box<tokio::time::Sleep>>>,
    }
}

impl<F: Future> Future for Within<F> {
    type Output = Option<F::Output>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        if let Poll::Ready(output) = this.future.poll(cx) {
            return Poll::Ready(Some(output));
        }
        let deadline = *this.deadline;
        let timer = this
            .timer
            .get_or_insert_with(|| Box::pin(tokio::time::sleep_until(deadline)));
        timer.as_mut().poll(cx).map(|()| None)
    }
}

/// Reads the body (or answers `413`, `408`, `400`); past the time limit the connection is closed.
pub(crate) async fn read_body(rules: BodyRules, body: Body) -> Result<Bytes, Response> {
    let read = match rules.timeout {
        Some(timeout) => within(timeout, read_limited(body, rules.limit))
            .await
            .unwrap_or(Err(BodyError::Timeout(timeout))),
        None => read_limited(body, rules.limit).await,
    };
    read.map_err(|error| {
        let timed_out = matches!(error, BodyError::Timeout(_));
        let mut response = ApiError::from(error).into_response();
        if timed_out {
            // The rest of the body is not worth waiting for: close the connection.
            response
                .headers_mut()
                .insert(header::CONNECTION, HeaderValue::from_static("close"));
        }
        response
    })
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::within;

    /// A ready future needs no timer: on a runtime without one (where `tokio::time::timeout`
    /// panics), it is answered.
    #[test]
    fn a_ready_future_makes_no_timer() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let output = runtime.block_on(within(Duration::from_secs(1), async { 7 }));
        assert_eq!(output, Some(7));
    }

    #[tokio::test(start_paused = true)]
    async fn a_pending_future_has_its_time_from_the_call() {
        let slow = within(Duration::from_secs(30), async {
            tokio::time::sleep(Duration::from_secs(29)).await;
            "read"
        });
        assert_eq!(slow.await, Some("read"));
        let started = tokio::time::Instant::now();
        let stuck = within(Duration::from_secs(30), std::future::pending::<()>());
        assert_eq!(stuck.await, None);
        assert_eq!(started.elapsed(), Duration::from_secs(30));
        let late = within(Duration::from_secs(30), async {
            tokio::time::sleep(Duration::from_secs(31)).await;
        });
        assert_eq!(late.await, None);
    }
}
