//! A `main!()` bot to try the operations endpoints with: the echo route of `bot.rs`, and an HTTP
//! route that takes its time, to watch a request in flight (the metrics, the drain).
//!
//! ```sh
//! cargo run --example ops_bot -- --drain-delay 2 --shutdown-timeout 10 --metrics-token s3cret
//! # in another terminal:
//! curl -i localhost:8000/healthz; curl -i localhost:8000/readyz
//! curl -H 'Authorization: Bearer s3cret' localhost:8000/metrics   # without it: 401
//! curl -i -X POST 'localhost:8000/work?sleep_ms=5000' -H 'X-Request-Id: my-id' &
//! kill -TERM <its pid>   # /readyz turns 503 at once; the request is still answered 200
//! ```

use std::time::Duration;

use axum::extract::Query;
use clustaar_webhook::ops::RequestId;
use clustaar_webhook::prelude::*;
use serde::Deserialize;
use serde_json::{json, Value};

/// The longest a `/work` request sleeps.
const MAX_SLEEP_MS: u64 = 60_000;

/// `/work`'s query.
#[derive(Deserialize)]
struct Work {
    /// How long to take, in milliseconds (default 0, at most 60,000).
    sleep_ms: Option<u64>,
}

/// Answers after `sleep_ms` milliseconds, with the request's id.
#[on(http(get, post), path = "/work")]
async fn work(Query(work): Query<Work>, id: RequestId) -> Json<Value> {
    let sleep_ms = work.sleep_ms.unwrap_or(0).min(MAX_SLEEP_MS);
    tracing::info!(sleep_ms, "working");
    tokio::time::sleep(Duration::from_millis(sleep_ms)).await;
    Json(json!({"slept_ms": sleep_ms, "request_id": id.as_str()}))
}

/// Answers every step with its own actions.
#[on(step_reached)]
fn echo(event: StepReached) -> StepReachedResponse {
    StepReachedResponse::with_actions(event.into_actions())
}

clustaar_webhook::main!();
