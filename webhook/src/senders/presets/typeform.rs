//! Typeform: `Typeform-Signature: sha256=<base64 HMAC-SHA256 of the body>`. Event from the
//! body's `event_type`, delivery id from its `event_id`. No timestamp is signed.

use std::time::{Duration, SystemTime};

use super::common::{self, Encoding, Hash};
use crate::http::VerifyError;
use crate::senders::scheme::{
    no_handshake_signed, no_handshake_unsigned, no_timestamp, Key, KeyKind, Outgoing, Preset,
    SignedRequest, SigningKey,
};

const HEADER: &str = "Typeform-Signature";

/// Typeform's preset.
pub static PRESET: Preset = Preset {
    name: "typeform",
    title: "Typeform",
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
    sample_event_type: Some("form_response"),
};

const SAMPLE: &str = r#"{"event_id":"01HZ3K8W9F2Q5M7N1P4R6T8V0X","event_type":"form_response","form_response":{"form_id":"lT4Z3j","token":"a3a12ec67a1365927098a606107fac15","submitted_at":"2024-06-01T12:00:00Z","landed_at":"2024-06-01T11:59:12Z","definition":{"id":"lT4Z3j","title":"Webhooks example","fields":[{"id":"DlXFaesGBpoF","title":"What is your name?","type":"short_text","ref":"readable_ref_short_text"}]},"answers":[{"type":"text","text":"Laura","field":{"id":"DlXFaesGBpoF","type":"short_text","ref":"readable_ref_short_text"}}]}}"#;

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
        Encoding::Base64,
        Hash::Sha256,
    )
}

fn sign(key: &SigningKey, request: &mut Outgoing, _now: SystemTime) {
    common::sign_body_hmac(
        key,
        common::parse_secret,
        request,
        "typeform-signature",
        "sha256=",
        Encoding::Base64,
        Hash::Sha256,
    );
}

fn event(request: &SignedRequest<'_>) -> Option<String> {
    common::body_field(request, "/event_type")
}

fn delivery_id(request: &SignedRequest<'_>) -> Option<String> {
    common::body_field(request, "/event_id")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::senders::presets::common::testing::{
        at, check_preset, post, secret, sign, verify, Case,
    };

    const URL: &str = "https://example.com/webhooks/typeform";

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

    /// No official SDK signs or verifies Typeform webhooks: reference value computed with Python's
    /// stdlib `hmac` following Typeform's documented scheme (not an SDK).
    #[test]
    fn reference_vector() {
        let request = post(URL, &[(HEADER, VECTOR)], SAMPLE);
        assert_eq!(
            verify(&PRESET, &["typeform_secret"], &request, at(1_700_000_000)),
            Ok(())
        );
        let ours = sign(
            &PRESET,
            &secret("typeform_secret"),
            URL,
            "application/json",
            SAMPLE,
            at(1_700_000_000),
        );
        assert_eq!(ours.headers[HEADER], VECTOR);
    }

    const VECTOR: &str = "sha256=7NVJkXRuSIyBpp4Py6iKOukGCqAJYjb0MMxIIJOKceY=";
}
