//! Generic HTTP webhooks over real HTTP: every field of the event data, the seed's CEL filters,
//! path parameters, 404/405, run-time CEL errors, precedence, and the handlers' answers.

use clustaar_webhook::http::Methods;
use clustaar_webhook::prelude::*;
use clustaar_webhook::testing::{TestClient, TestServer};
use serde_json::{json, Value};

/// Answers with the event's serde form, and the path parameter.
fn echo(event: HttpEvent, Path(slug): Path<String>) -> Json<Value> {
    let mut data = serde_json::to_value(&event).unwrap();
    data["slug"] = json!(slug);
    data["event_type"] = json!(event.event_type());
    // Bytes serialise as numbers: answer them as text for the assertions.
    data["body"]["bytes"] = match &event.body.bytes {
        Some(bytes) => json!(String::from_utf8_lossy(bytes)),
        None => Value::Null,
    };
    Json(data)
}

async fn echo_server() -> (TestServer, TestClient) {
    let server = TestServer::spawn(Webhook::new().http(Methods::Any, "/hooks/{slug}", echo, ()))
        .await
        .unwrap();
    let client = server.client();
    (server, client)
}

#[tokio::test]
async fn every_field_of_the_event_data() {
    let (_server, client) = echo_server().await;
    let response = client
        .request(Method::POST, "/hooks/a%20b?key1=value1&key2=x+y&key1=again")
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("User-Agent", "curl/8.0")
        .append_header("X-Many", "1")
        .append_header("X-Many", "2")
        .body("a=1&a=2&b=c+d")
        .send()
        .await;
    assert_eq!(response.status(), 200, "{}", response.text());
    let data = response.json();
    assert_eq!(data["method"], "POST");
    assert_eq!(data["event_type"], "post");
    assert_eq!(data["slug"], "a b");
    assert_eq!(
        data["url"],
        json!({
            "path": "/hooks/a b",
            "query": {"key1": ["value1", "again"], "key2": ["x y"]},
            "raw_query": "key1=value1&key2=x+y&key1=again",
            "fragment": "",
            "raw_fragment": ""
        })
    );
    assert_eq!(
        data["raw_url"],
        "/hooks/a%20b?key1=value1&key2=x+y&key1=again"
    );
    assert_eq!(data["headers"]["x-many"], "1, 2");
    assert_eq!(data["headers"]["user-agent"], "curl/8.0");
    assert_eq!(data["headers"]["content-length"], "13");
    assert_eq!(
        data["body"],
        json!({"bytes": "a=1&a=2&b=c+d", "form": {"a": ["1", "2"], "b": ["c d"]}, "json": null})
    );
}

