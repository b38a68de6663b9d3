//! Twitch EventSub: `Twitch-Eventsub-Message-Signature: sha256=<hex>`, the HMAC-SHA256 of
//! message id + timestamp + body under the subscription's secret; the timestamp is RFC 3339 and
//! Twitch asks to refuse messages older than ten minutes.

use std::time::{Duration, SystemTime};

use http::StatusCode;

use super::common::{self, Unit};
use crate::http::VerifyError;
use crate::senders::scheme::{
    self, Key, KeyError, KeyKind, Outgoing, Preset, Reply, SignedRequest, SigningKey,
};

const SIGNATURE: &str = "twitch-eventsub-message-signature";
const ID: &str = "twitch-eventsub-message-id";
const TIMESTAMP: &str = "twitch-eventsub-message-timestamp";
const MESSAGE_TYPE: &str = "twitch-eventsub-message-type";
const SUBSCRIPTION_TYPE: &str = "twitch-eventsub-subscription-type";

/// The secret, trimmed.
fn parse_key(text: &str) -> Result<Key, KeyError> {
    common::parse_secret(text.trim())
}

fn verify(
    keys: &[Key],
    request: &SignedRequest<'_>,
    now: SystemTime,
    tolerance: Option<Duration>,
) -> Result<(), VerifyError> {
    let id = common::header(request, ID)?;
    let ts = common::header(request, TIMESTAMP)?;
    let text = common::header(request, SIGNATURE)?;
    let signature = common::from_hex(SIGNATURE, common::strip_scheme(SIGNATURE, text, "sha256=")?)?;
    let secs = common::parse_rfc3339(ts)
        .ok_or_else(|| common::malformed(TIMESTAMP, "it is not an RFC 3339 date"))?;
    common::check_fresh(TIMESTAMP, secs, Unit::Secs, Unit::Secs, now, tolerance)?;
    common::any_match(keys, SIGNATURE, &[signature], |secret| {
        [common::hmac_sha256(
            secret,
            &[id.as_bytes(), ts.as_bytes(), request.body],
        )]
    })
}

/// Adds the headers Twitch sends: id (kept if set), RFC 3339 timestamp, signature, message type
/// (`notification` unless set) and subscription type (from the body's `subscription.type`).
fn sign(key: &SigningKey, out: &mut Outgoing, now: SystemTime) {
    let Some(secret) = common::signing_secret(key, parse_key) else {
        return;
    };
    let ts = common::format_rfc3339(now);
    let id = match out.headers.get(ID).and_then(|v| v.to_str().ok()) {
        Some(id) => id.to_owned(),
        None => {
            let h = hex::encode(common::hmac_sha256(ts.as_bytes(), &[&out.body]));
            format!(
                "{}-{}-{}-{}-{}",
                &h[0..8],
                &h[8..12],
                &h[12..16],
                &h[16..20],
                &h[20..32]
            )
        }
    };
    let mac = common::hmac_sha256(&secret, &[id.as_bytes(), ts.as_bytes(), &out.body]);
    common::set_header(out, ID, &id);
    common::set_header(out, TIMESTAMP, &ts);
    common::set_header(out, SIGNATURE, &format!("sha256={}", hex::encode(mac)));
    if !out.headers.contains_key(MESSAGE_TYPE) {
        common::set_header(out, MESSAGE_TYPE, "notification");
    }
    let sub = serde_json::from_slice::<serde_json::Value>(&out.body)
        .ok()
        .and_then(|v| {
            v.pointer("/subscription/type")
                .and_then(|t| t.as_str())
                .map(str::to_owned)
        });
    if let Some(sub) = sub {
        common::set_header(out, SUBSCRIPTION_TYPE, &sub);
    }
}

fn event(request: &SignedRequest<'_>) -> Option<String> {
    common::header_opt(request, SUBSCRIPTION_TYPE)
}

fn delivery_id(request: &SignedRequest<'_>) -> Option<String> {
    common::header_opt(request, ID)
}

fn timestamp(request: &SignedRequest<'_>) -> Option<i64> {
    common::parse_rfc3339(&common::header_opt(request, TIMESTAMP)?)
}

/// `webhook_callback_verification`: `200`, `text/plain`, the raw `challenge`; `revocation`:
/// `204` (Twitch only wants a 2xx).
fn handshake_signed(request: &SignedRequest<'_>, _: &[Key]) -> Option<Reply> {
    match common::header_opt(request, MESSAGE_TYPE)?.as_str() {
        "webhook_callback_verification" => {
            let challenge = common::body_field(request, "/challenge")?;
            Some(common::reply(
                StatusCode::OK,
                Some("text/plain"),
                challenge.as_bytes(),
            ))
        }
        "revocation" => Some(common::reply(StatusCode::NO_CONTENT, None, b"")),
        _ => None,
    }
}

