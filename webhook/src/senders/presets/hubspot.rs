//! HubSpot (signature v3): `X-HubSpot-Signature-v3: <base64 HMAC-SHA256 of
//! method + URI + body + timestamp>`, keyed with the app's client secret, where the timestamp is
//! `X-HubSpot-Request-Timestamp` (milliseconds) as sent, refused past 5 minutes (300 s). In the
//! URI, the percent-escapes HubSpot lists (`%3A %2F %3F %40 %21 %24 %27 %28 %29 %2A %2C %3B`, either
//! case) are decoded first. Event from the body's `[0].subscriptionType`, delivery id from
//! `[0].eventId`.

use std::time::{Duration, SystemTime};

use super::common::{self, Unit};
use crate::http::VerifyError;
use crate::senders::scheme::{
    no_handshake_signed, no_handshake_unsigned, Key, KeyKind, Outgoing, Preset, SignedRequest,
    SigningKey,
};

const HEADER: &str = "X-HubSpot-Signature-v3";
const TIMESTAMP_HEADER: &str = "X-HubSpot-Request-Timestamp";

/// HubSpot's preset.
pub static PRESET: Preset = Preset {
    name: "hubspot",
    title: "HubSpot",
    key_kind: KeyKind::Secret,
    parse_key: common::parse_secret,
    tolerance: Some(Duration::from_secs(300)),
    signature_header: HEADER,
    signs_url: true,
    verify,
    sign,
    event,
    delivery_id,
    timestamp,
    handshake_unsigned: no_handshake_unsigned,
    handshake_signed: no_handshake_signed,
    sample_event: SAMPLE,
    sample_event_type: Some("contact.propertyChange"),
};

const SAMPLE: &str = r#"[{"eventId":1234567890,"subscriptionId":4629,"portalId":62515,"appId":54321,"occurredAt":1717243200000,"subscriptionType":"contact.propertyChange","attemptNumber":0,"objectId":123,"propertyName":"firstname","propertyValue":"Jane","changeSource":"CRM","sourceId":"userId:1234567"}]"#;

