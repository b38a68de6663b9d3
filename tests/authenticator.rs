//! Authenticator functions installed with the builder, over real HTTP: every outcome (none,
//! authenticated, unauthenticated, HTTP error, other error), sync and async, per route, with
//! the body, and composed with the signature and basic-auth checks.

mod common;

use std::io::Write;
use std::time::Duration;

use clustaar_webhook::prelude::*;
use clustaar_webhook::testing::{Signer, TestServer};
use common::FIXTURE;
use serde_json::{json, Value};

const TOKEN: &str = "Bearer s3cret";

fn says(text: impl Into<String>) -> StepReachedResponse {
    StepReachedResponse::new().action(SendTextAction::new([text.into()]))
}

/// The text the handler answered.
fn said(body: &Value) -> &str {
    body["actions"][0]["alternatives"][0]
        .as_str()
        .unwrap_or_else(|| panic!("no text in {body}"))
}

/// Who the handler saw.
fn whoami(identity: Option<Identity<SimpleUser>>) -> StepReachedResponse {
    match identity {
        Some(identity) => says(format!(
            "{} {:?}",
            identity.user.name(),
            identity.credentials.scopes()
        )),
        None => says("anyone"),
    }
}

fn bearer(request: &RequestHead) -> Option<&str> {
    request
        .headers()
        .get("authorization")
        .and_then(|value| value.to_str().ok())
}

/// Identifies the bearer of `TOKEN`, refuses other tokens with a 401, accepts anyone without.
fn token_auth(request: &RequestHead) -> Result<Option<Identity>, ApiError> {
    match bearer(request) {
        Some(TOKEN) => Ok(Some(Identity::new(
            Credentials::new(["notify"]),
            SimpleUser::new("platform"),
        ))),
        Some(_) => Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "Unknown token",
            "The bearer token is not one this bot knows.",
        )),
        None => Ok(None),
    }
}

fn bot() -> Webhook {
    Webhook::new()
        .request_max_age(None)
        .on(topics::STEP_REACHED, whoami, ())
}

async fn post(server: &TestServer, authorization: Option<&str>) -> (u16, Value) {
    let client = server.client();
    let mut request = client.post(FIXTURE);
    if let Some(authorization) = authorization {
        request = request.header("authorization", authorization);
    }
    let response = request.send().await;
    (response.status().as_u16(), response.json())
}

