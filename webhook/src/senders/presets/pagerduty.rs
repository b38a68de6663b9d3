//! PagerDuty webhooks v3: `X-PagerDuty-Signature` lists `v1=<hex>` signatures, comma-separated
//! (one per active secret during rotation), each the HMAC-SHA256 of the body.

use std::time::{Duration, SystemTime};

use super::common;
use crate::http::VerifyError;
use crate::senders::scheme::{
    self, Key, KeyError, KeyKind, Outgoing, Preset, SignedRequest, SigningKey,
};

const HEADER: &str = "x-pagerduty-signature";

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
    let text = common::header(request, HEADER)?;
    let mut candidates = Vec::new();
    for item in text.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        // Signatures of versions we don't know are skipped.
        if let Some(hex) = item.strip_prefix("v1=") {
            candidates.push(common::from_hex(HEADER, hex)?);
        }
    }
    if candidates.is_empty() {
        return Err(common::malformed(HEADER, "there is no `v1=` signature"));
    }
    common::any_match(keys, HEADER, &candidates, |secret| {
        [common::hmac_sha256(secret, &[request.body])]
    })
}

fn sign(key: &SigningKey, out: &mut Outgoing, _: SystemTime) {
    if let Some(secret) = common::signing_secret(key, parse_key) {
        let mac = common::hmac_sha256(&secret, &[&out.body]);
        common::set_header(out, HEADER, &format!("v1={}", common::to_hex(&mac)));
    }
}

fn event(request: &SignedRequest<'_>) -> Option<String> {
    common::body_field(request, "/event/event_type")
}

fn delivery_id(request: &SignedRequest<'_>) -> Option<String> {
    common::body_field(request, "/event/id")
}

/// PagerDuty v3 webhook subscriptions.
pub static PRESET: Preset = Preset {
    name: "pagerduty",
    title: "PagerDuty",
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
    sample_event: r#"{"event":{"id":"5ac64822-4adc-4fda-ade0-410becf0de4f","event_type":"incident.priority_updated","resource_type":"incident","occurred_at":"2020-10-02T18:45:22.169Z","agent":{"html_url":"https://acme.pagerduty.com/users/PLH1HKV","id":"PLH1HKV","self":"https://api.pagerduty.com/users/PLH1HKV","summary":"Tenex Engineer","type":"user_reference"},"client":{"name":"PagerDuty"},"data":{"id":"PGR0VU2","type":"incident","self":"https://api.pagerduty.com/incidents/PGR0VU2","html_url":"https://acme.pagerduty.com/incidents/PGR0VU2","number":2,"status":"triggered","title":"A little bump in the road","service":{"html_url":"https://acme.pagerduty.com/services/PF9KMXH","id":"PF9KMXH","self":"https://api.pagerduty.com/services/PF9KMXH","summary":"API Service","type":"service_reference"},"priority":{"html_url":"https://acme.pagerduty.com/account/incident_priorities","id":"PSO75BM","self":"https://api.pagerduty.com/priorities/PSO75BM","summary":"P1","type":"priority_reference"}}}}"#,
    sample_event_type: Some("incident.priority_updated"),
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::senders::presets::common::testing::{at, check_preset, sign, verify, Case};

    const SECRET: &str = "hTBVC2Mhp3mX+DmOhC8v1/ZQ0c7N5jYvT9kA9uHg5zPqW5w1LqvRkEjUm0pYtDst";

    #[test]
    fn common() {
        check_preset(
            &PRESET,
            &Case {
                sign_key: SigningKey::Secret(SECRET.into()),
                key: SECRET,
                other_key: "other-pagerduty-secret",
                required: &[PRESET.signature_header],
                ..Case::secret("https://bot.example.com/hook")
            },
        );
    }

    #[test]
    fn any_of_several_signatures() {
        let now = at(1_700_000_000);
        let out = sign(
            &PRESET,
            &SigningKey::Secret(SECRET.into()),
            "https://x/pd",
            "application/json",
            PRESET.sample_event.as_bytes(),
            now,
        );
        let ours = out.headers[HEADER].to_str().expect("ascii").to_owned();
        let both = format!("v1={},{ours}", "ab".repeat(32));
        assert_eq!(
            verify(&PRESET, &[SECRET], &out.with(HEADER, &both), now),
            Ok(())
        );
        assert!(matches!(
            verify(&PRESET, &[SECRET], &out.with(HEADER, "v1=zz"), now),
            Err(VerifyError::Malformed { .. })
        ));
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
        "x-pagerduty-signature",
        "v1=f0fadbb10d203097a362a8d07f171a84a8d16110ea3bc72d7e82df1dd91c95a5",
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
        "x-pagerduty-signature",
        "v1=f0fadbb10d203097a362a8d07f171a84a8d16110ea3bc72d7e82df1dd91c95a5",
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
