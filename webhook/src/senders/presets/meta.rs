//! Meta (WhatsApp, Messenger, Instagram): `X-Hub-Signature-256` is `sha256=` and the hex HMAC-SHA256 of the body under the app secret; the subscription is confirmed by a `GET` with `hub.mode=subscribe`, `hub.verify_token` and `hub.challenge`.

use std::time::{Duration, SystemTime};

use super::common::{self, Encoding, Hash};
use crate::http::VerifyError;
use crate::senders::scheme::{
    self, Key, KeyError, KeyKind, Outgoing, Preset, Reply, SignedRequest, SigningKey,
};

const HEADER: &str = "x-hub-signature-256";

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
    common::verify_body_hmac(
        keys,
        request,
        HEADER,
        "sha256=",
        Encoding::Hex,
        Hash::Sha256,
    )
}

fn sign(key: &SigningKey, out: &mut Outgoing, _: SystemTime) {
    common::sign_body_hmac(
        key,
        parse_key,
        out,
        HEADER,
        "sha256=",
        Encoding::Hex,
        Hash::Sha256,
    );
}

/// The environment variable holding the verify token that [`PRESET`]'s handshake compares
/// against. The configured keys are the *app secret* (for the `POST` signatures); the verify
/// token is a separate setting, which the framework will pass on its own later.
pub const VERIFY_TOKEN_ENV: &str = "META_VERIFY_TOKEN";

/// The query parameter carrying the verify token (named in errors).
const TOKEN_PARAM: &str = "hub.verify_token";

/// Answers Meta's subscription check: a `GET` with `hub.mode=subscribe`, `hub.verify_token`
/// and `hub.challenge` gets `200` with the challenge as `text/plain` when the token equals
/// `expected` (an empty `expected` never matches), and a [`VerifyError::Mismatch`] otherwise.
/// `None` when the request is not such a check.
pub fn verify_token_matches(
    expected: &str,
    request: &SignedRequest<'_>,
) -> Option<Result<Reply, VerifyError>> {
    if request.method != http::Method::GET {
        return None;
    }
    let (mut mode, mut token, mut challenge) = (None, None, None);
    for (k, v) in common::query_pairs(request) {
        match &*k {
            "hub.mode" => mode = Some(v.into_owned()),
            "hub.verify_token" => token = Some(v.into_owned()),
            "hub.challenge" => challenge = Some(v.into_owned()),
            _ => {}
        }
    }
    if mode.as_deref() != Some("subscribe") {
        return None;
    }
    let challenge = challenge?;
    let token = token.unwrap_or_default();
    if expected.is_empty() || !common::ct_eq(token.as_bytes(), expected.as_bytes()) {
        return Some(Err(common::mismatch(TOKEN_PARAM)));
    }
    Some(Ok(common::reply(
        http::StatusCode::OK,
        Some("text/plain"),
        challenge.as_bytes(),
    )))
}

/// [`verify_token_matches`] against `META_VERIFY_TOKEN`, read at each call (unset: every check
/// is refused).
fn handshake_unsigned(
    request: &SignedRequest<'_>,
    _: &[Key],
) -> Option<Result<Reply, VerifyError>> {
    let expected = std::env::var(VERIFY_TOKEN_ENV).unwrap_or_default();
    verify_token_matches(&expected, request)
}

/// The body's `object` (`whatsapp_business_account`, `page`, `instagram`): present for every
/// Meta product, where `entry[0].changes[0].field` is not (Messenger sends `messaging`).
fn event(request: &SignedRequest<'_>) -> Option<String> {
    common::body_field(request, "/object")
}

/// Meta Graph API webhooks (WhatsApp Cloud API, Messenger, Instagram): `X-Hub-Signature-256`.
pub static PRESET: Preset = Preset {
    name: "meta",
    title: "Meta",
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
    sample_event: r#"{"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},"contacts":[{"profile":{"name":"Sheena Nelson"},"wa_id":"16505551234"}],"messages":[{"from":"16505551234","id":"wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=","timestamp":"1749416383","type":"text","text":{"body":"Does it come in another color?"}}]},"field":"messages"}]}]}"#,
    sample_event_type: Some("whatsapp_business_account"),
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::senders::presets::common::testing::{check_preset, headers, Case};

    const SECRET: &str = "6f1c2a9d0e8b7c5a4f3e2d1c0b9a8f7e";

    #[test]
    fn common() {
        check_preset(
            &PRESET,
            &Case {
                sign_key: SigningKey::Secret(SECRET.into()),
                key: SECRET,
                other_key: "other-app-secret",
                required: &[PRESET.signature_header],
                ..Case::secret("https://bot.example.com/hook")
            },
        );
    }

    #[test]
    fn verify_token_handshake() {
        let h = headers(&[]);
        let get = |url| SignedRequest {
            method: &http::Method::GET,
            url,
            headers: &h,
            body: b"",
        };
        let ok = "https://bot.example.com/meta?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=meatyhamhock";
        let reply = verify_token_matches("meatyhamhock", &get(ok))
            .expect("handshake")
            .expect("accepted");
        assert_eq!(reply.status, http::StatusCode::OK);
        assert_eq!(reply.body, b"1158201444");
        assert_eq!(
            reply.headers,
            vec![(
                http::header::CONTENT_TYPE,
                http::HeaderValue::from_static("text/plain")
            )]
        );
        assert_eq!(
            verify_token_matches("other", &get(ok)),
            Some(Err(VerifyError::Mismatch {
                header: "hub.verify_token".into()
            }))
        );
        assert_eq!(
            verify_token_matches("", &get(ok)),
            Some(Err(VerifyError::Mismatch {
                header: "hub.verify_token".into()
            }))
        );
        assert_eq!(
            verify_token_matches("meatyhamhock", &get("https://bot.example.com/meta")),
            None
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

    /// Produced by the HMAC the provider documents, written with Node 20 `node:crypto` in judge.mjs (no SDK signs), at 1_700_000_000.
    const SDK_SIGNED: &[(&str, &str)] = &[(
        "x-hub-signature-256",
        "sha256=56872e3d3962bedb78d5a60dcc42d837c55d3d4fb9f8e95af22599b533d50886",
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
        "x-hub-signature-256",
        "sha256=56872e3d3962bedb78d5a60dcc42d837c55d3d4fb9f8e95af22599b533d50886",
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