#[tokio::test]
async fn without_an_authenticator_handlers_see_no_identity() {
    let server = TestServer::spawn(bot()).await.unwrap();
    let (status, body) = post(&server, Some(TOKEN)).await;
    assert_eq!(status, 200);
    assert_eq!(said(&body), "anyone");
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn returning_nothing_accepts_anyone() {
    let server = TestServer::spawn(bot().authenticator(|_: &RequestHead| {}))
        .await
        .unwrap();
    let (status, body) = post(&server, None).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(said(&body), "anyone");
    server.shutdown().await.unwrap();

    let server = TestServer::spawn(bot().authenticator(token_auth))
        .await
        .unwrap();
    let (status, body) = post(&server, None).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(said(&body), "anyone");
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn an_identity_reaches_the_handler() {
    let server = TestServer::spawn(bot().authenticator(token_auth))
        .await
        .unwrap();
    let (status, body) = post(&server, Some(TOKEN)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(said(&body), r#"platform ["notify"]"#);
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_handler_requiring_an_identity_gets_it() {
    fn strict(identity: Identity<SimpleUser>) -> StepReachedResponse {
        says(identity.user.name().to_owned())
    }
    let webhook = Webhook::new()
        .request_max_age(None)
        .authenticator(token_auth)
        .on(topics::STEP_REACHED, strict, ());
    let server = TestServer::spawn(webhook).await.unwrap();
    let (status, body) = post(&server, Some(TOKEN)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(said(&body), "platform");
    // Accepted without identity, the handler cannot have one: a 500 that says why.
    let (status, body) = post(&server, None).await;
    assert_eq!(status, 500);
    assert!(body["description"]
        .as_str()
        .unwrap()
        .contains("asks for an identity"));
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn an_unauthenticated_user_is_403() {
    let server = TestServer::spawn(
        bot().authenticator(|_: &RequestHead| (Credentials::default(), UnauthenticatedUser)),
    )
    .await
    .unwrap();
    let (status, body) = post(&server, Some(TOKEN)).await;
    assert_eq!(status, 403);
    assert_eq!(
        body,
        json!({"title": "Invalid credentials", "description": "This call needs authentication"})
    );
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn an_http_error_is_answered_as_is() {
    let server = TestServer::spawn(bot().authenticator(token_auth))
        .await
        .unwrap();
    let (status, body) = post(&server, Some("Bearer wrong")).await;
    assert_eq!(status, 401);
    assert_eq!(
        body,
        json!({
            "title": "Unknown token",
            "description": "The bearer token is not one this bot knows."
        })
    );
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn any_other_error_is_500_without_the_cause() {
    fn broken(_: &RequestHead) -> Result<(), std::io::Error> {
        Err(std::io::Error::other("the token store at 10.0.0.7 is down"))
    }
    let server = TestServer::spawn(bot().authenticator(broken))
        .await
        .unwrap();
    let (status, body) = post(&server, Some(TOKEN)).await;
    assert_eq!(status, 500);
    assert_eq!(
        body,
        json!({
            "title": "500 Internal Server Error",
            "description": "The authenticator failed; its error is in the webhook's logs."
        })
    );
    server.shutdown().await.unwrap();
}

/// An async authenticator that looks the token up somewhere slow.
async fn slow_token_auth(request: &RequestHead) -> Result<Option<Identity>, ApiError> {
    tokio::time::sleep(Duration::from_millis(5)).await;
    token_auth(request)
}

#[tokio::test]
async fn async_authenticators_work_the_same() {
    let server = TestServer::spawn(bot().authenticator(slow_token_auth))
        .await
        .unwrap();
    assert_eq!(
        said(&post(&server, Some(TOKEN)).await.1),
        r#"platform ["notify"]"#
    );
    assert_eq!(post(&server, Some("Bearer nope")).await.0, 401);
    assert_eq!(said(&post(&server, None).await.1), "anyone");
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_route_can_have_its_own_authenticator() {
    fn require_token(request: &RequestHead) -> Option<(Credentials, UnauthenticatedUser)> {
        (bearer(request) != Some(TOKEN)).then_some((Credentials::default(), UnauthenticatedUser))
    }
    let admin_step = "507f191e810c19729de860ea";
    let webhook = bot().route(
        Route::new(topics::STEP_REACHED, || says("admin"))
            .filter(StepId::new(admin_step))
            .authenticator(require_token),
    );
    let server = TestServer::spawn(webhook).await.unwrap();
    let client = server.client();
    let admin = clustaar_webhook::testing::sample_notification(admin_step);
    let other = clustaar_webhook::testing::sample_notification("5c2e6a4f7a1b2c3d4e5f6a7b");
    let response = client.notify(&admin).await;
    assert_eq!(response.status(), 403, "{}", response.text());
    let response = client
        .post(serde_json::to_vec(&admin).unwrap())
        .header("authorization", TOKEN)
        .send()
        .await;
    assert_eq!(said(&response.json()), "admin");
    // Other routes are open.
    let response = client.notify(&other).await;
    assert_eq!(said(&response.json()), "anyone");
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn the_webhooks_and_the_routes_authenticators_both_run() {
    async fn route_auth(request: &RequestHead) -> Option<Identity> {
        // The webhook's authenticator ran first: its identity is there.
        let earlier = request.extensions().get::<Identity>()?;
        Some(Identity::new(
            Credentials::new(["route"]),
            SimpleUser::new(format!("{} via route", earlier.user.name())),
        ))
    }
    let webhook = Webhook::new()
        .request_max_age(None)
        .authenticator(token_auth)
        .route(Route::new(topics::STEP_REACHED, whoami).authenticator(route_auth));
    let server = TestServer::spawn(webhook).await.unwrap();
    let (status, body) = post(&server, Some(TOKEN)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(said(&body), r#"platform via route ["route"]"#);
    // The webhook's refusal stops the request before routing.
    assert_eq!(post(&server, Some("Bearer nope")).await.0, 401);
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn the_authenticator_can_read_the_decoded_body() {
    fn bot_id_is_4321(request: &RequestHead) -> Result<Option<Identity>, ApiError> {
        let json: Value = serde_json::from_slice(request.body())
            .map_err(|_| ApiError::bad_request("No JSON", "The body is not JSON."))?;
        if json["botID"] == "4321" {
            Ok(Some(Identity::new(
                Credentials::default(),
                SimpleUser::new("bot 4321"),
            )))
        } else {
            Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "Wrong bot",
                "Not this bot.",
            ))
        }
    }
    let server = TestServer::spawn(bot().authenticator(bot_id_is_4321))
        .await
        .unwrap();
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(FIXTURE).unwrap();
    let response = server
        .client()
        .post(encoder.finish().unwrap())
        .header("content-encoding", "gzip")
        .send()
        .await;
    assert_eq!(said(&response.json()), "bot 4321 []");
    let response = server
        .client()
        .post(&br#"{"topic": "conversation.step_reached", "botID": "1"}"#[..])
        .send()
        .await;
    assert_eq!(response.status(), 403);
    assert_eq!(response.json()["title"], "Wrong bot");
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn every_configured_check_must_pass() {
    let webhook = bot()
        .private_key("key")
        .basic_auth("user", "pass")
        .authenticator(|request: &RequestHead| {
            (request.headers().get("x-tenant").is_none())
                .then_some((Credentials::default(), UnauthenticatedUser))
        });
    let server = TestServer::spawn(webhook).await.unwrap();
    let signer = Signer::new().private_key("key").basic_auth("user", "pass");
    let client = server.client().signer(signer.clone());
    // Everything right.
    let response = client.post(FIXTURE).header("x-tenant", "t").send().await;
    assert_eq!(response.status(), 200, "{}", response.text());
    // The authenticator refuses.
    let response = client.post(FIXTURE).send().await;
    assert_eq!(response.status(), 403);
    // The authenticator would accept, the signature is missing.
    let response = server
        .client()
        .signer(Signer::new().basic_auth("user", "pass"))
        .post(FIXTURE)
        .header("x-tenant", "t")
        .send()
        .await;
    assert_eq!(response.status(), 400);
    assert_eq!(response.json()["title"], "Invalid header value");
    // The authenticator would accept, basic auth is missing.
    let response = server
        .client()
        .signer(Signer::new().private_key("key"))
        .post(FIXTURE)
        .header("x-tenant", "t")
        .send()
        .await;
    assert_eq!(response.status(), 403);
    assert_eq!(
        response.json()["description"],
        "This call needs authentication"
    );
    server.shutdown().await.unwrap();
}

#[tokio::test(flavor = "current_thread")]
async fn the_cause_of_a_500_is_logged() {
    fn broken(_: &RequestHead) -> Result<(), std::io::Error> {
        Err(std::io::Error::other("the token store at 10.0.0.7 is down"))
    }
    let logs = clustaar_webhook::testing::CapturedLogs::new();
    let _guard = logs.set_default();
    // In process, on this thread, so the subscriber sees the authenticator's log.
    let client = clustaar_webhook::testing::TestClient::new(bot().authenticator(broken));
    let response = client.post(FIXTURE).send().await;
    assert_eq!(response.status(), 500);
    let logged = logs.text();
    assert!(
        logged.contains("the authenticator failed")
            && logged.contains("the token store at 10.0.0.7 is down"),
        "{logged}"
    );
}
