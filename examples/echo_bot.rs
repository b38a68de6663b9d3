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
//! `WEBHOOK_REQUEST_MAX_AGE` (seconds, `none` disables; default 10).

use webhook::config::Settings;
use webhook::prelude::*;

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
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();
    let settings = match Settings::from_env() {
        Ok(settings) => settings,
        Err(error) => {
            eprintln!("echo_bot: {error}");
            std::process::exit(2);
        }
    };
    let webhook = settings.apply(echo_bot());
    tracing::info!(routes = %webhook.describe_routes(), "route table");
    if let Err(error) = webhook.serve(settings.addr).await {
        eprintln!("echo_bot: cannot serve on {}: {error}", settings.addr);
        std::process::exit(1);
    }
}
