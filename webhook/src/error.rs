//! The JSON error every refusal is answered with.
//!
//! Each source of failure (the signature check, basic authentication, the max-age check, the
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
/// use clustaar_webhook::{ApiError, StatusCode};
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
    stage: Option<RejectionStage>,
}

/// The stage of the pipeline that refused a request: the `stage` label of the
/// `webhook_rejections_total` metric ([`ops`](crate::ops)).
///
/// Each error type of the pipeline says its stage when it becomes an [`ApiError`]; the answer
/// carries it (a [`Rejected`] extension of the response), and the metrics layer counts it
/// there, in one place. An `ApiError` a handler returns has no stage: it is the handler's
/// answer, not a refusal of the pipeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RejectionStage {
    /// A `Content-Type` that is not accepted (`415`).
    ContentType,
    /// A `Content-Encoding` that is not accepted, or a body that does not decode (`415`, `400`).
    Encoding,
    /// A body over the limit, as received or once decoded (`413`).
    Limit,
    /// A body that did not arrive within the body read timeout (`408`).
    Timeout,
    /// A body that could not be read (`400`).
    Body,
    /// A `Date` too old, missing or malformed: the max-age check (`400`).
    MaxAge,
    /// A signature refused: Clustaar's `X-Hub-Signature` or an HTTP route's verifier.
    Signature,
    /// Basic authentication refused (`403`).
    BasicAuth,
    /// An authenticator refused, or failed.
    Authenticator,
    /// A body that is not a notification (`400`).
    Payload,
    /// A notification refused by strict validation (`400`).
    Validation,
    /// No route for the path, the notification or the request (`404`).
    NoRoute,
    /// A method the path does not accept (`405`).
    Method,
    /// A handler's argument could not be extracted (axum's rejections, the framework's
    /// extractors, yours).
    Extractor,
}

impl RejectionStage {
    /// The label value: `content_type`, `encoding`, `limit`, `timeout`, `body`, `max_age`,
    /// `signature`, `basic_auth`, `authenticator`, `payload`, `validation`, `no_route`,
    /// `method`, `extractor`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::ContentType => "content_type",
            Self::Encoding => "encoding",
            Self::Limit => "limit",
            Self::Timeout => "timeout",
            Self::Body => "body",
            Self::MaxAge => "max_age",
            Self::Signature => "signature",
            Self::BasicAuth => "basic_auth",
            Self::Authenticator => "authenticator",
            Self::Payload => "payload",
            Self::Validation => "validation",
            Self::NoRoute => "no_route",
            Self::Method => "method",
            Self::Extractor => "extractor",
        }
    }

    /// Every stage, in pipeline order.
    pub const ALL: [RejectionStage; 14] = [
        Self::ContentType,
        Self::Encoding,
        Self::Limit,
        Self::Timeout,
        Self::Body,
        Self::MaxAge,
        Self::Signature,
        Self::BasicAuth,
        Self::Authenticator,
        Self::Payload,
        Self::Validation,
        Self::NoRoute,
        Self::Method,
        Self::Extractor,
    ];
}

impl fmt::Display for RejectionStage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A response extension: the pipeline refused the request at this stage. Set by
/// [`ApiError`]'s `IntoResponse` when the error has a stage; read by the metrics layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rejected(pub RejectionStage);

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
            stage: None,
        }
    }

    /// The same error, refused at `stage` (counted in `webhook_rejections_total{stage}`). The
    /// pipeline's errors have their stage already; give one to the errors of your own tower
    /// layers or extractors to count them the same way.
    #[must_use]
    pub fn at_stage(mut self, stage: RejectionStage) -> Self {
        self.stage = Some(stage);
        self
    }

    /// The stage of the pipeline that refused the request; `None` for a handler's own error.
    pub fn stage(&self) -> Option<RejectionStage> {
        self.stage
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
        if let Some(stage) = self.stage {
            response.extensions_mut().insert(Rejected(stage));
        }
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
    fn a_stage_travels_with_the_answer() {
        let plain = ApiError::bad_request("Bad", "worse");
        assert_eq!(plain.stage(), None);
        assert!(plain
            .into_response()
            .extensions()
            .get::<Rejected>()
            .is_none());
        let refused = ApiError::bad_request("Bad", "worse").at_stage(RejectionStage::MaxAge);
        assert_eq!(refused.stage(), Some(RejectionStage::MaxAge));
        assert_eq!(
            refused.into_response().extensions().get::<Rejected>(),
            Some(&Rejected(RejectionStage::MaxAge))
        );
        let names: Vec<&str> = RejectionStage::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(names.len(), 14);
        assert!(names
            .iter()
            .all(|name| name.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')));
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
