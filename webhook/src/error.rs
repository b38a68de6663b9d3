//! The JSON error every refusal is answered with.
//!
//! Each source of failure (the signature check, basic authentication, replay prevention, the
//! body, the payload, routing, a handler) has its own error type in its own module; all of them
//! convert into [`ApiError`], the one shape the server puts on the wire:
//!
//! ```json
//! {"title": "Invalid credentials", "description": "This call needs authentication"}
//! ```

use std::borrow::Cow;
use std::fmt;

use axum::response::{IntoResponse, Response};
use http::{header, HeaderValue, StatusCode};
use serde::Serialize;

/// An HTTP error answered as a JSON object with a `title` and a `description`.
///
/// A handler may return it (directly, or as the error of a `Result`) to answer with a status of
/// its choice:
///
/// ```
/// use webhook::{ApiError, StatusCode};
///
/// let error = ApiError::new(StatusCode::CONFLICT, "Busy", "Try again in a minute.");
/// assert_eq!(error.status(), StatusCode::CONFLICT);
/// assert_eq!(
///     error.to_json(),
///     r#"{"title":"Busy","description":"Try again in a minute."}"#
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{status}: {title}: {description}")]
pub struct ApiError {
    status: StatusCode,
    title: Cow<'static, str>,
    description: Cow<'static, str>,
}

#[derive(Serialize)]
struct Body<'a> {
    title: &'a str,
    description: &'a str,
}

impl ApiError {
    /// Creates an error answered with `status` and the JSON `title` and `description`.
    pub fn new(
        status: StatusCode,
        title: impl Into<Cow<'static, str>>,
        description: impl Into<Cow<'static, str>>,
    ) -> Self {
        Self {
            status,
            title: title.into(),
            description: description.into(),
        }
    }

    /// A `400 Bad Request`.
    pub fn bad_request(
        title: impl Into<Cow<'static, str>>,
        description: impl Into<Cow<'static, str>>,
    ) -> Self {
        Self::new(StatusCode::BAD_REQUEST, title, description)
    }

    /// A `500 Internal Server Error` whose description says what failed, without internals.
    pub fn internal(description: impl Into<Cow<'static, str>>) -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "500 Internal Server Error",
            description,
        )
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The JSON `title`.
    pub fn title(&self) -> &str {
        &self.title
    }

    /// The JSON `description`.
    pub fn description(&self) -> &str {
        &self.description
    }

    /// The JSON body, as sent.
    pub fn to_json(&self) -> String {
        serde_json::to_string(&Body {
            title: &self.title,
            description: &self.description,
        })
        .unwrap_or_default()
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.status, self.to_json()).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        response
    }
}

/// Formats a title the way the reference (Falcon) does for its generic errors: `"404 Not Found"`.
pub(crate) fn status_title(status: StatusCode) -> String {
    struct Title(StatusCode);
    impl fmt::Display for Title {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(
                f,
                "{} {}",
                self.0.as_u16(),
                self.0.canonical_reason().unwrap_or("Error")
            )
        }
    }
    Title(status).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_json_with_the_status() {
        let response = ApiError::bad_request("Bad", "worse").into_response();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        assert_eq!(
            response.headers()[header::CONTENT_TYPE],
            HeaderValue::from_static("application/json")
        );
    }

    #[test]
    fn escapes_quotes_in_descriptions() {
        let error = ApiError::bad_request("t", r#"the "Date" header"#);
        assert_eq!(
            error.to_json(),
            r#"{"title":"t","description":"the \"Date\" header"}"#
        );
    }

    #[test]
    fn titles_like_falcon() {
        assert_eq!(status_title(StatusCode::NOT_FOUND), "404 Not Found");
        assert_eq!(
            status_title(StatusCode::PAYLOAD_TOO_LARGE),
            "413 Payload Too Large"
        );
    }
}
