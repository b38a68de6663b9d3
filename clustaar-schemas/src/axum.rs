//! The models in an axum server (feature `axum`): a notification's `data` ([`StepReached`]) or
//! the whole notification ([`WebhookRequest<E>`]) as a handler argument, and the answer
//! ([`StepReachedResponse`]) as a response, validated before it is sent.
//!
//! The extractors do not read the body: a server reads it once (within its limits, decoded) and
//! leaves it in the request's extensions as an [`Ingested`] before its handlers' extractors run.
//! The `clustaar-webhook` crate does so for every handler it calls; in another axum route there is no
//! `Ingested`, and the extractors refuse the request ([`NotificationRejection::NotIngested`]).
//!
//! Refusals and broken answers are answered as the reference answers its errors: a JSON object
//! `{"title", "description"}`. Broken answers are logged through `tracing`, with the target
//! `clustaar_webhook::models` (where the `clustaar-webhook` crate re-exports the models).
//!
//! ```
//! use std::sync::{Arc, OnceLock};
//!
//! use axum_core::extract::FromRequestParts;
//! use clustaar_schemas::axum::{Ingested, IngestedBody};
//! use clustaar_schemas::StepReached;
//! use serde_json::Value;
//!
//! /// A body a server read, its JSON tree built when first asked for.
//! struct Body(Vec<u8>, OnceLock<Value>);
//!
//! impl IngestedBody for Body {
//!     fn bytes(&self) -> &[u8] {
//!         &self.0
//!     }
//!     fn json(&self) -> &Value {
//!         self.1.get_or_init(|| serde_json::from_slice(&self.0).unwrap_or(Value::Null))
//!     }
//!     fn json_if_parsed(&self) -> Option<&Value> {
//!         self.1.get()
//!     }
//! }
//!
//! # block_on(async {
//! let body = br#"{"topic": "conversation.step_reached", "data": {"step": {"id": "1234"}}}"#;
//! let (mut parts, ()) = http::Request::new(()).into_parts();
//! parts.extensions.insert(Ingested::new(Arc::new(Body(body.to_vec(), OnceLock::new()))));
//! let event = StepReached::from_request_parts(&mut parts, &()).await.unwrap();
//! assert_eq!(event.step_id(), Some("1234"));
//! # });
//! # /// Runs the extractor, which never waits: one poll.
//! # fn block_on(future: impl std::future::Future<Output = ()>) {
//! #     let mut future = std::pin::pin!(future);
//! #     let mut context = std::task::Context::from_waker(std::task::Waker::noop());
//! #     assert!(future.as_mut().poll(&mut context).is_ready());
//! # }
//! ```

use std::any::Any;
use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use axum_core::extract::FromRequestParts;
use axum_core::response::{IntoResponse, Response};
use http::request::Parts;
use http::{header, HeaderValue, StatusCode};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use crate::load::{from_json_slice, load, LoadErrors};
use crate::validate::{Validate, ValidationErrors};
use crate::{StepReached, StepReachedResponse, WebhookRequest};

/// A request body that a server read, as the models' extractors read it: its bytes, and its
/// JSON tree built at most once (shared with whatever else of the server reads it). It is held as
/// `dyn IngestedBody + Send + Sync`.
pub trait IngestedBody: Any {
    /// The body, byte for byte as received (decoded).
    fn bytes(&self) -> &[u8];

    /// The body's JSON tree, built on the first call and kept; `null` when the body is not
    /// JSON.
    fn json(&self) -> &Value;

    /// The JSON tree, if something built it already.
    fn json_if_parsed(&self) -> Option<&Value>;

    /// The notification's `data`, when the server already loaded it as a [`StepReached`] (while
    /// routing, say) and nothing took it yet: taken, so a second call gives `None`. The
    /// [`StepReached`] extractor takes it rather than loading the body again. By default the
    /// server keeps none.
    fn take_step_reached(&self) -> Option<StepReached> {
        None
    }
}

/// The body a server read, left in the extensions of the request its handler's extractors see
/// (`http::Extensions`, keyed by this type).
#[derive(Clone)]
pub struct Ingested(Arc<dyn IngestedBody + Send + Sync>);

impl Ingested {
    /// Wraps the body a server read.
    pub fn new(body: Arc<dyn IngestedBody + Send + Sync>) -> Self {
        Self(body)
    }

