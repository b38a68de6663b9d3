//! The server under test: the echo bot (`examples/echo_bot.rs`) with a private key, basic auth
//! and a small body limit, plus HTTP routes with CEL filters; a runtime to call it in process;
//! and what every answer must look like.

use std::sync::OnceLock;

use axum::body::Body;
use axum::Router;
use bytes::Bytes;
use clustaar_webhook::http::{CelFilter, HmacVerifier, HttpRoute, Path};
use clustaar_webhook::models::validate::Validate;
use clustaar_webhook::prelude::*;
use http::{Method, StatusCode};
use http_body_util::BodyExt;
use serde_json::{json, Value};
use tower::ServiceExt;

/// The echo bot's private key (its `X-Hub-Signature`).
pub const PRIVATE_KEY: &str = "fuzz-private-key";
/// Its basic-auth user.
pub const USERNAME: &str = "platform";
/// Its basic-auth password.
pub const PASSWORD: &str = "pa:ss word";
/// The GitHub route's secret (`X-Hub-Signature-256`).
pub const GITHUB_SECRET: &str = "It's a Secret to Everybody";
/// The body limit: small, so that bodies over it (received or decoded) are common.
pub const BODY_LIMIT: usize = 4096;
/// The step the echo bot says hello on.
pub const HELLO_STEP: &str = "507f191e810c19729de860ea";
/// The CEL filter of the `/hooks/{slug}` route.
pub const HOOKS_FILTER: &str = r#"data.method in ["GET", "POST"] && !data.url.path.endsWith("/skip") && !("X-Skip" in data.headers)"#;
/// The CEL filter of the `/github` route.
pub const GITHUB_FILTER: &str = r#"data.headers["X-GitHub-Event"] == "push""#;

/// The runtime every target runs its requests on: one thread, with the timer (the body read
/// timeout), built once.
pub fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .expect("a runtime")
    })
}

/// The echo bot's handler: the step's actions, and a session value.
fn echo(event: StepReached) -> StepReachedResponse {
    StepReachedResponse::with_actions(event.into_actions()).session_value("name", "John")
}

/// The echo bot's handler of its hello step.
async fn hello() -> StepReachedResponse {
    StepReachedResponse::new().action(SendTextAction::new(["hello"]))
}

/// What the HTTP routes answer: the route, and the body they received (decoded).
fn hook_answer(route: &str, slug: Option<String>, body: &[u8]) -> Json<Value> {
    Json(json!({
        "route": route,
        "slug": slug,
        "length": body.len(),
        "body": String::from_utf8_lossy(body),
    }))
}

/// The echo bot, as `examples/echo_bot.rs` builds it, with its security settings, a small body
/// limit and two HTTP routes: `/hooks/{slug}` (GET and POST, a CEL filter) and `/github`
/// (POST, GitHub's signature, a CEL filter).
pub fn echo_bot() -> Webhook {
    Webhook::new()
        .on(topics::STEP_REACHED, echo, ())
        .on(topics::STEP_REACHED, hello, StepId::new(HELLO_STEP))
        .private_key(PRIVATE_KEY)
        .basic_auth(USERNAME, PASSWORD)
        .body_limit(BODY_LIMIT)
        .http(
            [Method::GET, Method::POST],
            "/hooks/{slug}",
            |Path(slug): Path<String>, RawBody(body): RawBody| {
                hook_answer("hooks", Some(slug), &body)
            },
            CelFilter::new(HOOKS_FILTER).expect("a valid filter"),
        )
        .http_route(
            HttpRoute::new(Method::POST, "/github", |RawBody(body): RawBody| {
                hook_answer("github", None, &body)
            })
            .verify(HmacVerifier::github(GITHUB_SECRET))
            .filter(CelFilter::new(GITHUB_FILTER).expect("a valid filter")),
        )
}

/// The echo bot's router, built once.
pub fn echo_bot_router() -> &'static Router {
    static ROUTER: OnceLock<Router> = OnceLock::new();
    ROUTER.get_or_init(|| echo_bot().into_router())
}

/// An answer: status, headers and the whole body.
#[derive(Debug)]
pub struct Answer {
    /// The status.
    pub status: StatusCode,
    /// The headers.
    pub headers: http::HeaderMap,
    /// The body.
    pub body: Bytes,
}

/// Sends `request` to `router` in process (tower's `oneshot`), on the [`runtime`].
pub fn send(router: &Router, request: http::Request<Body>) -> Answer {
    runtime().block_on(async {
        let response = router
            .clone()
            .oneshot(request)
            .await
            .expect("a router never fails");
        let (parts, body) = response.into_parts();
        let body = body.collect().await.expect("an answer's body").to_bytes();
        Answer {
            status: parts.status,
            headers: parts.headers,
            body,
        }
    })
}

/// The statuses a webhook may answer a request the fuzzer makes (no `408`: the body is always
/// complete in process).
pub const STATUSES: &[u16] = &[200, 400, 401, 403, 404, 405, 413, 415, 500];

/// The JSON error of an answer that is not a `200`: an object of exactly two strings, `title`
/// and `description`, sent as `application/json`. Returns the description.
pub fn json_error(answer: &Answer) -> String {
    let error: Value = serde_json::from_slice(&answer.body).unwrap_or_else(|e| {
        panic!(
            "{}: the error is not JSON ({e}): {:?}",
            answer.status,
            String::from_utf8_lossy(&answer.body)
        )
    });
    let object = error.as_object().expect("an error is an object");
    assert_eq!(object.len(), 2, "{error}");
    assert!(object["title"].is_string(), "{error}");
    assert_eq!(
        answer
            .headers
            .get(http::header::CONTENT_TYPE)
            .map(|v| v.as_bytes()),
        Some(&b"application/json"[..]),
        "{error}"
    );
    object["description"]
        .as_str()
        .unwrap_or_else(|| panic!("no description: {error}"))
        .to_owned()
}

/// Checks an answer of the echo bot's notification path (`/`): a valid answer of the echo or
/// the hello handler, or a JSON error; a `500` only for an echo that breaks the platform's
/// rules (the notification's own actions were invalid), never a panic.
pub fn check_notification_answer(answer: &Answer) {
    assert!(
        STATUSES.contains(&answer.status.as_u16()),
        "unexpected status {}: {:?}",
        answer.status,
        String::from_utf8_lossy(&answer.body)
    );
    if answer.status != StatusCode::OK {
        let description = json_error(answer);
        if answer.status == StatusCode::INTERNAL_SERVER_ERROR {
            assert!(
                description.starts_with("The handler's answer breaks the platform's rules"),
                "a 500 other than an invalid echo: {description}"
            );
        }
        return;
    }
    let response: StepReachedResponse = serde_json::from_slice(&answer.body).unwrap_or_else(|e| {
        panic!(
            "a 200 that is not an answer ({e}): {}",
            String::from_utf8_lossy(&answer.body)
        )
    });
    if let Err(errors) = response.validate() {
        panic!(
            "a 200 whose answer is invalid ({errors}): {}",
            String::from_utf8_lossy(&answer.body)
        );
    }
    let session = serde_json::to_value(&response.session).expect("JSON");
    let hello = serde_json::to_value(&response).expect("JSON")
        == json!({"actions": [{"type": "send_text_action", "alternatives": ["hello"]}], "session": null, "interlocutor": null});
    assert!(
        hello || session == json!({"values": {"name": "John"}}),
        "neither the echo nor hello: {}",
        String::from_utf8_lossy(&answer.body)
    );
}
