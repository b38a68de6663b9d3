//! Helpers shared by the presets: HMAC over several parts, constant-time comparison, reading
//! headers and JSON fields, parsing `key=value` lists, and timestamp tolerance checks.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use hmac::{Hmac, Mac};
use http::{HeaderName, HeaderValue, StatusCode};
use subtle::ConstantTimeEq;

use crate::http::VerifyError;
use crate::senders::scheme::{Key, KeyError, Outgoing, Reply, SignedRequest, SigningKey};

/// The hash an HMAC is built on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hash {
    /// SHA-1 (GitHub's legacy header, Intercom, Twilio, Vercel).
    Sha1,
    /// SHA-256.
    Sha256,
}

/// The HMAC of the concatenation of `parts` under `key`.
pub fn hmac(hash: Hash, key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
    fn run<M: Mac + hmac::digest::KeyInit>(key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
        // HMAC accepts keys of any length, so this never fails.
        let mut mac = <M as hmac::digest::KeyInit>::new_from_slice(key)
            .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
        for part in parts {
            mac.update(part);
        }
        mac.finalize().into_bytes().to_vec()
    }
    match hash {
        Hash::Sha1 => run::<Hmac<sha1::Sha1>>(key, parts),
        Hash::Sha256 => run::<Hmac<sha2::Sha256>>(key, parts),
    }
}

/// HMAC-SHA256 of the concatenation of `parts`.
pub fn hmac_sha256(key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
    hmac(Hash::Sha256, key, parts)
}

/// HMAC-SHA1 of the concatenation of `parts`.
pub fn hmac_sha1(key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
    hmac(Hash::Sha1, key, parts)
}

/// Compares two byte strings in constant time (for equal lengths).
pub fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    a.ct_eq(b).into()
}

/// Lowercase hexadecimal.
pub fn to_hex(bytes: &[u8]) -> String {
    hex::encode(bytes)
}

/// Standard base64 with padding.
pub fn to_base64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Decodes a hexadecimal signature (either case), or says why it is malformed.
pub fn from_hex(header: &str, text: &str) -> Result<Vec<u8>, VerifyError> {
    hex::decode(text).map_err(|_| malformed(header, "the signature is not hexadecimal"))
}

/// Decodes a standard base64 signature, or says why it is malformed.
pub fn from_base64(header: &str, text: &str) -> Result<Vec<u8>, VerifyError> {
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .map_err(|_| malformed(header, "the signature is not base64"))
}

/// Decodes every signature that decodes; [`VerifyError::Malformed`] (with `reason`) when none
/// does. Undecodable ones among good ones are skipped (they could never match).
pub fn decode_all(
    header: &str,
    signatures: &[&str],
    decode: fn(&str, &str) -> Result<Vec<u8>, VerifyError>,
) -> Result<Vec<Vec<u8>>, VerifyError> {
    let mut first_error = None;
    let mut decoded = Vec::new();
    for signature in signatures {
        match decode(header, signature) {
            Ok(bytes) => decoded.push(bytes),
            Err(error) => {
                first_error.get_or_insert(error);
            }
        }
    }
    match (decoded.is_empty(), first_error) {
        (true, Some(error)) => Err(error),
        (true, None) => Err(missing(header)),
        (false, _) => Ok(decoded),
    }
}

/// A [`VerifyError::Malformed`] for `header`.
pub fn malformed(header: &str, reason: &str) -> VerifyError {
    VerifyError::Malformed {
        header: header.to_owned(),
        reason: reason.to_owned(),
    }
}

/// A [`VerifyError::Missing`] for `header`.
pub fn missing(header: &str) -> VerifyError {
    VerifyError::Missing {
        header: header.to_owned(),
    }
}

/// A [`VerifyError::Mismatch`] for `header`.
pub fn mismatch(header: &str) -> VerifyError {
    VerifyError::Mismatch {
        header: header.to_owned(),
    }
}

