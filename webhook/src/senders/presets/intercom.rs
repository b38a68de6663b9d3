//! Intercom: `X-Hub-Signature: sha1=<hex HMAC-SHA1 of the body>`, keyed with the app's client
//! secret. Event from the body's `topic`, delivery id from its `id`. No timestamp is signed.

use std::time::{Duration, SystemTime};

use super::common::{self, Encoding, Hash};
use crate::http::VerifyError;
use crate::senders::scheme::{
    no_handshake_signed, no_handshake_unsigned, no_timestamp, Key, KeyKind, Outgoing, Preset,
    SignedRequest, SigningKey,
};

const HEADER: &str = "X-Hub-Signature";

/// Intercom's preset.
pub static PRESET: Preset = Preset {
    name: "intercom",
    title: "Intercom",
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
    sample_event_type: Some("conversation.user.created"),
};

const SAMPLE: &str = r#"{"type":"notification_event","app_id":"ecahpwf5","data":{"type":"notification_event_data","item":{"type":"conversation","id":"147","created_at":1717243200,"updated_at":1717243200,"source":{"type":"conversation","id":"403918316","delivered_as":"customer_initiated","body":"<p>Hi there!</p>","author":{"type":"user","id":"5d4c9b3e8c2f1a0012345678","name":"Jane Doe","email":"jane@example.com"}},"open":true,"state":"open"}},"links":{},"id":"notif_ccd8a4d2-3b2a-4f5e-9c1d-2a3b4c5d6e7f","topic":"conversation.user.created","delivery_status":"pending","delivery_attempts":1,"delivered_at":0,"first_sent_at":1717243200,"created_at":1717243200,"self":null}"#;

fn verify(
    keys: &[Key],
    request: &SignedRequest<'_>,
    _now: SystemTime,
    _tolerance: Option<Duration>,
) -> Result<(), VerifyError> {
    common::verify_body_hmac(keys, request, HEADER, "sha1=", Encoding::Hex, Hash::Sha1)
}

fn sign(key: &SigningKey, request: &mut Outgoing, _now: SystemTime) {
    common::sign_body_hmac(
        key,
        common::parse_secret,
        request,
        "x-hub-signature",
        "sha1=",
        Encoding::Hex,
        Hash::Sha1,
    );
}

fn event(request: &SignedRequest<'_>) -> Option<String> {
    common::body_field(request, "/topic")
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

    const URL: &str = "https://example.com/webhooks/intercom";

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

    /// No official SDK signs or verifies Intercom webhooks: reference value computed with Python's
    /// stdlib `hmac` following Intercom's documented scheme (not an SDK).
    #[test]
    fn reference_vector() {
        let request = post(URL, &[(HEADER, VECTOR)], SAMPLE);
        assert_eq!(
            verify(
                &PRESET,
                &["intercom_client_secret"],
                &request,
                at(1_700_000_000)
            ),
            Ok(())
        );
        let ours = sign(
            &PRESET,
            &secret("intercom_client_secret"),
            URL,
            "application/json",
            SAMPLE,
            at(1_700_000_000),
        );
        assert_eq!(ours.headers[HEADER], VECTOR);
    }

    const VECTOR: &str = "sha1=65fe5319663364f994004a1518482ea6ed7e0c20";
}
