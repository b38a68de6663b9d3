//! One route per sender preset: `POST /stripe`, `/github`, `/slack`... each verified exactly as
//! its provider signs, its handshakes answered, answering
//! `{"sender": "<preset>", "event": <event type or null>, "id": <delivery id or null>}`.
//!
//! ```sh
//! STRIPE_SECRET=whsec_test GITHUB_SECRET=s cargo run --example senders
//! # print a sample event signed as Stripe signs it, with STRIPE_SECRET (a `main!()` bot has
//! # `send` too, which also sends it):
//! STRIPE_SECRET=whsec_test cargo run --example senders -- send stripe --print
//! ```
//!
//! Each preset's secret is read from its name in upper snake case + `_SECRET`
//! (`STRIPE_SECRET`, `STANDARD_WEBHOOKS_SECRET`, `LEMON_SQUEEZY_SECRET`...), except
//! `DISCORD_PUBLIC_KEY` (hexadecimal) and `SENDGRID_PUBLIC_KEY` (base64, as SendGrid shows it;
//! `send` signs those two with `DISCORD_PRIVATE_KEY` and `SENDGRID_PRIVATE_KEY`);
//! Meta's `GET` challenge is checked against `META_VERIFY_TOKEN`. A preset whose variable is not
//! set is left out (said at start). Several secrets separated by spaces are a rotation. Twilio,
//! HubSpot and Square sign the URL: it is `WEBHOOK_PUBLIC_URL` (or, with
//! `WEBHOOK_TRUST_FORWARDED=1`, the proxy's `Forwarded` / `X-Forwarded-*` headers) followed by the
//! request's path, else `http://` + the request's `Host` and path. `SENDERS_UNSIGNED_CONTROL=1` adds `POST /unsigned`, a route without a sender
//! doing the signed route's work but the signature (the load test's control). Address from `WEBHOOK_ADDR` (default `127.0.0.1:8000`) and the other
//! variables of `clustaar_webhook::config::Settings`.

use clustaar_webhook::config::Settings;
use clustaar_webhook::prelude::*;
use clustaar_webhook::senders::{presets, KeyKind, Preset, Sender, SenderEvent, SigningKey};
use serde_json::json;

/// The variable holding `preset`'s key.
pub(crate) fn variable(preset: &Preset) -> String {
    match preset.name {
        "discord" => "DISCORD_PUBLIC_KEY".to_owned(),
        "sendgrid" => "SENDGRID_PUBLIC_KEY".to_owned(),
        name => format!("{}_SECRET", name.to_uppercase().replace('-', "_")),
    }
}

/// What every route answers: what its sender read.
async fn answer(event: SenderEvent) -> Json<serde_json::Value> {
    Json(json!({"sender": event.sender, "event": event.event, "id": event.id}))
}

/// The load test's control (`SENDERS_UNSIGNED_CONTROL=1`): the signed route's work but the
/// signature's. It takes the body (the signed route reads it whole to check it) and answers
/// the same shape with the same facts, read from GitHub's headers as the preset reads them.
async fn unsigned(headers: HeaderMap, body: RawBody) -> Json<serde_json::Value> {
    let header = |name: &str| headers.get(name).and_then(|value| value.to_str().ok());
    let _ = body;
    Json(json!({
        "sender": "unsigned",
        "event": header("x-github-event"),
        "id": header("x-github-delivery"),
    }))
}

/// The webhook: a route for each preset whose key is in the environment, and the names of
/// the others.
pub(crate) fn senders() -> Result<(Webhook, Vec<String>), String> {
    let mut webhook = Webhook::new();
    let mut missing = Vec::new();
    for preset in presets::ALL {
        let sender = match Sender::from_env(preset.name, &variable(preset)) {
            Ok(sender) => sender,
            Err(clustaar_webhook::senders::SenderError::MissingVariable { variable, .. }) => {
                missing.push(variable);
                continue;
            }
            Err(error) => return Err(error.to_string()),
        };
        webhook = webhook.http_route(
            HttpRoute::new(Method::POST, format!("/{}", preset.name), answer)
                .sender(sender)
                .name(preset.name),
        );
    }
    // A route without a sender answering the same shape, for the load test of what a
    // signature costs (`benches/senders/run.sh`); off unless asked for.
    if std::env::var("SENDERS_UNSIGNED_CONTROL").is_ok_and(|on| on == "1") {
        webhook = webhook.http_route(HttpRoute::new(Method::POST, "/unsigned", unsigned));
    }
    Ok((webhook, missing))
}

/// `senders send <preset> [--event E] [--to URL] --print`: the preset's sample event signed
/// with the preset's secret from the environment, printed as JSON.
fn send(args: &[String]) -> Result<String, String> {
    let name = args.first().ok_or("send: which preset?")?;
    let preset =
        clustaar_webhook::senders::preset(name).ok_or_else(|| format!("no preset {name:?}"))?;
    let option = |flag: &str| {
        args.iter()
            .position(|arg| arg == flag)
            .and_then(|at| args.get(at + 1))
            .cloned()
    };
    // A secret is the route's own; Discord and SendGrid sign with a private key the bot does
    // not have: `DISCORD_PRIVATE_KEY` (hex seed), `SENDGRID_PRIVATE_KEY` (base64 PKCS#8).
    let name_of = match preset.key_kind {
        KeyKind::Secret => variable(preset),
        _ => format!("{}_PRIVATE_KEY", preset.name.to_uppercase()),
    };
    let text = std::env::var(&name_of).map_err(|_| format!("{name_of} is not set"))?;
    let key =
        SigningKey::from_text(preset.key_kind, &text).map_err(|e| format!("{name_of}: {e}"))?;
    let url = option("--to").unwrap_or_else(|| format!("http://127.0.0.1:8000/{name}"));
    let event = option("--event");
    let request =
        clustaar_webhook::senders::sign_sample(preset, &key, &url, event.as_deref(), None);
    Ok(clustaar_webhook::senders::printed(&request))
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--help") {
        println!(
            "senders: one route per sender preset, at /<preset>, each key from <PRESET>_SECRET\n\n\
             usage:\n  senders                 serve on WEBHOOK_ADDR (default 127.0.0.1:8000)\n  \
             senders send <preset> [--event TYPE] [--to URL] --print\n                          \
             print the preset's sample event signed with its secret"
        );
        return;
    }
    if args.first().map(String::as_str) == Some("send") {
        match send(&args[1..]) {
            Ok(printed) => println!("{printed}"),
            Err(error) => {
                eprintln!("senders: {error}");
                std::process::exit(2);
            }
        }
        return;
    }
    let settings = match Settings::from_env() {
        Ok(settings) => settings,
        Err(error) => {
            eprintln!("senders: {error}");
            std::process::exit(2);
        }
    };
    let _logging = clustaar_webhook::logging::init(settings.log_format);
    let (webhook, missing) = match senders() {
        Ok(built) => built,
        Err(error) => {
            eprintln!("senders: {error}");
            std::process::exit(2);
        }
    };
    if webhook.http_routes().is_empty() {
        eprintln!(
            "senders: no preset's key is set; set one of {}",
            missing.join(", ")
        );
        std::process::exit(2);
    }
    if !missing.is_empty() {
        tracing::info!(unset = %missing.join(" "), "presets left out: their keys are not set");
    }
    if let Err(error) = settings.apply(webhook).serve(settings.addr).await {
        eprintln!("senders: {error}");
        std::process::exit(1);
    }
}