#[tokio::test]
async fn json_bodies_non_object_bodies_and_empty_bodies() {
    let (_server, client) = echo_server().await;
    let object = client
        .request(Method::PUT, "/hooks/x")
        .header("Content-Type", "application/json")
        .body(r#"{"action": "opened", "n": [1, 2]}"#)
        .send()
        .await
        .json();
    assert_eq!(
        object["body"]["json"],
        json!({"action": "opened", "n": [1, 2]})
    );
    assert_eq!(object["body"]["form"], Value::Null);
    assert_eq!(object["event_type"], "put");
    let array = client
        .request(Method::POST, "/hooks/x")
        .header("Content-Type", "application/json")
        .body("[1, 2]")
        .send()
        .await
        .json();
    assert_eq!(array["body"]["json"], Value::Null);
    assert_eq!(array["body"]["bytes"], "[1, 2]");
    let empty = client.request(Method::GET, "/hooks/x").send().await.json();
    assert_eq!(
        empty["body"],
        json!({"bytes": null, "form": null, "json": null})
    );
    assert_eq!(empty["raw_url"], "/hooks/x");
    assert_eq!(empty["url"]["query"], json!({}));
}

/// A server whose only route, on any method and `/webhooks/{a}/{b}` or `/other`, has `filter`.
async fn filtered(filter: &str) -> (TestServer, TestClient) {
    let filter = CelFilter::new(filter).unwrap();
    let server = TestServer::spawn(
        Webhook::new()
            .http(
                Methods::Any,
                "/webhooks/{a}/{b}",
                || StatusCode::NO_CONTENT,
                filter.clone(),
            )
            .http(Methods::Any, "/other", || StatusCode::NO_CONTENT, filter),
    )
    .await
    .unwrap();
    let client = server.client();
    (server, client)
}

#[tokio::test]
async fn every_filter_of_the_seed() {
    // (method, path, content type) of three requests, and which of them each filter accepts.
    let requests = [
        (Method::GET, "/webhooks/x/foo", None),
        (Method::POST, "/webhooks/x/bar", Some("application/json")),
        (
            Method::PUT,
            "/other",
            Some("application/json; charset=utf-8"),
        ),
    ];
    let cases: [(&str, [bool; 3]); 7] = [
        (
            r#"data.method == "GET" || data.method == "POST""#,
            [true, true, false],
        ),
        (r#"data.method in ["GET", "POST"]"#, [true, true, false]),
        (r#"data.url.path.endsWith("/foo")"#, [true, false, false]),
        (
            r#"data.url.path.matches("^/webhooks/.*/foo$")"#,
            [true, false, false],
        ),
        (
            r#"data.headers["Content-Type"] == "application/json""#,
            [false, true, false],
        ),
        (
            r#"data.headers["Content-Type"].startsWith("application/json")"#,
            [false, true, true],
        ),
        (
            r#"data.headers["Content-Type"].matches("application/json(;.*)?")"#,
            [false, true, true],
        ),
    ];
    for (filter, expected) in cases {
        let (_server, client) = filtered(filter).await;
        for ((method, path, content_type), expected) in requests.iter().zip(expected) {
            let mut request = client.request(method.clone(), path).body("{}");
            if let Some(content_type) = content_type {
                request = request.header("Content-Type", *content_type);
            }
            let response = request.send().await;
            let status = if expected { 204 } else { 404 };
            assert_eq!(
                response.status(),
                status,
                "{filter} on {method} {path}: {}",
                response.text()
            );
        }
    }
}

#[tokio::test]
async fn mixed_case_header_names_and_more_cel() {
    let (_server, client) = filtered(
        r#"data.headers["X-GitHub-Event"] == "push" && has(data.body.json.ref) && data.body.json.commits.exists(c, c.id == "b") && "key" in data.url.query && size(data.url.query.key) == 2"#,
    )
    .await;
    let send = |event: &'static str| {
        client
            .request(Method::POST, "/other?key=1&key=2")
            .header("x-github-event", event)
            .body(r#"{"ref": "main", "commits": [{"id": "a"}, {"id": "b"}]}"#)
            .send()
    };
    assert_eq!(send("push").await.status(), 204);
    assert_eq!(send("issues").await.status(), 404);
}

#[tokio::test]
async fn a_cel_run_time_error_is_no_match() {
    let server = TestServer::spawn(
        Webhook::new()
            // A missing header, then a type mismatch (a string compared with an int).
            .http(
                Method::POST,
                "/h",
                || "missing",
                CelFilter::new(r#"data.headers["X-Missing"] == "x""#).unwrap(),
            )
            .http(
                Method::POST,
                "/h",
                || "mismatch",
                CelFilter::new("data.body.json.n > 1").unwrap(),
            )
            .http(Method::POST, "/h", || "fallback", ()),
    )
    .await
    .unwrap();
    let client = server.client();
    let response = client
        .request(Method::POST, "/h")
        .body(r#"{"n": "two"}"#)
        .send()
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.text(), "fallback");
    let response = client
        .request(Method::POST, "/h")
        .body(r#"{"n": 2}"#)
        .send()
        .await;
    assert_eq!(response.text(), "mismatch");
}

#[tokio::test]
async fn unknown_path_wrong_method_and_no_trigger() {
    let server = TestServer::spawn(
        Webhook::new()
            .http(
                [Method::GET, Method::POST],
                "/github",
                || StatusCode::OK,
                CelFilter::new(r#"data.headers["X-GitHub-Event"] == "push""#).unwrap(),
            )
            .http(Method::DELETE, "/github", || StatusCode::OK, ()),
    )
    .await
    .unwrap();
    let client = server.client();
    let unknown = client.request(Method::POST, "/gitlab").send().await;
    assert_eq!(unknown.status(), 404);
    assert_eq!(
        unknown.json(),
        json!({"title": "404 Not Found", "description": "There is no webhook at /gitlab."})
    );
    let wrong = client.request(Method::PUT, "/github").send().await;
    assert_eq!(wrong.status(), 405);
    assert_eq!(wrong.headers()["allow"], "GET, POST, HEAD, DELETE");
    assert_eq!(
        wrong.json(),
        json!({"title": "405 Method Not Allowed", "description": "/github accepts GET, POST, HEAD, DELETE, not PUT."})
    );
    let no_trigger = client
        .request(Method::POST, "/github")
        .header("X-GitHub-Event", "issues")
        .send()
        .await;
    assert_eq!(no_trigger.status(), 404);
    assert_eq!(no_trigger.headers()["content-type"], "application/json");
    assert_eq!(
        no_trigger.json(),
        json!({"title": "404 Not Found", "description": "No trigger matched this POST request to /github."})
    );
    let push = client
        .request(Method::GET, "/github")
        .header("X-GitHub-Event", "push")
        .send()
        .await;
    assert_eq!(push.status(), 200);
    // A GET route answers HEAD: the same status and headers, no body.
    let head = client
        .request(Method::HEAD, "/github")
        .header("X-GitHub-Event", "push")
        .send()
        .await;
    assert_eq!(head.status(), 200);
    assert!(head.body().is_empty());
    let head_only_delete =
        TestServer::spawn(Webhook::new().http(Method::DELETE, "/d", || StatusCode::OK, ()))
            .await
            .unwrap();
    let refused = head_only_delete
        .client()
        .request(Method::HEAD, "/d")
        .send()
        .await;
    assert_eq!(refused.status(), 405);
    assert_eq!(refused.headers()["allow"], "DELETE");
}

#[tokio::test]
async fn path_parameters() {
    let server = TestServer::spawn(
        Webhook::new()
            .http(
                Method::GET,
                "/repos/{owner}/{number}",
                |Path((owner, number)): Path<(String, u32)>| format!("{owner}#{number}"),
                (),
            )
            .http(Method::GET, "/repos/static/{number}", || "static wins", ()),
    )
    .await
    .unwrap();
    let client = server.client();
    assert_eq!(
        client
            .request(Method::GET, "/repos/rust-lang/42")
            .send()
            .await
            .text(),
        "rust-lang#42"
    );
    assert_eq!(
        client
            .request(Method::GET, "/repos/static/42")
            .send()
            .await
            .text(),
        "static wins"
    );
    let bad = client
        .request(Method::GET, "/repos/rust-lang/forty-two")
        .send()
        .await;
    assert_eq!(bad.status(), 400);
    assert_eq!(bad.json()["title"], "400 Bad Request");
    assert!(
        bad.json()["description"]
            .as_str()
            .unwrap()
            .contains("forty-two"),
        "{}",
        bad.text()
    );
}

#[tokio::test]
async fn precedence_is_that_of_the_clustaar_routes() {
    let post = || CelFilter::new(r#"data.method == "POST""#);
    let server = TestServer::spawn(
        Webhook::new()
            .http(Methods::Any, "/p", || "unfiltered", ())
            .http(Methods::Any, "/p", || "first", post().unwrap())
            .http(Methods::Any, "/p", || "second", post().unwrap())
            .http_route(
                HttpRoute::new(Methods::Any, "/p", || "urgent")
                    .filter(CelFilter::new(r#"data.url.query.urgent == ["1"]"#).unwrap())
                    .priority(5),
            ),
    )
    .await
    .unwrap();
    let client = server.client();
    assert_eq!(
        client.request(Method::POST, "/p").send().await.text(),
        "first"
    );
    assert_eq!(
        client
            .request(Method::POST, "/p?urgent=1")
            .send()
            .await
            .text(),
        "urgent"
    );
    assert_eq!(
        client.request(Method::GET, "/p").send().await.text(),
        "unfiltered"
    );
}

#[test]
fn the_route_table_lists_http_routes_in_precedence_order() {
    let webhook = Webhook::new()
        .http(Methods::Any, "/p", || "unfiltered", ())
        .http_route(
            HttpRoute::new([Method::GET, Method::POST], "/p", || "urgent")
                .filter(CelFilter::new(r#"data.method == "GET""#).unwrap())
                .verify(HmacVerifier::github("s"))
                .priority(5)
                .name("urgent"),
        );
    let table = webhook.describe_routes();
    assert_eq!(
        table.lines().collect::<Vec<_>>(),
        [
            r#"GET,POST /p priority=5 when cel("data.method == \"GET\"") signed -> urgent"#,
            "* /p priority=0 unfiltered -> &str",
        ]
        .map(|line| line.replace("&str", webhook.http_routes()[0].route_name()))
    );
}

#[derive(Clone)]
struct Greeting(&'static str);

#[tokio::test]
async fn handlers_answer_anything_that_becomes_a_response_and_share_state() {
    async fn created(State(greeting): State<Greeting>) -> impl IntoResponse {
        (StatusCode::CREATED, Json(json!({"greeting": greeting.0})))
    }
    fn refused() -> Result<StatusCode, ApiError> {
        Err(ApiError::new(StatusCode::CONFLICT, "Busy", "Try again."))
    }
    let server = TestServer::spawn(
        Webhook::with_state(Greeting("hi"))
            .http(Method::POST, "/created", created, ())
            .http(Method::POST, "/refused", refused, ())
            .http(
                Method::POST,
                "/headers",
                |headers: HeaderMap, RawBody(body): RawBody| {
                    format!("{} {}", headers["x-a"].to_str().unwrap(), body.len())
                },
                (),
            )
            .http(
                Method::POST,
                "/json",
                |Json(value): Json<Value>| Json(value["a"].clone()),
                (),
            ),
    )
    .await
    .unwrap();
    let client = server.client();
    let response = client.request(Method::POST, "/created").send().await;
    assert_eq!(response.status(), 201);
    assert_eq!(response.json(), json!({"greeting": "hi"}));
    let response = client.request(Method::POST, "/refused").send().await;
    assert_eq!(response.status(), 409);
    assert_eq!(
        response.json(),
        json!({"title": "Busy", "description": "Try again."})
    );
    let response = client
        .request(Method::POST, "/headers")
        .header("X-A", "b")
        .body("abc")
        .send()
        .await;
    assert_eq!(response.text(), "b 3");
    let response = client
        .request(Method::POST, "/json")
        .header("content-type", "application/json")
        .body(r#"{"a": [1]}"#)
        .send()
        .await;
    assert_eq!(response.json(), json!([1]));
}

#[tokio::test]
async fn clustaar_notifications_keep_their_path_beside_http_routes() {
    let server = TestServer::spawn(
        Webhook::new()
            .request_max_age(None)
            .on(topics::STEP_REACHED, StepReachedResponse::new, ())
            .http(Method::POST, "/github", || StatusCode::ACCEPTED, ()),
    )
    .await
    .unwrap();
    let client = server.client();
    let notification = client
        .notify(&clustaar_webhook::testing::sample_notification(
            "507f191e810c19729de860ea",
        ))
        .await;
    assert_eq!(notification.status(), 200);
    assert_eq!(
        client
            .request(Method::POST, "/github")
            .send()
            .await
            .status(),
        202
    );
}

#[test]
#[should_panic(expected = "the path of the Clustaar notifications")]
fn an_http_route_on_the_notifications_path_is_refused() {
    let _ = Webhook::new()
        .http(Method::POST, "/", || StatusCode::OK, ())
        .into_router();
}

/// `check_paths` finds it (`main!()` exits with code 2), and `serve` reports it as an error.
#[tokio::test]
async fn an_http_route_on_the_notifications_path_is_a_path_conflict() {
    let webhook = || Webhook::new().http(Method::POST, "/", || StatusCode::OK, ());
    let conflict = webhook().check_paths().unwrap_err().to_string();
    assert!(
        conflict.ends_with(
            "is on \"/\", the path of the Clustaar notifications; give it another path, or \
             move the notifications with `Webhook::path`"
        ),
        "{conflict}"
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let served = tokio::time::timeout(
        std::time::Duration::from_secs(10),
        webhook().serve_with_shutdown(listener, std::future::pending()),
    )
    .await
    .expect("refused at start");
    assert!(
        matches!(
            served,
            Err(clustaar_webhook::ServeError::Conflict(
                clustaar_webhook::PathConflict::NotificationsPath { .. }
            ))
        ),
        "{served:?}"
    );
}

#[tokio::test]
async fn a_handler_panic_is_a_500() {
    let server = TestServer::spawn(Webhook::new().http(
        Method::POST,
        "/boom",
        || -> StatusCode { panic!("boom") },
        (),
    ))
    .await
    .unwrap();
    let response = server.client().request(Method::POST, "/boom").send().await;
    assert_eq!(response.status(), 500);
}

/// Found by `check_paths` with both paths named (`main!()` exits with code 2, `serve` returns
/// it); `into_router` panics with the same message, not axum's.
#[test]
fn two_parameter_names_at_the_same_place_conflict_at_start() {
    let webhook = || {
        Webhook::new()
            .http(Method::POST, "/hooks/{a}", || StatusCode::OK, ())
            .http(Method::GET, "/hooks/{a}", || StatusCode::OK, ())
            .http(Method::POST, "/hooks/{b}", || StatusCode::OK, ())
    };
    let conflict = webhook().check_paths().unwrap_err();
    assert!(
        matches!(&conflict, clustaar_webhook::PathConflict::Patterns { path, .. } if path == "/hooks/{b}"),
        "{conflict:?}"
    );
    let message = conflict.to_string();
    assert!(
        message.ends_with(
            "is on \"/hooks/{b}\", which cannot be routed beside \"/hooks/{a}\": they differ \
             only by a parameter's name or kind"
        ),
        "{message}"
    );
    let panic = std::panic::catch_unwind(|| webhook().into_router()).unwrap_err();
    let panic = panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|text| (*text).to_owned()))
        .unwrap_or_default();
    assert!(panic.contains(&message), "{panic}");
}

#[tokio::test]
async fn the_body_limit_applies_to_http_routes() {
    let server = TestServer::spawn(Webhook::new().body_limit(8).http(
        Method::POST,
        "/small",
        || StatusCode::OK,
        (),
    ))
    .await
    .unwrap();
    let client = server.client();
    assert_eq!(
        client
            .request(Method::POST, "/small")
            .body("12345678")
            .send()
            .await
            .status(),
        200
    );
    let large = client
        .request(Method::POST, "/small")
        .body("123456789")
        .send()
        .await;
    assert_eq!(large.status(), 413);
    assert_eq!(large.json()["title"], "413 Payload Too Large");
}
