//! The `send` subcommand of `main!()` bots: a sample event signed as its provider signs it, with
//! the secret the bot's route is configured with, sent to the bot (or printed).

use std::time::SystemTime;

use bytes::Bytes;
use http::{header, HeaderValue, Method};
use http_body_util::{BodyExt, Full};

use super::scheme::{KeyKind, Outgoing, SigningKey};
use crate::cli::SendCommand;
use crate::config::Settings;
use crate::Webhook;

/// Why `send` could not sign or send.
#[derive(Debug, thiserror::Error)]
pub enum SendError {
    /// The bot's routes cannot be built.
    #[error("{0}")]
    Routes(String),
    /// No route of the bot takes this provider's webhooks.
    #[error("no route of this bot takes {preset}'s webhooks (routes with a sender: {routes})")]
    NoRoute {
        /// The preset asked for.
        preset: String,
        /// The senders the bot has.
        routes: String,
    },
    /// The bot has the provider's public key only.
    #[error("{0} signs with its private key, which the bot does not have (only the public key)")]
    PublicKeyOnly(&'static str),
    /// The key is not read from the environment.
    #[error("the {0} route's secret is not read from an environment variable: send cannot sign")]
    NoVariable(&'static str),
    /// A file cannot be read, or the address is wrong.
    #[error("{0}")]
    Input(String),
    /// The request failed.
    #[error("cannot send to {url}: {reason}")]
    Send {
        /// Where.
        url: String,
        /// Why.
        reason: String,
    },
}

/// Signs and sends (or prints) the event `command` describes; the answer, as text.
pub(crate) async fn run(command: &SendCommand, settings: &Settings) -> Result<String, SendError> {
    let webhook = Webhook::from_registry().map_err(|error| SendError::Routes(error.to_string()))?;
    let route = webhook
        .http_routes()
        .iter()
        .find(|route| {
            route
                .sender_ref()
                .is_some_and(|sender| sender.preset().name == command.preset)
        })
        .ok_or_else(|| SendError::NoRoute {
            preset: command.preset.clone(),
            routes: webhook
                .http_routes()
                .iter()
                .filter_map(|route| route.sender_ref())
                .map(|sender| sender.preset().name)
                .collect::<Vec<_>>()
                .join(", "),
        })?;
    let sender = route
        .sender_ref()
        .ok_or_else(|| SendError::Routes("no sender".into()))?;
    let preset = sender.preset();
    if preset.key_kind != KeyKind::Secret {
        return Err(SendError::PublicKeyOnly(preset.title));
    }
    let variable = sender
        .variable()
        .ok_or(SendError::NoVariable(preset.name))?;
    let secret = std::env::var(variable)
        .ok()
        .and_then(|keys| keys.split_whitespace().last().map(str::to_owned))
        .ok_or(SendError::NoVariable(preset.name))?;
    let body = match &command.body {
        Some(path) => Some(std::fs::read(path).map_err(|error| {
            SendError::Input(format!("cannot read {}: {error}", path.display()))
        })?),
        None => None,
    };
    let url = command
        .to
        .clone()
        .unwrap_or_else(|| format!("http://{}{}", settings.addr, route.path()));
    let request = sign_sample(
        preset,
        &SigningKey::Secret(secret),
        &url,
        command.event.as_deref(),
        body,
    );
    if command.print {
        return Ok(printed(&request));
    }
    post(request).await
}

/// A request signed as `preset` signs it with `key`, now: `body`, or the preset's sample event
/// with `event` in place of its own event type (JSON samples).
///
/// ```
/// use clustaar_webhook::senders::{preset, sign_sample, SigningKey};
///
/// let stripe = preset("stripe").unwrap();
/// let key = SigningKey::Secret("whsec_test".into());
/// let request = sign_sample(stripe, &key, "http://127.0.0.1:8000/stripe", Some("charge.refunded"), None);
/// assert!(request.headers.contains_key("stripe-signature"));
/// assert!(String::from_utf8_lossy(&request.body).contains("charge.refunded"));
/// ```
pub fn sign_sample(
    preset: &'static super::Preset,
    key: &SigningKey,
    url: &str,
    event: Option<&str>,
    body: Option<Vec<u8>>,
) -> Outgoing {
    let body = body.unwrap_or_else(|| sample(preset.sample_event, preset.sample_event_type, event));
    let mut request = Outgoing {
        method: Method::POST,
        url: url.to_owned(),
        headers: http::HeaderMap::new(),
        body,
    };
    let content_type = match request.body.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b'{' | b'[') => "application/json",
        _ => "application/x-www-form-urlencoded",
    };
    request
        .headers
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    (preset.sign)(key, &mut request, SystemTime::now());
    request
}

