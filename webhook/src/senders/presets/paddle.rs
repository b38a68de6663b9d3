//! Paddle Billing: `Paddle-Signature: ts=<unix seconds>;h1=<hex HMAC-SHA256 of "ts:body">`
//! (several `h1` while a secret rotates), keyed with the notification destination's secret key
//! (`pdl_ntfset_...`, used as text). Paddle's SDKs allow 5 s of drift; so does this preset.
//! Event from the body's `event_type`, delivery id from `event_id`.

use std::time::{Duration, SystemTime};

use super::common::{self, Unit};
use crate::http::VerifyError;
use crate::senders::scheme::{
    no_handshake_signed, no_handshake_unsigned, Key, KeyKind, Outgoing, Preset, SignedRequest,
    SigningKey,
};

const HEADER: &str = "Paddle-Signature";

/// Paddle's preset.
pub static PRESET: Preset = Preset {
    name: "paddle",
    title: "Paddle",
    key_kind: KeyKind::Secret,
    parse_key: common::parse_secret,
    tolerance: Some(Duration::from_secs(5)),
    signature_header: HEADER,
    signs_url: false,
    verify,
    sign,
    event,
    delivery_id,
    timestamp,
    handshake_unsigned: no_handshake_unsigned,
    handshake_signed: no_handshake_signed,
    sample_event: SAMPLE,
    sample_event_type: Some("transaction.completed"),
};

const SAMPLE: &str = r#"{"event_id":"evt_01hv8x2acma9ty9kfm3rwj4xkh","event_type":"transaction.completed","occurred_at":"2024-04-12T10:18:49.621022Z","notification_id":"ntf_01hv8x2af9zbcqv1arhzd8k1dy","data":{"id":"txn_01hv8wptq8987qeep44cyrewp9","status":"completed","customer_id":"ctm_01hv6y1jedq4p1n0yqn5ba3ky4","currency_code":"USD","origin":"web","collection_mode":"automatic","items":[{"price":{"id":"pri_01gsz8x8sawmvhz1pv30nge1ke","description":"Monthly (per seat)","unit_price":{"amount":"3000","currency_code":"USD"}},"quantity":10}],"details":{"totals":{"subtotal":"30000","tax":"2550","total":"32550","currency_code":"USD"}}}}"#;

fn verify(
    keys: &[Key],
    request: &SignedRequest<'_>,
    now: SystemTime,
    tolerance: Option<Duration>,
) -> Result<(), VerifyError> {
    let value = common::header(request, HEADER)?;
    let timed = common::parse_timed(HEADER, value, ';', "ts", "h1")?;
    let signatures = common::decode_all(HEADER, &timed.signatures, common::from_hex)?;
    common::any_match(keys, HEADER, &signatures, |secret| {
        [common::hmac_sha256(
            secret,
            &[timed.timestamp_text.as_bytes(), b":", request.body],
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
    let Some(secret) = common::signing_secret(key, common::parse_secret) else {
        return;
    };
    let ts = common::unix_secs(now).to_string();
    let mac = common::hmac_sha256(&secret, &[ts.as_bytes(), b":", &request.body]);
    let value = format!("ts={ts};h1={}", common::to_hex(&mac));
    common::set_header(request, "paddle-signature", &value);
}

fn event(request: &SignedRequest<'_>) -> Option<String> {
    common::body_field(request, "/event_type")
}

fn delivery_id(request: &SignedRequest<'_>) -> Option<String> {
    common::body_field(request, "/event_id")
}

fn timestamp(request: &SignedRequest<'_>) -> Option<i64> {
    common::pair_int(request, HEADER, ';', "ts")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::senders::presets::common::testing::{
        at, check_preset, post, secret, sign, verify, Case,
    };

    const URL: &str = "https://example.com/webhooks/paddle";

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

    const SECRET: &str = "pdl_ntfset_01gkpjp8bkm3tm53kdgkx6sms7_6h3qd3uFSi9YCD3OLYAShQI90XTI5vEI";

    /// paddle-python-sdk 1.16.1 cannot sign. This is our signature, which its `Verifier.verify`
    /// accepted at the same second (and refused 400 s later, or with the body changed).
    #[test]
    fn our_signature_accepted_by_the_sdk() {
        let request = post(URL, &[(HEADER, VECTOR)], SAMPLE);
        assert_eq!(
            verify(&PRESET, &[SECRET], &request, at(1_700_000_000)),
            Ok(())
        );
        let ours = sign(
            &PRESET,
            &secret(SECRET),
            URL,
            "application/json",
            SAMPLE,
            at(1_700_000_000),
        );
        assert_eq!(ours.headers[HEADER], VECTOR);
        assert_eq!(
            (PRESET.delivery_id)(&request.signed()).as_deref(),
            Some("evt_01hv8x2acma9ty9kfm3rwj4xkh")
        );
        // Paddle's 5 s, either way.
        assert_eq!(
            verify(&PRESET, &[SECRET], &request, at(1_700_000_005)),
            Ok(())
        );
        assert!(matches!(
            verify(&PRESET, &[SECRET], &request, at(1_699_999_994)),
            Err(VerifyError::Expired {
                tolerance_secs: 5,
                ..
            })
        ));
    }

    const VECTOR: &str =
        "ts=1700000000;h1=9b20cd4bdc0d159e44d47798f3c3290b93a75e3812c0c57d87a49b86c6cf46ce";

    /// Several `h1` during a secret rotation: any may match.
    #[test]
    fn several_h1() {
        let header = format!("ts=1700000000;h1={};{}", "ab".repeat(32), &VECTOR[14..]);
        let request = post(URL, &[(HEADER, &header)], SAMPLE);
        assert_eq!(
            verify(&PRESET, &[SECRET], &request, at(1_700_000_000)),
            Ok(())
        );
    }
}