/// Parses a configured shared secret: any non-empty text, used as its UTF-8 bytes.
pub fn parse_secret(text: &str) -> Result<Key, KeyError> {
    if text.trim().is_empty() {
        return Err(KeyError("the secret is empty".to_owned()));
    }
    Ok(Key::Secret(text.as_bytes().to_vec()))
}

/// The shared secrets among `keys` (other kinds are skipped).
pub fn secrets(keys: &[Key]) -> impl Iterator<Item = &[u8]> {
    keys.iter().filter_map(|key| match key {
        Key::Secret(bytes) => Some(bytes.as_slice()),
        _ => None,
    })
}

/// The shared secret a preset signs with.
///
/// # Panics
///
/// If `key` is not a [`SigningKey::Secret`]: every preset here is configured with a shared
/// secret, so another kind of key is a programming error, not a request's fault.
pub fn signing_secret(key: &SigningKey) -> &[u8] {
    match key {
        SigningKey::Secret(text) => text.as_bytes(),
        _ => panic!("this preset signs with a shared secret (SigningKey::Secret)"),
    }
}

/// A header's value as trimmed text: [`VerifyError::Missing`] when absent or empty,
/// [`VerifyError::Malformed`] when not visible ASCII.
pub fn header<'a>(request: &SignedRequest<'a>, name: &str) -> Result<&'a str, VerifyError> {
    let value = request.headers.get(name).ok_or_else(|| missing(name))?;
    let text = value
        .to_str()
        .map_err(|_| malformed(name, "it is not visible ASCII text"))?
        .trim();
    if text.is_empty() {
        return Err(missing(name));
    }
    Ok(text)
}

/// A header's value as text, if present, non-empty and readable.
pub fn header_opt(request: &SignedRequest<'_>, name: &str) -> Option<String> {
    header(request, name).ok().map(str::to_owned)
}

/// The first of `names` present as a non-empty header.
pub fn first_header(request: &SignedRequest<'_>, names: &[&str]) -> Option<String> {
    names.iter().find_map(|name| header_opt(request, name))
}

/// Splits `text` on `separator` into trimmed `key=value` pairs (items without `=` are skipped).
pub fn pairs(text: &str, separator: char) -> impl Iterator<Item = (&str, &str)> {
    text.split(separator)
        .filter_map(|item| item.split_once('='))
        .map(|(key, value)| (key.trim(), value.trim()))
}

/// A timestamped signature header such as `t=1492774577,v1=5257a8...,v1=...`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Timed<'a> {
    /// The timestamp as sent (it is signed as text).
    pub timestamp_text: &'a str,
    /// The timestamp, seconds since the Unix epoch.
    pub timestamp: i64,
    /// Every signature of the expected scheme, in order.
    pub signatures: Vec<&'a str>,
}

/// Parses a timestamped signature list: `separator`-separated `key=value` items, the timestamp
/// under `timestamp_key`, signatures under `signature_key` (several allowed, others ignored).
pub fn parse_timed<'a>(
    header_name: &str,
    value: &'a str,
    separator: char,
    timestamp_key: &str,
    signature_key: &str,
) -> Result<Timed<'a>, VerifyError> {
    let mut timestamp_text = None;
    let mut signatures = Vec::new();
    for (key, item) in pairs(value, separator) {
        if key == timestamp_key {
            timestamp_text = Some(item);
        } else if key == signature_key && !item.is_empty() {
            signatures.push(item);
        }
    }
    let timestamp_text = timestamp_text.ok_or_else(|| {
        malformed(
            header_name,
            &format!("it has no timestamp (`{timestamp_key}=`)"),
        )
    })?;
    let timestamp = parse_integer(header_name, timestamp_text)?;
    if signatures.is_empty() {
        return Err(malformed(
            header_name,
            &format!("it has no `{signature_key}=` signature"),
        ));
    }
    Ok(Timed {
        timestamp_text,
        timestamp,
        signatures,
    })
}