/// A signed request as one JSON object: method, url, headers, body.
pub fn printed(request: &Outgoing) -> String {
    let headers: serde_json::Map<String, serde_json::Value> = request
        .headers
        .iter()
        .map(|(name, value)| {
            let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
            (name.as_str().to_owned(), value.into())
        })
        .collect();
    serde_json::json!({
        "method": request.method.as_str(),
        "url": request.url,
        "headers": headers,
        "body": String::from_utf8_lossy(&request.body),
    })
    .to_string()
}

/// The preset's sample, with `event` in place of its own event type (JSON samples).
fn sample(sample: &str, own: Option<&str>, event: Option<&str>) -> Vec<u8> {
    match (own, event) {
        (Some(own), Some(event)) => sample
            .replace(
                &format!("\"{own}\""),
                &serde_json::Value::from(event).to_string(),
            )
            .into_bytes(),
        _ => sample.as_bytes().to_vec(),
    }
}

/// Sends `request` over HTTP/1.1: `<status>\n<body>`.
async fn post(request: Outgoing) -> Result<String, SendError> {
    let url = request.url.clone();
    let failed = |reason: String| SendError::Send {
        url: url.clone(),
        reason,
    };
    let uri: http::Uri = url.parse().map_err(|error| failed(format!("{error}")))?;
    if uri.scheme_str() != Some("http") {
        return Err(failed(
            "only http:// URLs are sent (a bot on this machine or a tunnel)".into(),
        ));
    }
    let host = uri
        .host()
        .ok_or_else(|| failed("no host".into()))?
        .to_owned();
    let port = uri.port_u16().unwrap_or(80);
    let stream = tokio::net::TcpStream::connect((host.as_str(), port))
        .await
        .map_err(|error| failed(error.to_string()))?;
    let (mut sender, connection) =
        hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
            .await
            .map_err(|error| failed(error.to_string()))?;
    tokio::spawn(connection);
    let mut builder = http::Request::builder()
        .method(request.method)
        .uri(uri.path_and_query().map_or("/", |pq| pq.as_str()))
        .header(
            header::HOST,
            uri.authority().map_or(host.clone(), |a| a.to_string()),
        );
    for (name, value) in &request.headers {
        builder = builder.header(name, value);
    }
    let outgoing = builder
        .body(Full::new(Bytes::from(request.body)))
        .map_err(|error| failed(error.to_string()))?;
    let response = sender
        .send_request(outgoing)
        .await
        .map_err(|error| failed(error.to_string()))?;
    let status = response.status();
    let body = response
        .into_body()
        .collect()
        .await
        .map_err(|error| failed(error.to_string()))?
        .to_bytes();
    Ok(format!("{status}\n{}", String::from_utf8_lossy(&body)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sample_s_event_type_is_replaced() {
        let body = sample(
            r#"{"type":"invoice.paid","id":"evt_1"}"#,
            Some("invoice.paid"),
            Some("charge.refunded"),
        );
        assert_eq!(body, br#"{"type":"charge.refunded","id":"evt_1"}"#);
        let body = sample(r#"{"type":"invoice.paid"}"#, Some("invoice.paid"), None);
        assert_eq!(body, br#"{"type":"invoice.paid"}"#);
    }
}
