//! `#[authenticator]` and `#[on(..., auth = ...)]`, collected by `Webhook::from_registry()` (as
//! `main!()` does) and served over real HTTP.

mod common;

use clustaar_webhook::prelude::*;
use clustaar_webhook::testing::{sample_notification, TestServer};
use common::STEP_ID;
use serde_json::Value;

const TOKEN: &str = "Bearer dsl-token";

/// The webhook's authenticator: async, identifies the holder of `TOKEN`, refuses others.
#[authenticator]
async fn platform(request: &RequestHead) -> Result<Identity, ApiError> {
    tokio::task::yield_now().await;
    match request.headers().get("authorization") {
        Some(value) if value == TOKEN => Ok(Identity::new(
            Credentials::new(["notify"]),
            SimpleUser::new("platform"),
        )),
        _ => Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "Token required",
            "Send the platform's bearer token.",
        )),
    }
}

/// A route's own authenticator (a plain function: `#[authenticator]` is for the webhook's).
fn only_on_web(request: &RequestHead) -> Option<(Credentials, UnauthenticatedUser)> {
    let json: Value = serde_json::from_slice(request.body()).ok()?;
    (json["data"]["channel"] != "web").then_some((Credentials::default(), UnauthenticatedUser))
}

fn says(text: String) -> StepReachedResponse {
    StepReachedResponse::new().action(SendTextAction::new([text]))
}

#[on(step_reached)]
fn everyone(identity: Identity) -> StepReachedResponse {
    says(format!("hello {}", identity.user.name()))
}

#[on(step_reached, step_id = "507f191e810c19729de860ea", auth = only_on_web)]
fn web_only(identity: Identity) -> StepReachedResponse {
    says(format!("web {}", identity.user.name()))
}

fn text(response: &clustaar_webhook::testing::TestResponse) -> String {
    response.json()["actions"][0]["alternatives"][0]
        .as_str()
        .unwrap_or_else(|| panic!("{}", response.text()))
        .to_owned()
}

#[tokio::test]
async fn the_registered_authenticator_guards_every_route() {
    let webhook = Webhook::from_registry().unwrap().request_max_age(None);
    let server = TestServer::spawn(webhook).await.unwrap();
    let client = server.client();
    let other_step = sample_notification("5c2e6a4f7a1b2c3d4e5f6a7b");
    let body = serde_json::to_vec(&other_step).unwrap();

    let response = client.post(body.clone()).send().await;
    assert_eq!(response.status(), 401);
    assert_eq!(response.json()["title"], "Token required");

    let response = client
        .post(body)
        .header("authorization", TOKEN)
        .send()
        .await;
    assert_eq!(text(&response), "hello platform");
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_route_named_authenticator_runs_after_the_webhooks() {
    let webhook = Webhook::from_registry().unwrap().request_max_age(None);
    let server = TestServer::spawn(webhook).await.unwrap();
    let client = server.client();
    let mut on_web = sample_notification(STEP_ID);
    on_web["data"]["channel"] = "web".into();
    let on_facebook = sample_notification(STEP_ID);

    let response = client
        .post(serde_json::to_vec(&on_web).unwrap())
        .header("authorization", TOKEN)
        .send()
        .await;
    assert_eq!(text(&response), "web platform");

    let response = client
        .post(serde_json::to_vec(&on_facebook).unwrap())
        .header("authorization", TOKEN)
        .send()
        .await;
    assert_eq!(response.status(), 403, "{}", response.text());

    // Without the token the webhook's authenticator refuses first.
    let response = client
        .post(serde_json::to_vec(&on_web).unwrap())
        .send()
        .await;
    assert_eq!(response.status(), 401);
    server.shutdown().await.unwrap();
}

#[test]
fn the_route_table_and_debug_output_show_the_authenticator() {
    let webhook = Webhook::from_registry().unwrap();
    let route = webhook
        .routes()
        .iter()
        .find(|route| route.route_name() == "web_only")
        .unwrap();
    assert!(route.has_authenticator());
    assert!(format!("{webhook:?}").contains("authenticator: true"));
}
