//! Vercel: `x-vercel-signature: <hex HMAC-SHA1 of the body>`, keyed with the webhook secret
//! (or the integration's client secret). Event from the body's `type`, delivery id from `id`. No timestamp is signed.

use std::time::{Duration, SystemTime};

use super::common::{self, Encoding, Hash};
use crate::http::VerifyError;
use crate::senders::scheme::{
    no_handshake_signed, no_handshake_unsigned, no_timestamp, Key, KeyKind, Outgoing, Preset,
    SignedRequest, SigningKey,
};

const HEADER: &str = "x-vercel-signature";

/// Vercel's preset.
pub static PRESET: Preset = Preset {
    name: "vercel",
    title: "Vercel",
    key_kind: KeyKind::Secret,
    parse_key: common::parse_secret,
    tolerance: None,
    signature_header: HEADER,
    signs_url: false,
    verify,
    sign,
    event,
    delivery_id,
    timestamp: no_timestamp,
    handshake_unsigned: no_handshake_unsigned,
    handshake_signed: no_handshake_signed,
    sample_event: SAMPLE,
    sample_event_type: Some("deployment.created"),
};

const SAMPLE: &str = r#"{"id":"uev_2y1hGAZ3RvqkXnLmYNkqUz3f","type":"deployment.created","createdAt":1717243200000,"region":"iad1","payload":{"team":{"id":"team_7xF4qLmYNkqUz3fZ"},"user":{"id":"usr_2q4HbN7pLmYNkqUz"},"deployment":{"id":"dpl_89qyp1cskzkLrVicDaZoDbjyHuDJ","url":"my-app-git-main-acme.vercel.app","name":"my-app","meta":{"githubCommitRef":"main"}},"links":{"deployment":"https://vercel.com/acme/my-app/89qyp1cskzkLrVicDaZoDbjyHuDJ","project":"https://vercel.com/acme/my-app"},"target":"production","project":{"id":"prj_Qk3nXzLmYNkqUz3fZ"},"plan":"pro","regions":["iad1"]}}"#;

fn verify(
    keys: &[Key],
    request: &SignedRequest<'_>,
    _now: SystemTime,
    _tolerance: Option<Duration>,
) -> Result<(), VerifyError> {
    common::verify_body_hmac(keys, request, HEADER, "", Encoding::Hex, Hash::Sha1)
}

fn sign(key: &SigningKey, request: &mut Outgoing, _now: SystemTime) {
    common::sign_body_hmac(
        key,
        common::parse_secret,
        request,
        "x-vercel-signature",
        "",
        Encoding::Hex,
        Hash::Sha1,
    );
}

fn event(request: &SignedRequest<'_>) -> Option<String> {
    common::body_field(request, "/type")
}

fn delivery_id(request: &SignedRequest<'_>) -> Option<String> {
    common::body_field(request, "/id")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::senders::presets::common::testing::{
        at, check_preset, post, secret, sign, verify, Case,
    };

    const URL: &str = "https://example.com/webhooks/vercel";

    #[test]
    fn common_checks() {
        check_preset(
            &PRESET,
            &Case {
                required: &[HEADER],
                ..Case::secret(URL)
            },
        );
    }

    /// No official SDK signs or verifies Vercel webhooks: reference value computed with Python's
    /// stdlib `hmac` following Vercel's documented scheme (not an SDK).
    #[test]
    fn reference_vector() {
        let request = post(URL, &[(HEADER, VECTOR)], SAMPLE);
        assert_eq!(
            verify(
                &PRESET,
                &["vercel_webhook_secret"],
                &request,
                at(1_700_000_000)
            ),
            Ok(())
        );
        let ours = sign(
            &PRESET,
            &secret("vercel_webhook_secret"),
            URL,
            "application/json",
            SAMPLE,
            at(1_700_000_000),
        );
        assert_eq!(ours.headers[HEADER], VECTOR);
    }

    const VECTOR: &str = "a3f73fcb0cc5c04b330ea4f444a2a8e7ca20a3fb";
}
