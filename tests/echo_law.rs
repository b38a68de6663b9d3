//! The echo round-trip law: a step the platform's validation accepts, echoed (the answer made of
//! its own actions), is an answer the platform's validation accepts, and it writes back what the
//! platform sent. The three faults of the reference are pinned; a property test covers generated
//! steps.

mod common;

use clustaar_webhook::models::validate::Validate;
use clustaar_webhook::models::*;
use common::without_empty;
use proptest::prelude::*;
use serde_json::{json, Value};

const ID: &str = "5a1b2c3d4e5f6a7b8c9d0e1f";

/// A notification of a step holding `actions` (raw JSON, as the platform posts it).
fn notification(actions: Value) -> Value {
    json!({
        "botID": ID, "timestamp": 1514998709, "topic": "conversation.step_reached",
        "type": "notification_event",
        "data": {
            "type": "step_reached_event", "channel": "web",
            "interlocutor": {"id": ID, "userID": "u-1", "customAttributes": {}},
            "session": {"values": {}},
            "step": {"id": ID, "name": "A step", "userData": "", "actions": actions},
            "input": {"type": "custom_event", "name": "event1"}
        }
    })
}

/// Loads the notification (which must be valid) and answers its actions back.
fn echo(notification: &Value) -> StepReachedResponse {
    let request: WebhookRequest = serde_json::from_value(notification.clone()).unwrap();
    request.validate().expect("the notification is valid");
    let Event::StepReached(event) = &request.data else {
        panic!("a step");
    };
    StepReachedResponse::with_actions(event.actions().iter().cloned())
}

/// Asserts law 1 on this project's side, and that the echo writes the actions as sent.
fn assert_echo_is_valid_and_faithful(actions: Value) {
    let answer = echo(&notification(actions.clone()));
    answer
        .validate()
        .unwrap_or_else(|errors| panic!("echo refused: {errors}"));
    assert_eq!(
        without_empty(&serde_json::to_value(&answer).unwrap()["actions"]),
        without_empty(&actions)
    );
}

#[test]
fn text_that_grows_when_sanitised_is_echoed_as_received() {
    let actions = json!([{
        "type": "send_cards_action",
        "cards": [{
            "type": "card", "title": "Offers", "subtitle": "", "imageURL": "", "alt": "",
            "url": "",
            "buttons": [
                {"type": "button", "title": "Buy <now> & save", "action": {"type": "share_action"}},
                {"type": "button", "title": "<script>y</script>", "action": {"type": "share_action"}}
            ]
        }]
    }]);
    assert_echo_is_valid_and_faithful(actions.clone());
    // The handler still reads the sanitised text.
    let answer = echo(&notification(actions));
    let Action::SendCards(cards) = &answer.actions[0] else {
        panic!("cards");
    };
    let buttons = cards.cards.as_ref().unwrap()[0].buttons.as_ref().unwrap();
    assert_eq!(buttons[0].title.as_deref(), Some("Buy &lt;now&gt; & save"));
}

#[test]
fn absent_keys_that_may_not_be_null_stay_absent() {
    assert_echo_is_valid_and_faithful(json!([
        {
            "type": "create_zendesk_ticket_action",
            "user": {"email": "a@example.com"},
            "description": "Help"
        },
        {
            "type": "transfer_iadvize_conversation_action",
            "distribution_rule": {"label": "Sales", "id": "42"}
        }
    ]));
    // Built by code, a `None` is written `null` as the reference writes it, and refused.
    let built = StepReachedResponse::new().action(CreateZendeskTicketAction {
        description: Some("Help".into()),
        user: Some(ZendeskUser::new("Ann", "a@example.com")),
        ..Default::default()
    });
    assert_eq!(
        serde_json::to_value(&built).unwrap()["actions"][0]["ticketType"],
        Value::Null
    );
    let errors = built.validate().unwrap_err().to_string();
    assert!(
        errors.contains("actions[0].ticketType: may not be null"),
        "{errors}"
    );
}

