//! HTTP routes written with `#[on(http ...)]`, served over real HTTP beside a Clustaar handler.

use clustaar_webhook::prelude::*;
use clustaar_webhook::testing::{sample_notification, TestServer};
use serde_json::{json, Value};

#[derive(Clone)]
struct Greeting(&'static str);

#[on(
    http(post),
    path = "/github",
    filter = r#"data.headers["X-GitHub-Event"] == "push""#
)]
async fn on_push(event: HttpEvent) -> impl IntoResponse {
    let reference = event.body.json.and_then(|json| json.get("ref").cloned());
    Json(json!({"event": "push", "ref": reference}))
}

#[on(http(POST), path = "/github")]
fn other_event() -> StatusCode {
    StatusCode::ACCEPTED
}

#[on(
    http,
    path = "/hooks/{slug}",
    filter = r#"data.method in ["GET", "POST"]"#
)]
fn any_hook(event: HttpEvent, Path(slug): Path<String>) -> StatusCode {
    if slug == event.url.path.trim_start_matches("/hooks/") {
        StatusCode::OK
    } else {
        StatusCode::INTERNAL_SERVER_ERROR
    }
}

fn is_urgent(request: &Request) -> bool {
    request.headers().contains_key("x-urgent")
}

#[on(http(get, put), path = "/hooks/{slug}", filter = is_urgent, priority = 5)]
fn urgent(State(greeting): State<Greeting>) -> (StatusCode, String) {
    (StatusCode::IM_A_TEAPOT, greeting.0.to_owned())
}

#[on(
    http(post),
    path = "/json",
    json_key_equals("kind", "a"),
    filter = "data.body.json.n > 1"
)]
fn json_filters(Json(body): Json<Value>) -> Json<Value> {
    Json(body["n"].clone())
}

fn signed_by_github() -> HmacVerifier {
    HmacVerifier::github("It's a Secret to Everybody")
}

#[on(http(post), path = "/signed", verify = signed_by_github)]
fn signed() -> &'static str {
    "verified"
}

#[on(step_reached)]
fn notification() -> StepReachedResponse {
    StepReachedResponse::new()
}

#[tokio::test]
async fn the_dsl_routes() {
    let webhook = Webhook::from_registry()
        .unwrap()
        .state(Greeting("hi"))
        .request_max_age(None);
    assert_eq!(webhook.http_routes().len(), 6);
    let server = TestServer::spawn(webhook).await.unwrap();
    let client = server.client();
    let push = client
        .request(Method::POST, "/github")
        .header("X-GitHub-Event", "push")
        .body(r#"{"ref": "refs/heads/main"}"#)
        .send()
        .await;
    assert_eq!(
        push.json(),
        json!({"event": "push", "ref": "refs/heads/main"})
    );
    let issues = client
        .request(Method::POST, "/github")
        .header("X-GitHub-Event", "issues")
        .send()
        .await;
    assert_eq!(issues.status(), 202);
    assert_eq!(
        client.request(Method::GET, "/github").send().await.status(),
        405
    );
    assert_eq!(
        client
            .request(Method::GET, "/hooks/abc")
            .send()
            .await
            .status(),
        200
    );
    assert_eq!(
        client
            .request(Method::POST, "/hooks/abc")
            .send()
            .await
            .status(),
        200
    );
    // PUT: only `urgent` accepts it, and its filter refuses.
    let put = client.request(Method::PUT, "/hooks/abc").send().await;
    assert_eq!(put.status(), 404);
    assert_eq!(
        put.json()["description"],
        "No trigger matched this PUT request to /hooks/abc."
    );
    let urgent = client
        .request(Method::GET, "/hooks/abc")
        .header("X-Urgent", "1")
        .send()
        .await;
    assert_eq!(
        (urgent.status().as_u16(), urgent.text()),
        (418, "hi".to_owned())
    );
    // `any_hook` accepts every method, then its filter refuses DELETE.
    assert_eq!(
        client
            .request(Method::DELETE, "/hooks/abc")
            .send()
            .await
            .status(),
        404
    );
    let json = client
        .request(Method::POST, "/json")
        .header("content-type", "application/json")
        .body(r#"{"kind": "a", "n": 2}"#)
        .send()
        .await;
    assert_eq!(json.json(), json!(2));
    // axum's `Json<T>` wants a JSON content type; its refusal is a JSON error like every other.
    let untyped = client
        .request(Method::POST, "/json")
        .body(r#"{"kind": "a", "n": 2}"#)
        .send()
        .await;
    assert_eq!(untyped.status(), 415);
    assert_eq!(
        untyped.json(),
        json!({
            "title": "415 Unsupported Media Type",
            "description": "Expected request with `Content-Type: application/json`"
        })
    );
    let small = client
        .request(Method::POST, "/json")
        .header("content-type", "application/json")
        .body(r#"{"kind": "a", "n": 1}"#)
        .send()
        .await;
    assert_eq!(small.status(), 404);
    assert_eq!(
        client
            .notify(&sample_notification("507f191e810c19729de860ea"))
            .await
            .status(),
        200
    );
}