    /// The body that a server left in a request's extensions, if one did.
    pub fn of(parts: &Parts) -> Option<&Self> {
        parts.extensions.get::<Self>()
    }

    /// The body.
    pub fn body(&self) -> &dyn IngestedBody {
        &*self.0
    }

    /// The body as the server's own type `T`, when it is one: a server keeps one extension for
    /// its own extractors and the models'.
    pub fn downcast<T: IngestedBody + Send + Sync>(&self) -> Option<Arc<T>> {
        let any: Arc<dyn Any + Send + Sync> = Arc::clone(&self.0) as _;
        any.downcast::<T>().ok()
    }
}

impl fmt::Debug for Ingested {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Ingested")
            .field("bytes", &self.0.bytes().len())
            .field("json_parsed", &self.0.json_if_parsed().is_some())
            .finish()
    }
}

/// Why a notification cannot be a handler's argument. Answered as a JSON error: a `500` when
/// no server ingested the request, a `400` titled `Invalid notification` otherwise.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum NotificationRejection {
    /// The extractor ran where no server left the body in the request ([`Ingested`]): in an
    /// axum route of its own rather than in a handler of the webhook framework.
    #[error(
        "`{extractor}` reads the request the webhook framework ingested: it works in the \
         handlers of a `Webhook`, not in another axum route."
    )]
    NotIngested {
        /// The extractor: `StepReached` or `WebhookRequest`.
        extractor: &'static str,
    },
    /// The notification has no `data`.
    #[error("The notification has no \"data\" field.")]
    NoData,
    /// The notification does not load (a field of the wrong type, a malformed known object):
    /// every error with its path.
    #[error("The notification cannot be loaded: {0}.")]
    Invalid(#[source] LoadErrors),
}

impl NotificationRejection {
    /// The HTTP status it is answered with.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::NotIngested { .. } => StatusCode::INTERNAL_SERVER_ERROR,
            Self::NoData | Self::Invalid(_) => StatusCode::BAD_REQUEST,
        }
    }

    /// The JSON `title` it is answered with.
    pub fn title(&self) -> &'static str {
        match self {
            Self::NotIngested { .. } => INTERNAL_TITLE,
            Self::NoData | Self::Invalid(_) => "Invalid notification",
        }
    }
}

impl IntoResponse for NotificationRejection {
    fn into_response(self) -> Response {
        if let Self::NotIngested { extractor } = self {
            tracing::error!(
                target: LOG_TARGET,
                extractor,
                "an extractor of the webhook framework was used outside its handlers"
            );
        }
        error_response(self.status(), self.title(), self.to_string().into())
    }
}

