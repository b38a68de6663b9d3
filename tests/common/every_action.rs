//! One action of each of the 27 types, from the reference's own examples
//! (`clustaar-schemas/tests/fixtures/v1/`): as loaded, and as the reference dumps them. Shared by
//! the echo test (`tests/echo_every_action.rs`) and the models benchmark (`benches/models.rs`).

use std::path::Path;

use serde_json::Value;

/// One fixture per `_action` type of the reference's `ACTION_SCHEMAS`; `choice` and `section`
/// come from the choices response fixture.
const ACTION_FIXTURES: &[&str] = &[
    "pause_bot_action.data",
    "wait_action.data",
    "send_email_action.data",
    "send_text_action.data",
    "send_js_event_action.data",
    "send_image_action.data",
    "close_intercom_conversation_action.data",
    "assign_intercom_conversation_action.data",
    "send_cards_action.data",
    "send_simple_cards_action.data",
    "send_quick_replies_action.data",
    "store_session_value_action.data",
    "set_user_attribute_action.data",
    "ask_location_action.data",
    "google_custom_search_action.data",
    "create_zendesk_ticket_action.data",
    "jump_to_action.data",
    "customer_satisfaction_action.data",
    "send_webhook_request_action.data",
    "create_user_request_action.data",
    "transfer_iadvize_conversation_action.data",
    "close_iadvize_conversation_action.data",
    "ask_document_action.extra",
    "send_choices_list_action.data",
    "send_ai_task_action.data",
];

/// A fixture of `clustaar-schemas/tests/fixtures/v1/`, parsed.
pub fn fixture(name: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("clustaar-schemas/tests/fixtures/v1")
        .join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

/// The 27 actions as the platform sends them (`"load"`) or as the reference dumps them
/// (`"dump"`), in the same order.
pub fn every_action(kind: &str) -> Vec<Value> {
    let mut actions: Vec<Value> = ACTION_FIXTURES
        .iter()
        .map(|name| fixture(&format!("{name}.{kind}.json")))
        .collect();
    let choices = fixture(&format!(
        "webhook_step_reached_response.choices.{kind}.json"
    ));
    let choices = choices["actions"]
        .as_array()
        .expect("the choices fixture has actions");
    actions.extend(choices[..2].iter().cloned());
    actions
}
