//! GitHub: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body>`. Hooks that only send
//! the legacy `X-Hub-Signature: sha1=<hex HMAC-SHA1>` are accepted too. Event from
//! `X-GitHub-Event`, delivery id from `X-GitHub-Delivery`. No timestamp is signed.

use std::time::{Duration, SystemTime};

use http::HeaderName;

use super::common::{self, Encoding, Hash};
use crate::http::VerifyError;
use crate::senders::scheme::{
    no_handshake_signed, no_handshake_unsigned, no_timestamp, Key, KeyKind, Outgoing, Preset,
    SignedRequest, SigningKey,
};

const HEADER: &str = "X-Hub-Signature-256";
const LEGACY_HEADER: &str = "X-Hub-Signature";
// The headers as header names, looked up without parsing a text at each request.
static HEADER_NAME: HeaderName = HeaderName::from_static("x-hub-signature-256");
static LEGACY_NAME: HeaderName = HeaderName::from_static("x-hub-signature");
static EVENT_NAME: HeaderName = HeaderName::from_static("x-github-event");
static DELIVERY_NAME: HeaderName = HeaderName::from_static("x-github-delivery");

/// GitHub's preset.
pub static PRESET: Preset = Preset {
    name: "github",
    title: "GitHub",
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
    sample_event_type: Some("issues"),
};

const SAMPLE: &str = r#"{"action":"opened","issue":{"id":1,"number":1347,"title":"Found a bug","state":"open","user":{"login":"octocat","id":1},"body":"I'm having a problem with this."},"repository":{"id":1296269,"name":"Hello-World","full_name":"octocat/Hello-World","private":false},"sender":{"login":"octocat","id":1,"type":"User"}}"#;

fn verify(
    keys: &[Key],
    request: &SignedRequest<'_>,
    _now: SystemTime,
    _tolerance: Option<Duration>,
) -> Result<(), VerifyError> {
    // The SHA-256 header wins whenever it is sent; SHA-1 only for hooks that send nothing else.
    if request.headers.contains_key(&HEADER_NAME) || !request.headers.contains_key(&LEGACY_NAME) {
        let value = common::header_by(request, &HEADER_NAME, HEADER)?;
        common::verify_body_hmac_value(
            keys,
            request,
            HEADER,
            value,
            "sha256=",
            Encoding::Hex,
            Hash::Sha256,
        )
    } else {
        let value = common::header_by(request, &LEGACY_NAME, LEGACY_HEADER)?;
        common::verify_body_hmac_value(
            keys,
            request,
            LEGACY_HEADER,
            value,
            "sha1=",
            Encoding::Hex,
            Hash::Sha1,
        )
    }
}

fn sign(key: &SigningKey, request: &mut Outgoing, _now: SystemTime) {
    common::sign_body_hmac(
        key,
        common::parse_secret,
        request,
        "x-hub-signature-256",
        "sha256=",
        Encoding::Hex,
        Hash::Sha256,
    );
}

fn event(request: &SignedRequest<'_>) -> Option<String> {
    common::header_opt_by(request, &EVENT_NAME)
}

fn delivery_id(request: &SignedRequest<'_>) -> Option<String> {
    common::header_opt_by(request, &DELIVERY_NAME)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::senders::presets::common::testing::{
        at, check_preset, post, secret, sign, verify, Case,
    };

    const URL: &str = "https://example.com/webhooks/github";
    const SECRET: &str = "It's a Secret to Everybody";

    #[test]
    fn header_names_are_the_headers() {
        assert_eq!(
            HEADER_NAME,
            HeaderName::from_bytes(HEADER.as_bytes()).unwrap()
        );
        assert_eq!(
            LEGACY_NAME,
            HeaderName::from_bytes(LEGACY_HEADER.as_bytes()).unwrap()
        );
    }

    #[test]
    fn common_checks() {
        check_preset(
            &PRESET,
            &Case {
                required: &[HEADER],
                extra: &[("X-GitHub-Event", "issues")],
                ..Case::secret(URL)
            },
        );
    }

    /// GitHub's documented example ("Validating webhook deliveries"): secret
    /// "It's a Secret to Everybody", payload "Hello, World!".
    #[test]
    fn documented_vector() {
        let request = post(
            URL,
            &[(
                HEADER,
                "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
            )],
            "Hello, World!",
        );
        assert_eq!(verify(&PRESET, &[SECRET], &request, at(0)), Ok(()));
    }

    /// Signed by @octokit/webhooks-methods 6.0.0 `sign`.
    #[test]
    fn sdk_signed_vector_verifies() {
        let request = post(
            URL,
            &[
                (HEADER, SDK_SIGNATURE),
                ("X-GitHub-Event", "issues"),
                ("X-GitHub-Delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958"),
            ],
            SAMPLE,
        );
        assert_eq!(verify(&PRESET, &[SECRET], &request, at(0)), Ok(()));
        assert_eq!((PRESET.event)(&request.signed()).as_deref(), Some("issues"));
        assert_eq!(
            (PRESET.delivery_id)(&request.signed()).as_deref(),
            Some("72d3162e-cc78-11e3-81ab-4c9367dc0958")
        );
    }

    const SDK_SIGNATURE: &str =
        "sha256=ff7d7f57b052bf5ef278a67772e21cfb7ba244c9bbfb0dd6224e9eb03f3a696a";

    /// Our signature equals the SDK's, and @octokit/webhooks-methods 6.0.0 `verify` accepted it.
    #[test]
    fn our_signature_is_the_one_octokit_accepts() {
        let signed = sign(
            &PRESET,
            &secret(SECRET),
            URL,
            "application/json",
            SAMPLE,
            at(0),
        );
        assert_eq!(signed.headers[HEADER], SDK_SIGNATURE);
    }

    #[test]
    fn legacy_sha1_only_hooks() {
        let sha1 = common::to_hex(&common::hmac(
            Hash::Sha1,
            SECRET.as_bytes(),
            &[b"Hello, World!"],
        ));
        let legacy = post(
            URL,
            &[(LEGACY_HEADER, &format!("sha1={sha1}"))],
            "Hello, World!",
        );
        assert_eq!(verify(&PRESET, &[SECRET], &legacy, at(0)), Ok(()));
        assert!(matches!(
            verify(&PRESET, &["other"], &legacy, at(0)),
            Err(VerifyError::Mismatch { header }) if header == LEGACY_HEADER
        ));
        // A wrong SHA-256 signature is not rescued by a right SHA-1 one.
        let both = legacy.with(HEADER, &format!("sha256={}", "0".repeat(64)));
        assert!(matches!(
            verify(&PRESET, &[SECRET], &both, at(0)),
            Err(VerifyError::Mismatch { header }) if header == HEADER
        ));
        let bad = post(URL, &[(HEADER, "md5=abc")], "x");
        assert!(matches!(
            verify(&PRESET, &[SECRET], &bad, at(0)),
            Err(VerifyError::Malformed { .. })
        ));
    }
}