/// Why an answer cannot be sent: answered as a JSON `500` that names what failed (every broken
/// rule, with its path), logged through `tracing`.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AnswerError {
    /// The answer breaks the platform's rules ([`validate`](crate::validate)).
    #[error("The handler's answer breaks the platform's rules: {0}.")]
    Invalid(#[source] ValidationErrors),
    /// The answer cannot be written as JSON (a session value that is not JSON, a non-finite
    /// number).
    #[error("The handler's answer cannot be serialised to JSON.")]
    Serialize(#[source] serde_json::Error),
}

impl IntoResponse for AnswerError {
    fn into_response(self) -> Response {
        match &self {
            Self::Invalid(errors) => {
                tracing::error!(
                    target: LOG_TARGET,
                    %errors,
                    "the handler's answer breaks the platform's rules"
                );
            }
            Self::Serialize(error) => {
                tracing::error!(
                    target: LOG_TARGET,
                    %error,
                    "the handler's answer cannot be serialised"
                );
            }
        }
        error_response(
            StatusCode::INTERNAL_SERVER_ERROR,
            INTERNAL_TITLE,
            self.to_string().into(),
        )
    }
}

/// The room an answer's JSON is given at first, per action (and for the session and the
/// interlocutor).
const ANSWER_BYTES_AN_ACTION: usize = 256;

/// At most this much is reserved before the answer is written (a larger answer grows).
const MAX_INITIAL_ANSWER_BYTES: usize = 64 * 1024;

impl StepReachedResponse {
    /// The answer's JSON, once validated: what [`IntoResponse`] sends with a `200`.
    ///
    /// ```
    /// use clustaar_schemas::{SendTextAction, StepReachedResponse};
    ///
    /// let json = StepReachedResponse::new().action(SendTextAction::new(["hi"])).to_checked_json();
    /// assert!(json.unwrap().starts_with(b"{\"actions\""));
    /// let broken = StepReachedResponse::new().action(SendTextAction::new([""]));
    /// assert!(broken.to_checked_json().is_err());
    /// ```
    pub fn to_checked_json(&self) -> Result<Vec<u8>, AnswerError> {
        self.validate().map_err(AnswerError::Invalid)?;
        // Room for the usual answer at once (an action dumps to about 200 bytes): serde_json's
        // `to_vec` starts at 128 bytes and doubles, copying, up to the answer's size.
        let capacity = ANSWER_BYTES_AN_ACTION.saturating_mul(self.actions.len() + 1);
        let mut json = Vec::with_capacity(capacity.min(MAX_INITIAL_ANSWER_BYTES));
        serde_json::to_writer(&mut json, self).map_err(AnswerError::Serialize)?;
        Ok(json)
    }
}

impl IntoResponse for StepReachedResponse {
    /// Validates the answer before sending it: an answer the platform would refuse is a `500`
    /// that names the path and the rule of every error, logged through `tracing`
    /// ([`AnswerError`]).
    fn into_response(self) -> Response {
        match self.to_checked_json() {
            Ok(bytes) => json(StatusCode::OK, bytes),
            Err(error) => error.into_response(),
        }
    }
}

/// The body a server ingested, or the rejection of an extractor used outside its handlers.
fn ingested(parts: &Parts, extractor: &'static str) -> Result<Ingested, NotificationRejection> {
    Ingested::of(parts)
        .cloned()
        .ok_or(NotificationRejection::NotIngested { extractor })
}

/// The body deserialised as a `T` straight from its bytes, when no JSON tree was built (reading
/// the tree is then cheaper) and the bytes are a `T`; `None` otherwise, and the caller reads the
/// tree, whose errors name their paths.
fn deserialize_body<T: DeserializeOwned>(body: &dyn IngestedBody) -> Option<T> {
    if body.json_if_parsed().is_some() {
        return None;
    }
    from_json_slice(body.bytes()).ok()
}

/// The notification's `data`, read from the body's bytes.
#[derive(serde::Deserialize)]
struct DataOf<T> {
    data: T,
}

impl<S: Send + Sync> FromRequestParts<S> for StepReached {
    type Rejection = NotificationRejection;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let ingested = ingested(parts, "StepReached")?;
        let body = ingested.body();
        if let Some(data) = body.take_step_reached() {
            return Ok(data);
        }
        // Straight from the bytes when the JSON tree was not built (the usual case); the tree,
        // which finds every error at its path, when that fails.
        if let Some(DataOf { data }) = deserialize_body(body) {
            return Ok(data);
        }
        let data = body
            .json()
            .get("data")
            .ok_or(NotificationRejection::NoData)?;
        load::<StepReached>(data, "data").map_err(NotificationRejection::Invalid)
    }
}

impl<S: Send + Sync, E: DeserializeOwned> FromRequestParts<S> for WebhookRequest<E> {
    type Rejection = NotificationRejection;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let ingested = ingested(parts, "WebhookRequest")?;
        let body = ingested.body();
        if let Some(notification) = deserialize_body(body) {
            return Ok(notification);
        }
        load::<WebhookRequest<E>>(body.json(), "").map_err(NotificationRejection::Invalid)
    }
}

/// The target of the errors logged here: the path the `clustaar-webhook` crate re-exports the models at,
/// so that its users' filters on `webhook` (`RUST_LOG=webhook=debug`) keep showing them, as
/// when this code was part of it.
const LOG_TARGET: &str = "clustaar_webhook::models";

/// The title of a `500`, as the reference (Falcon) writes its generic errors.
const INTERNAL_TITLE: &str = "500 Internal Server Error";

/// The reference's JSON error.
#[derive(Serialize)]
struct ErrorBody<'a> {
    title: &'a str,
    description: &'a str,
}

fn error_response(status: StatusCode, title: &str, description: Cow<'_, str>) -> Response {
    let body = serde_json::to_vec(&ErrorBody {
        title,
        description: &description,
    })
    .unwrap_or_default();
    json(status, body)
}