/// Parses a decimal timestamp, or says it is malformed.
pub fn parse_integer(header_name: &str, text: &str) -> Result<i64, VerifyError> {
    text.trim()
        .parse::<i64>()
        .map_err(|_| malformed(header_name, "the timestamp is not an integer"))
}

/// Milliseconds since the Unix epoch (negative before it).
pub fn unix_millis(now: SystemTime) -> i128 {
    match now.duration_since(UNIX_EPOCH) {
        Ok(after) => after.as_millis() as i128,
        Err(before) => -(before.duration().as_millis() as i128),
    }
}

/// Seconds since the Unix epoch.
pub fn unix_secs(now: SystemTime) -> i64 {
    i64::try_from(unix_millis(now).div_euclid(1000)).unwrap_or(i64::MAX)
}

/// Refuses a signed timestamp (milliseconds) further than `tolerance` from `now`, either way.
/// No tolerance means no check.
pub fn check_fresh_millis(
    header_name: &str,
    timestamp_ms: i128,
    now: SystemTime,
    tolerance: Option<Duration>,
) -> Result<(), VerifyError> {
    let Some(tolerance) = tolerance else {
        return Ok(());
    };
    let skew = (unix_millis(now) - timestamp_ms).unsigned_abs();
    if skew > tolerance.as_millis() {
        return Err(VerifyError::Expired {
            header: header_name.to_owned(),
            tolerance_secs: tolerance.as_secs(),
        });
    }
    Ok(())
}

/// Refuses a signed timestamp (seconds) further than `tolerance` from `now`, either way.
pub fn check_fresh(
    header_name: &str,
    timestamp_secs: i64,
    now: SystemTime,
    tolerance: Option<Duration>,
) -> Result<(), VerifyError> {
    check_fresh_millis(
        header_name,
        i128::from(timestamp_secs) * 1000,
        now,
        tolerance,
    )
}

/// Accepts the request if, for any configured secret, any expected signature computed by
/// `expected` equals any of the received `signatures`; otherwise [`VerifyError::Mismatch`].
pub fn any_match<I>(
    keys: &[Key],
    header_name: &str,
    signatures: &[Vec<u8>],
    expected: impl Fn(&[u8]) -> I,
) -> Result<(), VerifyError>
where
    I: IntoIterator<Item = Vec<u8>>,
{
    let mut found = false;
    for secret in secrets(keys) {
        for candidate in expected(secret) {
            for signature in signatures {
                // No early exit: the work done does not depend on where a match is.
                found |= ct_eq(&candidate, signature);
            }
        }
    }
    if found {
        Ok(())
    } else {
        Err(mismatch(header_name))
    }
}

/// Sets a header on an outgoing request (values built here are always valid header text).
pub fn set_header(request: &mut Outgoing, name: &'static str, value: &str) {
    if let Ok(value) = HeaderValue::from_str(value) {
        request.headers.insert(HeaderName::from_static(name), value);
    }
}

/// The body parsed as JSON, if it is JSON.
pub fn json(request: &SignedRequest<'_>) -> Option<serde_json::Value> {
    serde_json::from_slice(request.body).ok()
}

/// The string (or number) at a JSON pointer (`/event/type`) in the body.
pub fn body_field(request: &SignedRequest<'_>, pointer: &str) -> Option<String> {
    field(&json(request)?, pointer)
}

