//! Durable routes without `main!()`: a webhook nested in an application's own axum server
//! (`Webhook::into_router_with_inbox`) and served by `TestServer`, over real HTTP on loopback,
//! on the embedded store; deduplication on a CEL idempotency key checked at compile time.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use clustaar_webhook::inbox::{
    AttemptEnd, Delivery, Durable, EventState, InboxOptions, RetryPolicy, StoreLocation,
};
use clustaar_webhook::prelude::*;
use clustaar_webhook::testing::{TestClient, TestServer};
use serde::Deserialize;
use serde_json::Value;

/// What the handlers ran: `(key, attempt)`, in order.
static PROCESSED: Mutex<Vec<(String, u32)>> = Mutex::new(Vec::new());

fn record(key: String, attempt: u32) {
    PROCESSED.lock().unwrap().push((key, attempt));
}

fn processed_with(prefix: &str) -> Vec<(String, u32)> {
    let mut found: Vec<(String, u32)> = PROCESSED
        .lock()
        .unwrap()
        .iter()
        .filter(|(key, _)| key.starts_with(prefix))
        .cloned()
        .collect();
    found.sort();
    found
}

/// Waits (at most 10 s) until the handlers ran `count` attempts of keys starting with `prefix`.
async fn wait_for_processed(prefix: &str, count: usize) -> Vec<(String, u32)> {
    for _ in 0..200 {
        let found = processed_with(prefix);
        if found.len() >= count {
            return found;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!(
        "{count} attempts of {prefix}* expected, found {:?}",
        processed_with(prefix)
    );
}

#[derive(Debug, Deserialize)]
struct Order {
    id: u64,
    #[serde(default)]
    fail_first: bool,
}

/// Deduplicated on the shop and the order id; fails its first attempt when told to.
#[on(
    http(post),
    path = "/orders",
    durable,
    idempotency_key = cel(r#"data.headers["X-Shop"] + "/" + string(data.body.json.id)"#)
)]
async fn order(
    delivery: Delivery,
    headers: HeaderMap,
    Json(order): Json<Order>,
) -> Result<StatusCode, HandlerError> {
    if order.fail_first && delivery.attempt == 1 {
        return Err(HandlerError::msg("the first attempt fails"));
    }
    let shop = headers
        .get("x-shop")
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default();
    record(format!("{shop}/{}", order.id), delivery.attempt);
    Ok(StatusCode::OK)
}

/// A fresh data directory for one test.
fn data_dir(label: &str) -> PathBuf {
    static COUNT: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "webhook-durable-embedded-{}-{label}-{}",
        std::process::id(),
        COUNT.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn options(dir: PathBuf) -> InboxOptions {
    InboxOptions {
        store: StoreLocation::Embedded(Some(dir)),
        retry: RetryPolicy::default().first_delay(Duration::from_millis(20)),
        poll_interval: Duration::from_millis(20),
        ..InboxOptions::default()
    }
}

async fn post_order(client: &TestClient, path: &str, shop: &str, body: &str) -> (u16, Value) {
    let response = client
        .request(Method::POST, path)
        .header("x-shop", shop)
        .header("content-type", "application/json")
        .body(body.to_owned())
        .send()
        .await;
    (response.status().as_u16(), response.json())
}

#[tokio::test]
async fn an_application_serves_durable_routes_from_its_own_server() {
    let dir = data_dir("app");
    let webhook = Webhook::from_registry()
        .unwrap()
        .inbox(options(dir.clone()))
        .metrics_token("app-metrics-token");
    let (hooks, workers) = webhook.into_router_with_inbox().await.unwrap();
    assert!(workers.is_running());
    let app = axum::Router::new()
        .route("/version", axum::routing::get(|| async { "1.0" }))
        .nest_service("/hooks", hooks);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                let _ = stopped.await;
            })
            .await
    });
    let client = TestClient::http(&url);

    // Two orders of one shop, one of them sent twice (a retry of the sender with another
    // delivery id), and the same order id from another shop: three events.
    let (status, first) = post_order(&client, "/hooks/orders", "app-acme", r#"{"id": 1}"#).await;
    assert_eq!(status, 202, "{first}");
    assert_eq!(first["status"], "accepted");
    let (status, again) = post_order(&client, "/hooks/orders", "app-acme", r#"{"id": 1}"#).await;
    assert_eq!((status, &again["status"]), (200, &Value::from("duplicate")));
    assert_eq!(
        again["id"], first["id"],
        "a duplicate names the first event"
    );
    let (status, _) = post_order(
        &client,
        "/hooks/orders",
        "app-acme",
        r#"{"id": 2, "fail_first": true}"#,
    )
    .await;
    assert_eq!(status, 202);
    let (status, _) = post_order(&client, "/hooks/orders", "app-other", r#"{"id": 1}"#).await;
    assert_eq!(status, 202, "another shop's order 1 is another event");

    let found = wait_for_processed("app-", 3).await;
    assert_eq!(
        found,
        [
            ("app-acme/1".to_owned(), 1),
            ("app-acme/2".to_owned(), 2),
            ("app-other/1".to_owned(), 1)
        ],
        "each event once; the failing one at its second attempt"
    );

    // The application's own route, and the webhook's probes under its prefix (the store
    // checked by readiness).
    let version = client.request(Method::GET, "/version").send().await;
    assert_eq!(version.text(), "1.0");
    let ready = client.request(Method::GET, "/hooks/readyz").send().await;
    assert_eq!(ready.status(), StatusCode::OK, "{}", ready.text());
    // The metrics (behind their token) name the route by its pattern in the webhook, under
    // the application's prefix.
    let refused = client.request(Method::GET, "/hooks/metrics").send().await;
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    let metrics = client
        .request(Method::GET, "/hooks/metrics")
        .header("authorization", "Bearer app-metrics-token")
        .send()
        .await
        .text();
    assert!(
        metrics.contains(r#"webhook_requests_total{route="/orders",status="202"} 3"#),
        "{metrics}"
    );
    // Four requests one after the other: four group commits of one event each (the duplicate
    // included), each timed.
    for line in [
        "webhook_inbox_batch_events_count 4",
        "webhook_inbox_batch_events_sum 4.0",
        r#"webhook_inbox_batch_events_bucket{le="1"} 4"#,
        "webhook_inbox_batch_duration_seconds_count 4",
    ] {
        assert!(
            metrics.lines().any(|l| l == line),
            "{line} not in\n{metrics}"
        );
    }

    let _ = stop.send(());
    server.await.unwrap().unwrap();
    assert!(workers.shutdown(Some(Duration::from_secs(5))).await);
    // Nothing ran twice meanwhile.
    assert_eq!(processed_with("app-").len(), 3);
    // Every attempt was recorded before the shutdown returned: the failing order's two.
    let store = clustaar_webhook::inbox::open_store(&StoreLocation::Embedded(Some(dir.clone())), 1)
        .await
        .unwrap();
    let done = store.list(Some(EventState::Done), 10).await.unwrap();
    assert_eq!(done.len(), 3);
    let failing = done
        .iter()
        .find(|record| record.event.body.as_ref() == br#"{"id": 2, "fail_first": true}"#)
        .expect("the failing order");
    let history = store.history(failing.id).await.unwrap();
    let ends: Vec<(u32, AttemptEnd)> = history.iter().map(|a| (a.attempt, a.end)).collect();
    assert_eq!(ends, [(1, AttemptEnd::Retry), (2, AttemptEnd::Done)]);
    let _ = std::fs::remove_dir_all(dir);
}

async fn echo_key(delivery: Delivery) -> StatusCode {
    let _ = delivery;
    StatusCode::OK
}

#[tokio::test]
async fn a_test_server_runs_durable_routes() {
    let dir = data_dir("test-server");
    // The builder's CEL key: the `Webhook-Id` header, or the body's `id` without it.
    let route = HttpRoute::new(
        Method::POST,
        "/events",
        |delivery: Delivery, RawBody(body): RawBody| async move {
            record(
                format!("ts-{}", String::from_utf8_lossy(&body)),
                delivery.attempt,
            );
            StatusCode::OK
        },
    )
    .durable(Durable::new().idempotency_cel(
        r#""webhook-id" in data.headers ? data.headers["Webhook-Id"] : string(data.body.json.id)"#,
    ));
    let other = HttpRoute::new(Method::POST, "/other", echo_key);
    let webhook = Webhook::new()
        .http_route(route)
        .http_route(other)
        .inbox(options(dir.clone()));
    let server = TestServer::spawn(webhook).await.unwrap();
    let client = server.client();
    let send = |id: Option<&'static str>, body: &'static str| {
        let mut request = client
            .request(Method::POST, "/events")
            .header("content-type", "application/json")
            .body(body);
        if let Some(id) = id {
            request = request.header("webhook-id", id);
        }
        request.send()
    };
    assert_eq!(send(Some("m1"), r#"{"id": 10}"#).await.status(), 202);
    assert_eq!(send(Some("m1"), r#"{"id": 11}"#).await.status(), 200);
    assert_eq!(send(None, r#"{"id": 12}"#).await.status(), 202);
    assert_eq!(send(None, r#"{"id": 12}"#).await.status(), 200);
    let found = wait_for_processed("ts-", 2).await;
    assert_eq!(
        found,
        [
            (r#"ts-{"id": 10}"#.to_owned(), 1),
            (r#"ts-{"id": 12}"#.to_owned(), 1)
        ]
    );
    server.shutdown().await.unwrap();
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn a_handler_that_panics_fails_its_attempt_and_the_workers_go_on() {
    let dir = data_dir("panic");
    let route = HttpRoute::new(
        Method::POST,
        "/events",
        |delivery: Delivery, RawBody(body): RawBody| async move {
            let key = format!("panic-{}", String::from_utf8_lossy(&body));
            if body.as_ref() == b"boom" && delivery.attempt == 1 {
                panic!("boom at attempt {}", delivery.attempt);
            }
            record(key, delivery.attempt);
            StatusCode::OK
        },
    )
    .durable(Durable::new());
    let webhook = Webhook::new().http_route(route).inbox(options(dir.clone()));
    let server = TestServer::spawn(webhook).await.unwrap();
    let client = server.client();
    for body in ["boom", "calm"] {
        let response = client
            .request(Method::POST, "/events")
            .header("content-type", "text/plain")
            .body(body)
            .send()
            .await;
        assert_eq!(response.status(), 202, "{body}");
    }
    let found = wait_for_processed("panic-", 2).await;
    assert_eq!(
        found,
        [("panic-boom".to_owned(), 2), ("panic-calm".to_owned(), 1)],
        "the panicking attempt failed alone, and was retried"
    );
    server.shutdown().await.unwrap();
    let store = clustaar_webhook::inbox::open_store(&StoreLocation::Embedded(Some(dir.clone())), 1)
        .await
        .unwrap();
    let done = store.list(Some(EventState::Done), 10).await.unwrap();
    let boom = done
        .iter()
        .find(|record| record.event.body.as_ref() == b"boom")
        .expect("the panicking event, done at its retry");
    let history = store.history(boom.id).await.unwrap();
    let ends: Vec<(u32, AttemptEnd, Option<&str>)> = history
        .iter()
        .map(|a| (a.attempt, a.end, a.error.as_deref()))
        .collect();
    assert_eq!(
        ends,
        [
            (
                1,
                AttemptEnd::Retry,
                Some("the handler panicked: boom at attempt 1")
            ),
            (2, AttemptEnd::Done, None)
        ]
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
#[should_panic(expected = "into_router_with_inbox")]
fn into_router_names_the_way_to_serve_a_durable_route() {
    let route = HttpRoute::new(Method::POST, "/events", echo_key).durable(Durable::new());
    let _ = Webhook::new().http_route(route).into_router();
}
