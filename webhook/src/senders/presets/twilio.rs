//! Twilio: `X-Twilio-Signature: <base64 HMAC-SHA1>` keyed with the account's auth token, over
//! the full URL followed, for form bodies (`application/x-www-form-urlencoded`), by every POST
//! parameter's name and value sorted by name (then value). For other bodies (JSON) the URL
//! carries `bodySHA256=<hex SHA-256 of the body>`: the signature covers the URL alone and the
//! body must match that hash. As Twilio's SDKs do, the URL is tried with and without its port
//! (Twilio is not consistent about it). A webhook signed with a SharedKey names its algorithm in
//! `X-Twilio-Webhooks-Signature-Settings` (`algorithm=HMAC_SHA256`), which is honoured.
//! Delivery id from `I-Twilio-Idempotency-Token`; no event type, no timestamp.

use std::time::{Duration, SystemTime};

use sha2::Digest as _;

use super::common::{self, Hash};
use crate::http::VerifyError;
use crate::senders::scheme::{
    no_handshake_signed, no_handshake_unsigned, no_timestamp, none, Key, KeyKind, Outgoing, Preset,
    SignedRequest, SigningKey,
};

const HEADER: &str = "X-Twilio-Signature";
const SETTINGS_HEADER: &str = "X-Twilio-Webhooks-Signature-Settings";
/// The query parameter carrying the body's hash for JSON bodies.
const BODY_HASH: &str = "bodySHA256";

/// Twilio's preset.
pub static PRESET: Preset = Preset {
    name: "twilio",
    title: "Twilio",
    key_kind: KeyKind::Secret,
    parse_key: common::parse_secret,
    tolerance: None,
    signature_header: HEADER,
    verify,
    sign,
    event: none,
    delivery_id,
    timestamp: no_timestamp,
    handshake_unsigned: no_handshake_unsigned,
    handshake_signed: no_handshake_signed,
    sample_event: SAMPLE,
    sample_event_type: None,
};

const SAMPLE: &str = "ToCountry=US&ToState=CA&SmsMessageSid=SM1f0e8ae6ade43cb3c0ce4525424e404f&NumMedia=0&ToCity=SAN+FRANCISCO&FromZip=94105&SmsSid=SM1f0e8ae6ade43cb3c0ce4525424e404f&FromState=CA&SmsStatus=received&FromCity=SAN+FRANCISCO&Body=Hello+from+Twilio%21&FromCountry=US&To=%2B15017122661&ToZip=94105&NumSegments=1&MessageSid=SM1f0e8ae6ade43cb3c0ce4525424e404f&AccountSid=ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX&From=%2B15558675310&ApiVersion=2010-04-01";

fn is_form(content_type: Option<&str>, body: &[u8]) -> bool {
    match content_type {
        Some(value) => value
            .trim_start()
            .to_ascii_lowercase()
            .starts_with("application/x-www-form-urlencoded"),
        // No content type: a body that does not look like JSON is taken as a form.
        None => !body.is_empty() && !matches!(body.trim_ascii_start().first(), Some(b'{' | b'[')),
    }
}

/// Names and values, sorted by name then value, duplicates dropped, concatenated.
fn sorted_params(body: &[u8]) -> String {
    let mut params: Vec<(String, String)> = form_urlencoded::parse(body).into_owned().collect();
    params.sort();
    params.dedup();
    params
        .into_iter()
        .map(|(name, value)| name + &value)
        .collect()
}

