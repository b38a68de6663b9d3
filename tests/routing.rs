//! Routing over real HTTP: precedence, the step-id index, no route, unknown types.

mod common;

use clustaar_webhook::prelude::*;
use clustaar_webhook::testing::{sample_notification, TestClient, TestServer};
use common::STEP_ID;
use serde_json::{json, Value};

fn says(text: &'static str) -> impl Fn() -> StepReachedResponse + Clone + Send + Sync + 'static {
    move || StepReachedResponse::new().action(SendTextAction::new([text]))
}

fn said(response: &Value) -> &str {
    response["actions"][0]["alternatives"][0]
        .as_str()
        .unwrap_or("")
}

fn notification(step_id: &str, channel: &str) -> Value {
    let mut notification = sample_notification(step_id);
    notification["data"]["channel"] = json!(channel);
    notification
}

#[tokio::test]
async fn precedence_is_filters_then_priority_then_registration() {
    let web = || JsonKeyEquals::new("data.channel", "web").unwrap();
    let webhook = Webhook::new()
        .request_max_age(None)
        .on(topics::STEP_REACHED, says("catch-all"), ())
        .on(topics::STEP_REACHED, says("web"), web())
        .route(
            Route::new(topics::STEP_REACHED, says("web-urgent"))
                .filter((web(), JsonKeyExists::new("data.step.name").unwrap()))
                .priority(10),
        )
        .on(topics::STEP_REACHED, says("step"), StepId::new(STEP_ID))
        .on(
            topics::STEP_REACHED,
            says("step-again"),
            StepId::new(STEP_ID),
        );
    let server = TestServer::spawn(webhook).await.unwrap();
    let client = server.client();
    let ask = |step: &'static str, channel: &'static str| {
        let client = client.clone();
        async move { client.notify(&notification(step, channel)).await.json() }
    };
    assert_eq!(said(&ask(STEP_ID, "web").await), "web-urgent");
    assert_eq!(said(&ask(STEP_ID, "facebook").await), "step");
    assert_eq!(
        said(&ask("507f191e810c19729de860eb", "facebook").await),
        "catch-all"
    );
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn ten_thousand_step_routes_are_found_through_the_index() {
    let ids: Vec<String> = (0..10_000).map(|n| format!("{n:024x}")).collect();
    let mut webhook = Webhook::new().request_max_age(None);
    for id in &ids {
        let reply = id.clone();
        webhook = webhook.on(
            topics::STEP_REACHED,
            move || StepReachedResponse::new().action(SendTextAction::new([reply.clone()])),
            StepId::new(id.clone()),
        );
    }
    let server = TestServer::spawn(webhook).await.unwrap();
    let client = server.client();
    for id in [&ids[0], &ids[4_321], &ids[9_999]] {
        let response = client.notify(&sample_notification(id)).await;
        assert_eq!(said(&response.json()), id.as_str());
    }
    let none = client.notify(&sample_notification(STEP_ID)).await;
    assert_eq!(none.status(), 404);
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn no_route_is_a_json_404() {
    let webhook = Webhook::new().request_max_age(None).on(
        topics::STEP_REACHED,
        says("x"),
        StepId::new(STEP_ID),
    );
    let server = TestServer::spawn(webhook).await.unwrap();
    let response = server
        .client()
        .notify(&sample_notification("507f191e810c19729de860eb"))
        .await;
    assert_eq!(response.status(), 404);
    assert_eq!(
        response.json(),
        json!({
            "title": "404 Not Found",
            "description": "No handler accepts this \"conversation.step_reached\" notification."
        })
    );
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn unknown_actions_and_inputs_go_back_unchanged() {
    let webhook = Webhook::new().request_max_age(None).on(
        topics::STEP_REACHED,
        |event: StepReached| {
            let input = serde_json::to_value(&event.input).unwrap();
            StepReachedResponse::with_actions(event.actions().to_vec())
                .session_value("input", input)
        },
        (),
    );
    let server = TestServer::spawn(webhook).await.unwrap();
    let mut notification = sample_notification(STEP_ID);
    let actions = json!([
        {"type": "send_hologram_action", "zeta": {"b": 1, "a": [true, null, 2.5]}, "alpha": "x"},
        {"type": "send_text_action", "alternatives": ["known"]},
        {"type": "pause_bot_action"}
    ]);
    let input = json!({"type": "brain_wave", "intensity": 11});
    notification["data"]["step"]["actions"] = actions.clone();
    notification["data"]["input"] = input.clone();
    let response = server.client().notify(&notification).await;
    assert_eq!(response.status(), 200, "{}", response.text());
    // Same values, same key order.
    let body = response.text();
    assert!(
        body.starts_with(&format!(
            "{{\"actions\":{}",
            serde_json::to_string(&actions).unwrap()
        )),
        "{body}"
    );
    assert_eq!(response.json()["session"]["values"]["input"], input);
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_malformed_known_action_is_a_400_for_handlers_that_read_it() {
    let webhook = Webhook::new().request_max_age(None).on(
        topics::STEP_REACHED,
        |_: StepReached| StepReachedResponse::new(),
        (),
    );
    let server = TestServer::spawn(webhook).await.unwrap();
    let mut notification = sample_notification(STEP_ID);
    notification["data"]["step"]["actions"] = json!([{"type": "wait_action", "duration": "long"}]);
    let response = server.client().notify(&notification).await;
    assert_eq!(response.status(), 400);
    assert_eq!(response.json()["title"], "Invalid notification");
    assert!(response.json()["description"]
        .as_str()
        .unwrap()
        .contains("invalid wait_action"));
    server.shutdown().await.unwrap();
}

/// Routing reads the topic and the step id straight from the body's bytes, as the JSON tree
/// reads them (the last of a repeated key wins), and a handler gets the same `StepReached`
/// whether a JSON filter built the tree first or not.
#[tokio::test]
async fn routing_on_the_bytes_agrees_with_the_json_tree() {
    let echo_step = |tag: &'static str| {
        move |event: StepReached| {
            let step = clustaar_webhook::models::view::processed_json(&event.step).unwrap();
            StepReachedResponse::new()
                .action(SendTextAction::new([tag]))
                .session_value("step", step)
        }
    };
    let webhook = Webhook::new()
        .request_max_age(None)
        .on(topics::STEP_REACHED, echo_step("catch-all"), ())
        .on(
            topics::STEP_REACHED,
            echo_step("indexed"),
            StepId::new(STEP_ID),
        )
        .route(
            Route::new(topics::STEP_REACHED, echo_step("json"))
                .filter(JsonKeyEquals::new("data.channel", "json").unwrap())
                .priority(1),
        );
    let server = TestServer::spawn(webhook).await.unwrap();
    let client = server.client();
    let send = |body: String| {
        let client = client.clone();
        async move { client.post(body).send().await }
    };
    let step = json!({
        "id": STEP_ID,
        "name": "Café",
        "actions": [{"type": "send_text_action", "alternatives": ["  ＡＢＣ "]}]
    });
    // The last topic and the last data count.
    let body = format!(
        r#"{{"topic": "other", "data": {{"step": {{"id": "507f191e810c19729de860eb"}}}}, "topic": "conversation.step_reached", "data": {{"channel": "web", "step": {step}}}}}"#
    );
    let response = send(body).await;
    assert_eq!(response.status(), 200, "{}", response.text());
    assert_eq!(said(&response.json()), "indexed");
    let indexed_step = response.json()["session"]["values"]["step"].clone();
    // The same step, loaded from the tree a JSON filter built: the same model.
    let body = format!(
        r#"{{"topic": "conversation.step_reached", "data": {{"channel": "json", "step": {step}}}}}"#
    );
    let response = send(body).await;
    assert_eq!(said(&response.json()), "json");
    assert_eq!(response.json()["session"]["values"]["step"], indexed_step);
    assert_eq!(
        indexed_step["actions"][0]["alternatives"][0], "  ABC ",
        "loaded with the text processing (NFKC)"
    );
    // A step id that is not a string is not an indexed id.
    let body = r#"{"topic": "conversation.step_reached", "data": {"step": {"id": 5}}}"#;
    let response = send(body.to_owned()).await;
    assert_eq!(response.status(), 400, "{}", response.text());
    assert!(response.json()["description"]
        .as_str()
        .unwrap()
        .contains("data.step.id"));
    server.shutdown().await.unwrap();
}

/// An action whose `type` is repeated is what its last `type` says, whether the handler's
/// `StepReached` is loaded from the body's bytes (no JSON filter ran) or from the tree a JSON
/// filter built (found by the `models` fuzz target: from the bytes, the first `type` won).
#[tokio::test]
async fn a_repeated_type_is_the_last_from_the_bytes_as_in_the_tree() {
    let echo = |event: StepReached| StepReachedResponse::with_actions(event.into_actions());
    let from_bytes = TestClient::new(Webhook::new().request_max_age(None).on(
        topics::STEP_REACHED,
        echo,
        StepId::new(STEP_ID),
    ));
    let from_tree = TestClient::new(Webhook::new().request_max_age(None).on(
        topics::STEP_REACHED,
        echo,
        JsonKeyEquals::new("data.channel", "web").unwrap(),
    ));
    let body = format!(
        r#"{{"topic": "conversation.step_reached", "data": {{"channel": "web", "step": {{"id": "{STEP_ID}", "actions": [{{"type": "send_text_action", "type": "x_action", "alternatives": ["a"]}}]}}}}}}"#
    );
    let expected = json!({"type": "x_action", "alternatives": ["a"]});
    for client in [from_bytes, from_tree] {
        let response = client.post(body.clone()).send().await;
        assert_eq!(response.status(), 200, "{}", response.text());
        assert_eq!(response.json()["actions"][0], expected);
    }
}

/// A `conversation.step_reached` notification is loaded in one pass while it is routed when
/// the handlers take a `StepReached`, and scanned when they do not: the answers are the same
/// whichever way the webhook reads the body, as it switches between handlers of both kinds, and
/// a body that the JSON tree refuses is refused whichever way.
#[tokio::test]
async fn handlers_with_and_without_step_reached_are_served_as_the_reading_switches() {
    let echo = |event: StepReached| {
        let id = event.step_id().unwrap_or("none").to_owned();
        StepReachedResponse::new().action(SendTextAction::new([id]))
    };
    let other_step = "507f191e810c19729de860eb";
    let webhook = Webhook::new()
        .request_max_age(None)
        .on(topics::STEP_REACHED, echo, StepId::new(STEP_ID))
        .on(
            topics::STEP_REACHED,
            says("no model"),
            StepId::new(other_step),
        );
    let server = TestServer::spawn(webhook).await.unwrap();
    let client = server.client();
    for round in 0..3 {
        for (step, expected) in [
            (STEP_ID, STEP_ID),
            (other_step, "no model"),
            (STEP_ID, STEP_ID),
        ] {
            let response = client
                .post(sample_notification(step).to_string())
                .send()
                .await;
            assert_eq!(response.status(), 200, "{}", response.text());
            assert_eq!(
                said(&response.json()),
                expected,
                "round {round}, step {step}"
            );
        }
    }
    // Refused as the tree refuses them, after either kind of handler.
    for step in [STEP_ID, other_step, STEP_ID] {
        let body = format!(
            r#"{{"topic": "conversation.step_reached", "data": {{"x": 1e400, "step": {{"id": "{step}"}}}}}}"#
        );
        let response = client.post(body).send().await;
        assert_eq!(response.status(), 400, "{}", response.text());
        assert_eq!(response.json()["title"], "Malformed JSON");
        let response = client
            .post(sample_notification(step).to_string())
            .send()
            .await;
        assert_eq!(response.status(), 200, "{}", response.text());
    }
    server.shutdown().await.unwrap();
}
