//! The endpoint: parse the notification, route it, run the handler.

use std::sync::Arc;

use axum::response::{IntoResponse, Response};
use serde_json::Value;

use super::authenticate::authenticate;
use super::typed_first::TypedFirst;
use crate::error::{ApiError, RejectionStage};
use crate::routing::RouteTable;
use crate::Request;

/// Why a body is not a notification (all `400`).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PayloadError {
    /// The body is not JSON.
    #[error("The request body is not valid JSON: {0}.")]
    Malformed(#[from] serde_json::Error),
    /// The body is JSON but not an object.
    #[error("The request body must be a JSON object (a notification), not {0}.")]
    NotAnObject(&'static str),
    /// The notification has no `topic`.
    #[error("The notification has no \"topic\" field.")]
    MissingTopic,
    /// The `topic` is not a string.
    #[error("The notification's \"topic\" field must be a string.")]
    TopicNotAString,
}

impl From<PayloadError> for ApiError {
    fn from(error: PayloadError) -> Self {
        let title = match error {
            PayloadError::Malformed(_) => "Malformed JSON",
            _ => "Invalid notification",
        };
        ApiError::bad_request(title, error.to_string()).at_stage(RejectionStage::Payload)
    }
}

/// No route accepts the notification: `404`.
#[derive(Debug, thiserror::Error)]
#[error("No handler accepts this \"{topic}\" notification.")]
pub struct NoRoute {
    /// The notification's topic.
    pub topic: String,
}

impl From<NoRoute> for ApiError {
    fn from(error: NoRoute) -> Self {
        ApiError::new(
            http::StatusCode::NOT_FOUND,
            "404 Not Found",
            error.to_string(),
        )
        .at_stage(RejectionStage::NoRoute)
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Parses the body and checks it is a notification with a topic.
pub(crate) fn parse_notification(body: &[u8]) -> Result<Value, PayloadError> {
    let json: Value = serde_json::from_slice(body)?;
    match json.as_object().map(|object| object.get("topic")) {
        None => Err(PayloadError::NotAnObject(kind(&json))),
        Some(None) => Err(PayloadError::MissingTopic),
        Some(Some(Value::String(_))) => Ok(json),
        Some(Some(_)) => Err(PayloadError::TopicNotAString),
    }
}

/// Sends a notification to its handler: the routes, the state they share, and whether
/// notifications are validated strictly first.
pub(crate) struct NotificationDispatcher<S> {
    pub(crate) routes: RouteTable<S>,
    pub(crate) state: Arc<S>,
    pub(crate) strict_notifications: bool,
    /// Whether a notification is loaded as a `StepReached` while it is routed.
    pub(crate) typed_first: TypedFirst,
}

/// Dispatches an ingested notification: parse, route, the route's authenticator, the handler.
pub(crate) async fn dispatch<S: Send + Sync + 'static>(
    dispatcher: &NotificationDispatcher<S>,
    request: Request,
) -> Response {
    // Routing needs only the topic and the step id: the envelope scan reads them without
    // building the JSON tree, or the load of a `conversation.step_reached` notification reads
    // them with the `data` its handler takes (`typed_first`). What neither accepts, the full
    // parse refuses precisely (or accepts: a notification they do not know how to read still
    // gets served).
    let loaded = !dispatcher.strict_notifications
        && dispatcher.typed_first.chosen()
        && request.load_step_reached();
    if !loaded && !request.is_scanned() {
        match parse_notification(request.body()) {
            Ok(json) => request.set_json(json),
            Err(error) => return ApiError::from(error).into_response(),
        }
    }
    if dispatcher.strict_notifications
        && let Err(error) = super::strict::check_notification(request.json())
    {
        return ApiError::from(error).into_response();
    }
    let topic = request.topic().unwrap_or_default();
    let Some(route) = dispatcher.routes.find(topic, &request) else {
        tracing::debug!(topic, "no route accepts the notification");
        return ApiError::from(NoRoute {
            topic: topic.to_owned(),
        })
        .into_response();
    };
    tracing::debug!(topic, route = route.route_name(), "routing notification");
    let request = match route.authenticator_ref() {
        // Boxed: its future would add to every notification's (`Stages::ingest`).
        Some(authenticator) => match Box::pin(authenticate(authenticator, request)).await {
            Ok(request) => request,
            Err(refusal) => return refusal,
        },
        None => request,
    };
    let payload = request.shared_payload();
    let response = route.handler().call(request, &dispatcher.state).await;
    dispatcher.typed_first.learn(payload.step_reached_use());
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payload_errors_are_precise() {
        let error = |body: &str| ApiError::from(parse_notification(body.as_bytes()).unwrap_err());
        assert_eq!(error("{").title(), "Malformed JSON");
        assert!(error("{")
            .description()
            .contains("EOF while parsing an object"));
        assert_eq!(
            error("[1]").description(),
            "The request body must be a JSON object (a notification), not an array."
        );
        assert_eq!(
            error("{}").description(),
            "The notification has no \"topic\" field."
        );
        assert_eq!(
            error(r#"{"topic": 1}"#).description(),
            "The notification's \"topic\" field must be a string."
        );
    }
}
