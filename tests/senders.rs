//! Sender presets over real HTTP: routes written with `#[on(..., sender = ..., event = ...)]`
//! split a provider's events, a signed event no route takes is answered `200`, handshakes are
//! answered as the provider expects, refusals are `401` with the reason, and `TestClient` signs
//! as each provider signs. (Each preset is judged by its provider's SDK in
//! `scripts/senders_sdk.sh`; its scheme is unit-tested in `clustaar_webhook::senders::presets`.)

use std::time::{Duration, SystemTime};

use clustaar_webhook::http::HttpRoute;
use clustaar_webhook::prelude::*;
use clustaar_webhook::senders::{Sender, SenderEvent};
use clustaar_webhook::testing::TestServer;
use serde_json::{json, Value};

const STRIPE_SECRET: &str = "whsec_test_for_the_senders_tests";
const SLACK_SECRET: &str = "8f742231b10e8888abcd99yyyzzz85a5";

/// The variables `#[on]`'s senders read their secrets from, set before the routes are built.
fn set_secrets() {
    std::env::set_var("WEBHOOK_TEST_STRIPE_SECRET", STRIPE_SECRET);
    std::env::set_var("WEBHOOK_TEST_SLACK_SECRET", SLACK_SECRET);
}

#[on(
    http(post),
    path = "/stripe",
    sender = stripe(secret = env("WEBHOOK_TEST_STRIPE_SECRET")),
    event = "invoice.paid"
)]
async fn invoice_paid(event: SenderEvent, Json(body): Json<Value>) -> Json<Value> {
    Json(
        json!({"handler": "invoice_paid", "event": event, "amount": body["data"]["object"]["amount_paid"]}),
    )
}

#[on(
    http(post),
    path = "/stripe",
    sender = stripe(secret = env("WEBHOOK_TEST_STRIPE_SECRET")),
    event = "customer.created"
)]
async fn customer_created(event: SenderEvent) -> Json<Value> {
    Json(json!({"handler": "customer_created", "id": event.id}))
}

#[on(http(post), path = "/slack", sender = slack(secret = env("WEBHOOK_TEST_SLACK_SECRET")))]
async fn slack_event(event: SenderEvent) -> Json<Value> {
    Json(json!({"event": event.event, "id": event.id}))
}

async fn server() -> TestServer {
    set_secrets();
    TestServer::spawn(Webhook::from_registry().unwrap())
        .await
        .unwrap()
}

fn stripe_event(kind: &str) -> String {
    json!({"id": format!("evt_{kind}"), "object": "event", "type": kind,
           "data": {"object": {"id": "in_1", "amount_paid": 2000}}})
    .to_string()
}