/// The string (or number) at a JSON pointer in `value`, as text; empty strings are none.
pub fn field(value: &serde_json::Value, pointer: &str) -> Option<String> {
    match value.pointer(pointer)? {
        serde_json::Value::String(text) if !text.is_empty() => Some(text.clone()),
        serde_json::Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

/// A `200 OK` reply with `content_type` and `body`.
pub fn ok_reply(content_type: &'static str, body: Vec<u8>) -> Reply {
    Reply {
        status: StatusCode::OK,
        headers: vec![(
            http::header::CONTENT_TYPE,
            HeaderValue::from_static(content_type),
        )],
        body,
    }
}

/// How a signature is written out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// Lowercase hexadecimal (accepted in either case).
    Hex,
    /// Standard base64 with padding.
    Base64,
}

impl Encoding {
    /// Writes `bytes`.
    pub fn encode(self, bytes: &[u8]) -> String {
        match self {
            Encoding::Hex => to_hex(bytes),
            Encoding::Base64 => to_base64(bytes),
        }
    }

    /// Reads a signature from `header`, or says why it is malformed.
    pub fn decode(self, header: &str, text: &str) -> Result<Vec<u8>, VerifyError> {
        match self {
            Encoding::Hex => from_hex(header, text),
            Encoding::Base64 => from_base64(header, text),
        }
    }
}

/// Strips a scheme prefix such as `sha256=`, or says the header is malformed.
pub fn strip_scheme<'a>(
    header: &str,
    value: &'a str,
    prefix: &str,
) -> Result<&'a str, VerifyError> {
    value
        .strip_prefix(prefix)
        .ok_or_else(|| malformed(header, &format!("it does not start with `{prefix}`")))
}

/// Verifies a header holding `prefix` + the HMAC of the raw body.
pub fn verify_body_hmac(
    keys: &[Key],
    request: &SignedRequest<'_>,
    header_name: &str,
    prefix: &str,
    encoding: Encoding,
    hash: Hash,
) -> Result<(), VerifyError> {
    let value = header(request, header_name)?;
    let signature = encoding.decode(header_name, strip_scheme(header_name, value, prefix)?)?;
    any_match(keys, header_name, &[signature], |secret| {
        [hmac(hash, secret, &[request.body])]
    })
}

/// Signs the raw body into a header holding `prefix` + its HMAC.
pub fn sign_body_hmac(
    key: &SigningKey,
    request: &mut Outgoing,
    header_name: &'static str,
    prefix: &str,
    encoding: Encoding,
    hash: Hash,
) {
    let mac = hmac(hash, signing_secret(key), &[&request.body]);
    let value = format!("{prefix}{}", encoding.encode(&mac));
    set_header(request, header_name, &value);
}

/// Tests shared by the presets: request building and the checks every preset must pass.
#[cfg(test)]
pub mod testing {
    use std::time::{Duration, SystemTime, UNIX_EPOCH};

    use http::{HeaderMap, HeaderName, HeaderValue, Method};

    use crate::http::VerifyError;
    use crate::senders::scheme::{Key, Outgoing, Preset, SignedRequest, SigningKey};

    /// An owned request, to borrow as a [`SignedRequest`].
    #[derive(Debug, Clone)]
    pub struct Req {
        /// Method.
        pub method: Method,
        /// Absolute URL.
        pub url: String,
        /// Headers.
        pub headers: HeaderMap,
        /// Body.
        pub body: Vec<u8>,
    }

    impl Req {
        /// Borrows it.
        pub fn signed(&self) -> SignedRequest<'_> {
            SignedRequest {
                method: &self.method,
                url: &self.url,
                headers: &self.headers,
                body: &self.body,
            }
        }

        /// The same request without `name`.
        pub fn without(&self, name: &str) -> Req {
            let mut copy = self.clone();
            copy.headers.remove(name);
            copy
        }

        /// The same request with `name` set to `value`.
        pub fn with(&self, name: &str, value: &str) -> Req {
            let mut copy = self.clone();
            copy.headers.insert(
                HeaderName::from_bytes(name.as_bytes()).expect("name"),
                HeaderValue::from_str(value).expect("value"),
            );
            copy
        }

