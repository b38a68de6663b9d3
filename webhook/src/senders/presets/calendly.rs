//! Calendly: `Calendly-Webhook-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">`,
//! keyed with the webhook signing key; Calendly's docs reject timestamps older than 3 minutes
//! (180 s). Event from the body's `event` (`invitee.created`). No delivery id is sent.

use std::time::{Duration, SystemTime};

use super::common::{self, Unit};
use crate::http::VerifyError;
use crate::senders::scheme::{
    no_handshake_signed, no_handshake_unsigned, none, Key, KeyKind, Outgoing, Preset,
    SignedRequest, SigningKey,
};

const HEADER: &str = "Calendly-Webhook-Signature";

/// Calendly's preset.
pub static PRESET: Preset = Preset {
    name: "calendly",
    title: "Calendly",
    key_kind: KeyKind::Secret,
    parse_key: common::parse_secret,
    tolerance: Some(Duration::from_secs(180)),
    signature_header: HEADER,
    signs_url: false,
    verify,
    sign,
    event,
    delivery_id: none,
    timestamp,
    handshake_unsigned: no_handshake_unsigned,
    handshake_signed: no_handshake_signed,
    sample_event: SAMPLE,
    sample_event_type: Some("invitee.created"),
};

const SAMPLE: &str = r#"{"created_at":"2024-06-01T12:00:00.000000Z","created_by":"https://api.calendly.com/users/AAAAAAAAAAAAAAAA","event":"invitee.created","payload":{"email":"test@example.com","name":"John Doe","status":"active","timezone":"America/New_York","uri":"https://api.calendly.com/scheduled_events/GBGBDCAADAEDCRZ2/invitees/AAAAAAAAAAAAAAAA","event":"https://api.calendly.com/scheduled_events/GBGBDCAADAEDCRZ2","scheduled_event":{"uri":"https://api.calendly.com/scheduled_events/GBGBDCAADAEDCRZ2","name":"15 Minute Meeting","start_time":"2024-06-05T15:00:00.000000Z","end_time":"2024-06-05T15:15:00.000000Z","event_type":"https://api.calendly.com/event_types/GBGBDCAADAEDCRZ2"},"created_at":"2024-06-01T12:00:00.000000Z","updated_at":"2024-06-01T12:00:00.000000Z"}}"#;

fn verify(
    keys: &[Key],
    request: &SignedRequest<'_>,
    now: SystemTime,
    tolerance: Option<Duration>,
) -> Result<(), VerifyError> {
    let value = common::header(request, HEADER)?;
    let timed = common::parse_timed(HEADER, value, ',', "t", "v1")?;
    let signatures = common::decode_all(HEADER, &timed.signatures, common::from_hex)?;
    common::any_match(keys, HEADER, &signatures, |secret| {
        [common::hmac_sha256(
            secret,
            &[timed.timestamp_text.as_bytes(), b".", request.body],
        )]
    })?;
    common::check_fresh(
        HEADER,
        timed.timestamp,
        Unit::Secs,
        Unit::Millis,
        now,
        tolerance,
    )
}

fn sign(key: &SigningKey, request: &mut Outgoing, now: SystemTime) {
    let t = common::unix_secs(now).to_string();
    common::sign_t_v1(
        key,
        common::parse_secret,
        request,
        "calendly-webhook-signature",
        &t,
        ",",
    );
}

fn event(request: &SignedRequest<'_>) -> Option<String> {
    common::body_field(request, "/event")
}

fn timestamp(request: &SignedRequest<'_>) -> Option<i64> {
    common::pair_int(request, HEADER, ',', "t")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::senders::presets::common::testing::{at, check_preset, post, secret, verify, Case};

    const URL: &str = "https://example.com/webhooks/calendly";

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

    /// No official Calendly SDK signs or verifies webhooks: reference value computed with
    /// Python's stdlib `hmac` following Calendly's documented scheme.
    #[test]
    fn reference_vector() {
        let request = post(URL, &[(HEADER, VECTOR)], SAMPLE);
        assert_eq!(
            verify(
                &PRESET,
                &["calendly_signing_key_1"],
                &request,
                at(1_700_000_000)
            ),
            Ok(())
        );
        assert_eq!((PRESET.timestamp)(&request.signed()), Some(1_700_000_000));
        let ours = crate::senders::presets::common::testing::sign(
            &PRESET,
            &secret("calendly_signing_key_1"),
            URL,
            "application/json",
            SAMPLE,
            at(1_700_000_000),
        );
        assert_eq!(ours.headers[HEADER], VECTOR);
        assert!(matches!(
            verify(
                &PRESET,
                &["calendly_signing_key_1"],
                &request,
                at(1_700_000_181)
            ),
            Err(VerifyError::Expired {
                tolerance_secs: 180,
                ..
            })
        ));
    }

    const VECTOR: &str =
        "t=1700000000,v1=545dcaa022950c8693143b4e318a742960f4901b4b97a64ac1835efaa5626db5";
}
