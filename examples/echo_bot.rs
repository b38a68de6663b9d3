//! The echo bot: answers every `conversation.step_reached` notification with the step's own
//! actions and the session values `{"name": "John"}`; the step `507f191e810c19729de860ea`
//! gets a "hello" instead.
//!
//! ```sh
//! cargo run --example echo_bot
//! # in another terminal:
//! cargo run --example send_event -- --step-id 507f191e810c19729de860ea
//! ```
//!
//! Configured from the environment: `WEBHOOK_ADDR` (default `127.0.0.1:8000`),
//! `WEBHOOK_PRIVATE_KEY`, `WEBHOOK_AUTH_USERNAME`, `WEBHOOK_AUTH_PASSWORD`,
//! `WEBHOOK_REQUEST_MAX_AGE` (seconds, `none` disables; default 10), and every other variable of
//! `clustaar_webhook::config::Settings`: probes at `/healthz` and `/readyz`, the metrics on
//! `WEBHOOK_METRICS_ADDR` or at `/metrics` behind `WEBHOOK_METRICS_TOKEN` (neither: not served),
//! `WEBHOOK_LOG_FORMAT=json`, the drain (`WEBHOOK_DRAIN_DELAY`, `WEBHOOK_SHUTDOWN_TIMEOUT`).

use clustaar_webhook::config::Settings;
use clustaar_webhook::prelude::*;
use clustaar_webhook::ServeError;

/// Answers with the step's actions, and stores a name in the session.
fn echo(event: StepReached) -> StepReachedResponse {
    StepReachedResponse::with_actions(event.into_actions()).session_value("name", "John")
}

/// Says hello on one step.
async fn hello() -> StepReachedResponse {
    StepReachedResponse::new().action(SendTextAction::new(["hello"]))
}

/// The echo bot's webhook, without its security settings.
pub(crate) fn echo_bot() -> Webhook {
    Webhook::new().on(topics::STEP_REACHED, echo, ()).on(
        topics::STEP_REACHED,
        hello,
        StepId::new("507f191e810c19729de860ea"),
    )
}

#[tokio::main]
async fn main() {
    let settings = match Settings::from_env() {
        Ok(settings) => settings,
        Err(error) => {
            eprintln!("echo_bot: {error}");
            std::process::exit(2);
        }
    };
    // Kept until the end: dropping it writes the log lines still queued.
    let logging = clustaar_webhook::logging::init(settings.log_format);
    let webhook = settings.apply(echo_bot());
    tracing::info!(routes = %webhook.describe_routes(), "route table");
    match webhook.serve(settings.addr).await {
        Ok(()) => {}
        Err(ServeError::Io(error)) => {
            drop(logging);
            eprintln!("echo_bot: cannot serve on {}: {error}", settings.addr);
            std::process::exit(1);
        }
        Err(error) => {
            drop(logging);
            eprintln!("echo_bot: {error}");
            std::process::exit(1);
        }
    }
}
