//! The ingestion rules on generic HTTP routes, over real HTTP: encoded bodies are decoded
//! within the limit, unknown encodings refused, signatures checked over the bytes as sent, and
//! the webhook's authenticator guards them like the Clustaar path.

use std::io::Write;

use clustaar_webhook::http::{HmacVerifier, HttpRoute};
use clustaar_webhook::prelude::*;
use clustaar_webhook::testing::TestServer;

/// Answers the (decoded) body as text.
fn echo_body(event: HttpEvent) -> String {
    String::from_utf8_lossy(event.body.bytes.as_deref().unwrap_or_default()).into_owned()
}

/// Answers who called.
fn whoami(identity: Option<Identity<SimpleUser>>) -> String {
    identity.map_or_else(
        || "anyone".to_owned(),
        |identity| identity.user.name().to_owned(),
    )
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(data).unwrap();
    encoder.finish().unwrap()
}

/// Accepts the bearer of "t0ken" as "crm", refuses every other caller.
fn crm_only(request: &RequestHead) -> Result<Identity, ApiError> {
    match request.headers().get("authorization").map(|v| v.as_bytes()) {
        Some(b"Bearer t0ken") => Ok(Identity::new(
            Credentials::default(),
            SimpleUser::new("crm"),
        )),
        _ => Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "Missing token",
            "Send the CRM's bearer token.",
        )),
    }
}

#[tokio::test]
async fn encoded_bodies_are_decoded_for_http_routes() {
    let server = TestServer::spawn(Webhook::new().http(Method::POST, "/hook", echo_body, ()))
        .await
        .unwrap();
    let client = server.client();
    let response = client
        .request(Method::POST, "/hook")
        .header("Content-Encoding", "gzip")
        .body(gzip(b"a=1&b=2"))
        .send()
        .await;
    assert_eq!(response.status(), 200, "{}", response.text());
    assert_eq!(response.text(), "a=1&b=2");

    let response = client
        .request(Method::POST, "/hook")
        .header("Content-Encoding", "compress")
        .body("x")
        .send()
        .await;
    assert_eq!(response.status(), 415, "{}", response.text());
    assert!(response.json()["description"].is_string());

    let response = client
        .request(Method::POST, "/hook")
        .header("Content-Encoding", "gzip")
        .body("not gzip")
        .send()
        .await;
    assert_eq!(response.status(), 400, "{}", response.text());
}

#[tokio::test]
async fn the_body_limit_applies_to_decoded_bytes_on_http_routes() {
    let webhook = Webhook::new()
        .body_limit(1024)
        .http(Method::POST, "/hook", echo_body, ());
    let server = TestServer::spawn(webhook).await.unwrap();
    let zeros = gzip(&[b'0'; 64 * 1024]);
    assert!(zeros.len() < 1024);
    let response = server
        .client()
        .request(Method::POST, "/hook")
        .header("Content-Encoding", "gzip")
        .body(zeros)
        .send()
        .await;
    assert_eq!(response.status(), 413, "{}", response.text());
}

#[tokio::test]
async fn signatures_cover_the_bytes_as_sent() {
    let verifier = HmacVerifier::github("secret");
    let webhook = Webhook::new()
        .http_route(HttpRoute::new(Method::POST, "/github", echo_body).verify(verifier.clone()));
    let server = TestServer::spawn(webhook).await.unwrap();
    let client = server.client();
    let sent = gzip(br#"{"ref": "main"}"#);

    let response = client
        .request(Method::POST, "/github")
        .header("Content-Encoding", "gzip")
        .header("X-Hub-Signature-256", verifier.sign(&sent))
        .body(sent.clone())
        .send()
        .await;
    assert_eq!(response.status(), 200, "{}", response.text());
    assert_eq!(response.text(), r#"{"ref": "main"}"#);

    let response = client
        .request(Method::POST, "/github")
        .header("Content-Encoding", "gzip")
        .header("X-Hub-Signature-256", verifier.sign(br#"{"ref": "main"}"#))
        .body(sent)
        .send()
        .await;
    assert_eq!(response.status(), 401, "{}", response.text());
}

#[tokio::test]
async fn the_webhook_authenticator_guards_http_routes() {
    let webhook = Webhook::new()
        .authenticator(crm_only)
        .http(Method::POST, "/crm", whoami, ());
    let server = TestServer::spawn(webhook).await.unwrap();
    let client = server.client();

    let response = client.request(Method::POST, "/crm").body("{}").send().await;
    assert_eq!(response.status(), 401, "{}", response.text());
    assert_eq!(response.json()["title"], "Missing token");

    let response = client
        .request(Method::POST, "/crm")
        .header("Authorization", "Bearer t0ken")
        .body("{}")
        .send()
        .await;
    assert_eq!(response.status(), 200, "{}", response.text());
    assert_eq!(response.text(), "crm");
}
