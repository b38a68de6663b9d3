//! The server over real HTTP: JSON errors everywhere, handlers and their arguments, panics,
//! graceful shutdown.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use clustaar_webhook::prelude::*;
use clustaar_webhook::testing::{sample_notification, TestClient, TestServer};
use common::{FIXTURE, STEP_ID};
use http::Method;
use serde_json::json;

fn echo(event: StepReached) -> StepReachedResponse {
    StepReachedResponse::with_actions(event.actions().to_vec())
}

fn open_bot() -> Webhook {
    Webhook::new()
        .request_max_age(None)
        .on(topics::STEP_REACHED, echo, ())
}

#[tokio::test]
async fn every_refusal_is_json_with_title_and_description() {
    let server = TestServer::spawn(open_bot().body_limit(1024))
        .await
        .unwrap();
    let client = server.client();
    let cases = [
        (client.request(Method::GET, "/").send().await, 405),
        (client.request(Method::POST, "/elsewhere").send().await, 404),
        (client.post(vec![b' '; 2048]).send().await, 413),
        (client.post(&b"{\"topic\": "[..]).send().await, 400),
        (client.post(&b"[1, 2]"[..]).send().await, 400),
        (client.post(&b"{\"data\": {}}"[..]).send().await, 400),
        (client.post(&b"{\"topic\": 7}"[..]).send().await, 400),
        (client.post(&b"\xff\xfe"[..]).send().await, 400),
    ];
    for (response, status) in cases {
        assert_eq!(response.status(), status, "{}", response.text());
        assert_eq!(response.headers()["content-type"], "application/json");
        let body = response.json();
        assert!(
            body["title"].is_string() && body["description"].is_string(),
            "{body}"
        );
    }
    let wrong_method = client.request(Method::GET, "/").send().await;
    assert_eq!(wrong_method.headers()["allow"], "POST");
    assert_eq!(
        wrong_method.json(),
        json!({"title": "405 Method Not Allowed", "description": "The webhook accepts POST requests, not GET."})
    );
    assert_eq!(
        client.post(vec![b' '; 2048]).send().await.json(),
        json!({"title": "413 Payload Too Large", "description": "The request body is larger than the limit of 1024 bytes."})
    );
    assert_eq!(
        client.post(&b"[1, 2]"[..]).send().await.json()["description"],
        "The request body must be a JSON object (a notification), not an array."
    );
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn the_fixture_is_answered_with_its_actions() {
    let server = TestServer::spawn(open_bot()).await.unwrap();
    let response = server.client().post(FIXTURE).send().await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/json");
    assert_eq!(
        response.text(),
        r#"{"actions":[{"type":"pause_bot_action"}],"session":null,"interlocutor":null}"#
    );
    server.shutdown().await.unwrap();
}

#[derive(Clone, Default)]
struct Counter(Arc<AtomicUsize>);

#[tokio::test]
async fn handlers_receive_state_headers_body_and_the_envelope() {
    let counter = Counter::default();
    let webhook = Webhook::with_state(counter.clone())
        .request_max_age(None)
        .on(
            topics::STEP_REACHED,
            |State(counter): State<Counter>,
             headers: HeaderMap,
             RawBody(body): RawBody,
             notification: WebhookRequest<StepReached>| async move {
                let calls = counter.0.fetch_add(1, Ordering::SeqCst) + 1;
                StepReachedResponse::new()
                    .session_value("calls", calls)
                    .session_value("agent", headers["user-agent"].to_str().unwrap_or(""))
                    .session_value("bytes", body.len())
                    .session_value("bot", notification.bot_id.unwrap_or_default())
                    .session_value("timestamp", notification.timestamp.unwrap_or_default())
                    .session_value("step", notification.data.step_id().unwrap_or_default())
            },
            (),
        );
    let server = TestServer::spawn(webhook).await.unwrap();
    for expected_calls in 1..=2 {
        let response = server
            .client()
            .post(FIXTURE)
            .header("user-agent", "tests")
            .send()
            .await;
        assert_eq!(
            response.json()["session"]["values"],
            json!({
                "calls": expected_calls, "agent": "tests", "bytes": 636,
                "bot": "4321", "timestamp": 1514998709, "step": "1234"
            })
        );
    }
    assert_eq!(counter.0.load(Ordering::SeqCst), 2);
    server.shutdown().await.unwrap();
}

#[derive(Debug)]
struct DatabaseDown;

impl std::fmt::Display for DatabaseDown {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the database is down")
    }
}

