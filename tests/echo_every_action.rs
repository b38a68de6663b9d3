//! The echo bot answers a step carrying one action of each of the 27 types with those actions
//! re-dumped through the typed models, as the reference would send them (the expected dumps
//! are those of the reference, `webhook/tests/fixtures/v1/`).

#[allow(dead_code)]
#[path = "../examples/echo_bot.rs"]
mod echo_bot_example;

use std::path::Path;

use serde_json::{json, Value};
use webhook::models::Action;
use webhook::testing::{Signer, TestServer};

/// One fixture per action type of the reference's `ACTION_SCHEMAS`: choice and section come
/// from the choices response fixture.
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

fn fixture(name: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("webhook/tests/fixtures/v1")
        .join(name);
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

#[tokio::test]
async fn echoes_one_action_of_each_type_as_the_reference_dumps_them() {
    let mut sent = Vec::new();
    let mut expected = Vec::new();
    for name in ACTION_FIXTURES {
        sent.push(fixture(&format!("{name}.load.json")));
        expected.push(fixture(&format!("{name}.dump.json")));
    }
    let choices = fixture("webhook_step_reached_response.choices.load.json");
    let choices_dump = fixture("webhook_step_reached_response.choices.dump.json");
    sent.extend(choices["actions"].as_array().unwrap()[..2].iter().cloned());
    expected.extend(
        choices_dump["actions"].as_array().unwrap()[..2]
            .iter()
            .cloned(),
    );

    let types: Vec<&str> = sent.iter().map(|a| a["type"].as_str().unwrap()).collect();
    assert_eq!(types.len(), Action::KNOWN_TYPES.len());
    for known in Action::KNOWN_TYPES {
        assert!(types.contains(known), "no {known} in the step");
    }

    let server = TestServer::spawn(echo_bot_example::echo_bot().private_key("k"))
        .await
        .unwrap();
    let client = server.client().signer(Signer::new().private_key("k"));
    let notification = json!({
        "topic": "conversation.step_reached",
        "botID": "4321",
        "timestamp": 1514998709,
        "type": "notification_event",
        "data": {
            "type": "step_reached_event",
            "channel": "web",
            "step": {"id": "5a1b2c3d4e5f6a7b8c9d0e1f", "name": "all", "userData": "", "actions": sent},
            "session": {"values": {}},
        }
    });
    let response = client.notify(&notification).await;
    assert_eq!(response.status(), 200, "{:?}", response.text());
    let answer = response.json();
    let actions = answer["actions"].as_array().unwrap();
    assert_eq!(actions.len(), expected.len());
    for (ours, reference) in actions.iter().zip(&expected) {
        assert_eq!(ours, reference, "{}", reference["type"]);
    }
    assert_eq!(answer["session"], json!({"values": {"name": "John"}}));
    server.shutdown().await.unwrap();
}
