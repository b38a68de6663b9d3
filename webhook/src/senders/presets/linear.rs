//! Linear: `Linear-Signature: <hex HMAC-SHA256 of the body>`; the body's `webhookTimestamp`
//! (milliseconds, covered by the signature) must be within 60 s of now. Event from the
//! `Linear-Event` header (else the body's `type`), delivery id from `Linear-Delivery`.

use std::time::{Duration, SystemTime};

use super::common::{self, Unit};
use crate::http::VerifyError;
use crate::senders::scheme::{
    no_handshake_signed, no_handshake_unsigned, Key, KeyKind, Outgoing, Preset, SignedRequest,
    SigningKey,
};

const HEADER: &str = "Linear-Signature";
/// The body field holding the signed timestamp, in milliseconds.
const TIMESTAMP_FIELD: &str = "webhookTimestamp";

/// Linear's preset.
pub static PRESET: Preset = Preset {
    name: "linear",
    title: "Linear",
    key_kind: KeyKind::Secret,
    parse_key: common::parse_secret,
    tolerance: Some(Duration::from_secs(60)),
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
    sample_event_type: Some("Issue"),
};

const SAMPLE: &str = r#"{"action":"create","actor":{"id":"2e6eea91-1111-0000-9486-acea0603064d","type":"user","name":"Linear Agent","email":"agent@example.com","url":"https://linear.app/linear/profiles/agent"},"createdAt":"2024-06-01T12:00:00.000Z","data":{"id":"2174add1-f7c8-44e3-bbf3-2d60b5ea8bc9","createdAt":"2024-06-01T12:00:00.000Z","updatedAt":"2024-06-01T12:00:00.000Z","number":1234,"title":"Fix the login page","priority":2,"identifier":"ENG-1234","url":"https://linear.app/acme/issue/ENG-1234/fix-the-login-page","teamId":"72b2a2dc-6f4f-4423-9d34-24b5bd10634a","stateId":"3b2a1c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"},"url":"https://linear.app/acme/issue/ENG-1234/fix-the-login-page","type":"Issue","organizationId":"3f1a2b3c-4d5e-4f60-8a7b-9c0d1e2f3a4b","webhookTimestamp":1717243200000,"webhookId":"000042e3-d123-4980-b49f-8e140eef9329"}"#;

fn verify(
    keys: &[Key],
    request: &SignedRequest<'_>,
    now: SystemTime,
    tolerance: Option<Duration>,
) -> Result<(), VerifyError> {
    common::verify_body_hmac(
        keys,
        request,
        HEADER,
        "",
        common::Encoding::Hex,
        common::Hash::Sha256,
    )?;
    let ts = match signed_timestamp(request.body)? {
        None | Some(serde_json::Value::Null) => return Err(common::missing(TIMESTAMP_FIELD)),
        Some(value) => value
            .as_i64()
            .ok_or_else(|| common::malformed(TIMESTAMP_FIELD, "it is not an integer"))?,
    };
    common::check_fresh(
        TIMESTAMP_FIELD,
        ts,
        Unit::Millis,
        Unit::Millis,
        now,
        tolerance,
    )
}

/// The value of the body's top-level `webhookTimestamp` (`None`: absent, or the body is not a
/// JSON object).
///
/// The body is Linear's (its signature was checked first), and Linear writes that key once, at
/// the top level. Where the bytes `"webhookTimestamp"` followed by a colon occur once, the
/// value is read right there: only a key can be followed by a colon, and inside a JSON string
/// the quotes are escaped. Otherwise (also a key of a nested object, or absent) the body is
/// parsed and its top-level field read. The scan spares serde's walk through the rest of the
/// body, a third of the check on a 2 kB body (`cargo bench --bench senders -- verify/linear`).
fn signed_timestamp(body: &[u8]) -> Result<Option<serde_json::Value>, VerifyError> {
    let mut values = timestamp_values(body).map(|at| &body[at..]);
    if let (Some(value), None) = (values.next(), values.next())
        && let Some(Ok(value)) = serde_json::Deserializer::from_slice(value)
            .into_iter::<serde_json::Value>()
            .next()
    {
        return Ok(Some(value));
    }
    /// The one field read: the rest of the body is skipped, not built into a tree.
    #[derive(serde::Deserialize)]
    struct Stamp {
        #[serde(rename = "webhookTimestamp", default)]
        timestamp: Option<serde_json::Value>,
    }
    let body: Stamp = serde_json::from_slice(body).map_err(|_| common::missing(TIMESTAMP_FIELD))?;
    Ok(body.timestamp)
}

