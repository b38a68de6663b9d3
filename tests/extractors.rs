//! A user's own axum extractor as a handler argument, in notification and HTTP handlers, built
//! with the builder and with `#[on]`, over real HTTP.

use axum::extract::FromRequestParts;
use clustaar_webhook::prelude::*;
use clustaar_webhook::testing::{sample_notification, TestServer};
use http::request::Parts;
use http::Method;
use serde_json::json;

const STEP_ID: &str = "507f191e810c19729de860ea";
const DSL_STEP_ID: &str = "507f191e810c19729de860eb";

/// The tenant a request is for, from its `X-Tenant` header: a `400` JSON error without one.
struct Tenant(String);

impl<S: Send + Sync> FromRequestParts<S> for Tenant {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        parts
            .headers
            .get("x-tenant")
            .and_then(|value| value.to_str().ok())
            .map(|tenant| Tenant(tenant.to_owned()))
            .ok_or_else(|| ApiError::bad_request("Missing tenant", "Send an X-Tenant header."))
    }
}

fn says(text: String) -> StepReachedResponse {
    StepReachedResponse::new().action(SendTextAction::new([text]))
}

#[on(step_reached, step_id = "507f191e810c19729de860eb")]
async fn dsl_notification(tenant: Tenant, event: StepReached) -> StepReachedResponse {
    says(format!(
        "dsl {} {}",
        tenant.0,
        event.step_id().unwrap_or("?")
    ))
}

#[on(http(post), path = "/dsl/{slug}")]
fn dsl_http(Tenant(tenant): Tenant, Path(slug): Path<String>) -> String {
    format!("dsl {tenant} {slug}")
}

async fn builder_notification(event: StepReached, tenant: Tenant) -> StepReachedResponse {
    says(format!(
        "builder {} {}",
        tenant.0,
        event.step_id().unwrap_or("?")
    ))
}

fn text_action(response: &clustaar_webhook::testing::TestResponse) -> serde_json::Value {
    response.json()["actions"][0]["alternatives"][0].clone()
}

#[tokio::test]
async fn a_users_extractor_works_in_every_kind_of_handler() {
    let webhook = Webhook::from_registry()
        .unwrap()
        .request_max_age(None)
        .on(
            topics::STEP_REACHED,
            builder_notification,
            StepId::new(STEP_ID),
        )
        .http(
            Method::POST,
            "/builder/{slug}",
            |Path(slug): Path<String>, Tenant(tenant): Tenant| format!("builder {tenant} {slug}"),
            (),
        );
    let server = TestServer::spawn(webhook).await.unwrap();
    let client = server.client();

    for (step_id, expected) in [
        (STEP_ID, "builder acme 507f191e810c19729de860ea"),
        (DSL_STEP_ID, "dsl acme 507f191e810c19729de860eb"),
    ] {
        let response = client
            .post(serde_json::to_vec(&sample_notification(step_id)).unwrap())
            .header("content-type", "application/json")
            .header("x-tenant", "acme")
            .send()
            .await;
        assert_eq!(response.status(), 200, "{}", response.text());
        assert_eq!(text_action(&response), json!(expected));
        // Without the header, the extractor's rejection is the answer.
        let refused = client.notify(&sample_notification(step_id)).await;
        assert_eq!(refused.status(), 400);
        assert_eq!(
            refused.json(),
            json!({"title": "Missing tenant", "description": "Send an X-Tenant header."})
        );
    }

    for (path, expected) in [("/builder/a", "builder acme a"), ("/dsl/b", "dsl acme b")] {
        let response = client
            .request(Method::POST, path)
            .header("x-tenant", "acme")
            .send()
            .await;
        assert_eq!(response.status(), 200, "{}", response.text());
        assert_eq!(response.text(), expected);
        let refused = client.request(Method::POST, path).send().await;
        assert_eq!(refused.status(), 400);
        assert_eq!(refused.json()["title"], "Missing tenant");
    }
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn axum_rejections_are_json_errors_with_their_status() {
    // `Path<u32>` on a segment that is not a number: axum's plain-text rejection, as JSON.
    let webhook = Webhook::new().http(
        Method::GET,
        "/items/{id}",
        |Path(id): Path<u32>| format!("item {id}"),
        (),
    );
    let server = TestServer::spawn(webhook).await.unwrap();
    let client = server.client();
    assert_eq!(
        client.request(Method::GET, "/items/7").send().await.text(),
        "item 7"
    );
    let refused = client.request(Method::GET, "/items/seven").send().await;
    assert_eq!(refused.status(), 400);
    assert_eq!(
        refused.headers()["content-type"],
        "application/json",
        "{:?}",
        refused.headers()
    );
    let body = refused.json();
    assert_eq!(body["title"], "400 Bad Request");
    assert!(
        body["description"]
            .as_str()
            .unwrap()
            .contains("Cannot parse `seven`"),
        "{body}"
    );
    server.shutdown().await.unwrap();
}