#[test]
fn absent_lists_are_not_echoed_empty() {
    let answer = echo(&notification(json!([{
        "type": "send_simple_cards_action",
        "cards": [{"type": "simple_card", "title": "No buttons"}]
    }])));
    answer
        .validate()
        .unwrap_or_else(|errors| panic!("echo refused: {errors}"));
    let card = &serde_json::to_value(&answer).unwrap()["actions"][0]["cards"][0];
    assert_eq!(card["buttons"], Value::Null);
}

/// Text mixing letters, markup, entities and compatibility characters, cut to `max`
/// characters (the limit of the field it fills).
fn text(max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            "[a-zA-Z0-9 ]{1,6}",
            Just("<".to_owned()),
            Just(">".to_owned()),
            Just("&".to_owned()),
            Just("&amp;".to_owned()),
            Just("<b>".to_owned()),
            Just("</b>".to_owned()),
            Just("<now>".to_owned()),
            Just("<script>".to_owned()),
            Just("＜ｉ＞".to_owned()),
            Just("ﬁ é ①".to_owned()),
            Just("<!-- c -->".to_owned()),
        ],
        1..10,
    )
    .prop_map(move |parts| parts.concat().chars().take(max).collect())
}

/// An action of the kinds the three faults touch, raw, with texts up to their limits and keys
/// absent.
fn action() -> impl Strategy<Value = Value> {
    prop_oneof![
        (text(20), text(20), text(80)).prop_map(|(first, second, title)| json!({
            "type": "send_cards_action",
            "cards": [{"type": "card", "title": title, "buttons": [
                {"type": "button", "title": first, "action": {"type": "share_action"}},
                {"type": "button", "title": second,
                 "action": {"type": "open_url_action", "url": "https://example.com"}}
            ]}]
        })),
        (text(80), text(20)).prop_map(|(title, button)| json!({
            "type": "send_simple_cards_action",
            "cards": [
                {"type": "simple_card", "title": title},
                {"type": "simple_card", "title": title, "buttons": [
                    {"type": "open_url_button", "title": button, "url": "https://example.com"}
                ]}
            ]
        })),
        (text(640), text(20)).prop_map(|(message, title)| json!({
            "type": "send_quick_replies_action", "message": message,
            "buttons": [{"type": "quick_reply", "title": title,
                         "action": {"type": "go_to_action",
                                    "target": {"type": "step", "id": ID, "name": "s"}}}]
        })),
        prop::collection::vec(text(1000), 1..4).prop_map(|alternatives| json!({
            "type": "send_text_action", "alternatives": alternatives
        })),
        (text(100), text(1500), any::<bool>()).prop_map(|(subject, description, with_subject)| {
            let mut ticket = json!({
                "type": "create_zendesk_ticket_action",
                "user": {"email": "a@example.com"},
                "description": description,
            });
            if with_subject {
                ticket["subject"] = json!(subject);
            }
            ticket
        }),
        text(50).prop_map(|label| json!({
            "type": "transfer_iadvize_conversation_action",
            "distribution_rule": {"label": label, "id": "42"}
        })),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn a_valid_step_echoed_is_a_valid_answer(actions in prop::collection::vec(action(), 1..6)) {
        let notification = notification(Value::Array(actions.clone()));
        let request: WebhookRequest = serde_json::from_value(notification).unwrap();
        // Only the steps the platform's validation accepts (a text may have emptied).
        prop_assume!(request.validate().is_ok());
        let Event::StepReached(event) = &request.data else { unreachable!() };
        let answer = StepReachedResponse::with_actions(event.actions().iter().cloned());
        let verdict = answer.validate();
        prop_assert!(verdict.is_ok(), "{}", verdict.unwrap_err());
        prop_assert_eq!(
            without_empty(&serde_json::to_value(&answer).unwrap()["actions"]),
            without_empty(&Value::Array(actions))
        );
    }
}
