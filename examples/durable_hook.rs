//! A durable webhook: `POST /events` is stored, answered `202` with the event's id, then run
//! by the inbox's workers with retries; `POST /fast` runs the same handler in the request, for
//! comparison. The contract of `tests/durable.rs` and of the guide's durable routes page
//! (`webhook/src/guide/durable.md`).
//!
//! The body is `{"key": K, "fail": F, "sleep_ms": S}` (F and S default to 0): the handler sleeps
//! S milliseconds, fails while its attempt number is at most F, and otherwise appends the line
//! `K ATTEMPT` to the file named by `PROCESSED_LOG` (when set) and succeeds. `/events`
//! deduplicates on the `Webhook-Id` header. No signature: any client can drive it.
//!
//! ```sh
//! PROCESSED_LOG=processed.log WEBHOOK_RETRY_BACKOFF=100ms cargo run --example durable_hook
//! # in another terminal:
//! curl -i localhost:8000/events -H 'Webhook-Id: msg_1' -H 'Content-Type: application/json' \
//!   -d '{"key": "a", "fail": 2}'
//! cat processed.log          # a 3, after two failed attempts
//! cargo run --example durable_hook -- inbox list
//! ```
//!
//! The inbox's web page, at `/inbox`, when its credentials are set (HTTP basic auth): the
//! events by state and route, a chart of the last hour, each event with its attempts, and
//! replay, dead-letter and purge buttons.
//!
//! ```sh
//! WEBHOOK_INBOX_UI_USERNAME=ops WEBHOOK_INBOX_UI_PASSWORD='a long password' \
//!   cargo run --example durable_hook
//! # then open http://127.0.0.1:8000/inbox
//! ```
//!
//! The inbox's metrics (the queue by state, completions, retries, dead letters, and the group
//! commits: events a transaction and its time), on an admin address:
//!
//! ```sh
//! WEBHOOK_METRICS_ADDR=127.0.0.1:9464 cargo run --example durable_hook
//! # post a few events as above, then:
//! curl -s 127.0.0.1:9464/metrics | grep webhook_inbox_batch
//! ```
//!
//! Configured by the settings of every `main!()` bot: `WEBHOOK_ADDR`, `WEBHOOK_STORE` (unset:
//! the embedded store, `webhook-inbox.sqlite3` in the working directory), `WEBHOOK_DATA_DIR`,
//! `WEBHOOK_RETRY_BACKOFF`, `WEBHOOK_MAX_ATTEMPTS`, `WEBHOOK_INBOX_*` (`WEBHOOK_INBOX_UI_*`: the
//! page); and the `inbox` subcommands (`durable_hook inbox dead`...).

use std::io::Write as _;
use std::time::Duration;

use clustaar_webhook::inbox::Delivery;
use clustaar_webhook::prelude::*;
use serde::Deserialize;

/// The body of a request.
#[derive(Debug, Deserialize)]
struct Job {
    key: String,
    #[serde(default)]
    fail: u32,
    #[serde(default)]
    sleep_ms: u64,
}

/// Sleeps, fails while the attempt is at most `fail`, then records `key attempt`.
async fn process(attempt: u32, job: Job) -> Result<StatusCode, HandlerError> {
    if job.sleep_ms > 0 {
        tokio::time::sleep(Duration::from_millis(job.sleep_ms)).await;
    }
    if attempt <= job.fail {
        return Err(HandlerError::msg(format!(
            "{} fails its attempt {attempt} (fail = {})",
            job.key, job.fail
        )));
    }
    if let Some(path) = std::env::var_os("PROCESSED_LOG") {
        // One write of a whole line to a file opened for appending: the lines of concurrent
        // workers (and processes) never interleave.
        let mut log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)?;
        log.write_all(format!("{} {attempt}\n", job.key).as_bytes())?;
    }
    Ok(StatusCode::OK)
}

/// The durable route: stored, then run by the workers.
#[on(http(post), path = "/events", durable, idempotency_key = header("Webhook-Id"))]
async fn events(delivery: Delivery, Json(job): Json<Job>) -> Result<StatusCode, HandlerError> {
    process(delivery.attempt, job).await
}

/// The same handler, in the request.
#[on(http(post), path = "/fast")]
async fn fast(Json(job): Json<Job>) -> Result<StatusCode, HandlerError> {
    process(1, job).await
}

clustaar_webhook::main!();
