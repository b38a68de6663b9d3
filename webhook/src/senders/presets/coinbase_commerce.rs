//! Coinbase Commerce: `X-CC-Webhook-Signature` is the hex HMAC-SHA256 of the body under the shared secret.

use std::time::{Duration, SystemTime};

use super::common::{self, Encoding, Hash};
use crate::http::VerifyError;
use crate::senders::scheme::{
    self, Key, KeyError, KeyKind, Outgoing, Preset, SignedRequest, SigningKey,
};

const HEADER: &str = "x-cc-webhook-signature";

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

fn event(request: &SignedRequest<'_>) -> Option<String> {
    common::body_field(request, "/event/type")
}

/// The event's id (`event.id`, the same across retries), else the notification's `id`.
fn delivery_id(request: &SignedRequest<'_>) -> Option<String> {
    common::body_field(request, "/event/id").or_else(|| common::body_field(request, "/id"))
}

/// Coinbase Commerce: hex HMAC-SHA256 of the body in `X-CC-Webhook-Signature`.
pub static PRESET: Preset = Preset {
    name: "coinbase-commerce",
    title: "Coinbase Commerce",
    key_kind: KeyKind::Secret,
    parse_key,
    tolerance: None,
    signature_header: HEADER,
    signs_url: false,
    verify,
    sign,
    event,
    delivery_id,
    timestamp: scheme::no_timestamp,
    handshake_unsigned: scheme::no_handshake_unsigned,
    handshake_signed: scheme::no_handshake_signed,
    sample_event: r#"{"id":1,"scheduled_for":"2017-01-31T20:50:02Z","event":{"id":"24934862-d980-46cb-9402-43c81b0cdba6","resource":"event","type":"charge:created","api_version":"2018-03-22","created_at":"2017-01-31T20:49:02Z","data":{"code":"66BEOV2A","name":"The Sovereign Individual","description":"Mastering the Transition to the Information Age","hosted_url":"https://commerce.coinbase.com/charges/66BEOV2A","created_at":"2017-01-31T20:49:02Z","expires_at":"2017-01-31T21:49:02Z","pricing_type":"fixed_price","pricing":{"local":{"amount":"100.00","currency":"USD"}}}}}"#,
    sample_event_type: Some("charge:created"),
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::senders::presets::common::testing::{check_preset, Case};

    const SECRET: &str = "3b8f2c1e-coinbase-shared-secret";

    #[test]
    fn common() {
        check_preset(
            &PRESET,
            &Case {
                sign_key: SigningKey::Secret(SECRET.into()),
                key: SECRET,
                other_key: "other-shared-secret",
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

    /// Produced by PyPI coinbase-commerce 1.0.1 `WebhookSignature._compute_signature`, at 1_700_000_000.
    const SDK_SIGNED: &[(&str, &str)] = &[(
        "x-cc-webhook-signature",
        "58094b0218ea37c0303b977c6fb9ac154087ef3945aee7f3d9fada70c7757b86",
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

    /// Our `sign` of the sample at 1_700_000_000; PyPI coinbase-commerce 1.0.1 `WebhookSignature.verify_sig_header` accepted it (and refused it with
    /// the body tampered).
    const OURS_ACCEPTED_BY_SDK: &[(&str, &str)] = &[(
        "x-cc-webhook-signature",
        "58094b0218ea37c0303b977c6fb9ac154087ef3945aee7f3d9fada70c7757b86",
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
