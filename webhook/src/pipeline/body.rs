//! Reads the body once, within a size limit, for every later stage.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use http::StatusCode;
use http_body_util::{BodyExt, LengthLimitError, Limited};

use crate::error::{status_title, ApiError};

/// The body of the request, read once by the body stage; later stages and the dispatcher use it.
#[derive(Debug, Clone)]
pub(crate) struct BufferedBody(pub(crate) Bytes);

/// Why the body could not be read.
#[derive(Debug, thiserror::Error)]
pub enum BodyError {
    /// The body is larger than the limit: `413`.
    #[error("The request body is larger than the limit of {limit} bytes.")]
    TooLarge {
        /// The limit, in bytes.
        limit: usize,
    },
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
            ),
            BodyError::Read(_) => ApiError::bad_request("Unreadable body", error.to_string()),
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

/// The middleware: buffers the body (or answers `413`) and stores it in the extensions.
pub(crate) async fn buffer_body(
    State(limit): State<usize>,
    request: Request,
    next: Next,
) -> Response {
    let (mut parts, body) = request.into_parts();
    match read_limited(body, limit).await {
        Ok(bytes) => {
            parts.extensions.insert(BufferedBody(bytes));
            next.run(Request::from_parts(parts, Body::empty())).await
        }
        Err(error) => ApiError::from(error).into_response(),
    }
}