/// The URI as HubSpot signs it: the escapes it lists decoded, everything else as sent.
fn signed_uri(url: &str) -> String {
    const DECODED: &[(&str, char)] = &[
        ("3A", ':'),
        ("2F", '/'),
        ("3F", '?'),
        ("40", '@'),
        ("21", '!'),
        ("24", '$'),
        ("27", '\''),
        ("28", '('),
        ("29", ')'),
        ("2A", '*'),
        ("2C", ','),
        ("3B", ';'),
    ];
    let mut out = String::with_capacity(url.len());
    let mut rest = url;
    while let Some(at) = rest.find('%') {
        out.push_str(&rest[..at]);
        let escape = rest.get(at + 1..at + 3).unwrap_or("");
        match DECODED
            .iter()
            .find(|(code, _)| code.eq_ignore_ascii_case(escape))
        {
            Some((_, decoded)) => {
                out.push(*decoded);
                rest = &rest[at + 3..];
            }
            None => {
                out.push('%');
                rest = &rest[at + 1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn content<'a>(method: &'a str, uri: &'a str, body: &'a [u8], ts: &'a str) -> [&'a [u8]; 4] {
    [method.as_bytes(), uri.as_bytes(), body, ts.as_bytes()]
}

fn verify(
    keys: &[Key],
    request: &SignedRequest<'_>,
    now: SystemTime,
    tolerance: Option<Duration>,
) -> Result<(), VerifyError> {
    let value = common::header(request, HEADER)?;
    let ts_text = common::header(request, TIMESTAMP_HEADER)?;
    let ts_ms = common::parse_int(TIMESTAMP_HEADER, ts_text)?;
    let signature = common::from_base64(HEADER, value)?;
    let uri = signed_uri(request.url);
    common::any_match(keys, HEADER, &[signature], |secret| {
        [common::hmac_sha256(
            secret,
            &content(request.method.as_str(), &uri, request.body, ts_text),
        )]
    })?;
    common::check_fresh(
        TIMESTAMP_HEADER,
        ts_ms,
        Unit::Millis,
        Unit::Millis,
        now,
        tolerance,
    )
}

fn sign(key: &SigningKey, request: &mut Outgoing, now: SystemTime) {
    let Some(secret) = common::signing_secret(key, common::parse_secret) else {
        return;
    };
    let ts = common::unix_millis(now).to_string();
    let uri = signed_uri(&request.url);
    let mac = common::hmac_sha256(
        &secret,
        &content(request.method.as_str(), &uri, &request.body, &ts),
    );
    common::set_header(request, "x-hubspot-request-timestamp", &ts);
    common::set_header(request, "x-hubspot-signature-v3", &common::to_base64(&mac));
}

fn event(request: &SignedRequest<'_>) -> Option<String> {
    common::body_field(request, "/0/subscriptionType")
}

fn delivery_id(request: &SignedRequest<'_>) -> Option<String> {
    common::body_field(request, "/0/eventId")
}

fn timestamp(request: &SignedRequest<'_>) -> Option<i64> {
    let ms: i64 = common::header(request, TIMESTAMP_HEADER)
        .ok()?
        .parse()
        .ok()?;
    Some(ms.div_euclid(1000))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::senders::presets::common::testing::{
        at, check_preset, post, secret, sign, verify, Case,
    };

    const URL: &str = "https://example.com/webhooks/hubspot";

    #[test]
    fn common_checks() {
        check_preset(
            &PRESET,
            &Case {
                required: &[HEADER, TIMESTAMP_HEADER],
                ..Case::secret(URL)
            },
        );
    }

    #[test]
    fn uri_decoding_follows_hubspot_table() {
        assert_eq!(
            signed_uri(
                "https://example.com/hook?a=%3a%2F%3F%40%21%24%27%28%29%2A%2C%3B&b=%20%25x%"
            ),
            "https://example.com/hook?a=:/?@!$'()*,;&b=%20%25x%"
        );
    }

    const SECRET: &str = "yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy";

    /// Signed by hubspot-api-client 12.0.0 `Signature.get_signature(..., "v3", ...)` (given the
    /// URI decoded as HubSpot documents); our signature is the same, and `Signature.is_valid`
    /// accepted it.
    #[test]
    fn sdk_signed_vector() {
        let request = post(
            URL,
            &[(HEADER, VECTOR), (TIMESTAMP_HEADER, "1700000000000")],
            SAMPLE,
        );
        assert_eq!(
            verify(&PRESET, &[SECRET], &request, at(1_700_000_000)),
            Ok(())
        );
        assert_eq!((PRESET.timestamp)(&request.signed()), Some(1_700_000_000));
        assert_eq!(
            (PRESET.delivery_id)(&request.signed()).as_deref(),
            Some("1234567890")
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
        assert_eq!(ours.headers[TIMESTAMP_HEADER], "1700000000000");
    }

    const VECTOR: &str = "f2ugoHv0fHXTQJjHrIp9o7mpBlpFjAzg5QOHc0mmnCs=";

    /// Signed by hubspot-api-client 12.0.0 over a URL with escapes HubSpot decodes (`%3A %2F
    /// %3F`) and one it keeps (`%20`).
    #[test]
    fn sdk_signed_vector_with_escaped_uri() {
        let url = "https://example.com/webhooks/hubspot?redirect=https%3A%2F%2Fapp.example.com%2Fdone%3Fa%3D1&name=Jane%20Doe";
        let mut request = post(
            url,
            &[
                (HEADER, "XT3jnDfogpkHLMrDwoEhJLuXwpkY3BPcNxu/Sg7CvMQ="),
                (TIMESTAMP_HEADER, "1700000000000"),
            ],
            SAMPLE,
        );
        assert_eq!(
            verify(&PRESET, &[SECRET], &request, at(1_700_000_000)),
            Ok(())
        );
        request.url = url.replace("%20", " ");
        assert!(matches!(
            verify(&PRESET, &[SECRET], &request, at(1_700_000_000)),
            Err(VerifyError::Mismatch { .. })
        ));
    }
}