fn json(status: StatusCode, body: Vec<u8>) -> Response {
    let mut response = (status, body).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

#[cfg(test)]
mod tests {
    use std::sync::OnceLock;

    use super::*;
    use crate::{SendTextAction, StepReachedResponse};

    struct Body(Vec<u8>, OnceLock<Value>);

    impl IngestedBody for Body {
        fn bytes(&self) -> &[u8] {
            &self.0
        }
        fn json(&self) -> &Value {
            self.1
                .get_or_init(|| serde_json::from_slice(&self.0).unwrap_or(Value::Null))
        }
        fn json_if_parsed(&self) -> Option<&Value> {
            self.1.get()
        }
    }

    fn parts_with(body: &[u8]) -> Parts {
        let (mut parts, ()) = http::Request::new(()).into_parts();
        parts.extensions.insert(Ingested::new(Arc::new(Body(
            body.to_vec(),
            OnceLock::new(),
        ))));
        parts
    }

    /// Runs an extractor's future, which never waits.
    fn now<T>(future: impl std::future::Future<Output = T>) -> T {
        let mut future = std::pin::pin!(future);
        let mut context = std::task::Context::from_waker(std::task::Waker::noop());
        match future.as_mut().poll(&mut context) {
            std::task::Poll::Ready(value) => value,
            std::task::Poll::Pending => panic!("the extractor waited"),
        }
    }

    fn body_of(response: Response) -> Value {
        use http_body_util::BodyExt;
        let collected = now(response.into_body().collect()).unwrap();
        serde_json::from_slice(&collected.to_bytes()).unwrap()
    }

    #[test]
    fn a_step_reached_is_read_from_the_bytes_or_the_tree() {
        let body = br#"{"topic": "conversation.step_reached", "data": {"step": {"id": "1234"}}}"#;
        let mut parts = parts_with(body);
        let event = now(StepReached::from_request_parts(&mut parts, &())).unwrap();
        assert_eq!(event.step_id(), Some("1234"));
        // The tree built first: read from the tree.
        let ingested = Ingested::of(&parts).unwrap().clone();
        assert!(ingested.body().json().is_object());
        let event = now(StepReached::from_request_parts(&mut parts, &())).unwrap();
        assert_eq!(event.step_id(), Some("1234"));
        let whole = now(WebhookRequest::<StepReached>::from_request_parts(
            &mut parts,
            &(),
        ))
        .unwrap();
        assert_eq!(whole.topic, "conversation.step_reached");
    }

    #[test]
    fn refusals_are_json_errors_with_every_path() {
        let mut parts = parts_with(br#"{"topic": "x"}"#);
        let refused = now(StepReached::from_request_parts(&mut parts, &())).unwrap_err();
        assert!(matches!(refused, NotificationRejection::NoData));
        let mut parts = parts_with(br#"{"topic": "x", "data": {"step": {"id": 3}}}"#);
        let refused = now(StepReached::from_request_parts(&mut parts, &())).unwrap_err();
        let response = refused.into_response();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        let body = body_of(response);
        assert_eq!(body["title"], "Invalid notification");
        let description = body["description"].as_str().unwrap();
        assert!(description.contains("data.step.id"), "{description}");

        let (mut bare, ()) = http::Request::new(()).into_parts();
        let refused = now(StepReached::from_request_parts(&mut bare, &())).unwrap_err();
        assert_eq!(refused.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert!(refused.to_string().contains("`StepReached`"));
    }

    #[test]
    fn answers_are_validated_before_they_are_sent() {
        let fine = StepReachedResponse::new().action(SendTextAction::new(["hi"]));
        let response = fine.clone().into_response();
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(
            response.headers()[header::CONTENT_TYPE],
            HeaderValue::from_static("application/json")
        );
        assert_eq!(body_of(response), serde_json::to_value(&fine).unwrap());
        let broken = StepReachedResponse::new().action(SendTextAction::new([""]));
        let response = broken.into_response();
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let body = body_of(response);
        assert_eq!(body["title"], INTERNAL_TITLE);
        assert!(body["description"]
            .as_str()
            .unwrap()
            .contains("actions[0].alternatives[0]"));
    }

    #[test]
    fn the_server_finds_its_own_body_type() {
        let parts = parts_with(b"{}");
        let ingested = Ingested::of(&parts).unwrap();
        assert!(ingested.downcast::<Body>().is_some());
        struct Other;
        impl IngestedBody for Other {
            fn bytes(&self) -> &[u8] {
                b""
            }
            fn json(&self) -> &Value {
                &Value::Null
            }
            fn json_if_parsed(&self) -> Option<&Value> {
                None
            }
        }
        assert!(ingested.downcast::<Other>().is_none());
    }
}