/// Where a value follows the key `"webhookTimestamp"` and its colon in `body` (the offset of the
/// value's first byte, after any whitespace), in order.
fn timestamp_values(body: &[u8]) -> impl Iterator<Item = usize> + '_ {
    let key = b"\"webhookTimestamp\"";
    memchr::memmem::find_iter(body, key).filter_map(move |at| {
        let after_key = &body[at + key.len()..];
        let value = after_key
            .trim_ascii_start()
            .strip_prefix(b":")?
            .trim_ascii_start();
        Some(body.len() - value.len())
    })
}

/// Replaces the number after `"webhookTimestamp":` with `millis`, leaving every other byte as
/// it was (Linear puts the time of sending there).
fn restamp(body: &[u8], millis: i64) -> Option<Vec<u8>> {
    let at = timestamp_values(body).next()?;
    let digits = body[at..].iter().take_while(|b| b.is_ascii_digit()).count();
    if digits == 0 {
        return None;
    }
    let mut out = body[..at].to_vec();
    out.extend_from_slice(millis.to_string().as_bytes());
    out.extend_from_slice(&body[at + digits..]);
    Some(out)
}

fn sign(key: &SigningKey, request: &mut Outgoing, now: SystemTime) {
    if let Some(body) = restamp(&request.body, common::unix_millis(now)) {
        request.body = body;
    }
    common::sign_body_hmac(
        key,
        common::parse_secret,
        request,
        "linear-signature",
        "",
        common::Encoding::Hex,
        common::Hash::Sha256,
    );
}

fn event(request: &SignedRequest<'_>) -> Option<String> {
    common::header_opt(request, "Linear-Event").or_else(|| common::body_field(request, "/type"))
}

fn delivery_id(request: &SignedRequest<'_>) -> Option<String> {
    common::header_opt(request, "Linear-Delivery")
}

