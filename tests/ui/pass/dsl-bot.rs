//! Every form of `#[on]` and `main!` that must compile.

use std::sync::Arc;

use clustaar_webhook::prelude::*;

#[derive(Clone)]
struct Db(Arc<String>);

impl Db {
    async fn connect(url: &str) -> Result<Self, std::io::Error> {
        Ok(Self(Arc::new(url.to_owned())))
    }
}

fn is_vip(request: &Request) -> bool {
    request.json().pointer("/data/interlocutor/id") == Some(&serde_json::json!("vip"))
}

#[on(step_reached)]
fn plain() -> StepReachedResponse {
    StepReachedResponse::new()
}

#[on(step_reached, step_id = "507f191e810c19729de860ea")]
async fn with_state(event: StepReached, State(db): State<Db>) -> StepReachedResponse {
    let _ = (event, db.0.len());
    StepReachedResponse::new()
}

#[on(step_reached, step_id = ["507f191e810c19729de860ea", "507f191e810c19729de860eb"], priority = -3)]
fn many_ids(headers: HeaderMap, RawBody(body): RawBody) -> Result<StepReachedResponse, ApiError> {
    let _ = (headers, body);
    Ok(StepReachedResponse::new())
}

#[on(
    step_reached,
    json_key_equals("data.interlocutor.id", "vip"),
    json_key_in("data.step.actions[0].duration", [1, 2.5, -3, true, null]),
    json_key_exists("data.session.values.\"first-name\""),
    filter = is_vip,
    priority = 10,
)]
async fn everything(
    notification: WebhookRequest<StepReached>,
) -> Result<StepReachedResponse, HandlerError> {
    let _ = notification;
    Ok(StepReachedResponse::new())
}

#[on(event = "conversation.ended")]
fn other_topic(Json(body): Json<serde_json::Value>) -> Json<serde_json::Value> {
    Json(body)
}

/// `main!()` with every option. It is kept in a module so that this test, which runs the
/// program, does not start a server: only the expansion is checked.
#[allow(dead_code)]
mod program {
    use super::Db;

    clustaar_webhook::main!(
        state = Db::connect("postgres://localhost/bot").await?,
        state = 42_u32,
        private_key = "key",
        auth_username = "user",
        auth_password = "password",
        request_max_age = 30,
        body_limit = 1 << 20,
        header_read_timeout = 5,
        body_read_timeout = std::time::Duration::from_secs(20),
        addr = "127.0.0.1:0",
        strict = true,
        probes = true,
        health_path = "/live",
        ready_path = String::from("/ready"),
        metrics = false,
        metrics_path = "/prom",
        metrics_addr = "127.0.0.1:9464",
        metrics_token = "scrape-token",
        request_spans = false,
        log_format = "json",
        drain_delay = 2,
        shutdown_timeout = None,
    );
}

/// Every handler above was registered, and none conflicts with another.
fn main() {
    let webhook = clustaar_webhook::Webhook::from_registry().expect("no conflict");
    assert_eq!(webhook.routes().len(), 5, "{}", webhook.describe_routes());
}
