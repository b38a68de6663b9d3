//! Slack (v0 signing secret): `X-Slack-Signature: v0=<hex HMAC-SHA256 of "v0:{ts}:{body}">`
//! with `X-Slack-Request-Timestamp` (seconds), 300 s tolerance. Event from the body's
//! `event.type` for `event_callback`, else its `type`; delivery id from `event_id`. The signed
//! `url_verification` request is answered with its challenge, as plain text.

use std::time::{Duration, SystemTime};

use super::common::{self, Unit};
use crate::http::VerifyError;
use crate::senders::scheme::{
    no_handshake_unsigned, Key, KeyKind, Outgoing, Preset, Reply, SignedRequest, SigningKey,
};

const HEADER: &str = "X-Slack-Signature";
const TIMESTAMP_HEADER: &str = "X-Slack-Request-Timestamp";

/// Slack's preset.
pub static PRESET: Preset = Preset {
    name: "slack",
    title: "Slack",
    key_kind: KeyKind::Secret,
    parse_key: common::parse_secret,
    tolerance: Some(Duration::from_secs(300)),
    signature_header: HEADER,
    signs_url: false,
    verify,
    sign,
    event,
    delivery_id,
    timestamp,
    handshake_unsigned: no_handshake_unsigned,
    handshake_signed,
    sample_event: SAMPLE,
    sample_event_type: Some("app_mention"),
};

const SAMPLE: &str = r#"{"token":"XXYYZZ","team_id":"T123ABC456","api_app_id":"A123ABC456","event":{"type":"app_mention","user":"U123ABC456","text":"<@U0LAN0Z89> is it everything a river should be?","ts":"1515449522.000016","channel":"C123ABC456","event_ts":"1515449522000016"},"type":"event_callback","event_id":"Ev123ABC456","event_time":1515449522000016,"authorizations":[{"enterprise_id":"E123ABC456","team_id":"T123ABC456","user_id":"U123ABC456","is_bot":false,"is_enterprise_install":false}],"event_context":"EC123ABC456"}"#;

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
    common::set_header(request, "x-slack-request-timestamp", &ts);
    common::set_header(
        request,
        "x-slack-signature",
        &format!("v0={}", common::to_hex(&mac)),
    );
}

/// The JSON an event carries: the body itself, or a form body's `payload` field
/// (interactivity requests).
fn payload(request: &SignedRequest<'_>) -> Option<serde_json::Value> {
    common::json(request).or_else(|| {
        form_urlencoded::parse(request.body)
            .find(|(name, _)| name == "payload")
            .and_then(|(_, value)| serde_json::from_str(&value).ok())
    })
}

fn event(request: &SignedRequest<'_>) -> Option<String> {
    let body = payload(request)?;
    match common::field(&body, "/type").as_deref() {
        Some("event_callback") => common::field(&body, "/event/type"),
        _ => common::field(&body, "/type"),
    }
}

fn delivery_id(request: &SignedRequest<'_>) -> Option<String> {
    common::body_field(request, "/event_id")
}

fn timestamp(request: &SignedRequest<'_>) -> Option<i64> {
    common::header(request, TIMESTAMP_HEADER).ok()?.parse().ok()
}

fn handshake_signed(request: &SignedRequest<'_>, _keys: &[Key]) -> Option<Reply> {
    let body = common::json(request)?;
    if common::field(&body, "/type").as_deref() != Some("url_verification") {
        return None;
    }
    let challenge = common::field(&body, "/challenge")?;
    Some(common::reply(
        http::StatusCode::OK,
        Some("text/plain"),
        challenge.as_bytes(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::senders::presets::common::testing::{
        at, check_preset, post, secret, sign, verify, Case,
    };

    const URL: &str = "https://example.com/webhooks/slack";
    const SECRET: &str = "8f742231b10e8888abcd99yyyzzz85a5";

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

    /// Signed by slack-sdk 3.47.0 `SignatureVerifier.generate_signature`; our signature is the
    /// same, and the SDK's `is_valid_request` accepted it.
    #[test]
    fn sdk_signed_vector() {
        let request = post(
            URL,
            &[(HEADER, VECTOR), (TIMESTAMP_HEADER, "1700000000")],
            SAMPLE,
        );
        assert_eq!(
            verify(&PRESET, &[SECRET], &request, at(1_700_000_000)),
            Ok(())
        );
        assert_eq!((PRESET.timestamp)(&request.signed()), Some(1_700_000_000));
        assert_eq!(
            (PRESET.delivery_id)(&request.signed()).as_deref(),
            Some("Ev123ABC456")
        );
        let ours = sign(
            &PRESET,
            &secret(SECRET),
            URL,
            "application/json",
            SAMPLE,
            at(1_700_000_000),
        );
        assert_eq!(ours.headers[HEADER], VECTOR);
        assert!(matches!(
            verify(&PRESET, &[SECRET], &request, at(1_700_000_301)),
            Err(VerifyError::Expired {
                tolerance_secs: 300,
                ..
            })
        ));
    }

    const VECTOR: &str = "v0=964025b5200f4bd92f79120fcde313a1d0c7434005533c81bf45761d04429aa1";

    /// Slack's documented example ("Verifying requests from Slack": a slash command), also
    /// reproduced by slack-sdk 3.47.0 `generate_signature`.
    #[test]
    fn documented_vector() {
        let body = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
        let request = post(
            URL,
            &[
                (
                    HEADER,
                    "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503",
                ),
                (TIMESTAMP_HEADER, "1531420618"),
            ],
            body,
        );
        assert_eq!(
            verify(&PRESET, &[SECRET], &request, at(1_531_420_618)),
            Ok(())
        );
    }

    /// Slack's documented `url_verification` request and the plain-text reply it asks for.
    #[test]
    fn url_verification_reply() {
        let body = r#"{"token":"Jhj5dZrVaK7ZwHHjRyZWjbDl","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}"#;
        let request = post(URL, &[], body);
        let reply = handshake_signed(&request.signed(), &[]).expect("a reply");
        assert_eq!(reply.status, http::StatusCode::OK);
        assert_eq!(reply.headers[0].1, "text/plain");
        assert_eq!(
            reply.body,
            b"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P".to_vec()
        );
        assert_eq!(
            (PRESET.event)(&request.signed()).as_deref(),
            Some("url_verification")
        );
        assert!(handshake_signed(&post(URL, &[], SAMPLE).signed(), &[]).is_none());
    }

    #[test]
    fn interactivity_form_payload_event() {
        let request = post(URL, &[], "payload=%7B%22type%22%3A%22block_actions%22%7D");
        assert_eq!(
            (PRESET.event)(&request.signed()).as_deref(),
            Some("block_actions")
        );
    }
}
