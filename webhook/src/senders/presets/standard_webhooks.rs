//! Standard Webhooks: `webhook-id`, `webhook-timestamp` (Unix seconds) and `webhook-signature`,
//! a space-separated list of `v1,<base64>` HMAC-SHA256 of `<id>.<timestamp>.<body>` under the
//! secret written `whsec_<base64>`; five minutes of tolerance either way. Svix sends the same
//! scheme under `svix-` names; `Names` and the functions taking it serve both presets.

use std::time::{Duration, SystemTime};

use base64::Engine as _;

use super::common::{self, Unit, B64};
use crate::http::VerifyError;
use crate::senders::scheme::{
    self, Key, KeyError, KeyKind, Outgoing, Preset, SignedRequest, SigningKey,
};

/// The three header names of one flavour of the scheme.
pub(crate) struct Names {
    /// The message id header.
    pub id: &'static str,
    /// The timestamp header.
    pub timestamp: &'static str,
    /// The signature header.
    pub signature: &'static str,
}

/// Standard Webhooks' header names.
const NAMES: Names = Names {
    id: "webhook-id",
    timestamp: "webhook-timestamp",
    signature: "webhook-signature",
};

/// Decodes `whsec_<base64>` (the prefix optional, padding optional).
pub(crate) fn parse_whsec(text: &str) -> Result<Key, KeyError> {
    let text = text.trim();
    let b64 = text
        .strip_prefix("whsec_")
        .unwrap_or(text)
        .trim_end_matches('=');
    if b64.is_empty() {
        return Err(KeyError("the secret is empty".into()));
    }
    let bytes = base64::engine::general_purpose::STANDARD_NO_PAD
        .decode(b64)
        .map_err(|_| KeyError("the secret is not `whsec_` followed by base64".into()))?;
    if bytes.is_empty() {
        return Err(KeyError("the secret is empty".into()));
    }
    Ok(Key::Secret(bytes))
}

/// Verifies under the header names `n`.
pub(crate) fn verify_with(
    n: &Names,
    keys: &[Key],
    request: &SignedRequest<'_>,
    now: SystemTime,
    tolerance: Option<Duration>,
) -> Result<(), VerifyError> {
    let id = common::header(request, n.id)?;
    let ts_text = common::header(request, n.timestamp)?;
    let text = common::header(request, n.signature)?;
    let ts = common::parse_int(n.timestamp, ts_text)?;
    let mut candidates = Vec::new();
    for item in text.split(' ').filter(|s| !s.is_empty()) {
        let (version, sig) = item
            .split_once(',')
            .ok_or_else(|| common::malformed(n.signature, "an item is not `v1,<base64>`"))?;
        // Other versions (`v1a` asymmetric signatures) are skipped.
        if version == "v1" {
            candidates.push(common::from_base64(n.signature, sig)?);
        }
    }
    if candidates.is_empty() {
        return Err(common::malformed(n.signature, "there is no `v1` signature"));
    }
    common::check_fresh(n.timestamp, ts, Unit::Secs, Unit::Secs, now, tolerance)?;
    common::any_match(keys, n.signature, &candidates, |secret| {
        [common::hmac_sha256(
            secret,
            &[id.as_bytes(), b".", ts_text.as_bytes(), b".", request.body],
        )]
    })
}

/// Signs under the header names `n`; the message id is kept when the request has one, else
/// derived from the body and time (stable for the same input).
pub(crate) fn sign_with(n: &Names, key: &SigningKey, out: &mut Outgoing, now: SystemTime) {
    let Some(secret) = common::signing_secret(key, parse_whsec) else {
        return;
    };
    let ts = common::unix_secs(now).to_string();
    let id = match out.headers.get(n.id).and_then(|v| v.to_str().ok()) {
        Some(id) => id.to_owned(),
        None => {
            let digest = common::hmac_sha256(ts.as_bytes(), &[&out.body]);
            format!("msg_{}", &hex::encode(digest)[..27])
        }
    };
    let mac = common::hmac_sha256(
        &secret,
        &[id.as_bytes(), b".", ts.as_bytes(), b".", &out.body],
    );
    common::set_header(out, n.id, &id);
    common::set_header(out, n.timestamp, &ts);
    common::set_header(out, n.signature, &format!("v1,{}", B64.encode(mac)));
}

