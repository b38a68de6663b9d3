//! Bitbucket Cloud: `X-Hub-Signature: sha256=<hex HMAC-SHA256 of the body>`. Event from
//! `X-Event-Key` (`repo:push`), delivery id from `X-Request-UUID` (else `X-Hook-UUID`). No timestamp is signed.

use std::time::{Duration, SystemTime};

use super::common::{self, Encoding, Hash};
use crate::http::VerifyError;
use crate::senders::scheme::{
    no_handshake_signed, no_handshake_unsigned, no_timestamp, Key, KeyKind, Outgoing, Preset,
    SignedRequest, SigningKey,
};

const HEADER: &str = "X-Hub-Signature";

/// Bitbucket's preset.
pub static PRESET: Preset = Preset {
    name: "bitbucket",
    title: "Bitbucket",
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
    sample_event_type: Some("repo:push"),
};

const SAMPLE: &str = r#"{"push":{"changes":[{"new":{"type":"branch","name":"main","target":{"type":"commit","hash":"8ab74d1f0e8c2b0c9a5d7e4b3f6a1c2d9e8f7a6b","message":"Fix the build\n","date":"2024-03-04T10:15:30+00:00"}},"old":{"type":"branch","name":"main","target":{"type":"commit","hash":"1c2d9e8f7a6b8ab74d1f0e8c2b0c9a5d7e4b3f6a"}},"created":false,"forced":false,"closed":false}]},"repository":{"type":"repository","full_name":"team/project","name":"project","uuid":"{b4a6c1e2-1f2d-4c3b-9a8e-7d6c5b4a3f2e}","is_private":true},"actor":{"type":"user","display_name":"Emma","uuid":"{d1c2b3a4-5e6f-4a7b-8c9d-0e1f2a3b4c5d}"}}"#;

fn verify(
    keys: &[Key],
    request: &SignedRequest<'_>,
    _now: SystemTime,
    _tolerance: Option<Duration>,
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

fn sign(key: &SigningKey, request: &mut Outgoing, _now: SystemTime) {
    common::sign_body_hmac(
        key,
        common::parse_secret,
        request,
        "x-hub-signature",
        "sha256=",
        Encoding::Hex,
        Hash::Sha256,
    );
}

fn event(request: &SignedRequest<'_>) -> Option<String> {
    common::header_opt(request, "X-Event-Key")
}

fn delivery_id(request: &SignedRequest<'_>) -> Option<String> {
    common::first_header(request, &["X-Request-UUID", "X-Hook-UUID"])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::senders::presets::common::testing::{
        at, check_preset, post, secret, sign, verify, Case,
    };

    const URL: &str = "https://example.com/webhooks/bitbucket";

    #[test]
    fn common_checks() {
        check_preset(
            &PRESET,
            &Case {
                required: &[HEADER],
                extra: &[("X-Event-Key", "repo:push")],
                ..Case::secret(URL)
            },
        );
    }

    /// No official SDK signs or verifies Bitbucket webhooks: reference value computed with Python's
    /// stdlib `hmac` following Bitbucket's documented scheme (not an SDK).
    #[test]
    fn reference_vector() {
        let request = post(
            URL,
            &[
                (HEADER, VECTOR),
                ("X-Event-Key", "repo:push"),
                ("X-Request-UUID", "e1a4c3a2-0000-4000-8000-00000000beef"),
            ],
            SAMPLE,
        );
        assert_eq!(
            verify(&PRESET, &["bitbucket_secret"], &request, at(1_700_000_000)),
            Ok(())
        );
        let ours = sign(
            &PRESET,
            &secret("bitbucket_secret"),
            URL,
            "application/json",
            SAMPLE,
            at(1_700_000_000),
        );
        assert_eq!(ours.headers[HEADER], VECTOR);
    }

    const VECTOR: &str = "sha256=fffb24a46a9b79ee840b5ea6d7d91e4be76370f8f31843464ba44bfb840a4134";
}
