//! A bot written with `#[on]`, served over real HTTP: routing, precedence, state, sync and
//! async handlers, `Result` handlers.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use clustaar_webhook::prelude::*;
use clustaar_webhook::testing::{sample_notification, TestServer};
use common::STEP_ID;
use serde_json::{json, Value};

#[derive(Clone, Default)]
struct Visits(Arc<AtomicUsize>);

#[derive(Clone)]
struct Greeting(&'static str);

fn says(text: impl Into<String>) -> StepReachedResponse {
    StepReachedResponse::new().action(SendTextAction::new([text.into()]))
}

#[on(step_reached)]
fn fallback() -> StepReachedResponse {
    says("fallback")
}

#[on(step_reached, step_id = "507f191e810c19729de860ea")]
async fn greet(
    State(greeting): State<Greeting>,
    State(visits): State<Visits>,
) -> StepReachedResponse {
    let count = visits.0.fetch_add(1, Ordering::SeqCst) + 1;
    says(format!("{} #{count}", greeting.0))
}

#[on(
    step_reached,
    json_key_equals("data.interlocutor.id", "vip"),
    priority = 10
)]
fn vip(event: StepReached) -> Result<StepReachedResponse, HandlerError> {
    Ok(says(format!("vip on {}", event.step_id().unwrap_or("?"))))
}

#[on(step_reached, json_key_in("data.channel", ["web", "messenger"]), json_key_exists("data.input"))]
async fn web_with_input() -> StepReachedResponse {
    says("web with input")
}

#[on(step_reached, step_id = ["000000000000000000000001", "000000000000000000000002"])]
fn failing() -> Result<StepReachedResponse, HandlerError> {
    Err(HandlerError::msg("the CRM is down"))
}

fn is_test_user(request: &Request) -> bool {
    request.json().pointer("/data/interlocutor/usedToTest") == Some(&json!(true))
}

#[on(step_reached, filter = is_test_user, priority = 20)]
fn test_user() -> StepReachedResponse {
    says("test user")
}

#[on(event = "conversation.custom_topic")]
fn custom_topic(Json(body): Json<Value>) -> StepReachedResponse {
    says(body["topic"].as_str().unwrap_or_default())
}

fn said(response: &Value) -> String {
    response["actions"][0]["alternatives"][0]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

async fn server() -> TestServer {
    let webhook = Webhook::from_registry()
        .expect("no conflict")
        .request_max_age(None)
        .state(Greeting("hello"))
        .state(Visits::default());
    TestServer::spawn(webhook).await.unwrap()
}

#[tokio::test]
async fn routes_follow_filters_priority_and_state() {
    let server = server().await;
    let client = server.client();
    let ask = |notification: Value| {
        let client = client.clone();
        async move { said(&client.notify(&notification).await.json()) }
    };

    assert_eq!(ask(sample_notification(STEP_ID)).await, "hello #1");
    assert_eq!(ask(sample_notification(STEP_ID)).await, "hello #2");
    assert_eq!(
        ask(sample_notification("aaaaaaaaaaaaaaaaaaaaaaaa")).await,
        "fallback"
    );

    let mut vip = sample_notification(STEP_ID);
    vip["data"]["interlocutor"]["id"] = json!("vip");
    assert_eq!(ask(vip.clone()).await, format!("vip on {STEP_ID}"));

    vip["data"]["interlocutor"]["usedToTest"] = json!(true);
    assert_eq!(ask(vip).await, "test user");

    let mut web = sample_notification("aaaaaaaaaaaaaaaaaaaaaaaa");
    web["data"]["channel"] = json!("web");
    assert_eq!(ask(web.clone()).await, "fallback");
    web["data"]["input"] = json!({"type": "message", "text": "hi"});
    assert_eq!(ask(web).await, "web with input");

    let custom = json!({"topic": "conversation.custom_topic", "data": {}});
    assert_eq!(ask(custom).await, "conversation.custom_topic");
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn result_handlers_answer_500_on_error() {
    let server = server().await;
    for step in ["000000000000000000000001", "000000000000000000000002"] {
        let response = server.client().notify(&sample_notification(step)).await;
        assert_eq!(response.status(), 500);
        assert_eq!(response.json()["title"], "500 Internal Server Error");
    }
    server.shutdown().await.unwrap();
}

#[test]
fn missing_state_stops_the_program_at_start_naming_the_handler_and_the_type() {
    let webhook = Webhook::from_registry().unwrap().state(Visits::default());
    let missing = webhook.check_state().unwrap_err();
    assert_eq!(missing.handler, "greet");
    assert_eq!(missing.type_name, "dsl::Greeting");
    assert_eq!(
        missing.to_string(),
        format!(
            "the handler `greet` ({}) asks for `State<dsl::Greeting>`, but no value of that type \
             is in the webhook's state: add one with `main!(state = ...)` or `Webhook::state(...)`",
            missing.location.unwrap()
        )
    );
    assert!(missing.location.unwrap().starts_with("tests/dsl.rs:"));
    // `into_router` (and so `serve` and `main!()`) refuses to start.
    let refused = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| webhook.into_router()));
    let message = refused.unwrap_err();
    let message = message.downcast_ref::<String>().unwrap();
    assert!(message.contains("`State<dsl::Greeting>`"), "{message}");
    // With every value, it starts.
    let complete = Webhook::from_registry()
        .unwrap()
        .state(Greeting("hello"))
        .state(Visits::default());
    assert_eq!(complete.check_state(), Ok(()));
}

/// `serve` reports it as an error of the configuration (it panicked once the router was built).
#[tokio::test]
async fn serve_reports_a_missing_state_as_an_error() {
    let webhook = Webhook::from_registry().unwrap().state(Visits::default());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let served = tokio::time::timeout(
        std::time::Duration::from_secs(10),
        webhook.serve_with_shutdown(listener, std::future::pending()),
    )
    .await
    .expect("refused at start");
    match served {
        Err(clustaar_webhook::ServeError::MissingState(missing)) => {
            assert_eq!(missing.type_name, "dsl::Greeting");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn the_registry_lists_every_handler_with_its_location() {
    let registrations = clustaar_webhook::registry::registrations();
    let names: Vec<&str> = registrations.iter().map(|r| r.name()).collect();
    assert_eq!(
        names,
        [
            "fallback",
            "greet",
            "vip",
            "web_with_input",
            "failing",
            "test_user",
            "custom_topic"
        ]
    );
    let vip = registrations.iter().find(|r| r.name() == "vip").unwrap();
    assert_eq!(vip.priority(), 10);
    assert_eq!(
        vip.filters(),
        r#"json_key_equals("data.interlocutor.id", "vip")"#
    );
    assert!(vip.location().starts_with("tests/dsl.rs:"));
    let table = Webhook::from_registry().unwrap().describe_routes();
    assert!(
        table.contains("when step_id = \"507f191e810c19729de860ea\" -> greet"),
        "{table}"
    );
}
