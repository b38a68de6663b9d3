//! Shopify: `X-Shopify-Hmac-Sha256: <base64 HMAC-SHA256 of the body>`, keyed with the app's
//! client secret (or the store's webhook signing secret). Shopify's newer "events" deliveries send
//! the same value as `Shopify-Hmac-Sha256` (no `X-`), read when the `X-` header is absent. Topic
//! from `X-Shopify-Topic`, delivery id from `X-Shopify-Webhook-Id` (else `X-Shopify-Event-Id`). No timestamp is signed.

use std::time::{Duration, SystemTime};

use super::common::{self, Encoding, Hash};
use crate::http::VerifyError;
use crate::senders::scheme::{
    no_handshake_signed, no_handshake_unsigned, no_timestamp, Key, KeyKind, Outgoing, Preset,
    SignedRequest, SigningKey,
};

const HEADER: &str = "X-Shopify-Hmac-Sha256";

/// The header of Shopify's "events" deliveries.
const EVENTS_HEADER: &str = "Shopify-Hmac-Sha256";

/// Shopify's preset.
pub static PRESET: Preset = Preset {
    name: "shopify",
    title: "Shopify",
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
    sample_event_type: Some("orders/create"),
};

const SAMPLE: &str = r##"{"id":820982911946154508,"admin_graphql_api_id":"gid://shopify/Order/820982911946154508","email":"jon@example.com","created_at":"2024-06-01T12:00:00-04:00","currency":"USD","financial_status":"paid","name":"#9999","total_price":"403.00","line_items":[{"id":487817672276298554,"title":"Aviator sunglasses","quantity":1,"price":"89.99","sku":"SKU2006-001"}],"customer":{"id":115310627314723954,"email":"john@example.com","first_name":"John","last_name":"Smith"}}"##;

fn verify(
    keys: &[Key],
    request: &SignedRequest<'_>,
    _now: SystemTime,
    _tolerance: Option<Duration>,
) -> Result<(), VerifyError> {
    let header = if request.headers.contains_key(HEADER) {
        HEADER
    } else if request.headers.contains_key(EVENTS_HEADER) {
        EVENTS_HEADER
    } else {
        HEADER
    };
    common::verify_body_hmac(keys, request, header, "", Encoding::Base64, Hash::Sha256)
}

fn sign(key: &SigningKey, request: &mut Outgoing, _now: SystemTime) {
    common::sign_body_hmac(
        key,
        common::parse_secret,
        request,
        "x-shopify-hmac-sha256",
        "",
        Encoding::Base64,
        Hash::Sha256,
    );
}

fn event(request: &SignedRequest<'_>) -> Option<String> {
    common::first_header(request, &["X-Shopify-Topic", "Shopify-Topic"])
}

fn delivery_id(request: &SignedRequest<'_>) -> Option<String> {
    common::first_header(
        request,
        &[
            "X-Shopify-Webhook-Id",
            "X-Shopify-Event-Id",
            "Shopify-Webhook-Id",
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::senders::presets::common::testing::{
        at, check_preset, post, secret, sign, verify, Case,
    };

    const URL: &str = "https://example.com/webhooks/shopify";

    #[test]
    fn common_checks() {
        check_preset(
            &PRESET,
            &Case {
                required: &[HEADER],
                extra: &[("X-Shopify-Topic", "orders/create")],
                ..Case::secret(URL)
            },
        );
    }

    /// Signed by @shopify/shopify-api 15.0.0 (`test-helpers` `getHmac`); our signature is the
    /// same, and the SDK's `shopify.webhooks.validate` accepted it (with the topic, shop domain,
    /// API version and webhook id headers it also requires).
    #[test]
    fn sdk_signed_vector() {
        let request = post(
            URL,
            &[
                (HEADER, VECTOR),
                ("X-Shopify-Topic", "orders/create"),
                (
                    "X-Shopify-Webhook-Id",
                    "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043",
                ),
            ],
            SAMPLE,
        );
        assert_eq!(
            verify(&PRESET, &["hush_shopify_secret"], &request, at(0)),
            Ok(())
        );
        assert_eq!(
            (PRESET.delivery_id)(&request.signed()).as_deref(),
            Some("b54557e4-bdd9-4b37-8a5f-bf7d70bcd043")
        );
        let ours = sign(
            &PRESET,
            &secret("hush_shopify_secret"),
            URL,
            "application/json",
            SAMPLE,
            at(0),
        );
        assert_eq!(ours.headers[HEADER], VECTOR);
        // Shopify's "events" deliveries: the same HMAC without the `X-` prefix.
        let events = post(
            URL,
            &[(EVENTS_HEADER, VECTOR), ("Shopify-Topic", "orders/create")],
            SAMPLE,
        );
        assert_eq!(
            verify(&PRESET, &["hush_shopify_secret"], &events, at(0)),
            Ok(())
        );
        assert_eq!(
            (PRESET.event)(&events.signed()).as_deref(),
            Some("orders/create")
        );
    }

    const VECTOR: &str = "SGE/koyY4uD2jM9W/1kLWRrNo9k7nIfEtx03mhgJkGY=";
}
