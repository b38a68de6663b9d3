//! JSON answers for what axum would otherwise answer by itself: unknown paths, wrong methods,
//! panics.

use std::any::Any;

use axum::response::{IntoResponse, Response};
use http::{header, HeaderValue, Method, StatusCode, Uri};

use crate::error::{status_title, ApiError, RejectionStage};

/// `404` for a path where no webhook listens.
pub(crate) async fn unknown_path(uri: Uri) -> Response {
    ApiError::new(
        StatusCode::NOT_FOUND,
        status_title(StatusCode::NOT_FOUND),
        format!("There is no webhook at {}.", uri.path()),
    )
    .at_stage(RejectionStage::NoRoute)
    .into_response()
}

/// `405` for a method other than `POST` on the webhook's path, with `Allow: POST`.
pub(crate) async fn wrong_method(method: Method) -> Response {
    let mut response = ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        status_title(StatusCode::METHOD_NOT_ALLOWED),
        format!("The webhook accepts POST requests, not {method}."),
    )
    .at_stage(RejectionStage::Method)
    .into_response();
    response
        .headers_mut()
        .insert(header::ALLOW, HeaderValue::from_static("POST"));
    response
}

/// `500` for a handler that panicked; the panic message is logged, not sent.
pub(crate) fn panicked(panic: Box<dyn Any + Send + 'static>) -> Response {
    let message = panic
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| panic.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("(no message)");
    tracing::error!(panic = message, "a handler panicked");
    ApiError::internal("The handler panicked; the panic is in the webhook's logs.").into_response()
}
