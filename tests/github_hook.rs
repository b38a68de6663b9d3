//! The GitHub example, in process and as the program a user runs; per-route signature schemes
//! with their published test vectors.

#[allow(dead_code)]
#[path = "../examples/github_hook.rs"]
mod github_hook_example;
#[allow(dead_code)]
#[path = "common/programs.rs"]
mod programs;

use std::process::Command;
use std::time::{SystemTime, UNIX_EPOCH};

use clustaar_webhook::http::{Digest, Encoding};
use clustaar_webhook::prelude::*;
use clustaar_webhook::testing::{TestClient, TestServer};
use programs::{example, free_addr, Running};
use serde_json::json;

/// GitHub's documented example.
const SECRET: &str = "It's a Secret to Everybody";
const HELLO: &str = "Hello, World!";
const HELLO_SIGNATURE: &str =
    "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

async fn send(
    client: &TestClient,
    event: &str,
    body: &str,
    signature: Option<&str>,
) -> (u16, serde_json::Value) {
    let mut request = client
        .request(Method::POST, "/github")
        .header("X-GitHub-Event", event)
        .header("Content-Type", "application/json")
        .body(body.to_owned());
    if let Some(signature) = signature {
        request = request.header("X-Hub-Signature-256", signature);
    }
    let response = request.send().await;
    (response.status().as_u16(), response.json())
}

async fn check_the_example(client: &TestClient) {
    let github = HmacVerifier::github(SECRET);
    let push = r#"{"ref": "refs/heads/main"}"#;
    assert_eq!(
        send(client, "push", push, Some(&github.sign(push.as_bytes()))).await,
        (200, json!({"event": "push", "ref": "refs/heads/main"}))
    );
    let opened = r#"{"action": "opened", "number": 1}"#;
    assert_eq!(
        send(
            client,
            "pull_request",
            opened,
            Some(&github.sign(opened.as_bytes()))
        )
        .await,
        (200, json!({"event": "pull_request", "action": "opened"}))
    );
    // GitHub's documented vector, on an event without a trigger: verified, then no match.
    assert_eq!(
        send(client, "issues", HELLO, Some(HELLO_SIGNATURE)).await,
        (
            404,
            json!({"title": "404 Not Found", "description": "No trigger matched this POST request to /github."})
        )
    );
    // The vector with a push: verified, handled (the body is not JSON: no ref).
    assert_eq!(
        send(client, "push", HELLO, Some(HELLO_SIGNATURE)).await,
        (200, json!({"event": "push", "ref": null}))
    );
    let wrong = HELLO_SIGNATURE.replace("757107ea", "757107eb");
    assert_eq!(
        send(client, "push", HELLO, Some(&wrong)).await,
        (
            401,
            json!({"title": "Invalid signature", "description": "The signature in the \"x-hub-signature-256\" header does not match the request."})
        )
    );
    assert_eq!(
        send(client, "push", push, None).await,
        (
            401,
            json!({"title": "Invalid signature", "description": "The \"x-hub-signature-256\" header is missing."})
        )
    );
}

#[tokio::test]
async fn the_example_in_process() {
    let server = TestServer::spawn(github_hook_example::github_hook(SECRET))
        .await
        .unwrap();
    check_the_example(&server.client()).await;
}

#[test]
fn the_example_program() {
    let addr = free_addr();
    let mut program = Command::new(example("github_hook"));
    program
        .env("WEBHOOK_ADDR", &addr)
        .env("GITHUB_WEBHOOK_SECRET", SECRET)
        .env("RUST_LOG", "warn");
    let _program = Running::serving(program, &addr);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(check_the_example(&TestClient::http(format!(
        "http://{addr}"
    ))));

    let missing = Command::new(example("github_hook"))
        .env_remove("GITHUB_WEBHOOK_SECRET")
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("GITHUB_WEBHOOK_SECRET"));
}

#[tokio::test]
async fn standard_webhooks_with_the_spec_vector_and_fresh_signatures() {
    let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    let body = r#"{"test": 2432232314}"#;
    let verifier = StandardWebhooks::new(secret).unwrap();
    let server = TestServer::spawn(
        Webhook::new()
            // The SPEC vector is from 2021: the timestamp tolerance is off on this route only.
            .http_route(
                HttpRoute::new(Method::POST, "/vector", || StatusCode::NO_CONTENT)
                    .verify(verifier.clone().tolerance(None)),
            )
            .http_route(
                HttpRoute::new(Method::POST, "/live", || StatusCode::NO_CONTENT)
                    .verify(verifier.clone()),
            ),
    )
    .await
    .unwrap();
    let client = server.client();
    let send = |path: &'static str, id: &'static str, timestamp: String, signature: String| {
        client
            .request(Method::POST, path)
            .header("webhook-id", id)
            .header("webhook-timestamp", timestamp)
            .header("webhook-signature", signature)
            .body(body)
            .send()
    };
    let vector = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=".to_owned();
    let id = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    assert_eq!(
        send("/vector", id, "1614265330".into(), vector.clone())
            .await
            .status(),
        204
    );
    let expired = send("/live", id, "1614265330".into(), vector).await;
    assert_eq!(expired.status(), 401);
    assert_eq!(
        expired.json()["description"],
        "The \"webhook-timestamp\" timestamp is outside the tolerance of 300 seconds."
    );
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let fresh = verifier.sign(id, now, body.as_bytes());
    assert_eq!(
        send("/live", id, now.to_string(), format!("v1,old {fresh}"))
            .await
            .status(),
        204
    );
    assert_eq!(
        send("/live", "msg_other", now.to_string(), fresh)
            .await
            .status(),
        401
    );
}

#[tokio::test]
async fn a_route_without_a_verifier_still_sees_what_a_verified_route_refused() {
    let server = TestServer::spawn(
        Webhook::new()
            .http_route(
                HttpRoute::new(Method::POST, "/mixed", || "signed")
                    .verify(
                        HmacVerifier::new("k", Digest::Sha1)
                            .header("X-Sig")
                            .prefix("sha1=")
                            .encoding(Encoding::Hex),
                    )
                    .priority(1),
            )
            .http(Method::POST, "/mixed", || "public", ()),
    )
    .await
    .unwrap();
    let client = server.client();
    let signature = HmacVerifier::new("k", Digest::Sha1)
        .header("X-Sig")
        .prefix("sha1=")
        .sign(b"x");
    assert_eq!(
        client
            .request(Method::POST, "/mixed")
            .header("X-Sig", signature)
            .body("x")
            .send()
            .await
            .text(),
        "signed"
    );
    assert_eq!(
        client
            .request(Method::POST, "/mixed")
            .body("x")
            .send()
            .await
            .text(),
        "public"
    );
}
