//! Asana: `X-Hook-Signature` is the hex HMAC-SHA256 of the body under the secret Asana handed over in the `X-Hook-Secret` handshake.

use std::time::{Duration, SystemTime};

use super::common::{self, Encoding, Hash};
use crate::http::VerifyError;
use crate::senders::scheme::{
    self, Key, KeyError, KeyKind, Outgoing, Preset, Reply, SignedRequest, SigningKey,
};

const HEADER: &str = "x-hook-signature";

/// The secret, trimmed.
fn parse_key(text: &str) -> Result<Key, KeyError> {
    common::parse_secret(text.trim())
}

fn verify(
    keys: &[Key],
    request: &SignedRequest<'_>,
    _: SystemTime,
    _: Option<Duration>,
) -> Result<(), VerifyError> {
    common::verify_body_hmac(keys, request, HEADER, "", Encoding::Hex, Hash::Sha256)
}

fn sign(key: &SigningKey, out: &mut Outgoing, _: SystemTime) {
    common::sign_body_hmac(key, parse_key, out, HEADER, "", Encoding::Hex, Hash::Sha256);
}

/// `<resource_type>.<action>` of the first event (`task.changed`); none for an empty batch
/// (Asana's heartbeat).
fn event(request: &SignedRequest<'_>) -> Option<String> {
    let kind = common::body_field(request, "/events/0/resource/resource_type")?;
    let action = common::body_field(request, "/events/0/action")?;
    Some(format!("{kind}.{action}"))
}

/// A `POST` carrying `X-Hook-Secret` (the webhook being created) is answered `200` with the same
/// header and an empty body. The secret is what must then be configured for this route.
fn handshake_unsigned(
    request: &SignedRequest<'_>,
    _: &[Key],
) -> Option<Result<Reply, VerifyError>> {
    if request.method != http::Method::POST {
        return None;
    }
    let secret = request.headers.get("x-hook-secret")?.clone();
    let mut reply = common::reply(http::StatusCode::OK, None, b"");
    reply
        .headers
        .push((http::HeaderName::from_static("x-hook-secret"), secret));
    Some(Ok(reply))
}

/// Asana: the `X-Hook-Secret` handshake, then hex HMAC-SHA256 of the body in `X-Hook-Signature`.
pub static PRESET: Preset = Preset {
    name: "asana",
    title: "Asana",
    key_kind: KeyKind::Secret,
    parse_key,
    tolerance: None,
    signature_header: HEADER,
    signs_url: false,
    verify,
    sign,
    event,
    delivery_id: scheme::none,
    timestamp: scheme::no_timestamp,
    handshake_unsigned,
    handshake_signed: scheme::no_handshake_signed,
    sample_event: r#"{"events":[{"user":{"gid":"1516181920","resource_type":"user"},"created_at":"2024-01-01T12:00:00.000Z","action":"changed","resource":{"gid":"1234567890","resource_type":"task","resource_subtype":"default_task"},"parent":null,"change":{"field":"completed","action":"changed"}}]}"#,
    sample_event_type: Some("task.changed"),
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::senders::presets::common::testing::{check_preset, headers, Case};

    const SECRET: &str = "b537207f20cbfa02357cf448134da559e8bd39d61597dcd5631b8012eae53e81";

    #[test]
    fn common() {
        check_preset(
            &PRESET,
            &Case {
                sign_key: SigningKey::Secret(SECRET.into()),
                key: SECRET,
                other_key: "other-hook-secret",
                required: &[PRESET.signature_header],
                ..Case::secret("https://bot.example.com/hook")
            },
        );
    }

    #[test]
    fn hook_secret_echoed() {
        let h = headers(&[("x-hook-secret", SECRET)]);
        let request = SignedRequest {
            method: &http::Method::POST,
            url: "https://x/asana",
            headers: &h,
            body: b"",
        };
        let reply = handshake_unsigned(&request, &[])
            .expect("handshake")
            .expect("accepted");
        assert_eq!(reply.status, http::StatusCode::OK);
        assert!(reply.body.is_empty());
        assert_eq!(
            reply.headers,
            vec![(
                http::HeaderName::from_static("x-hook-secret"),
                http::HeaderValue::from_static(SECRET)
            )]
        );
        let plain = headers(&[]);
        let event = SignedRequest {
            method: &http::Method::POST,
            url: "https://x/asana",
            headers: &plain,
            body: b"{}",
        };
        assert!(handshake_unsigned(&event, &[]).is_none());
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
    const SDK_SIGNED: &[(&str, &str)] = &[(
        "x-hook-signature",
        "2a9a7be2b1f2840850b5aad83ca420b8456eb1920c7f816c2d66aa558b86f3b7",
    )];

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
    const OURS_ACCEPTED_BY_SDK: &[(&str, &str)] = &[(
        "x-hook-signature",
        "2a9a7be2b1f2840850b5aad83ca420b8456eb1920c7f816c2d66aa558b86f3b7",
    )];

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