fn timestamp(request: &SignedRequest<'_>) -> Option<i64> {
    let ms = signed_timestamp(request.body).ok()??.as_i64()?;
    Some(ms.div_euclid(1000))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::senders::presets::common::testing::{
        at, check_preset, post, secret, sign, verify, Case,
    };
    use serde_json::json;

    const URL: &str = "https://example.com/webhooks/linear";

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
    fn restamp_changes_only_the_number() {
        let body = br#"{"a":1,"webhookTimestamp": 12,"b":2}"#;
        assert_eq!(
            restamp(body, 1_717_243_200_000).as_deref(),
            Some(&br#"{"a":1,"webhookTimestamp": 1717243200000,"b":2}"#[..])
        );
        assert_eq!(restamp(b"{}", 5), None);
    }

    #[test]
    fn the_timestamp_is_the_top_level_field_scanned_or_parsed() {
        for (body, expected) in [
            (
                r#"{"a":{"b":"c"},"webhookTimestamp":1717243200000,"d":1}"#,
                Some(json!(1717243200000_i64)),
            ),
            (r#"{"webhookTimestamp" :	 -5 }"#, Some(json!(-5))),
            (r#"{"webhookTimestamp":null}"#, Some(json!(null))),
            (r#"{"webhookTimestamp":1.5}"#, Some(json!(1.5))),
            (r#"{"webhookTimestamp":"7"}"#, Some(json!("7"))),
            // A string holding the key's text is no key.
            (
                r#"{"title":"\"webhookTimestamp\": 9","webhookTimestamp":3}"#,
                Some(json!(3)),
            ),
            (
                r#"{"title":"webhookTimestamp","webhookTimestamp":3}"#,
                Some(json!(3)),
            ),
            // Twice: the body is parsed, the top-level field wins.
            (
                r#"{"data":{"webhookTimestamp":1},"webhookTimestamp":2}"#,
                Some(json!(2)),
            ),
            (r#"{"type":"Issue"}"#, None),
            (
                r#"{"data":{"webhookTimestamp":1},"x":{"webhookTimestamp":2}}"#,
                None,
            ),
        ] {
            assert_eq!(signed_timestamp(body.as_bytes()), Ok(expected), "{body}");
        }
        // Not JSON, and no key to scan: the field is missing.
        assert_eq!(
            signed_timestamp(b"webhookTimestamp=1"),
            Err(common::missing(TIMESTAMP_FIELD))
        );
        // The key once, its value cut: parsed, and not JSON.
        assert_eq!(
            signed_timestamp(br#"{"webhookTimestamp":"#),
            Err(common::missing(TIMESTAMP_FIELD))
        );
    }

    #[test]
    fn timestamp_field_missing_or_malformed() {
        let secret = "lin_wh_secret";
        for (body, missing) in [
            (r#"{"type":"Issue"}"#, true),
            (r#"{"webhookTimestamp":"x"}"#, false),
        ] {
            let mac = common::hmac_sha256(secret.as_bytes(), &[body.as_bytes()]);
            let request = post(URL, &[(HEADER, &common::to_hex(&mac))], body);
            let result = verify(&PRESET, &[secret], &request, at(1_717_243_200));
            if missing {
                assert!(
                    matches!(result, Err(VerifyError::Missing { header }) if header == TIMESTAMP_FIELD)
                );
            } else {
                assert!(matches!(result, Err(VerifyError::Malformed { .. })));
            }
        }
    }

    const SECRET: &str = "lin_wh_Dz8QWcm2T6Xq4rJ9";

    /// @linear/sdk 98.0.0 cannot sign. This is our signature (over the sample, restamped to the
    /// signing time), which its `LinearWebhookClient.verify` accepted with the clock at
    /// 1700000000 s (and refused 400 s later, or with the body changed).
    #[test]
    fn our_signature_accepted_by_the_sdk() {
        let request = post(
            URL,
            &[
                (HEADER, VECTOR),
                ("Linear-Delivery", "7c3e6f1a-0b2c-4d5e-8f9a-1b2c3d4e5f60"),
            ],
            BODY,
        );
        assert_eq!(
            verify(&PRESET, &[SECRET], &request, at(1_700_000_000)),
            Ok(())
        );
        assert_eq!((PRESET.timestamp)(&request.signed()), Some(1_700_000_000));
        assert_eq!(
            (PRESET.delivery_id)(&request.signed()).as_deref(),
            Some("7c3e6f1a-0b2c-4d5e-8f9a-1b2c3d4e5f60")
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
        assert_eq!(ours.body, BODY.as_bytes());
        assert!(matches!(
            verify(&PRESET, &[SECRET], &request, at(1_700_000_061)),
            Err(VerifyError::Expired {
                tolerance_secs: 60,
                ..
            })
        ));
        let with_header = request.with("Linear-Event", "Issue");
        assert_eq!(
            (PRESET.event)(&with_header.signed()).as_deref(),
            Some("Issue")
        );
    }

    const VECTOR: &str = "b8c0e4a2864bd5272c2d67fd4a08b0bf4a338aeae450a332c94f581d1e5a718d";
    const BODY: &str = r#"{"action":"create","actor":{"id":"2e6eea91-1111-0000-9486-acea0603064d","type":"user","name":"Linear Agent","email":"agent@example.com","url":"https://linear.app/linear/profiles/agent"},"createdAt":"2024-06-01T12:00:00.000Z","data":{"id":"2174add1-f7c8-44e3-bbf3-2d60b5ea8bc9","createdAt":"2024-06-01T12:00:00.000Z","updatedAt":"2024-06-01T12:00:00.000Z","number":1234,"title":"Fix the login page","priority":2,"identifier":"ENG-1234","url":"https://linear.app/acme/issue/ENG-1234/fix-the-login-page","teamId":"72b2a2dc-6f4f-4423-9d34-24b5bd10634a","stateId":"3b2a1c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"},"url":"https://linear.app/acme/issue/ENG-1234/fix-the-login-page","type":"Issue","organizationId":"3f1a2b3c-4d5e-4f60-8a7b-9c0d1e2f3a4b","webhookTimestamp":1700000000000,"webhookId":"000042e3-d123-4980-b49f-8e140eef9329"}"#;
}
