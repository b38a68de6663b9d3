//! Zoom: `x-zm-signature: v0=<hex HMAC-SHA256 of "v0:{x-zm-request-timestamp}:{body}">`, keyed
//! with the app's secret token. Zoom's docs give no replay window; this preset applies 300 s to
//! the signed timestamp (seconds). Event from the body's `event`. The signed
//! `endpoint.url_validation` request is answered with
//! `{"plainToken": ..., "encryptedToken": <hex HMAC-SHA256(secret, plainToken)>}`.

use std::time::{Duration, SystemTime};

use super::common::{self, Unit};
use crate::http::VerifyError;
use crate::senders::scheme::{
    no_handshake_unsigned, none, Key, KeyKind, Outgoing, Preset, Reply, SignedRequest, SigningKey,
};

const HEADER: &str = "x-zm-signature";
const TIMESTAMP_HEADER: &str = "x-zm-request-timestamp";

/// Zoom's preset.
pub static PRESET: Preset = Preset {
    name: "zoom",
    title: "Zoom",
    key_kind: KeyKind::Secret,
    parse_key: common::parse_secret,
    tolerance: Some(Duration::from_secs(300)),
    signature_header: HEADER,
    signs_url: false,
    verify,
    sign,
    event,
    delivery_id: none,
    timestamp,
    handshake_unsigned: no_handshake_unsigned,
    handshake_signed,
    sample_event: SAMPLE,
    sample_event_type: Some("meeting.started"),
};

const SAMPLE: &str = r#"{"event":"meeting.started","event_ts":1626230691572,"payload":{"account_id":"AAAAAABBBB","object":{"id":"1234567890","uuid":"4444AAAiAAAAAiAiAiiAii==","host_id":"x1yCzABCDEfg23HiJKl4mN","topic":"My Meeting","type":8,"start_time":"2021-07-13T21:44:51Z","timezone":"America/Los_Angeles","duration":60}}}"#;

fn verify(
    keys: &[Key],
    request: &SignedRequest<'_>,
    now: SystemTime,
    tolerance: Option<Duration>,
) -> Result<(), VerifyError> {
    let value = common::header(request, HEADER)?;
    let ts_text = common::header(request, TIMESTAMP_HEADER)?;
    let ts = common::parse_int(TIMESTAMP_HEADER, ts_text)?;
    let signature = common::from_hex(HEADER, common::strip_scheme(HEADER, value, "v0=")?)?;
    common::any_match(keys, HEADER, &[signature], |secret| {
        [common::hmac_sha256(
            secret,
            &[b"v0:", ts_text.as_bytes(), b":", request.body],
        )]
    })?;
    common::check_fresh(
        TIMESTAMP_HEADER,
        ts,
        Unit::Secs,
        Unit::Millis,
        now,
        tolerance,
    )
}

fn sign(key: &SigningKey, request: &mut Outgoing, now: SystemTime) {
    let Some(secret) = common::signing_secret(key, common::parse_secret) else {
        return;
    };
    let ts = common::unix_secs(now).to_string();
    let mac = common::hmac_sha256(&secret, &[b"v0:", ts.as_bytes(), b":", &request.body]);
    common::set_header(request, "x-zm-request-timestamp", &ts);
    common::set_header(
        request,
        "x-zm-signature",
        &format!("v0={}", common::to_hex(&mac)),
    );
}

fn event(request: &SignedRequest<'_>) -> Option<String> {
    common::body_field(request, "/event")
}

fn timestamp(request: &SignedRequest<'_>) -> Option<i64> {
    common::header(request, TIMESTAMP_HEADER).ok()?.parse().ok()
}

fn handshake_signed(request: &SignedRequest<'_>, keys: &[Key]) -> Option<Reply> {
    let body = common::json(request)?;
    if common::field(&body, "/event").as_deref() != Some("endpoint.url_validation") {
        return None;
    }
    let plain = common::field(&body, "/payload/plainToken")?;
    // The first configured secret is the current one: Zoom hashes with the token it holds now.
    let secret = common::secrets(keys).next()?;
    let encrypted = common::to_hex(&common::hmac_sha256(secret, &[plain.as_bytes()]));
    // Written by hand to keep Zoom's documented key order.
    let reply = format!(
        r#"{{"plainToken":{},"encryptedToken":{}}}"#,
        serde_json::Value::String(plain),
        serde_json::Value::String(encrypted)
    );
    Some(common::reply(
        http::StatusCode::OK,
        Some("application/json"),
        reply.as_bytes(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::senders::presets::common::testing::{at, check_preset, post, secret, verify, Case};

    const URL: &str = "https://example.com/webhooks/zoom";

    #[test]
    fn common_checks() {
        check_preset(
            &PRESET,
            &Case {
                required: &[HEADER, TIMESTAMP_HEADER],
                ..Case::secret(URL)
            },
        );
    }

    /// No official SDK signs or verifies Zoom webhooks outside the Rivet framework: reference
    /// value computed with Python's stdlib `hmac` following Zoom's documented scheme.
    #[test]
    fn reference_vector() {
        let request = post(
            URL,
            &[(HEADER, VECTOR), (TIMESTAMP_HEADER, "1700000000")],
            SAMPLE,
        );
        assert_eq!(
            verify(&PRESET, &[SECRET], &request, at(1_700_000_000)),
            Ok(())
        );
        let ours = crate::senders::presets::common::testing::sign(
            &PRESET,
            &secret(SECRET),
            URL,
            "application/json",
            SAMPLE,
            at(1_700_000_000),
        );
        assert_eq!(ours.headers[HEADER], VECTOR);
    }

    const SECRET: &str = "zoom_secret_token_123";
    const VECTOR: &str = "v0=628d0f140752a68acae6daa0754638aac718ad9a907a2d089ca985c26cd3e0ae";

    /// Zoom's documented validation request (its example plainToken) and the reply it expects:
    /// `{"plainToken": ..., "encryptedToken": hex HMAC-SHA256(secret token, plainToken)}`
    /// (the HMAC computed with Python's stdlib).
    #[test]
    fn url_validation_reply() {
        let body = r#"{"payload":{"plainToken":"qgg8vlvZRS6UYooatFL8Aw"},"event_ts":1654503849680,"event":"endpoint.url_validation"}"#;
        let request = post(URL, &[], body);
        let keys = [
            (PRESET.parse_key)(SECRET).expect("key"),
            (PRESET.parse_key)("older").expect("key"),
        ];
        let reply = (PRESET.handshake_signed)(&request.signed(), &keys).expect("a reply");
        assert_eq!(reply.status, http::StatusCode::OK);
        assert_eq!(reply.headers[0].1, "application/json");
        assert_eq!(
            String::from_utf8(reply.body).expect("text"),
            r#"{"plainToken":"qgg8vlvZRS6UYooatFL8Aw","encryptedToken":"2df5fa03ed8ac736e86fd42dfeb323dea9b55490e8b5c6dab0b21c00a852fe26"}"#
        );
        assert!((PRESET.handshake_signed)(&post(URL, &[], SAMPLE).signed(), &keys).is_none());
    }
}
