//! WorkOS: `WorkOS-Signature: t=<unix milliseconds>, v1=<hex>`, the HMAC-SHA256 of `<t>.<body>`
//! under the endpoint secret; three minutes of tolerance, as the WorkOS Node SDK (`180000` ms).

use std::time::{Duration, SystemTime};

use super::common::{self, Unit};
use crate::http::VerifyError;
use crate::senders::scheme::{
    self, Key, KeyError, KeyKind, Outgoing, Preset, SignedRequest, SigningKey,
};

const HEADER: &str = "workos-signature";

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
    common::verify_t_v1(keys, request, HEADER, Unit::Millis, now, tolerance)
}

fn sign(key: &SigningKey, out: &mut Outgoing, now: SystemTime) {
    let t = common::unix_millis(now).to_string();
    common::sign_t_v1(key, parse_key, out, HEADER, &t, ", ");
}

fn event(request: &SignedRequest<'_>) -> Option<String> {
    common::body_field(request, "/event")
}

fn delivery_id(request: &SignedRequest<'_>) -> Option<String> {
    common::body_field(request, "/id")
}

fn timestamp(request: &SignedRequest<'_>) -> Option<i64> {
    Some(common::pair_int(request, HEADER, ',', "t")?.div_euclid(1000))
}

/// WorkOS webhooks (events).
pub static PRESET: Preset = Preset {
    name: "workos",
    title: "WorkOS",
    key_kind: KeyKind::Secret,
    parse_key,
    tolerance: Some(Duration::from_secs(180)),
    signature_header: HEADER,
    signs_url: false,
    verify,
    sign,
    event,
    delivery_id,
    timestamp,
    handshake_unsigned: scheme::no_handshake_unsigned,
    handshake_signed: scheme::no_handshake_signed,
    sample_event: r#"{"id":"event_01HWWB7S1Q5BXN6TJSBCQ6F4YJ","data":{"id":"user_01E4ZCR3C56J083X43JQXF3JK5","email":"marcelina.davis@example.com","object":"user","first_name":"Marcelina","last_name":"Davis","email_verified":true,"profile_picture_url":"https://workoscdn.com/images/v1/123abc","created_at":"2021-06-25T19:07:33.155Z","updated_at":"2021-06-25T19:07:33.155Z"},"event":"user.created","created_at":"2021-06-25T19:07:33.155Z"}"#,
    sample_event_type: Some("user.created"),
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::senders::presets::common::testing::{check_preset, Case};

    const SECRET: &str = "wos_webhook_secret_9f8e7d6c";

    #[test]
    fn common() {
        check_preset(
            &PRESET,
            &Case {
                sign_key: SigningKey::Secret(SECRET.into()),
                key: SECRET,
                other_key: "wos_other_secret",
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

    /// Produced by npm @workos-inc/node 11.0.0 `webhooks.computeSignature`, at 1_700_000_000.
    const SDK_SIGNED: &[(&str, &str)] = &[(
        "workos-signature",
        "t=1700000000000, v1=208bd9c7b28ac23acff435d31d5f454a0760f198fe4baf2b3e7d353f016d5adb",
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

    /// Our `sign` of the sample at 1_700_000_000; npm @workos-inc/node 11.0.0 `webhooks.constructEvent` accepted it (and refused it with
    /// the body tampered).
    const OURS_ACCEPTED_BY_SDK: &[(&str, &str)] = &[(
        "workos-signature",
        "t=1700000000000, v1=208bd9c7b28ac23acff435d31d5f454a0760f198fe4baf2b3e7d353f016d5adb",
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