impl std::error::Error for DatabaseDown {}

async fn panics_async() -> StepReachedResponse {
    panic!("boom")
}

#[tokio::test]
async fn errors_and_panics_are_500_for_that_request_only() {
    let webhook = open_bot()
        .on(
            topics::STEP_REACHED,
            || -> Result<StepReachedResponse, HandlerError> { Err(DatabaseDown.into()) },
            StepId::new("000000000000000000000001"),
        )
        .on(
            topics::STEP_REACHED,
            panics_async,
            StepId::new("000000000000000000000002"),
        )
        .on(
            topics::STEP_REACHED,
            || -> StepReachedResponse { panic!("sync boom") },
            StepId::new("000000000000000000000003"),
        )
        .on(
            topics::STEP_REACHED,
            || async {
                Err::<StepReachedResponse, _>(ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "Busy",
                    "Try again.",
                ))
            },
            StepId::new("000000000000000000000004"),
        );
    let server = TestServer::spawn(webhook).await.unwrap();
    let client = server.client();
    let failed = client
        .notify(&sample_notification("000000000000000000000001"))
        .await;
    assert_eq!(failed.status(), 500);
    assert_eq!(
        failed.json(),
        json!({"title": "500 Internal Server Error", "description": "The handler failed; its error is in the webhook's logs."})
    );
    for step in ["000000000000000000000002", "000000000000000000000003"] {
        let panicked = client.notify(&sample_notification(step)).await;
        assert_eq!(panicked.status(), 500);
        assert_eq!(
            panicked.json()["description"],
            "The handler panicked; the panic is in the webhook's logs."
        );
    }
    let busy = client
        .notify(&sample_notification("000000000000000000000004"))
        .await;
    assert_eq!(busy.status(), 503);
    assert_eq!(
        busy.json(),
        json!({"title": "Busy", "description": "Try again."})
    );
    // The server still serves.
    assert_eq!(
        client.notify(&sample_notification(STEP_ID)).await.status(),
        200
    );
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn graceful_shutdown_lets_in_flight_requests_finish() {
    let started = Arc::new(tokio::sync::Notify::new());
    let signal = Arc::clone(&started);
    let webhook = Webhook::new().request_max_age(None).on(
        topics::STEP_REACHED,
        move || common::finish_slowly(Arc::clone(&signal)),
        (),
    );
    let server = TestServer::spawn(webhook).await.unwrap();
    let client = server.client();
    let in_flight = tokio::spawn(async move { client.post(FIXTURE).send().await });
    tokio::time::timeout(Duration::from_secs(5), started.notified())
        .await
        .expect("the handler starts");
    let url = server.url();
    tokio::time::timeout(Duration::from_secs(5), server.shutdown())
        .await
        .expect("the server stops")
        .unwrap();
    let response = in_flight.await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.json()["actions"][0]["alternatives"][0], "finished");
    // After the shutdown nothing listens any more.
    let refused = TestClient::http(url).post(FIXTURE).try_send().await;
    assert!(refused.is_err());
}

#[tokio::test]
async fn the_router_mounts_inside_an_application() {
    let app = axum::Router::new()
        .route("/health", axum::routing::get(|| async { "ok" }))
        .nest_service("/clustaar", open_bot().into_router());
    let server = TestServer::spawn_router(app).await.unwrap();
    let client = server.client();
    let response = client.post(FIXTURE).path("/clustaar").send().await;
    assert_eq!(response.status(), 200, "{}", response.text());
    assert_eq!(
        client.request(Method::GET, "/health").send().await.text(),
        "ok"
    );
    server.shutdown().await.unwrap();
}