#[tokio::test]
async fn a_provider_s_events_are_split_between_handlers_and_the_others_answered_200() {
    let server = server().await;
    let client = server.client();
    let paid = client
        .post_as(
            "stripe",
            STRIPE_SECRET,
            "/stripe",
            stripe_event("invoice.paid"),
        )
        .send()
        .await;
    assert_eq!(paid.status(), 200, "{}", paid.text());
    assert_eq!(
        paid.json(),
        json!({"handler": "invoice_paid", "amount": 2000, "event": {
            "sender": "stripe", "event": "invoice.paid", "id": "evt_invoice.paid",
            "timestamp": paid.json()["event"]["timestamp"]}})
    );
    assert!(paid.json()["event"]["timestamp"].as_i64().unwrap() > 1_700_000_000);
    let created = client
        .post_as(
            "stripe",
            STRIPE_SECRET,
            "/stripe",
            stripe_event("customer.created"),
        )
        .send()
        .await;
    assert_eq!(
        created.json(),
        json!({"handler": "customer_created", "id": "evt_customer.created"})
    );
    // Signed, but no handler takes it: 200, so that Stripe does not disable the endpoint.
    let other = client
        .post_as(
            "stripe",
            STRIPE_SECRET,
            "/stripe",
            stripe_event("charge.refunded"),
        )
        .send()
        .await;
    assert_eq!(other.status(), 200);
    assert_eq!(
        other.json(),
        json!({"status": "ignored", "sender": "stripe", "event": "charge.refunded"})
    );
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn refusals_are_401_with_the_reason() {
    let server = server().await;
    let client = server.client();
    let body = stripe_event("invoice.paid");
    let cases = [
        (
            client.post_as("stripe", "whsec_wrong", "/stripe", body.clone()),
            "does not match",
        ),
        (
            client
                .post_as("stripe", STRIPE_SECRET, "/stripe", body.clone())
                .signed_at(SystemTime::now() - Duration::from_secs(3600)),
            "outside the tolerance of 300 seconds",
        ),
        (
            client
                .post_as("stripe", STRIPE_SECRET, "/stripe", body.clone())
                .without_header(http::HeaderName::from_static("stripe-signature")),
            "is missing",
        ),
        (
            client.post(body.clone()).path("/stripe").unsigned(),
            "is missing",
        ),
    ];
    for (request, reason) in cases {
        let response = request.send().await;
        assert_eq!(response.status(), 401, "{}", response.text());
        assert_eq!(response.json()["title"], "Invalid signature");
        let description = response.json()["description"].as_str().unwrap().to_owned();
        assert!(description.contains(reason), "{description}");
        assert!(!description.contains(STRIPE_SECRET));
    }
    // A body changed after signing.
    let tampered = client
        .post_as("stripe", STRIPE_SECRET, "/stripe", body.clone())
        .tampered_body(body.replace("2000", "9000"))
        .send()
        .await;
    assert_eq!(tampered.status(), 401);
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn slack_s_url_verification_is_answered_with_its_challenge() {
    let server = server().await;
    let client = server.client();
    let challenge = json!({"token": "Jhj5dZrVaK7ZwHHjRyZWjbDl", "type": "url_verification",
                           "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"});
    let response = client
        .post_as("slack", SLACK_SECRET, "/slack", challenge.to_string())
        .send()
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.text(),
        "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"
    );
    assert_eq!(response.headers()["content-type"], "text/plain");
    // An unsigned challenge is refused: the handshake is answered only to Slack.
    let forged = client
        .post(challenge.to_string())
        .path("/slack")
        .unsigned()
        .send()
        .await;
    assert_eq!(forged.status(), 401);
    let event =
        json!({"type": "event_callback", "event_id": "Ev1", "event": {"type": "app_mention"}});
    let response = client
        .post_as("slack", SLACK_SECRET, "/slack", event.to_string())
        .send()
        .await;
    assert_eq!(
        response.json(),
        json!({"event": "app_mention", "id": "Ev1"})
    );
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_rotated_secret_is_accepted_beside_the_new_one() {
    let route: HttpRoute =
        HttpRoute::new(Method::POST, "/github", |event: SenderEvent| async move {
            event.event.unwrap_or_default()
        })
        .sender(Sender::new("github", ["new secret", "old secret"]).unwrap());
    let server = TestServer::spawn(Webhook::new().http_route(route))
        .await
        .unwrap();
    let client = server.client();
    for secret in ["old secret", "new secret"] {
        let response = client
            .post_as("github", secret, "/github", r#"{"zen": "x"}"#)
            .header("X-GitHub-Event", "ping")
            .header("X-GitHub-Delivery", "d-1")
            .send()
            .await;
        assert_eq!(response.status(), 200, "{secret}: {}", response.text());
        assert_eq!(response.text(), "ping");
    }
    let response = client
        .post_as("github", "another", "/github", "{}")
        .header("X-GitHub-Event", "ping")
        .send()
        .await;
    assert_eq!(response.status(), 401);
    server.shutdown().await.unwrap();
}

/// A durable route with a sender: the delivery id is its idempotency key, and the handler, run
/// later by the inbox's workers, reads the same `SenderEvent` it would read inline.
#[tokio::test]
async fn a_durable_route_is_keyed_by_the_delivery_id_and_its_handler_reads_the_event() {
    use clustaar_webhook::inbox::{Durable, InboxOptions, StoreLocation};
    use std::sync::{Arc, Mutex};

    let seen: Arc<Mutex<Vec<SenderEvent>>> = Arc::default();
    let record = Arc::clone(&seen);
    let route: HttpRoute = HttpRoute::new(Method::POST, "/stripe", move |event: SenderEvent| {
        let record = Arc::clone(&record);
        async move {
            record.lock().unwrap().push(event);
            StatusCode::OK
        }
    })
    .sender(Sender::new("stripe", [STRIPE_SECRET]).unwrap())
    .durable(Durable::new());
    let dir = std::env::temp_dir().join(format!("webhook-senders-durable-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let webhook = Webhook::new().http_route(route).inbox(InboxOptions {
        store: StoreLocation::Embedded(Some(dir.clone())),
        poll_interval: Duration::from_millis(20),
        ..InboxOptions::default()
    });
    let server = TestServer::spawn(webhook).await.unwrap();
    let client = server.client();
    let body = stripe_event("invoice.paid");
    let first = client
        .post_as("stripe", STRIPE_SECRET, "/stripe", body.clone())
        .send()
        .await;
    assert_eq!(first.status(), 202, "{}", first.text());
    // Stripe's retry of the same event, signed again: a duplicate.
    let retry = client
        .post_as("stripe", STRIPE_SECRET, "/stripe", body)
        .send()
        .await;
    assert_eq!(retry.status(), 200, "{}", retry.text());
    assert_eq!(retry.json()["status"], "duplicate");
    let mut waited = 0;
    while seen.lock().unwrap().is_empty() && waited < 200 {
        tokio::time::sleep(Duration::from_millis(25)).await;
        waited += 1;
    }
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert_eq!(seen[0].event.as_deref(), Some("invoice.paid"));
    assert_eq!(seen[0].id.as_deref(), Some("evt_invoice.paid"));
    server.shutdown().await.unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}

/// A sender whose secret is not in the environment stops the webhook at start, naming the
/// variable (`main!()` bots print it and exit with status 2).
#[test]
fn a_missing_secret_is_reported_at_start_naming_the_variable() {
    let route: HttpRoute =
        HttpRoute::new(Method::POST, "/stripe", || async { StatusCode::OK }).sender_or_error(
            Sender::from_env("stripe", "WEBHOOK_TEST_VARIABLE_NEVER_SET"),
        );
    let webhook = Webhook::new().http_route(route);
    let error = webhook.check_senders().unwrap_err().to_string();
    assert_eq!(
        error,
        "the stripe sender's secret is read from the environment variable \
         WEBHOOK_TEST_VARIABLE_NEVER_SET, which is not set"
    );
}

/// `serve` reports it as an error of the configuration (it panicked once the router was built).
#[tokio::test]
async fn serve_reports_a_missing_secret_as_an_error() {
    let route: HttpRoute =
        HttpRoute::new(Method::POST, "/stripe", || async { StatusCode::OK }).sender_or_error(
            Sender::from_env("stripe", "WEBHOOK_TEST_VARIABLE_NEVER_SET"),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let served = tokio::time::timeout(
        std::time::Duration::from_secs(10),
        Webhook::new()
            .http_route(route)
            .serve_with_shutdown(listener, std::future::pending()),
    )
    .await
    .expect("refused at start");
    match served {
        Err(clustaar_webhook::ServeError::Sender(error)) => assert!(
            error
                .to_string()
                .contains("WEBHOOK_TEST_VARIABLE_NEVER_SET, which is not set"),
            "{error}"
        ),
        other => panic!("{other:?}"),
    }
}

const TWILIO_TOKEN: &str = "twilio-auth-token-for-the-tests";
const TWILIO_FORM: &str = "application/x-www-form-urlencoded";

/// A webhook with `POST /twilio` (Twilio signs the URL), configured by `flags`.
async fn twilio_server(flags: &[&str]) -> TestServer {
    twilio_server_with(Sender::new("twilio", [TWILIO_TOKEN]).unwrap(), flags).await
}

/// A webhook with `POST /twilio` checked by `sender`, configured by `flags`.
async fn twilio_server_with(sender: Sender, flags: &[&str]) -> TestServer {
    let route: HttpRoute =
        HttpRoute::new(Method::POST, "/twilio", |event: SenderEvent| async move {
            Json(json!({"sender": event.sender, "id": event.id}))
        })
        .sender(sender);
    let settings = clustaar_webhook::config::Settings::from_args(
        std::iter::once("bot").chain(flags.iter().copied()),
    )
    .unwrap();
    TestServer::spawn(settings.apply(Webhook::new().http_route(route)))
        .await
        .unwrap()
}

/// Twilio's signature of its sample form for `url`, as Twilio signs it.
fn twilio_signature(url: &str) -> (String, String) {
    let preset = clustaar_webhook::senders::preset("twilio").unwrap();
    let mut headers = http::HeaderMap::new();
    headers.insert(http::header::CONTENT_TYPE, TWILIO_FORM.parse().unwrap());
    let mut outgoing = clustaar_webhook::senders::Outgoing {
        method: Method::POST,
        url: url.to_owned(),
        headers,
        body: preset.sample_event.as_bytes().to_vec(),
    };
    (preset.sign)(&TWILIO_TOKEN.into(), &mut outgoing, SystemTime::now());
    let signature = outgoing.headers["x-twilio-signature"].to_str().unwrap();
    (signature.to_owned(), preset.sample_event.to_owned())
}

/// Sends the form Twilio signed for `https://hooks.example.com/twilio` with `headers`: the
/// status and the JSON answer.
async fn send_twilio(server: &TestServer, headers: &[(&'static str, &str)]) -> (u16, Value) {
    let (signature, body) = twilio_signature("https://hooks.example.com/twilio");
    let client = server.client();
    let mut request = client
        .request(Method::POST, "/twilio")
        .unsigned()
        .without_date()
        .header(http::header::CONTENT_TYPE, TWILIO_FORM)
        .header("x-twilio-signature", signature.as_str())
        .body(body);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await;
    (response.status().as_u16(), response.json())
}

/// Behind a proxy, Twilio signed `https://hooks.example.com/twilio` while the server sees
/// `http://127.0.0.1:<port>/twilio`: accepted only when `--public-url` (`WEBHOOK_PUBLIC_URL`) or
/// trusted forwarded headers say that URL; refused with the signature's JSON error otherwise.
#[tokio::test]
async fn the_url_twilio_signed_is_the_public_url_or_the_trusted_forwarded_one() {
    let forwarded_x = [
        ("x-forwarded-proto", "https"),
        ("x-forwarded-host", "hooks.example.com"),
    ];
    let forwarded = [(
        "forwarded",
        "for=192.0.2.1;proto=https;host=hooks.example.com",
    )];
    let refused = |(status, answer): (u16, Value)| {
        assert_eq!(status, 401, "{answer}");
        assert_eq!(answer["title"], "Invalid signature");
        let description = answer["description"].as_str().unwrap();
        assert!(description.contains("does not match"), "{description}");
    };
    let accepted = |(status, answer): (u16, Value)| {
        assert_eq!(status, 200, "{answer}");
        assert_eq!(answer["sender"], "twilio");
    };

    // No setting: the URL is the Host's; forwarded headers are not trusted by default.
    let plain = twilio_server(&[]).await;
    refused(send_twilio(&plain, &[]).await);
    refused(send_twilio(&plain, &forwarded_x).await);
    refused(send_twilio(&plain, &forwarded).await);
    plain.shutdown().await.unwrap();

    // The webhook's public URL (with a trailing slash), whatever the forwarded headers say.
    let public = twilio_server(&["--public-url", "https://hooks.example.com/"]).await;
    accepted(send_twilio(&public, &[]).await);
    accepted(send_twilio(&public, &[("x-forwarded-host", "evil.example.com")]).await);
    public.shutdown().await.unwrap();
    let other = twilio_server(&["--public-url", "https://other.example.com"]).await;
    refused(send_twilio(&other, &[]).await);
    other.shutdown().await.unwrap();

    // Trusted forwarded headers: RFC 7239's, or the X- ones.
    let trusted = twilio_server(&["--trust-forwarded", "true"]).await;
    accepted(send_twilio(&trusted, &forwarded_x).await);
    accepted(send_twilio(&trusted, &forwarded).await);
    refused(send_twilio(&trusted, &[]).await);
    refused(send_twilio(&trusted, &[("x-forwarded-proto", "https")]).await);
    trusted.shutdown().await.unwrap();

    // A sender's own public URL comes first.
    let own = Sender::new("twilio", [TWILIO_TOKEN])
        .unwrap()
        .public_url("https://hooks.example.com");
    let first = twilio_server_with(own, &["--public-url", "https://other.example.com"]).await;
    accepted(send_twilio(&first, &[]).await);
    first.shutdown().await.unwrap();
}