/// The URL without its port, and with its port (the scheme's default added when absent).
fn port_variants(url: &str) -> [String; 2] {
    let Some((scheme, rest)) = url.split_once("://") else {
        return [url.to_owned(), url.to_owned()];
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    let (userinfo, host_port) = match authority.rfind('@') {
        Some(at) => authority.split_at(at + 1),
        None => ("", authority),
    };
    let host_end = if host_port.starts_with('[') {
        host_port.find(']').map_or(host_port.len(), |at| at + 1)
    } else {
        host_port.find(':').unwrap_or(host_port.len())
    };
    let (host, port) = host_port.split_at(host_end);
    let port = port.strip_prefix(':').filter(|port| !port.is_empty());
    let default = if scheme.eq_ignore_ascii_case("https") {
        "443"
    } else {
        "80"
    };
    let without = format!("{scheme}://{userinfo}{host}{tail}");
    let with = format!(
        "{scheme}://{userinfo}{host}:{}{tail}",
        port.unwrap_or(default)
    );
    [without, with]
}

/// The `bodySHA256` query parameter, if the URL has one.
fn body_hash_param(url: &str) -> Option<String> {
    let query = url.split('#').next()?.split_once('?')?.1;
    form_urlencoded::parse(query.as_bytes())
        .find(|(name, _)| name == BODY_HASH)
        .map(|(_, value)| value.into_owned())
}

fn sha256_hex(body: &[u8]) -> String {
    common::to_hex(&sha2::Sha256::digest(body))
}

fn verify(
    keys: &[Key],
    request: &SignedRequest<'_>,
    _now: SystemTime,
    _tolerance: Option<Duration>,
) -> Result<(), VerifyError> {
    let signature = common::from_base64(HEADER, common::header(request, HEADER)?)?;
    let hash = match common::header(request, SETTINGS_HEADER) {
        Err(VerifyError::Missing { .. }) => Hash::Sha1,
        Err(error) => return Err(error),
        Ok(settings) => match common::pairs(settings, ',').find(|(key, _)| *key == "algorithm") {
            None => Hash::Sha1,
            Some((_, algorithm)) if algorithm.eq_ignore_ascii_case("HMAC_SHA1") => Hash::Sha1,
            Some((_, algorithm)) if algorithm.eq_ignore_ascii_case("HMAC_SHA256") => Hash::Sha256,
            Some(_) => {
                return Err(common::malformed(SETTINGS_HEADER, "unknown algorithm"));
            }
        },
    };
    let content_type = common::header_opt(request, "content-type");
    let params = if let Some(expected) = body_hash_param(request.url) {
        let actual = sha256_hex(request.body);
        if !common::ct_eq(actual.as_bytes(), expected.to_ascii_lowercase().as_bytes()) {
            return Err(common::mismatch(BODY_HASH));
        }
        String::new()
    } else if is_form(content_type.as_deref(), request.body) {
        sorted_params(request.body)
    } else if request.body.is_empty() {
        String::new()
    } else {
        // A JSON body with no hash in the URL would not be covered by the signature.
        return Err(common::missing(BODY_HASH));
    };
    let urls = port_variants(request.url);
    common::any_match(keys, HEADER, &[signature], |secret| {
        urls.iter()
            .map(|url| common::hmac(hash, secret, &[url.as_bytes(), params.as_bytes()]))
            .collect::<Vec<_>>()
    })
}

fn sign(key: &SigningKey, request: &mut Outgoing, _now: SystemTime) {
    let Some(secret) = common::signing_secret(key, common::parse_secret) else {
        return;
    };
    let content_type = request
        .headers
        .get(http::header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok());
    let params = if is_form(content_type, &request.body) {
        sorted_params(&request.body)
    } else {
        if !request.body.is_empty() && body_hash_param(&request.url).is_none() {
            let (base, fragment) = match request.url.split_once('#') {
                Some((base, fragment)) => (base.to_owned(), format!("#{fragment}")),
                None => (request.url.clone(), String::new()),
            };
            let separator = if base.contains('?') { '&' } else { '?' };
            let hash = sha256_hex(&request.body);
            request.url = format!("{base}{separator}{BODY_HASH}={hash}{fragment}");
        }
        String::new()
    };
    let mac = common::hmac(
        Hash::Sha1,
        &secret,
        &[request.url.as_bytes(), params.as_bytes()],
    );
    common::set_header(request, "x-twilio-signature", &common::to_base64(&mac));
}

fn delivery_id(request: &SignedRequest<'_>) -> Option<String> {
    common::header_opt(request, "I-Twilio-Idempotency-Token")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::senders::presets::common::testing::{
        at, check_preset, post, secret, sign, verify, Case,
    };

    const URL: &str = "https://example.com/webhooks/twilio?source=sms";
    const FORM: &str = "application/x-www-form-urlencoded";

    #[test]
    fn common_checks() {
        check_preset(
            &PRESET,
            &Case {
                content_type: FORM,
                required: &[HEADER],
                ..Case::secret(URL)
            },
        );
    }

    #[test]
    fn port_variants_match_the_sdk() {
        assert_eq!(
            port_variants("https://example.com/a?b=1"),
            ["https://example.com/a?b=1", "https://example.com:443/a?b=1"]
        );
        assert_eq!(
            port_variants("http://user:pw@example.com:8080/a"),
            [
                "http://user:pw@example.com/a",
                "http://user:pw@example.com:8080/a"
            ]
        );
        assert_eq!(
            port_variants("https://[::1]:9/x"),
            ["https://[::1]/x", "https://[::1]:9/x"]
        );
    }

    #[test]
    fn json_body_without_hash_is_refused() {
        let signed = sign(
            &PRESET,
            &secret("token"),
            URL,
            "application/json",
            "{}",
            at(0),
        );
        assert!(signed.url.contains("bodySHA256="));
        assert_eq!(verify(&PRESET, &["token"], &signed, at(0)), Ok(()));
        let mut unhashed = signed.clone();
        unhashed.url = URL.to_owned();
        assert!(matches!(
            verify(&PRESET, &["token"], &unhashed, at(0)),
            Err(VerifyError::Mismatch { .. } | VerifyError::Missing { .. })
        ));
        let tampered = signed.with_body(b"{\"a\":1}");
        assert!(matches!(
            verify(&PRESET, &["token"], &tampered, at(0)),
            Err(VerifyError::Mismatch { header }) if header == BODY_HASH
        ));
    }

    const TOKEN: &str = "2bd9e9638872de601313dc77410d3b23";

    /// Signed by twilio (Python) 9.13.0 `RequestValidator.compute_signature` (form body); our
    /// signature is the same, and `RequestValidator.validate` accepted it.
    #[test]
    fn sdk_signed_form_vector() {
        let url = "https://example.com/webhooks/twilio";
        let request = post(
            url,
            &[
                (HEADER, "Mh6vrQIY0AtmYWZE/n51xIclfjA="),
                ("Content-Type", FORM),
                (
                    "I-Twilio-Idempotency-Token",
                    "7a1f1b1e-2c3d-4e5f-8a9b-0c1d2e3f4a5b",
                ),
            ],
            SAMPLE,
        );
        assert_eq!(verify(&PRESET, &[TOKEN], &request, at(0)), Ok(()));
        assert_eq!(
            (PRESET.delivery_id)(&request.signed()).as_deref(),
            Some("7a1f1b1e-2c3d-4e5f-8a9b-0c1d2e3f4a5b")
        );
        let ours = sign(&PRESET, &secret(TOKEN), url, FORM, SAMPLE, at(0));
        assert_eq!(ours.headers[HEADER], "Mh6vrQIY0AtmYWZE/n51xIclfjA=");
        // The SDK signed this one for the URL written with `:443`: accepted at the URL without.
        let port = request.with(HEADER, "7dM3ic1HkXS8/XA4B6murEA23bg=");
        assert_eq!(verify(&PRESET, &[TOKEN], &port, at(0)), Ok(()));
    }

    /// Signed by twilio (Python) 9.13.0 for a JSON body: `bodySHA256` added to the URL (with the
    /// SDK's `compute_hash`), the URL alone signed. Our `sign` rewrites the URL the same way.
    #[test]
    fn sdk_signed_json_vector() {
        let body = r#"{"CallSid":"CA1234567890ABCDE","CallStatus":"completed"}"#;
        let url = "https://example.com/webhooks/twilio?bodySHA256=d9c5d12fd882ca9a84684e362e36cd06396d25f809baea7ae9e6eb9e8a7d0502";
        let request = post(
            url,
            &[
                (HEADER, "bz5zaiw9AYtIpdet9o+LxTZzF90="),
                ("Content-Type", "application/json"),
            ],
            body,
        );
        assert_eq!(verify(&PRESET, &[TOKEN], &request, at(0)), Ok(()));
        let ours = sign(
            &PRESET,
            &secret(TOKEN),
            "https://example.com/webhooks/twilio",
            "application/json",
            body,
            at(0),
        );
        assert_eq!(ours.url, url);
        assert_eq!(ours.headers[HEADER], "bz5zaiw9AYtIpdet9o+LxTZzF90=");
    }

    #[test]
    fn sharedkey_sha256_algorithm() {
        let url = "https://example.com/webhooks/twilio";
        let mac = common::hmac_sha256(
            TOKEN.as_bytes(),
            &[url.as_bytes(), sorted_params(SAMPLE.as_bytes()).as_bytes()],
        );
        let request = post(
            url,
            &[
                (HEADER, &common::to_base64(&mac)),
                (
                    SETTINGS_HEADER,
                    "key=webhooks_sharedkey_1,algorithm=HMAC_SHA256",
                ),
                ("Content-Type", FORM),
            ],
            SAMPLE,
        );
        assert_eq!(verify(&PRESET, &[TOKEN], &request, at(0)), Ok(()));
        let unknown = request.with(SETTINGS_HEADER, "algorithm=HMAC_MD5");
        assert!(matches!(
            verify(&PRESET, &[TOKEN], &unknown, at(0)),
            Err(VerifyError::Malformed { .. })
        ));
    }
}