/// Twitch EventSub (webhook transport).
pub static PRESET: Preset = Preset {
    name: "twitch",
    title: "Twitch EventSub",
    key_kind: KeyKind::Secret,
    parse_key,
    tolerance: Some(Duration::from_secs(600)),
    signature_header: SIGNATURE,
    signs_url: false,
    verify,
    sign,
    event,
    delivery_id,
    timestamp,
    handshake_unsigned: scheme::no_handshake_unsigned,
    handshake_signed,
    sample_event: r#"{"subscription":{"id":"f1c2a387-161a-49f9-a165-0f21d7a4e1c4","type":"channel.follow","version":"2","status":"enabled","cost":0,"condition":{"broadcaster_user_id":"1337","moderator_user_id":"1337"},"transport":{"method":"webhook","callback":"https://example.com/webhooks/callback"},"created_at":"2019-11-16T10:11:12.634234626Z"},"event":{"user_id":"1234","user_login":"cool_user","user_name":"Cool_User","broadcaster_user_id":"1337","broadcaster_user_login":"cooler_user","broadcaster_user_name":"Cooler_User","followed_at":"2020-07-15T18:16:11.17106713Z"}}"#,
    sample_event_type: Some("channel.follow"),
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::senders::presets::common::testing::{check_preset, headers, Case};

    const SECRET: &str = "s3cre7-twitch-eventsub";

    #[test]
    fn common() {
        check_preset(
            &PRESET,
            &Case {
                sign_key: SigningKey::Secret(SECRET.into()),
                key: SECRET,
                other_key: "another-twitch-secret",
                required: &[PRESET.signature_header],
                ..Case::secret("https://bot.example.com/hook")
            },
        );
    }

    #[test]
    fn challenge_and_revocation() {
        let body = br#"{"challenge":"pogchamp-kappa-360noscope-vohiyo","subscription":{"id":"f1c2a387-161a-49f9-a165-0f21d7a4e1c4","status":"webhook_callback_verification_pending","type":"channel.follow","version":"2"}}"#;
        let h = headers(&[(MESSAGE_TYPE, "webhook_callback_verification")]);
        let request = SignedRequest {
            method: &http::Method::POST,
            url: "https://x/t",
            headers: &h,
            body,
        };
        let reply = handshake_signed(&request, &[]).expect("challenge");
        assert_eq!(reply.status, StatusCode::OK);
        assert_eq!(reply.body, b"pogchamp-kappa-360noscope-vohiyo");
        assert_eq!(
            reply.headers,
            vec![(
                http::header::CONTENT_TYPE,
                http::HeaderValue::from_static("text/plain")
            )]
        );
        let h = headers(&[(MESSAGE_TYPE, "revocation")]);
        let request = SignedRequest {
            method: &http::Method::POST,
            url: "https://x/t",
            headers: &h,
            body,
        };
        assert_eq!(
            handshake_signed(&request, &[]).map(|r| r.status),
            Some(StatusCode::NO_CONTENT)
        );
        let h = headers(&[(MESSAGE_TYPE, "notification")]);
        let request = SignedRequest {
            method: &http::Method::POST,
            url: "https://x/t",
            headers: &h,
            body,
        };
        assert!(handshake_signed(&request, &[]).is_none());
    }
}

/// Cross-checks with the provider's SDK (or, where none signs or verifies, its documented HMAC).
#[cfg(test)]
mod sdk_vectors {
    use super::*;
    use crate::senders::presets::common::testing::{at, post, sign, signing_key, verify};

    /// Verification key of both vectors.
    const KEY: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    /// Produced by the HMAC the provider documents, written with Node 20 `node:crypto` in judge.mjs (no SDK signs), at 1_700_000_000.
    const SDK_SIGNED: &[(&str, &str)] = &[
        (
            "twitch-eventsub-message-id",
            "befa7b53-d79d-478f-86b9-120f112b044e",
        ),
        (
            "twitch-eventsub-message-timestamp",
            "2023-11-14T22:13:20.000Z",
        ),
        (
            "twitch-eventsub-message-signature",
            "sha256=06279f480d3149d8b80339e091d548cd85fffc9b692b989eccc9fbf99b74dc58",
        ),
        ("twitch-eventsub-message-type", "notification"),
    ];

    #[test]
    fn sdk_signed_vector_verifies() {
        let body = PRESET.sample_event.as_bytes();
        let request = post("https://bot.example.com/hook", SDK_SIGNED, body);
        let now = at(1_700_000_010);
        assert_eq!(verify(&PRESET, &[KEY], &request, now), Ok(()));
        assert_eq!(
            verify(&PRESET, &["not-the-key-0123", KEY], &request, now),
            Ok(())
        );
    }

    /// Our `sign` of the sample at 1_700_000_000; the provider's documented HMAC in judge.mjs (no SDK verifies) accepted it (and refused it with
    /// the body tampered).
    const OURS_ACCEPTED_BY_SDK: &[(&str, &str)] = &[
        (
            "twitch-eventsub-message-id",
            "23b1fe2d-9cf6-19e4-b685-ad6c31e285eb",
        ),
        (
            "twitch-eventsub-message-signature",
            "sha256=4465da7512694fe521aff303ddd84370b7d0a74909c684c566ed09b224ba5c71",
        ),
        (
            "twitch-eventsub-message-timestamp",
            "2023-11-14T22:13:20.000000000Z",
        ),
        ("twitch-eventsub-message-type", "notification"),
        ("twitch-eventsub-subscription-type", "channel.follow"),
    ];

    #[test]
    fn our_signature_is_the_one_the_sdk_accepted() {
        let key = signing_key(PRESET.name, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
        let out = sign(
            &PRESET,
            &key,
            "https://bot.example.com/hook",
            "application/json",
            PRESET.sample_event.as_bytes(),
            at(1_700_000_000),
        );
        for (name, value) in OURS_ACCEPTED_BY_SDK {
            assert_eq!(
                out.headers.get(*name).and_then(|v| v.to_str().ok()),
                Some(*value),
                "{name}"
            );
        }
    }
}
