//! The echo bot answers a step carrying one action of each of the 27 types with those actions
//! re-dumped through the typed models: with the keys the reference writes, in its order (the
//! reference's dumps, `clustaar-schemas/tests/fixtures/v1/`), and the values as the platform sent
//! them (text as received, not sanitised again: see "Differences from the reference" in
//! `webhook/src/guide/models.md`).

#[allow(dead_code)]
#[path = "../examples/echo_bot.rs"]
mod echo_bot_example;

use clustaar_webhook::models::Action;
use clustaar_webhook::testing::{Signer, TestServer};
use serde_json::{json, Value};

mod common;

#[path = "common/every_action.rs"]
mod every_action;

use common::without_empty;
use every_action::every_action;

#[tokio::test]
async fn echoes_one_action_of_each_type_as_the_reference_dumps_them() {
    let sent = every_action("load");
    let expected = every_action("dump");

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
    for ((ours, reference), sent) in actions.iter().zip(&expected).zip(&sent) {
        let kind = &reference["type"];
        let keys = |value: &Value| {
            value
                .as_object()
                .unwrap()
                .keys()
                .cloned()
                .collect::<Vec<_>>()
        };
        assert_eq!(
            keys(ours),
            keys(reference),
            "{kind}: the reference's keys, in its order"
        );
        let mut sent = sent.clone();
        // The text the platform picked is read-only: never loaded, never written back.
        if kind == "send_text_action" {
            sent.as_object_mut().unwrap().remove("text");
        }
        assert_eq!(without_empty(ours), without_empty(&sent), "{kind}: as sent");
    }
    assert_eq!(answer["session"], json!({"values": {"name": "John"}}));
    server.shutdown().await.unwrap();
}

/// A step with the platform's patterns judged as Python judges them: `$` matches before a final
/// `\n`, `\d` and `\w` are Python's (Arabic-Indic digits, accented letters), so the reference
/// accepts every action here and the echo is answered `200`, each text as received. (A digits-only
/// `assigneeID` ending with a newline was answered `500` when `$` was Rust's.)
#[tokio::test]
async fn echoes_texts_that_match_the_schemas_patterns_as_python_matches_them() {
    let actions = json!([
        {"type": "assign_intercom_conversation_action", "assigneeID": "4242\n"},
        {"type": "assign_intercom_conversation_action", "assigneeID": "\u{664}\u{662}"},
        {"type": "store_session_value_action", "key": "prénom\n", "value": "x"},
        {"type": "set_user_attribute_action", "key": "id_client\n", "value": "42"},
        {"type": "create_zendesk_ticket_action", "user": {"email": "a@example.com", "name": "A", "phoneNumber": "1"},
         "ticketType": "", "ticketPriority": "", "subject": "s", "description": "d", "tags": [],
         "groupID": "12\n", "assigneeID": "\u{ff13}"},
    ]);
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
            "step": {"id": "5a1b2c3d4e5f6a7b8c9d0e1f", "name": "python", "userData": "", "actions": actions},
            "session": {"values": {}},
        }
    });
    let response = client.notify(&notification).await;
    assert_eq!(response.status(), 200, "{:?}", response.text());
    let answer = response.json();
    let echoed = answer["actions"].as_array().unwrap();
    assert_eq!(echoed.len(), 5);
    assert_eq!(echoed[0]["assigneeID"], "4242\n");
    assert_eq!(echoed[1]["assigneeID"], "\u{664}\u{662}");
    assert_eq!(echoed[2]["key"], "prénom\n");
    assert_eq!(echoed[3]["key"], "id_client\n");
    assert_eq!(echoed[4]["groupID"], "12\n");
    server.shutdown().await.unwrap();
}
