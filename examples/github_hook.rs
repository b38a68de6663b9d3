//! A GitHub webhook: `POST /github`, signed with `X-Hub-Signature-256`. A `push` answers
//! `{"event": "push", "ref": ...}`, a `pull_request` answers `{"event": "pull_request",
//! "action": ...}`, any other event is a `404` (no trigger matched) and a missing or wrong
//! signature a `401`.
//!
//! ```sh
//! GITHUB_WEBHOOK_SECRET="It's a Secret to Everybody" cargo run --example github_hook
//! # in another terminal:
//! curl -i localhost:8000/github -H 'X-GitHub-Event: push' \
//!   -H 'X-Hub-Signature-256: sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17' \
//!   -d 'Hello, World!'
//! ```
//!
//! Configured from the environment: `GITHUB_WEBHOOK_SECRET` (required), `WEBHOOK_ADDR` (default
//! `127.0.0.1:8000`) and the other variables of `clustaar_webhook::config::Settings` (probes, metrics,
//! `WEBHOOK_LOG_FORMAT`, the drain...).

use clustaar_webhook::config::Settings;
use clustaar_webhook::prelude::*;
use clustaar_webhook::ServeError;
use serde_json::{json, Value};

/// The value at `key` of the JSON payload, or `null`.
fn field(event: &HttpEvent, key: &str) -> Value {
    event
        .body
        .json
        .as_ref()
        .and_then(|payload| payload.get(key))
        .cloned()
        .unwrap_or(Value::Null)
}

/// A push: answers with the pushed ref.
async fn push(event: HttpEvent) -> Json<Value> {
    Json(json!({"event": "push", "ref": field(&event, "ref")}))
}

/// A pull request event: answers with its action (`opened`, `closed`...).
async fn pull_request(event: HttpEvent) -> impl IntoResponse {
    Json(json!({"event": "pull_request", "action": field(&event, "action")}))
}

/// The route of one GitHub event on `POST /github`.
fn on_event<H, M>(event: &str, handler: H, secret: &str) -> HttpRoute
where
    H: clustaar_webhook::Handler<M, ()>,
    M: 'static,
{
    let filter = format!(r#"data.headers["X-GitHub-Event"] == "{event}""#);
    HttpRoute::new(Method::POST, "/github", handler)
        .filter(CelFilter::new(filter).expect("a valid CEL filter"))
        .verify(HmacVerifier::github(secret))
        .name(event.to_owned())
}

/// The webhook, for `secret`.
pub(crate) fn github_hook(secret: &str) -> Webhook {
    Webhook::new()
        .http_route(on_event("push", push, secret))
        .http_route(on_event("pull_request", pull_request, secret))
}

#[tokio::main]
async fn main() {
    let settings = match Settings::from_env() {
        Ok(settings) => settings,
        Err(error) => {
            eprintln!("github_hook: {error}");
            std::process::exit(2);
        }
    };
    let _logging = clustaar_webhook::logging::init(settings.log_format);
    let secret = match std::env::var("GITHUB_WEBHOOK_SECRET") {
        Ok(secret) if !secret.is_empty() => secret,
        _ => {
            eprintln!("github_hook: set GITHUB_WEBHOOK_SECRET to the secret of the GitHub webhook");
            std::process::exit(2);
        }
    };
    match settings
        .apply(github_hook(&secret))
        .serve(settings.addr)
        .await
    {
        Ok(()) => {}
        Err(ServeError::Io(error)) => {
            eprintln!("github_hook: cannot serve on {}: {error}", settings.addr);
            std::process::exit(1);
        }
        Err(error) => {
            eprintln!("github_hook: {error}");
            std::process::exit(1);
        }
    }
}
