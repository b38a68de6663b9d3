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
