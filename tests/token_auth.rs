//! The token_auth example over real HTTP: no token, an unknown token, a known one; and how the
//! token set is loaded.

mod common;

#[allow(dead_code)]
#[path = "../examples/token_auth.rs"]
mod token_auth_example;

use clustaar_webhook::testing::{Signer, TestServer};
use common::FIXTURE;
use serde_json::json;
use token_auth_example::{token_bot, Tokens, TokensError};

fn tokens() -> Tokens {
    Tokens::parse(["alpha-token", " beta-token ", "", "# a comment"]).unwrap()
}

#[tokio::test]
async fn only_bearers_of_a_loaded_token_get_through() {
    let server = TestServer::spawn(token_bot(tokens()).private_key("k"))
        .await
        .unwrap();
    let client = server.client().signer(Signer::new().private_key("k"));

    let response = client.post(FIXTURE).send().await;
    assert_eq!(response.status(), 401);
    assert_eq!(
        response.json(),
        json!({"title": "Token required", "description": "Send \"Authorization: Bearer <token>\"."})
    );

    let response = client
        .post(FIXTURE)
        .header("authorization", "Bearer gamma-token")
        .send()
        .await;
    assert_eq!(response.status(), 403);
    assert_eq!(response.json()["title"], "Invalid credentials");

    for (token, name) in [("alpha-token", "token #1"), ("beta-token", "token #2")] {
        let response = client
            .post(FIXTURE)
            .header("authorization", format!("Bearer {token}"))
            .send()
            .await;
        assert_eq!(response.status(), 200, "{}", response.text());
        assert_eq!(
            response.json()["actions"][0]["alternatives"][0],
            format!("Hello, {name}!")
        );
    }

    // The signature is still checked: a token does not replace it.
    let response = server
        .client()
        .post(FIXTURE)
        .header("authorization", "Bearer alpha-token")
        .send()
        .await;
    assert_eq!(response.status(), 400);
    server.shutdown().await.unwrap();
}

#[test]
fn an_empty_token_set_is_refused() {
    assert!(matches!(
        Tokens::parse(["", " ", "# only a comment"]),
        Err(TokensError::Missing)
    ));
    assert_eq!(
        TokensError::Missing.to_string(),
        "no token: set WEBHOOK_TOKENS (comma-separated) or WEBHOOK_TOKENS_FILE (one a line)"
    );
}
