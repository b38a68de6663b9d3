//! The load benchmark's reference server, as a router: the echo bot written by hand on axum,
//! with the same security and the same answer, and no framework in between. Shared by the
//! `load_baseline` program (`benches/load/baseline/src/main.rs`, its own workspace, run by
//! `benches/load/run.sh`) and the `load_baseline` group of `cargo bench --bench pipeline`, which
//! compares it in process with the echo bot (there it is built with the root workspace's
//! dependencies and their features).

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use bytes::Bytes;
use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha1::Sha1;

/// The security settings.
pub struct Config {
    /// The HMAC keyed with the private key, cloned for each request.
    pub mac: Option<Hmac<Sha1>>,
    /// The max-age check's maximum age of a request's `Date` (`None`: off).
    pub max_age: Option<Duration>,
}

/// A `status` answer with a JSON `{"title", "description"}` body.
fn error(status: StatusCode, title: &str, description: &str) -> Response {
    let body = json!({"title": title, "description": description}).to_string();
    (
        status,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        body,
    )
        .into_response()
}

fn bad_request(title: &str, description: &str) -> Response {
    error(StatusCode::BAD_REQUEST, title, description)
}

/// Refuses a request whose `Date` is older than `max_age`; the error is a title and a
/// description.
fn check_date(
    date: Option<&HeaderValue>,
    max_age: Duration,
) -> Result<(), (&'static str, &'static str)> {
    let date = date.ok_or(("Missing header value", "The \"Date\" header is required."))?;
    let sent = date
        .to_str()
        .ok()
        .and_then(|date| httpdate::parse_http_date(date.trim()).ok())
        .ok_or(("Invalid header value", "The \"Date\" header is invalid."))?;
    match SystemTime::now().duration_since(sent) {
        Ok(age) if age > max_age => Err(("400 Bad Request", "Request is too old")),
        _ => Ok(()),
    }
}

/// Checks `X-Hub-Signature: sha1=<hex HMAC-SHA1(key, "date=" + Date + "\n" + body)>`, in
/// constant time.
fn check_signature(mac: &Hmac<Sha1>, headers: &HeaderMap, body: &[u8]) -> Result<(), &'static str> {
    let signature = headers
        .get("x-hub-signature")
        .filter(|value| !value.is_empty())
        .ok_or("The request's signature is missing.")?
        .to_str()
        .map_err(|_| "The request's signature format is invalid.")?;
    let (function, hex_digest) = signature
        .split_once('=')
        .filter(|(_, digest)| !digest.contains('='))
        .ok_or("The request's signature format is invalid.")?;
    if function != "sha1" {
        return Err(
            "The request's signature hash function is invalid (should be one of ['sha1']).",
        );
    }
    let expected = hex::decode(hex_digest).map_err(|_| "The request's signature is invalid.")?;
    let mut mac = mac.clone();
    mac.update(b"date=");
    mac.update(
        headers
            .get(header::DATE)
            .map_or(&b"None"[..], HeaderValue::as_bytes),
    );
    mac.update(b"\n");
    mac.update(body);
    mac.verify_slice(&expected)
        .map_err(|_| "The request's signature is invalid.")
}

/// The endpoint: security, parse, echo.
async fn echo(State(config): State<Arc<Config>>, headers: HeaderMap, body: Bytes) -> Response {
    if let Some(max_age) = config.max_age {
        if let Err((title, description)) = check_date(headers.get(header::DATE), max_age) {
            return bad_request(title, description);
        }
    }
    if let Some(mac) = &config.mac {
        if let Err(reason) = check_signature(mac, &headers, &body) {
            let description = format!(
                "The value provided for the \"X-Hub-Signature\" header is invalid. {reason}"
            );
            return bad_request("Invalid header value", &description);
        }
    }
    let mut notification: Value = match serde_json::from_slice(&body) {
        Ok(value) => value,
        Err(parse_error) => return bad_request("Malformed JSON", &parse_error.to_string()),
    };
    let actions = match notification.pointer_mut("/data/step/actions") {
        Some(actions @ Value::Array(_)) => actions.take(),
        _ => {
            return bad_request(
                "Invalid notification",
                "The notification has no data.step.actions list.",
            )
        }
    };
    let answer = json!({
        "actions": actions,
        "session": {"values": {"name": "John"}},
        "interlocutor": null,
    });
    match serde_json::to_vec(&answer) {
        Ok(body) => (
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            )],
            body,
        )
            .into_response(),
        Err(serialise_error) => error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "500 Internal Server Error",
            &serialise_error.to_string(),
        ),
    }
}

/// The baseline server: `POST /` runs [`echo`].
pub fn router(config: Config) -> Router {
    Router::new()
        .route("/", post(echo))
        .with_state(Arc::new(config))
}
