//! Svix: the Standard Webhooks scheme under `svix-id`, `svix-timestamp` and `svix-signature`.

use std::time::{Duration, SystemTime};

use super::common;
use super::standard_webhooks::{self as sw, Names};
use crate::http::VerifyError;
use crate::senders::scheme::{self, Key, KeyKind, Outgoing, Preset, SignedRequest, SigningKey};

const NAMES: Names = Names {
    id: "svix-id",
    timestamp: "svix-timestamp",
    signature: "svix-signature",
};

fn verify(
    keys: &[Key],
    request: &SignedRequest<'_>,
    now: SystemTime,
    tolerance: Option<Duration>,
) -> Result<(), VerifyError> {
    sw::verify_with(&NAMES, keys, request, now, tolerance)
}

fn sign(key: &SigningKey, out: &mut Outgoing, now: SystemTime) {
    sw::sign_with(&NAMES, key, out, now);
}

fn delivery_id(request: &SignedRequest<'_>) -> Option<String> {
    common::header_opt(request, NAMES.id)
}

fn timestamp(request: &SignedRequest<'_>) -> Option<i64> {
    common::header_opt(request, NAMES.timestamp)?.parse().ok()
}

/// Svix (`svix-*` headers).
pub static PRESET: Preset = Preset {
    name: "svix",
    title: "Svix",
    key_kind: KeyKind::Secret,
    parse_key: sw::parse_whsec,
    tolerance: Some(Duration::from_secs(300)),
    signature_header: "svix-signature",
    signs_url: false,
    verify,
    sign,
    event: sw::body_type,
    delivery_id,
    timestamp,
    handshake_unsigned: scheme::no_handshake_unsigned,
    handshake_signed: scheme::no_handshake_signed,
    sample_event: sw::SAMPLE,
    sample_event_type: Some("contact.created"),
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::senders::presets::common::testing::{check_preset, Case};

    const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const OTHER: &str = "whsec_dGhpcyBpcyBhbm90aGVyIHNlY3JldCE=";

    #[test]
    fn common() {
        check_preset(
            &PRESET,
            &Case {
                sign_key: SigningKey::Secret(SECRET.into()),
                key: SECRET,
                other_key: OTHER,
                required: &[PRESET.signature_header],
                ..Case::secret("https://bot.example.com/hook")
            },
        );
    }
}

/// Cross-checks with the provider's SDK (or, where none signs or verifies, its documented HMAC).
#[cfg(test)]
mod sdk_vectors {
    use super::*;
    use crate::senders::presets::common::testing::{at, post, sign, signing_key, verify};

    /// Verification key of both vectors.
    const KEY: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    /// Produced by PyPI svix 2.9.1 `Webhook.sign`, at 1_700_000_000.
    const SDK_SIGNED: &[(&str, &str)] = &[
        ("svix-id", "msg_p5jXN8AQM9LWM0D4loKWxJek"),
        ("svix-timestamp", "1700000000"),
        (
            "svix-signature",
            "v1,E4e4na3ipzzZSakpFZfFjbSxKUyjhtds3BJOZPn7KOo=",
        ),
    ];

    #[test]
    fn sdk_signed_vector_verifies() {
        let body = PRESET.sample_event.as_bytes();
        let request = post("https://bot.example.com/hook", SDK_SIGNED, body);
        let now = at(1_700_000_010);
        assert_eq!(verify(&PRESET, &[KEY], &request, now), Ok(()));
        assert_eq!(
            verify(
                &PRESET,
                &["whsec_dGhpcyBpcyBhbm90aGVyIHNlY3JldCE=", KEY],
                &request,
                now
            ),
            Ok(())
        );
    }

    /// Our `sign` of the sample at 1_700_000_000; PyPI svix 2.9.1 `Webhook.verify` accepted it (and refused it with
    /// the body tampered).
    const OURS_ACCEPTED_BY_SDK: &[(&str, &str)] = &[
        ("svix-id", "msg_e2449833f54926e8af609ccb513"),
        (
            "svix-signature",
            "v1,btDu3cR9iXTpatinBirST2NW+G/wTs/cW7W9oarY5O8=",
        ),
        ("svix-timestamp", "1700000000"),
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
