//! The inbox's web page over real HTTP on loopback (without a browser: `tests/inbox_browser.rs`
//! drives Chromium): its credentials, what it shows, its CSRF tokens and confirmations, the
//! read-only mode, and the page nested in an application's router. What it shows is checked on
//! both stores (PostgreSQL: `WEBHOOK_TEST_POSTGRES_URL`, see `clustaar_webhook::testing::postgres`).

mod common;

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use clustaar_webhook::http::HttpRoute;
use clustaar_webhook::inbox::ui::InboxUi;
use clustaar_webhook::inbox::{Durable, InboxOptions, Permanent, RetryPolicy, StoreLocation};
use clustaar_webhook::prelude::*;
use clustaar_webhook::testing::{TestClient, TestResponse, TestServer};

const USER: &str = "ops";
const PASSWORD: &str = "a long password";

/// Whether the handler accepts the `broken` and `fixable` events (until then, and always for
/// the other `broken` ones: a permanent failure).
static FIXED: AtomicBool = AtomicBool::new(false);
/// Attempts that succeeded.
static DONE: AtomicUsize = AtomicUsize::new(0);

async fn handle(body: String) -> Result<StatusCode, Permanent> {
    let fixed = body.contains("fixable") && FIXED.load(Ordering::SeqCst);
    if body.contains("broken") && !fixed {
        return Err(Permanent::new("the order has no customer"));
    }
    DONE.fetch_add(1, Ordering::SeqCst);
    Ok(StatusCode::OK)
}

fn store_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("webhook-inbox-ui-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn webhook(name: &str, ui: InboxUi) -> Webhook {
    webhook_on(StoreLocation::Embedded(Some(store_dir(name))), ui)
}

/// The stores of the test `name`: the embedded one, and PostgreSQL when a server is given.
async fn stores(name: &str) -> Vec<(&'static str, StoreLocation)> {
    let mut stores = vec![("sqlite", StoreLocation::Embedded(Some(store_dir(name))))];
    if let Some(url) = clustaar_webhook::testing::postgres::server(name) {
        let database =
            clustaar_webhook::testing::postgres::fresh_database(&url, "inbox_ui", name).await;
        stores.push(("postgres", StoreLocation::Postgres(database)));
    }
    stores
}

fn webhook_on(store: StoreLocation, ui: InboxUi) -> Webhook {
    let route = HttpRoute::new(Method::POST, "/events", handle)
        .durable(Durable::new().idempotency_header("Webhook-Id"));
    Webhook::new()
        .http_route(route)
        .inbox(InboxOptions {
            store,
            retry: RetryPolicy::default().first_delay(Duration::from_millis(50)),
            ..InboxOptions::default()
        })
        .inbox_ui(ui)
}

fn basic() -> String {
    clustaar_webhook::security::BasicAuth::new(USER, PASSWORD).header_value()
}

async fn get(client: &TestClient, path: &str) -> TestResponse {
    client
        .request(Method::GET, path)
        .header("authorization", basic())
        .send()
        .await
}

async fn post_form(client: &TestClient, path: &str, form: &str) -> TestResponse {
    client
        .request(Method::POST, path)
        .header("authorization", basic())
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form.to_owned())
        .send()
        .await
}

