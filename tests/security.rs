//! The signature, basic-auth and max-age checks over real HTTP, with SPEC's test vectors.

mod common;

use clustaar_webhook::prelude::*;
use clustaar_webhook::testing::{Signer, TestServer};
use common::{FIXTURE, VECTOR_DATE};
use serde_json::json;

fn echo(event: StepReached) -> StepReachedResponse {
    StepReachedResponse::with_actions(event.into_actions())
}

fn bot() -> Webhook {
    Webhook::new().on(topics::STEP_REACHED, echo, ())
}

fn signature_error(reason: &str) -> serde_json::Value {
    json!({
        "title": "Invalid header value",
        "description": format!("The value provided for the \"X-Hub-Signature\" header is invalid. {reason}")
    })
}

#[tokio::test]
async fn spec_signature_vectors_are_accepted_over_http() {
    let server = TestServer::spawn(bot().private_key("test").request_max_age(None))
        .await
        .unwrap();
    let client = server.client();
    for (date, signature) in [
        (None, "sha1=c401ad18c5ed1b0b19d37a4e0e5dab958b6b9a2f"),
        (
            Some(VECTOR_DATE),
            "sha1=dc5ebf09bc36622398a8cd1d954f4a5697945428",
        ),
    ] {
        let mut request = client
            .post(FIXTURE)
            .header("x-hub-signature", signature)
            .without_date();
        if let Some(date) = date {
            request = request.date(date);
        }
        let response = request.send().await;
        assert_eq!(response.status(), 200, "{}", response.text());
        assert_eq!(
            response.json()["actions"],
            json!([{"type": "pause_bot_action"}])
        );
    }
    // The `{}` vectors pass the signature check and then fail as a notification without topic.
    for (date, signature) in [
        (None, "sha1=fc2bdea0e6a9e0dc333dece7568b5c3337a92342"),
        (
            Some(VECTOR_DATE),
            "sha1=2840a143967e04e74f7c0ad001277e1aa4dbba21",
        ),
    ] {
        let mut request = client
            .post(&b"{}"[..])
            .header("x-hub-signature", signature)
            .without_date();
        if let Some(date) = date {
            request = request.date(date);
        }
        let response = request.send().await;
        assert_eq!(response.status(), 400);
        assert_eq!(
            response.json()["description"],
            "The notification has no \"topic\" field."
        );
    }
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn each_signature_refusal_has_the_reference_text() {
    let server = TestServer::spawn(bot().private_key("test").request_max_age(None))
        .await
        .unwrap();
    let client = server.client();
    let cases = [
        (None, "The request's signature is missing."),
        (Some("sha1"), "The request's signature format is invalid."),
        (
            Some("sha1=a=b"),
            "The request's signature format is invalid.",
        ),
        (
            Some("md5=c401ad18c5ed1b0b19d37a4e0e5dab958b6b9a2f"),
            "The request's signature hash function is invalid (should be one of ['sha1']).",
        ),
        (
            Some("sha1=c401ad18c5ed1b0b19d37a4e0e5dab958b6b9a2e"),
            "The request's signature is invalid.",
        ),
        // Signed without the date the request carries.
        (
            Some("sha1=c401ad18c5ed1b0b19d37a4e0e5dab958b6b9a2f"),
            "The request's signature is invalid.",
        ),
    ];
    for (index, (signature, reason)) in cases.into_iter().enumerate() {
        let mut request = client.post(FIXTURE).without_date();
        if index == 5 {
            request = request.date(VECTOR_DATE);
        }
        if let Some(signature) = signature {
            request = request.header("x-hub-signature", signature);
        }
        let response = request.send().await;
        assert_eq!(response.status(), 400, "{signature:?}");
        assert_eq!(response.headers()["content-type"], "application/json");
        assert_eq!(response.json(), signature_error(reason), "{signature:?}");
    }
    // A body changed after signing is refused.
    let mut tampered = FIXTURE.to_vec();
    tampered[20] = b'9';
    let response = client
        .post(tampered)
        .without_date()
        .header(
            "x-hub-signature",
            "sha1=c401ad18c5ed1b0b19d37a4e0e5dab958b6b9a2f",
        )
        .send()
        .await;
    assert_eq!(
        response.json(),
        signature_error("The request's signature is invalid.")
    );
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn basic_auth_follows_rfc_7617_with_the_reference_answer() {
    let server = TestServer::spawn(bot().basic_auth("bot", "pa:ss").request_max_age(None))
        .await
        .unwrap();
    let forbidden =
        json!({"title": "Invalid credentials", "description": "This call needs authentication"});
    let good = server
        .client()
        .signer(Signer::new().basic_auth("bot", "pa:ss"));
    assert_eq!(good.post(FIXTURE).send().await.status(), 200);
    for client in [
        server.client(),
        server
            .client()
            .signer(Signer::new().basic_auth("bot", "pa")),
        server
            .client()
            .signer(Signer::new().basic_auth("other", "pa:ss")),
    ] {
        let response = client.post(FIXTURE).send().await;
        assert_eq!(response.status(), 403);
        assert_eq!(response.json(), forbidden);
    }
    let malformed = server
        .client()
        .post(FIXTURE)
        .header("authorization", "Basic not-base64!")
        .send()
        .await;
    assert_eq!(malformed.status(), 403);
    assert_eq!(malformed.json(), forbidden);
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn the_max_age_check_refuses_old_missing_and_unparsable_dates() {
    let server = TestServer::spawn(bot()).await.unwrap();
    let client = server.client();
    assert_eq!(client.post(FIXTURE).send().await.status(), 200);

    let old = client.post(FIXTURE).date(VECTOR_DATE).send().await;
    assert_eq!(old.status(), 400);
    assert_eq!(
        old.json(),
        json!({"title": "400 Bad Request", "description": "Request is too old"})
    );

    let missing = client.post(FIXTURE).without_date().send().await;
    assert_eq!(missing.status(), 400);
    assert_eq!(missing.json()["title"], "Missing header value");

    let garbage = client
        .post(FIXTURE)
        .date("the day before yesterday")
        .send()
        .await;
    assert_eq!(garbage.status(), 400);
    assert_eq!(garbage.json()["title"], "Invalid header value");
    assert!(garbage.json()["description"]
        .as_str()
        .unwrap()
        .contains("\"Date\" header is invalid"));
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn checks_run_in_the_reference_order() {
    let server = TestServer::spawn(bot().private_key("test").basic_auth("u", "p"))
        .await
        .unwrap();
    let client = server.client();
    // The max-age check first: an old request without signature nor credentials gets the date error.
    let response = client.post(FIXTURE).date(VECTOR_DATE).send().await;
    assert_eq!(response.json()["description"], "Request is too old");
    // Then the signature: a fresh request without signature nor credentials.
    let response = client.post(FIXTURE).send().await;
    assert_eq!(
        response.json(),
        signature_error("The request's signature is missing.")
    );
    // Then basic auth: signed, no credentials.
    let signed = server.client().signer(Signer::new().private_key("test"));
    assert_eq!(signed.post(FIXTURE).send().await.status(), 403);
    // Then routing: everything right, a topic nobody serves.
    let all = server
        .client()
        .signer(Signer::new().private_key("test").basic_auth("u", "p"));
    assert_eq!(all.post(FIXTURE).send().await.status(), 200);
    let unknown = all
        .post(br#"{"topic": "conversation.ended", "data": {}}"#.to_vec())
        .send()
        .await;
    assert_eq!(unknown.status(), 404);
    server.shutdown().await.unwrap();
}

/// Clustaar's `X-Hub-Signature` is one more `Verify`: the notifications can be checked with any
/// other scheme, and an HTTP route can check Clustaar's, with the same answers.
#[tokio::test]
async fn both_kinds_of_route_verify_through_one_trait() {
    use clustaar_webhook::http::HmacVerifier;
    use clustaar_webhook::security::SignatureVerifier;

    let github = HmacVerifier::github("gh-secret");
    let webhook = bot()
        .request_max_age(None)
        .verify(HmacVerifier::github("gh-secret"))
        .http_route(
            HttpRoute::new(Method::POST, "/clustaar-signed", || StatusCode::NO_CONTENT)
                .verify(SignatureVerifier::new("test")),
        );
    let server = TestServer::spawn(webhook).await.unwrap();
    let client = server.client();

    // The notifications: GitHub's scheme instead of X-Hub-Signature.
    let signed = client
        .post(FIXTURE)
        .unsigned()
        .header("content-type", "application/json")
        .header("x-hub-signature-256", github.sign(FIXTURE))
        .send()
        .await;
    assert_eq!(signed.status(), 200, "{}", signed.text());
    let refused = client
        .post(FIXTURE)
        .unsigned()
        .header("content-type", "application/json")
        .header("x-hub-signature-256", github.sign(b"something else"))
        .send()
        .await;
    assert_eq!(refused.status(), 401);
    assert_eq!(refused.json()["title"], "Invalid signature");

    // The HTTP route: Clustaar's scheme (SPEC's vector, no Date), with the reference's answers.
    let accepted = client
        .request(Method::POST, "/clustaar-signed")
        .unsigned()
        .without_date()
        .header(
            "x-hub-signature",
            "sha1=c401ad18c5ed1b0b19d37a4e0e5dab958b6b9a2f",
        )
        .body(FIXTURE)
        .send()
        .await;
    assert_eq!(accepted.status(), 204, "{}", accepted.text());
    let mismatch = client
        .request(Method::POST, "/clustaar-signed")
        .unsigned()
        .without_date()
        .header(
            "x-hub-signature",
            "sha1=0000000000000000000000000000000000000000",
        )
        .body(FIXTURE)
        .send()
        .await;
    assert_eq!(mismatch.status(), 400);
    assert_eq!(
        mismatch.json(),
        signature_error("The request's signature is invalid.")
    );
    server.shutdown().await.unwrap();
}