/// The body's `type`.
pub(crate) fn body_type(request: &SignedRequest<'_>) -> Option<String> {
    common::body_field(request, "/type")
}

fn verify(
    keys: &[Key],
    request: &SignedRequest<'_>,
    now: SystemTime,
    tolerance: Option<Duration>,
) -> Result<(), VerifyError> {
    verify_with(&NAMES, keys, request, now, tolerance)
}

fn sign(key: &SigningKey, out: &mut Outgoing, now: SystemTime) {
    sign_with(&NAMES, key, out, now);
}

fn delivery_id(request: &SignedRequest<'_>) -> Option<String> {
    common::header_opt(request, NAMES.id)
}

fn timestamp(request: &SignedRequest<'_>) -> Option<i64> {
    common::header_opt(request, NAMES.timestamp)?.parse().ok()
}

/// A sample event shared by both flavours.
pub(crate) const SAMPLE: &str = r#"{"type":"contact.created","timestamp":"2022-11-03T20:26:10.344522Z","data":{"id":"1f81eb52-5198-4599-803e-771906343485","email":"alice@example.com","name":"Alice"}}"#;

/// Standard Webhooks (`webhook-*` headers).
pub static PRESET: Preset = Preset {
    name: "standard-webhooks",
    title: "Standard Webhooks",
    key_kind: KeyKind::Secret,
    parse_key: parse_whsec,
    tolerance: Some(Duration::from_secs(300)),
    signature_header: "webhook-signature",
    signs_url: false,
    verify,
    sign,
    event: body_type,
    delivery_id,
    timestamp,
    handshake_unsigned: scheme::no_handshake_unsigned,
    handshake_signed: scheme::no_handshake_signed,
    sample_event: SAMPLE,
    sample_event_type: Some("contact.created"),
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::senders::presets::common::testing::{check_preset, Case};

    pub(crate) const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    pub(crate) const OTHER: &str = "whsec_dGhpcyBpcyBhbm90aGVyIHNlY3JldCE=";

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

    #[test]
    fn keys() {
        assert!(parse_whsec("whsec_").is_err());
        let err = parse_whsec("whsec_not*base64").expect_err("refused");
        assert!(!err.0.contains("not*base64"));
        assert!(parse_whsec("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").is_ok());
    }
}

/// Cross-checks with the provider's SDK (or, where none signs or verifies, its documented HMAC).
#[cfg(test)]
mod sdk_vectors {
    use super::*;
    use crate::senders::presets::common::testing::{at, post, sign, signing_key, verify};

    /// Verification key of both vectors.
    const KEY: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    /// Produced by PyPI standardwebhooks 1.1.0 `Webhook.sign`, at 1_700_000_000.
    const SDK_SIGNED: &[(&str, &str)] = &[
        ("webhook-id", "msg_p5jXN8AQM9LWM0D4loKWxJek"),
        ("webhook-timestamp", "1700000000"),
        (
            "webhook-signature",
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

    /// Our `sign` of the sample at 1_700_000_000; PyPI standardwebhooks 1.1.0 `Webhook.verify` accepted it (and refused it with
    /// the body tampered).
    const OURS_ACCEPTED_BY_SDK: &[(&str, &str)] = &[
        ("webhook-id", "msg_e2449833f54926e8af609ccb513"),
        (
            "webhook-signature",
            "v1,btDu3cR9iXTpatinBirST2NW+G/wTs/cW7W9oarY5O8=",
        ),
        ("webhook-timestamp", "1700000000"),
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
