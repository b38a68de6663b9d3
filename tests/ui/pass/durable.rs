//! Durable routes: with and without an idempotency key, reading their delivery.
use clustaar_webhook::inbox::{Delivery, Permanent};
use clustaar_webhook::prelude::*;

#[on(http(post), path = "/stripe", durable, idempotency_key = header("Webhook-Id"))]
async fn stripe(
    delivery: Delivery,
    Json(event): Json<serde_json::Value>,
) -> Result<StatusCode, Permanent> {
    if event.get("type").is_none() {
        return Err(Permanent::new(format!("event {} has no type", delivery.id)));
    }
    Ok(StatusCode::OK)
}

#[on(http(post), path = "/hooks/{slug}", durable)]
fn any_hook(delivery: Option<Delivery>, Path(slug): Path<String>) -> StatusCode {
    let _ = (delivery.map(|d| d.attempt), slug);
    StatusCode::NO_CONTENT
}

#[on(http(post), path = "/shop", durable, idempotency_key = json("data.object.id"), max_attempts = 3)]
async fn shop(Json(_): Json<serde_json::Value>) -> StatusCode {
    StatusCode::NO_CONTENT
}

fn main() {}