        /// The same request with another body.
        pub fn with_body(&self, body: &[u8]) -> Req {
            Req {
                body: body.to_vec(),
                ..self.clone()
            }
        }
    }

    /// A POST request.
    pub fn post(url: &str, headers: &[(&str, &str)], body: &str) -> Req {
        let mut map = HeaderMap::new();
        for (name, value) in headers {
            map.append(
                HeaderName::from_bytes(name.as_bytes()).expect("name"),
                HeaderValue::from_str(value).expect("value"),
            );
        }
        Req {
            method: Method::POST,
            url: url.to_owned(),
            headers: map,
            body: body.as_bytes().to_vec(),
        }
    }

    /// `secs` after the Unix epoch.
    pub fn at(secs: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(secs)
    }

    /// Verifies `request` with `secrets` at `now` and the preset's tolerance.
    pub fn verify(
        preset: &Preset,
        secrets: &[&str],
        request: &Req,
        now: SystemTime,
    ) -> Result<(), VerifyError> {
        let keys: Vec<Key> = secrets
            .iter()
            .map(|secret| (preset.parse_key)(secret).expect("key"))
            .collect();
        (preset.verify)(&keys, &request.signed(), now, preset.tolerance)
    }

    /// Signs a POST of `body` to `url` with `secret` at `now`.
    pub fn sign(
        preset: &Preset,
        secret: &str,
        url: &str,
        content_type: &str,
        body: &str,
        now: SystemTime,
    ) -> Req {
        let mut headers = HeaderMap::new();
        headers.insert(
            http::header::CONTENT_TYPE,
            HeaderValue::from_str(content_type).expect("content type"),
        );
        let mut out = Outgoing {
            method: Method::POST,
            url: url.to_owned(),
            headers,
            body: body.as_bytes().to_vec(),
        };
        (preset.sign)(&SigningKey::Secret(secret.to_owned()), &mut out, now);
        Req {
            method: out.method,
            url: out.url,
            headers: out.headers,
            body: out.body,
        }
    }

    /// What every shared-secret preset must do: refuse an empty secret; sign its sample so
    /// that it verifies (with a rotated second key too); refuse a wrong secret, a tampered
    /// body, each missing header, a stale timestamp; read its sample's event type (with
    /// `extra` headers added after signing, for providers that name the event in a header).
    pub fn check_preset(
        preset: &Preset,
        url: &str,
        content_type: &str,
        required: &[&str],
        extra: &[(&str, &str)],
    ) {
        let error = (preset.parse_key)("").expect_err("an empty secret is refused");
        assert!(error.0.contains("empty"), "{error}");
        assert!((preset.parse_key)("   ").is_err());

        let now = at(1_700_000_000);
        let mut signed = sign(
            preset,
            "first-secret",
            url,
            content_type,
            preset.sample_event,
            now,
        );
        for (name, value) in extra {
            signed = signed.with(name, value);
        }
        assert_eq!(verify(preset, &["first-secret"], &signed, now), Ok(()));
        assert_eq!(
            verify(preset, &["old-secret", "first-secret"], &signed, now),
            Ok(()),
            "a rotated second key is accepted"
        );
        assert!(matches!(
            verify(preset, &["wrong-secret"], &signed, now),
            Err(VerifyError::Mismatch { .. })
        ));
        let mut tampered = signed.body.clone();
        tampered.push(b' ');
        assert!(matches!(
            verify(preset, &["first-secret"], &signed.with_body(&tampered), now),
            Err(VerifyError::Mismatch { .. })
        ));
        for name in required {
            match verify(preset, &["first-secret"], &signed.without(name), now) {
                Err(VerifyError::Missing { header }) => {
                    assert!(header.eq_ignore_ascii_case(name), "{header} vs {name}")
                }
                other => panic!("missing {name}: {other:?}"),
            }
        }
        if let Some(tolerance) = preset.tolerance {
            let late = now + tolerance + Duration::from_secs(1);
            assert!(matches!(
                verify(preset, &["first-secret"], &signed, late),
                Err(VerifyError::Expired { .. })
            ));
            let just_in_time = now + tolerance;
            assert_eq!(
                verify(preset, &["first-secret"], &signed, just_in_time),
                Ok(())
            );
        }
        assert_eq!(
            (preset.event)(&signed.signed()).as_deref(),
            preset.sample_event_type
        );
    }
}
