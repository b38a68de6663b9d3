//! Square: `x-square-hmacsha256-signature: <base64 HMAC-SHA256 of notification URL + body>`,
//! keyed with the subscription's signature key. The URL is the notification URL exactly as
//! registered (here: the request's public URL). Event from the body's `type`, delivery id from
//! `event_id`. No timestamp is signed.

use std::time::{Duration, SystemTime};

use super::common;
use crate::http::VerifyError;
use crate::senders::scheme::{
    no_handshake_signed, no_handshake_unsigned, no_timestamp, Key, KeyKind, Outgoing, Preset,
    SignedRequest, SigningKey,
};

const HEADER: &str = "x-square-hmacsha256-signature";

/// Square's preset.
pub static PRESET: Preset = Preset {
    name: "square",
    title: "Square",
    key_kind: KeyKind::Secret,
    parse_key: common::parse_secret,
    tolerance: None,
    signature_header: HEADER,
    signs_url: true,
    verify,
    sign,
    event,
    delivery_id,
    timestamp: no_timestamp,
    handshake_unsigned: no_handshake_unsigned,
    handshake_signed: no_handshake_signed,
    sample_event: SAMPLE,
    sample_event_type: Some("payment.updated"),
};

const SAMPLE: &str = r#"{"merchant_id":"6SSW7HV8K2ST5","type":"payment.updated","event_id":"6a8f5f28-54a1-4eb0-a98a-3111513fd4fc","created_at":"2024-06-01T12:00:00.000Z","data":{"type":"payment","id":"hYy9pRFVxpDsO1FB05SunFWUe9JZY","object":{"payment":{"id":"hYy9pRFVxpDsO1FB05SunFWUe9JZY","amount_money":{"amount":100,"currency":"USD"},"status":"COMPLETED","source_type":"CARD","location_id":"S8GWD5R9QB376","order_id":"03O3USaPaAaFnI6kkwB1JxGgBsUZY","created_at":"2024-06-01T11:59:58.000Z","updated_at":"2024-06-01T12:00:00.000Z","version":1}}}}"#;

fn verify(
    keys: &[Key],
    request: &SignedRequest<'_>,
    _now: SystemTime,
    _tolerance: Option<Duration>,
) -> Result<(), VerifyError> {
    let value = common::header(request, HEADER)?;
    let signature = common::from_base64(HEADER, value)?;
    common::any_match(keys, HEADER, &[signature], |secret| {
        [common::hmac_sha256(
            secret,
            &[request.url.as_bytes(), request.body],
        )]
    })
}

fn sign(key: &SigningKey, request: &mut Outgoing, _now: SystemTime) {
    let Some(secret) = common::signing_secret(key, common::parse_secret) else {
        return;
    };
    let mac = common::hmac_sha256(&secret, &[request.url.as_bytes(), &request.body]);
    common::set_header(
        request,
        "x-square-hmacsha256-signature",
        &common::to_base64(&mac),
    );
}

fn event(request: &SignedRequest<'_>) -> Option<String> {
    common::body_field(request, "/type")
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

    const URL: &str = "https://example.com/webhooks/square";

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

    #[test]
    fn the_url_is_signed() {
        let signed = sign(
            &PRESET,
            &secret("key"),
            URL,
            "application/json",
            SAMPLE,
            at(0),
        );
        let mut moved = signed.clone();
        moved.url = "https://example.com/webhooks/other".to_owned();
        assert_eq!(verify(&PRESET, &["key"], &signed, at(0)), Ok(()));
        assert!(matches!(
            verify(&PRESET, &["key"], &moved, at(0)),
            Err(VerifyError::Mismatch { .. })
        ));
    }

    /// squareup 46.0.0.20260916 (Python) cannot sign. This is our signature, which its
    /// `square.utils.webhooks_helper.verify_signature` accepted for this notification URL.
    #[test]
    fn our_signature_accepted_by_the_sdk() {
        let request = post(URL, &[(HEADER, VECTOR)], SAMPLE);
        assert_eq!(
            verify(&PRESET, &["asdf1234asdf1234"], &request, at(0)),
            Ok(())
        );
        let ours = sign(
            &PRESET,
            &secret("asdf1234asdf1234"),
            URL,
            "application/json",
            SAMPLE,
            at(0),
        );
        assert_eq!(ours.headers[HEADER], VECTOR);
        assert_eq!(
            (PRESET.delivery_id)(&request.signed()).as_deref(),
            Some("6a8f5f28-54a1-4eb0-a98a-3111513fd4fc")
        );
    }

    const VECTOR: &str = "eRid/8/CtICe0HeDwQcNUoGh34NIIB2xEwEasOWmq1A=";
}
