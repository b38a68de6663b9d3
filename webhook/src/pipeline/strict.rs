//! Strict validation of notifications ([`Webhook::strict_notifications`](crate::Webhook::strict_notifications)).

use serde_json::Value;

use crate::error::{ApiError, RejectionStage};
use crate::models::load::{load, LoadErrors};
use crate::models::validate::{Validate, ValidationErrors};
use crate::models::{topics, StepReached, WebhookRequest};

/// Why a notification is refused in strict mode (both `400`).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StrictError {
    /// The notification cannot be loaded at all.
    #[error("The notification cannot be loaded: {0}.")]
    Load(#[from] LoadErrors),
    /// The notification loads but breaks the platform's rules.
    #[error("The notification breaks the platform's rules: {0}.")]
    Invalid(#[from] ValidationErrors),
}

impl From<StrictError> for ApiError {
    fn from(error: StrictError) -> Self {
        ApiError::bad_request("Invalid notification", error.to_string())
            .at_stage(RejectionStage::Validation)
    }
}

/// Loads and validates a `conversation.step_reached` notification; other topics pass.
pub(crate) fn check_notification(json: &Value) -> Result<(), StrictError> {
    if json.get("topic").and_then(Value::as_str) != Some(topics::STEP_REACHED) {
        return Ok(());
    }
    let request: WebhookRequest<StepReached> = load(json, "")?;
    request.validate()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn strict_mode_lists_every_broken_rule() {
        let notification = json!({
            "topic": "conversation.step_reached",
            "botID": "4321",
            "timestamp": 1514998709,
            "data": {
                "channel": "web",
                "interlocutor": {"id": "1", "userID": "2", "customAttributes": {}},
                "session": {"values": {}},
                "step": {"id": "1234", "name": "s", "userData": "", "actions": [
                    {"type": "send_text_action", "alternatives": []},
                    {"type": "wait_action", "duration": 9}
                ]},
                "input": {"type": "custom_event", "name": "e"}
            }
        });
        let error = check_notification(&notification).unwrap_err();
        assert_eq!(
            error.to_string(),
            "The notification breaks the platform's rules: \
             data.step.actions[0].alternatives: must hold between 1 and 10 items, not 0; \
             data.step.actions[1].duration: must be a number between 0.5 and 7."
        );
        let mut valid = notification.clone();
        valid["data"]["step"]["actions"] = json!([{"type": "pause_bot_action"}]);
        check_notification(&valid).unwrap();
    }

    #[test]
    fn strict_mode_lists_load_errors_and_ignores_other_topics() {
        let broken =
            json!({"topic": "conversation.step_reached", "data": {"channel": 1, "step": 2}});
        let error = check_notification(&broken).unwrap_err();
        assert!(
            matches!(&error, StrictError::Load(errors) if errors.0.len() == 2),
            "{error}"
        );
        check_notification(&json!({"topic": "other", "data": 1})).unwrap();
    }
}