/// What a notification handler reads of its request besides the body: the extensions axum's
/// router gives a route, and the request id.
async fn where_am_i(
    matched: axum::extract::MatchedPath,
    axum::extract::OriginalUri(uri): axum::extract::OriginalUri,
    id: clustaar_webhook::ops::RequestId,
) -> StepReachedResponse {
    StepReachedResponse::new().action(SendTextAction::new([format!(
        "{} {uri} {}",
        matched.as_str(),
        id.as_str().len()
    )]))
}

/// Under `serve` (and `TestServer::spawn`), the server calls the notifications' `POST` past
/// the router; mounted (`into_router`), the router routes it. Both answer alike, byte for byte:
/// the extensions a handler extracts, a panic, the id echoed, and everything that is not a
/// `POST` to that path (which the router answers in both).
#[tokio::test]
async fn the_notifications_route_answers_past_the_router_as_through_it() {
    let webhook = || {
        open_bot()
            .path("/hooks/clustaar")
            .on(
                topics::STEP_REACHED,
                where_am_i,
                StepId::new("000000000000000000000001"),
            )
            .on(
                topics::STEP_REACHED,
                panics_async,
                StepId::new("000000000000000000000002"),
            )
    };
    let direct = TestServer::spawn(webhook()).await.unwrap();
    let routed = TestServer::spawn_router(webhook().into_router())
        .await
        .unwrap();
    let answers = |server: TestServer| async move {
        let client = server.client();
        let step = |id: &str| serde_json::to_vec(&sample_notification(id)).unwrap();
        let requests = [
            (
                Method::POST,
                "/hooks/clustaar",
                step("000000000000000000000001"),
            ),
            (
                Method::POST,
                "/hooks/clustaar?tenant=a&x=%20",
                step("000000000000000000000001"),
            ),
            (
                Method::POST,
                "/hooks/clustaar",
                step("000000000000000000000002"),
            ),
            (Method::POST, "/hooks/clustaar", step(STEP_ID)),
            (Method::POST, "/hooks/clustaar", b"{\"topic\": 7}".to_vec()),
            (Method::GET, "/hooks/clustaar", Vec::new()),
            (Method::PUT, "/hooks/clustaar", step(STEP_ID)),
            (Method::POST, "/hooks/clustaar/", step(STEP_ID)),
            (Method::POST, "/hooks/Clustaar", step(STEP_ID)),
            (Method::POST, "/hooks", step(STEP_ID)),
        ];
        let mut answers = Vec::new();
        for (method, path, body) in requests {
            let response = client
                .request(method.clone(), path)
                .header("content-type", "application/json")
                .header("x-request-id", "kept-from-the-client")
                .body(body)
                .send()
                .await;
            let header = |name: &str| {
                response
                    .headers()
                    .get(name)
                    .map(|value| value.to_str().unwrap().to_owned())
            };
            answers.push((
                format!("{method} {path}"),
                response.status(),
                response.text(),
                header("content-type"),
                header("allow"),
                header("x-request-id"),
            ));
        }
        answers
    };
    let direct = answers(direct).await;
    let routed = answers(routed).await;
    assert_eq!(direct, routed);
    // The cases are what they say.
    let statuses: Vec<u16> = direct.iter().map(|answer| answer.1.as_u16()).collect();
    assert_eq!(statuses, [200, 200, 500, 200, 400, 405, 405, 404, 404, 404]);
    assert!(
        direct[0].2.contains("/hooks/clustaar /hooks/clustaar 20"),
        "{}",
        direct[0].2
    );
    assert!(
        direct[1]
            .2
            .contains("/hooks/clustaar /hooks/clustaar?tenant=a&x=%20 20"),
        "{}",
        direct[1].2
    );
    assert!(direct
        .iter()
        .all(|answer| answer.5.as_deref() == Some("kept-from-the-client")));
}
