//! The models over HTTP: answers validated before they are sent, strict notifications, load
//! errors listed with their paths.

use clustaar_webhook::prelude::*;
use clustaar_webhook::testing::{sample_notification, TestClient};
use serde_json::json;

const STEP_ID: &str = "507f191e810c19729de860ea";

fn broken_answer() -> StepReachedResponse {
    StepReachedResponse::new()
        .action(SendTextAction::new(["fine"]))
        .action(SendTextAction::new([""]))
        .action(WaitAction::new(30))
}

#[tokio::test]
async fn an_invalid_answer_is_a_500_naming_every_path_and_rule() {
    let client = TestClient::new(Webhook::new().on(topics::STEP_REACHED, broken_answer, ()));
    let response = client.notify(&sample_notification(STEP_ID)).await;
    assert_eq!(response.status(), 500);
    assert_eq!(
        response.json()["description"],
        "The handler's answer breaks the platform's rules: \
         actions[1].alternatives[0]: the length must be between 1 and 1000 characters, not 0; \
         actions[2].duration: must be a number between 0.5 and 7."
    );
}

#[tokio::test]
async fn notifications_are_loaded_without_validation_unless_strict() {
    let echo =
        |event: StepReached| StepReachedResponse::new().session_value("step", event.step_id());
    // The reference's own test notification: step id "1234", no `type` in `data`.
    let mut notification = sample_notification("1234");
    notification["data"].as_object_mut().unwrap().remove("type");
    notification["data"]["step"]["actions"] = json!([{"type": "wait_action", "duration": 60}]);

    let lenient = TestClient::new(Webhook::new().on(topics::STEP_REACHED, echo, ()));
    let response = lenient.notify(&notification).await;
    assert_eq!(response.status(), 200, "{}", response.text());
    assert_eq!(response.json()["session"]["values"]["step"], "1234");

    let strict = TestClient::new(Webhook::new().strict_notifications(true).on(
        topics::STEP_REACHED,
        echo,
        (),
    ));
    let response = strict.notify(&notification).await;
    assert_eq!(response.status(), 400);
    let description = response.json()["description"].as_str().unwrap().to_owned();
    assert!(
        description.starts_with("The notification breaks the platform's rules: "),
        "{description}"
    );
    assert!(
        description.contains("data.step.actions[0].duration: must be a number between 0.5 and 7"),
        "{description}"
    );
}

#[tokio::test]
async fn a_notification_that_cannot_be_loaded_is_a_400_listing_every_error() {
    let client = TestClient::new(Webhook::new().on(
        topics::STEP_REACHED,
        |_: StepReached| StepReachedResponse::new(),
        (),
    ));
    let mut notification = sample_notification(STEP_ID);
    notification["data"]["channel"] = json!(7);
    notification["data"]["step"]["actions"] = json!([
        {"type": "pause_bot_action"},
        {"type": "send_text_action", "alternatives": "hi"},
        {"type": "wait_action", "duration": "long"}
    ]);
    let response = client.notify(&notification).await;
    assert_eq!(response.status(), 400);
    let description = response.json()["description"].as_str().unwrap().to_owned();
    for path in [
        "data.channel: ",
        "data.step.actions[1].alternatives: invalid send_text_action",
        "data.step.actions[2].duration: invalid wait_action",
    ] {
        assert!(
            description.contains(path),
            "{path} missing in {description}"
        );
    }
}

/// An array where the models have an object is refused as the reference refuses it, whether
/// the notification is loaded in one pass from its bytes or from its JSON tree: serde_json's
/// derived structures would read the array as the fields in order.
#[tokio::test]
async fn an_array_where_the_models_have_an_object_is_a_400() {
    let client = TestClient::new(Webhook::new().on(
        topics::STEP_REACHED,
        |event: StepReached| StepReachedResponse::new().session_value("step", event.step_id()),
        (),
    ));
    let notification = sample_notification(STEP_ID);
    let response = client.notify(&notification).await;
    assert_eq!(response.status(), 200, "{}", response.text());

    // The notification as an array of its topic and data (the fields of the one-pass load, in
    // order): not a notification at all.
    let array = json!([notification["topic"], notification["data"]]);
    let response = client
        .post(serde_json::to_vec(&array).unwrap())
        .send()
        .await;
    assert_eq!(response.status(), 400, "{}", response.text());
    assert_eq!(
        response.json()["title"],
        "Invalid notification",
        "{}",
        response.text()
    );

    for (path, array) in [
        ("/data/step", json!([STEP_ID, "Greeting", []])),
        ("/data/interlocutor", json!(["5a1b2c3d4e5f6a7b8c9d0e1f"])),
        ("/data/session", json!([{"name": "x"}])),
    ] {
        let mut notification = notification.clone();
        *notification.pointer_mut(path).unwrap() = array;
        let response = client.notify(&notification).await;
        assert_eq!(response.status(), 400, "{path}: {}", response.text());
        let description = response.json()["description"].as_str().unwrap().to_owned();
        let at = format!(
            "{}: invalid type: sequence, expected struct",
            &path[1..].replace('/', ".")
        );
        assert!(description.contains(&at), "{at} missing in {description}");
    }
}