/// The CSRF token of a page's forms.
fn csrf(page: &str) -> String {
    let at = page
        .find(r#"name="csrf" value=""#)
        .expect("the page has a form")
        + r#"name="csrf" value=""#.len();
    page[at..].split('"').next().unwrap().to_owned()
}

/// Waits (at most 10 s) until the event `id`'s page says `state`.
async fn wait_for_state(client: &TestClient, id: i64, state: &str) -> String {
    let badge = format!(r#"class="badge {state}""#);
    for _ in 0..200 {
        let page = get(client, &format!("/inbox/events/{id}")).await.text();
        if page.contains(&badge) {
            return page;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("event {id} never became {state}");
}

async fn post_event(client: &TestClient, key: &str, body: &str) -> i64 {
    let answer = client
        .request(Method::POST, "/events")
        .header("webhook-id", key)
        .header("x-hub-signature-256", "sha256=0123456789abcdef")
        .header("content-type", "application/json")
        .body(body.to_owned())
        .send()
        .await;
    assert_eq!(answer.status(), StatusCode::ACCEPTED, "{}", answer.text());
    let json: serde_json::Value = serde_json::from_str(&answer.text()).unwrap();
    json["id"].as_i64().expect("the 202 names the event")
}

#[tokio::test]
async fn the_page_needs_its_credentials_and_runs_no_inline_script() {
    let server = TestServer::spawn(webhook("auth", InboxUi::basic_auth(USER, PASSWORD)))
        .await
        .unwrap();
    let client = server.client();
    let anonymous = client.request(Method::GET, "/inbox").send().await;
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        anonymous.headers()["www-authenticate"],
        r#"Basic realm="inbox", charset="UTF-8""#
    );
    let json: serde_json::Value = serde_json::from_str(&anonymous.text()).unwrap();
    assert_eq!(json["title"], "Invalid credentials");
    let wrong = client
        .request(Method::GET, "/inbox/events")
        .header(
            "authorization",
            clustaar_webhook::security::BasicAuth::new(USER, "guess").header_value(),
        )
        .send()
        .await;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    for path in ["/inbox", "/inbox/", "/inbox/events", "/inbox/dead"] {
        let page = get(&client, path).await;
        assert_eq!(page.status(), StatusCode::OK, "{path}");
        let policy = page.headers()["content-security-policy"].to_str().unwrap();
        assert!(policy.contains("script-src 'self'"), "{policy}");
        assert!(!policy.contains("unsafe-inline"), "{policy}");
        assert_eq!(page.headers()["x-frame-options"], "DENY");
        assert!(page.text().starts_with("<!DOCTYPE html>"), "{path}");
    }
    let css = get(&client, "/inbox/assets/inbox.css").await;
    assert_eq!(css.headers()["content-type"], "text/css; charset=utf-8");
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn an_event_shows_its_request_masked_its_body_escaped_and_its_attempts() {
    for (kind, store) in stores("show").await {
        eprintln!("on {kind}");
        shows_an_event(store).await;
    }
}

async fn shows_an_event(store: StoreLocation) {
    let ui = InboxUi::basic_auth(USER, PASSWORD);
    let server = TestServer::spawn(webhook_on(store, ui)).await.unwrap();
    let client = server.client();
    let id = post_event(
        &client,
        "msg_script",
        r#"{"note": "<script>window.__xss = 1</script>", "state": "broken"}"#,
    )
    .await;
    let page = wait_for_state(&client, id, "dead").await;
    assert!(
        page.contains("&lt;script&gt;window.__xss = 1&lt;/script&gt;"),
        "{page}"
    );
    assert!(!page.contains("<script>window"), "the body is text");
    assert!(
        !page.contains("0123456789abcdef"),
        "the signature is masked"
    );
    assert!(page.contains("•••• masked (23 bytes)"), "{page}");
    assert!(
        page.contains("the order has no customer"),
        "the attempt's error"
    );
    assert!(page.contains(r#"class="badge dead""#));
    assert!(
        page.contains("msg_script"),
        "the idempotency key and delivery id"
    );
    assert!(page.contains("curl -X POST"), "copy as curl");
    let hex = get(&client, &format!("/inbox/events/{id}?view=hex"))
        .await
        .text();
    assert!(hex.contains("00000000  7b 22 6e 6f"), "{hex}");
    let body = get(&client, &format!("/inbox/events/{id}/body")).await;
    assert_eq!(body.headers()["content-type"], "application/octet-stream");
    assert!(
        body.text().contains("<script>"),
        "the download is the body as received"
    );

    let list = get(&client, "/inbox/events?state=dead").await.text();
    assert!(
        list.contains(&format!(r#"href="/inbox/events/{id}""#)),
        "{list}"
    );
    let none = get(&client, "/inbox/events?state=done&route=events")
        .await
        .text();
    assert!(!none.contains(&format!(r#"href="/inbox/events/{id}""#)));
    let bad = get(&client, "/inbox/events?from=yesterday").await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    let missing = get(&client, "/inbox/events/999999").await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    let overview = get(&client, "/inbox").await.text();
    assert!(overview.contains("<svg"), "the chart");
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn actions_need_the_token_and_a_confirmation_then_replay_runs_the_event_again() {
    let server = TestServer::spawn(webhook("actions", InboxUi::basic_auth(USER, PASSWORD)))
        .await
        .unwrap();
    let client = server.client();
    let id = post_event(
        &client,
        "msg_replay",
        r#"{"state": "broken", "fixable": 1}"#,
    )
    .await;
    let page = wait_for_state(&client, id, "dead").await;
    let token = csrf(&page);
    let replay = format!("/inbox/events/{id}/replay");

    let forged = post_form(&client, &replay, "confirm=yes").await;
    assert_eq!(forged.status(), StatusCode::FORBIDDEN, "no token");
    let forged = post_form(&client, &replay, "csrf=00&confirm=yes").await;
    assert_eq!(forged.status(), StatusCode::FORBIDDEN, "a wrong token");
    let cross_site = client
        .request(Method::POST, &replay)
        .header("authorization", basic())
        .header("sec-fetch-site", "cross-site")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("csrf={token}&confirm=yes"))
        .send()
        .await;
    assert_eq!(cross_site.status(), StatusCode::FORBIDDEN, "another site");

    let asked = post_form(&client, &replay, &format!("csrf={token}")).await;
    assert_eq!(asked.status(), StatusCode::OK);
    assert!(asked.text().contains(&format!("Queue event {id} again?")));
    assert!(asked.text().contains(r#"name="confirm" value="yes""#));
    assert!(page.contains(r#"class="badge dead""#));

    FIXED.store(true, Ordering::SeqCst);
    let before = DONE.load(Ordering::SeqCst);
    let done = post_form(&client, &replay, &format!("csrf={token}&confirm=yes")).await;
    assert_eq!(done.status(), StatusCode::SEE_OTHER);
    let location = done.headers()["location"].to_str().unwrap();
    assert_eq!(location, format!("/inbox/events/{id}?notice=replayed&n=1"));
    let page = wait_for_state(&client, id, "done").await;
    assert!(
        DONE.load(Ordering::SeqCst) > before,
        "the handler ran again"
    );
    assert!(
        page.contains(r#"class="badge dead""#),
        "the first attempt stays in the history"
    );

    let purge = post_form(
        &client,
        &format!("/inbox/events/{id}/purge"),
        &format!("csrf={token}&confirm=yes"),
    )
    .await;
    assert_eq!(purge.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        get(&client, &format!("/inbox/events/{id}")).await.status(),
        StatusCode::NOT_FOUND
    );
    let unknown = post_form(
        &client,
        &format!("/inbox/events/{id}/explode"),
        &format!("csrf={token}&confirm=yes"),
    )
    .await;
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_read_only_page_shows_no_action_and_refuses_them() {
    let ui = InboxUi::basic_auth(USER, PASSWORD).read_only(true);
    let server = TestServer::spawn(webhook("read_only", ui)).await.unwrap();
    let client = server.client();
    let id = post_event(&client, "msg_ro", r#"{"state": "broken", "read": "only"}"#).await;
    let page = wait_for_state(&client, id, "dead").await;
    assert!(page.contains("read-only"));
    assert!(!page.contains(r#"name="csrf""#), "no form");
    let dead = get(&client, "/inbox/dead").await.text();
    assert!(!dead.contains("Replay all"));
    let refused = post_form(
        &client,
        &format!("/inbox/events/{id}/replay"),
        "confirm=yes",
    )
    .await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let json: serde_json::Value = serde_json::from_str(&refused.text()).unwrap();
    assert_eq!(json["title"], "Read-only");
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn the_page_finds_its_prefix_nested_in_an_application_and_takes_the_applications_check() {
    let ui = InboxUi::authorize(|request| {
        request
            .headers
            .get("x-session")
            .is_some_and(|session| session == "admin")
    })
    .path("/ops");
    let (hooks, workers) = webhook("nested", ui)
        .into_router_with_inbox()
        .await
        .unwrap();
    let app = axum::Router::new().nest_service("/admin", hooks);
    let server = TestServer::spawn_router(app).await.unwrap();
    let client = TestClient::http(server.url());
    let refused = client.request(Method::GET, "/admin/ops").send().await;
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    let page = client
        .request(Method::GET, "/admin/ops/dead")
        .header("x-session", "admin")
        .send()
        .await;
    assert_eq!(page.status(), StatusCode::OK, "{}", page.text());
    let text = page.text();
    assert!(text.contains(r#"href="/admin/ops/events""#), "{text}");
    assert!(text.contains(r#"href="/admin/ops/assets/inbox.css""#));
    server.shutdown().await.unwrap();
    workers.shutdown(Some(Duration::from_secs(5))).await;
}

#[test]
fn the_page_may_not_take_another_endpoints_path() {
    let route = HttpRoute::new(Method::POST, "/inbox/github", handle);
    let webhook = Webhook::new()
        .http_route(route)
        .inbox_ui(InboxUi::basic_auth(USER, PASSWORD));
    let conflict = webhook.check_paths().unwrap_err().to_string();
    assert!(conflict.contains("the inbox's page"), "{conflict}");
    assert!(conflict.contains("/inbox/github"), "{conflict}");
}

#[tokio::test]
async fn the_events_list_pages_through_older_events() {
    let server = TestServer::spawn(webhook("pages", InboxUi::basic_auth(USER, PASSWORD)))
        .await
        .unwrap();
    let client = server.client();
    let mut ids = Vec::new();
    for n in 0..55 {
        ids.push(post_event(&client, &format!("page-{n}"), r#"{"page": true}"#).await);
    }
    let rows = |page: &str| page.matches(r#"<span class="badge "#).count();
    let first = get(&client, "/inbox/events").await.text();
    assert_eq!(rows(&first), 50);
    assert!(!first.contains("← Newest"), "the newest page");
    let next = format!(r#"rel="next" href="/inbox/events?before={}""#, ids[5]);
    assert!(first.contains(&next), "{first}");
    let second = get(&client, &format!("/inbox/events?before={}", ids[5]))
        .await
        .text();
    assert_eq!(rows(&second), 5);
    assert!(second.contains("← Newest"));
    assert!(!second.contains(r#"rel="next""#), "the last page");
    let dead = get(&client, "/inbox/dead").await.text();
    assert!(dead.contains("No event matches."));
    server.shutdown().await.unwrap();
}
