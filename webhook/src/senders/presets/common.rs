//! Helpers shared by the presets, each written once: HMAC, constant-time comparison, signature
//! encodings, header reading, `key=value` lists and the `t=..,v1=..` parser, timestamp tolerance,
//! JSON fields of the body, RFC 3339 dates, replies, and the two shapes most presets share (an
//! HMAC of the body in one header, and a timestamped HMAC in a `t=..,v1=..` header). The test
//! helpers every preset's tests use are in [`testing`] (tests only).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use hmac::{Hmac, Mac};
use http::{HeaderName, HeaderValue, StatusCode};
use subtle::ConstantTimeEq;

use crate::http::VerifyError;
use crate::senders::scheme::{Key, KeyError, Outgoing, Reply, SignedRequest, SigningKey};

/// The standard base64 alphabet, padded.
pub const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

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

/// Whether the HMAC of the concatenation of `parts` under `key` is `signature`, compared in
/// constant time ([`hmac`] without its copy of the result).
pub fn hmac_matches(hash: Hash, key: &[u8], parts: &[&[u8]], signature: &[u8]) -> bool {
    fn run<M: Mac + hmac::digest::KeyInit>(key: &[u8], parts: &[&[u8]], signature: &[u8]) -> bool {
        let mut mac = <M as hmac::digest::KeyInit>::new_from_slice(key)
            .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
        for part in parts {
            mac.update(part);
        }
        ct_eq(&mac.finalize().into_bytes(), signature)
    }
    match hash {
        Hash::Sha1 => run::<Hmac<sha1::Sha1>>(key, parts, signature),
        Hash::Sha256 => run::<Hmac<sha2::Sha256>>(key, parts, signature),
    }
}

/// [`hmac`] with SHA-256, the hash most schemes use.
pub fn hmac_sha256(key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
    hmac(Hash::Sha256, key, parts)
}

/// Compares two byte strings in constant time (their lengths are not secret: different lengths
/// are unequal).
pub fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    a.ct_eq(b).into()
}

/// Lowercase hexadecimal.
pub fn to_hex(bytes: &[u8]) -> String {
    hex::encode(bytes)
}

/// Standard base64 with padding.
pub fn to_base64(bytes: &[u8]) -> String {
    B64.encode(bytes)
}

/// Decodes a hexadecimal signature (either case), or says it is malformed.
pub fn from_hex(header: &str, text: &str) -> Result<Vec<u8>, VerifyError> {
    let mut bytes = vec![0; text.len() / 2];
    match base16ct::mixed::decode(text, &mut bytes) {
        Ok(_) => Ok(bytes),
        Err(_) => Err(malformed(header, "the signature is not hexadecimal")),
    }
}

/// Decodes a standard base64 signature, or says it is malformed.
pub fn from_base64(header: &str, text: &str) -> Result<Vec<u8>, VerifyError> {
    B64.decode(text)
        .map_err(|_| malformed(header, "the signature is not base64"))
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

    /// Reads a signature from `header`, or says it is malformed.
    pub fn decode(self, header: &str, text: &str) -> Result<Vec<u8>, VerifyError> {
        match self {
            Encoding::Hex => from_hex(header, text),
            Encoding::Base64 => from_base64(header, text),
        }
    }
}

/// Decodes every signature that decodes; [`VerifyError::Malformed`] (the first decoding error)
/// when none does. Undecodable ones among good ones are skipped (they could never match).
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

/// A [`VerifyError::Missing`] for `header` (or body field).
pub fn missing(header: &str) -> VerifyError {
    VerifyError::Missing {
        header: header.to_owned(),
    }
}

/// A [`VerifyError::Malformed`] for `header` (or body field).
pub fn malformed(header: &str, reason: &str) -> VerifyError {
    VerifyError::Malformed {
        header: header.to_owned(),
        reason: reason.to_owned(),
    }
}

/// A [`VerifyError::Mismatch`] for `header` (or body field).
pub fn mismatch(header: &str) -> VerifyError {
    VerifyError::Mismatch {
        header: header.to_owned(),
    }
}

/// Parses a configured shared secret: any text that is not blank, used as its UTF-8 bytes as
/// given (presets that trim the secret first pass it trimmed).
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

/// The secret bytes a preset signs with: the signing key's text decoded by the preset's
/// `parse_key`. `None` when the key is of another kind or does not parse (then nothing is
/// signed).
pub fn signing_secret(
    key: &SigningKey,
    parse: fn(&str) -> Result<Key, KeyError>,
) -> Option<Vec<u8>> {
    match key {
        SigningKey::Secret(text) => match parse(text) {
            Ok(Key::Secret(bytes)) => Some(bytes),
            _ => None,
        },
        _ => None,
    }
}

/// A header's value as trimmed text: [`VerifyError::Missing`] when absent or empty,
/// [`VerifyError::Malformed`] when not visible ASCII.
pub fn header<'a>(request: &SignedRequest<'a>, name: &str) -> Result<&'a str, VerifyError> {
    header_text(request.headers.get(name), name)
}

/// [`header`] looked up by a [`HeaderName`] (no parse of the name at each request), `shown`
/// being how errors write it.
pub fn header_by<'a>(
    request: &SignedRequest<'a>,
    name: &HeaderName,
    shown: &str,
) -> Result<&'a str, VerifyError> {
    header_text(request.headers.get(name), shown)
}

fn header_text<'a>(value: Option<&'a HeaderValue>, name: &str) -> Result<&'a str, VerifyError> {
    let value = value.ok_or_else(|| missing(name))?;
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

/// [`header_opt`] looked up by a [`HeaderName`].
pub fn header_opt_by(request: &SignedRequest<'_>, name: &HeaderName) -> Option<String> {
    header_text(request.headers.get(name), name.as_str())
        .ok()
        .map(str::to_owned)
}

/// The first of `names` present as a non-empty header.
pub fn first_header(request: &SignedRequest<'_>, names: &[&str]) -> Option<String> {
    names.iter().find_map(|name| header_opt(request, name))
}

/// The query's `name=value` pairs, decoded (the URL may be absolute or the path and query).
pub fn query_pairs<'a>(request: &SignedRequest<'a>) -> form_urlencoded::Parse<'a> {
    let path_and_query = request.path_and_query();
    let query = path_and_query.split('#').next().unwrap_or("");
    let query = query.split_once('?').map_or("", |(_, query)| query);
    form_urlencoded::parse(query.as_bytes())
}

/// Sets a header on an outgoing request (values built here are always valid header text).
pub fn set_header(request: &mut Outgoing, name: &'static str, value: &str) {
    if let Ok(value) = HeaderValue::from_str(value) {
        request.headers.insert(HeaderName::from_static(name), value);
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
    /// The timestamp, in the scheme's unit.
    pub timestamp: i64,
    /// Every non-empty signature of the expected scheme, in order.
    pub signatures: Vec<&'a str>,
}

/// Parses a timestamped signature list (Stripe, Paddle, Calendly, Mux, WorkOS):
/// `separator`-separated `key=value` items, the timestamp under `timestamp_key` (the last one
/// wins), signatures under `signature_key` (several allowed; other keys and items without `=`
/// are ignored).
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
    let timestamp = parse_int(header_name, timestamp_text)?;
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
pub fn parse_int(header_name: &str, text: &str) -> Result<i64, VerifyError> {
    text.parse::<i64>()
        .map_err(|_| malformed(header_name, "the timestamp is not an integer"))
}

/// Seconds since the Unix epoch (negative before it).
pub fn unix_secs(now: SystemTime) -> i64 {
    match now.duration_since(UNIX_EPOCH) {
        Ok(after) => i64::try_from(after.as_secs()).unwrap_or(i64::MAX),
        Err(before) => -i64::try_from(before.duration().as_secs()).unwrap_or(i64::MAX),
    }
}

/// Milliseconds since the Unix epoch (negative before it).
pub fn unix_millis(now: SystemTime) -> i64 {
    match now.duration_since(UNIX_EPOCH) {
        Ok(after) => i64::try_from(after.as_millis()).unwrap_or(i64::MAX),
        Err(before) => -i64::try_from(before.duration().as_millis()).unwrap_or(i64::MAX),
    }
}

/// A unit of time: what a signed timestamp counts, and how finely [`check_fresh`] reads the
/// clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// Seconds.
    Secs,
    /// Milliseconds.
    Millis,
}

/// Refuses a signed timestamp further than `tolerance` from `now`, either way (a replay, or a
/// wrong clock); no tolerance, no check. `timestamp` counts `unit`s since the Unix epoch; the
/// comparison is made in whole `resolution`s: the clock, the timestamp and the tolerance are
/// each truncated to it (with `Unit::Secs`, `now` = 1000.9 s and a timestamp of 700 s are 300 s
/// apart; with `Unit::Millis`, 300.9 s).
pub fn check_fresh(
    header_name: &str,
    timestamp: i64,
    unit: Unit,
    resolution: Unit,
    now: SystemTime,
    tolerance: Option<Duration>,
) -> Result<(), VerifyError> {
    let Some(tolerance) = tolerance else {
        return Ok(());
    };
    let timestamp_ms = match unit {
        Unit::Secs => i128::from(timestamp) * 1000,
        Unit::Millis => i128::from(timestamp),
    };
    let (now, timestamp, limit) = match resolution {
        Unit::Secs => (
            i128::from(unix_secs(now)),
            timestamp_ms.div_euclid(1000),
            u128::from(tolerance.as_secs()),
        ),
        Unit::Millis => (
            i128::from(unix_millis(now)),
            timestamp_ms,
            tolerance.as_millis(),
        ),
    };
    if (now - timestamp).unsigned_abs() > limit {
        return Err(VerifyError::Expired {
            header: header_name.to_owned(),
            tolerance_secs: tolerance.as_secs(),
        });
    }
    Ok(())
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

/// Verifies a header holding `prefix` followed by the HMAC of the raw body.
pub fn verify_body_hmac(
    keys: &[Key],
    request: &SignedRequest<'_>,
    header_name: &str,
    prefix: &str,
    encoding: Encoding,
    hash: Hash,
) -> Result<(), VerifyError> {
    let value = header(request, header_name)?;
    verify_body_hmac_value(keys, request, header_name, value, prefix, encoding, hash)
}

/// [`verify_body_hmac`] with the header's `value` already read.
pub fn verify_body_hmac_value(
    keys: &[Key],
    request: &SignedRequest<'_>,
    header_name: &str,
    value: &str,
    prefix: &str,
    encoding: Encoding,
    hash: Hash,
) -> Result<(), VerifyError> {
    let signature = encoding.decode(header_name, strip_scheme(header_name, value, prefix)?)?;
    let mut found = false;
    for secret in secrets(keys) {
        // No early exit: the work done does not depend on which secret matches.
        found |= hmac_matches(hash, secret, &[request.body], &signature);
    }
    if found {
        Ok(())
    } else {
        Err(mismatch(header_name))
    }
}

/// Signs the raw body into a header holding `prefix` followed by its HMAC, under the secret
/// `parse` reads from `key` (nothing is signed when there is none).
pub fn sign_body_hmac(
    key: &SigningKey,
    parse: fn(&str) -> Result<Key, KeyError>,
    request: &mut Outgoing,
    header_name: &'static str,
    prefix: &str,
    encoding: Encoding,
    hash: Hash,
) {
    let Some(secret) = signing_secret(key, parse) else {
        return;
    };
    let mac = hmac(hash, &secret, &[&request.body]);
    let value = format!("{prefix}{}", encoding.encode(&mac));
    set_header(request, header_name, &value);
}

/// Verifies a `t=<timestamp>,v1=<hex>[,v1=<hex>…]` header whose signatures are HMAC-SHA256 of
/// `<t>.<body>`, the timestamp checked (in whole seconds) *before* the signatures (Mux, WorkOS).
pub fn verify_t_v1(
    keys: &[Key],
    request: &SignedRequest<'_>,
    header_name: &str,
    unit: Unit,
    now: SystemTime,
    tolerance: Option<Duration>,
) -> Result<(), VerifyError> {
    let value = header(request, header_name)?;
    let timed = parse_timed(header_name, value, ',', "t", "v1")?;
    let signatures = decode_all(header_name, &timed.signatures, from_hex)?;
    check_fresh(
        header_name,
        timed.timestamp,
        unit,
        Unit::Secs,
        now,
        tolerance,
    )?;
    any_match(keys, header_name, &signatures, |secret| {
        [hmac_sha256(
            secret,
            &[timed.timestamp_text.as_bytes(), b".", request.body],
        )]
    })
}

/// Writes `t=<t><separator>v1=<hex HMAC-SHA256 of "<t>.<body>">` into `header_name`, under the
/// secret `parse` reads from `key` (nothing is signed when there is none).
pub fn sign_t_v1(
    key: &SigningKey,
    parse: fn(&str) -> Result<Key, KeyError>,
    request: &mut Outgoing,
    header_name: &'static str,
    t: &str,
    separator: &str,
) {
    let Some(secret) = signing_secret(key, parse) else {
        return;
    };
    let mac = hmac_sha256(&secret, &[t.as_bytes(), b".", &request.body]);
    let value = format!("t={t}{separator}v1={}", to_hex(&mac));
    set_header(request, header_name, &value);
}

/// The value of the first `key=` item of a `separator`-separated list in `header_name`, as an
/// integer (the timestamp of a `t=..,v1=..` header).
pub fn pair_int(
    request: &SignedRequest<'_>,
    header_name: &str,
    separator: char,
    key: &str,
) -> Option<i64> {
    let value = header(request, header_name).ok()?;
    let (_, found) = pairs(value, separator).find(|(name, _)| *name == key)?;
    found.parse().ok()
}

/// The body parsed as JSON, if it is JSON.
pub fn json(request: &SignedRequest<'_>) -> Option<serde_json::Value> {
    serde_json::from_slice(request.body).ok()
}

/// The string (or number) at a JSON pointer (`/event/type`) in `value`, as text; empty strings
/// are none.
pub fn field(value: &serde_json::Value, pointer: &str) -> Option<String> {
    match value.pointer(pointer)? {
        serde_json::Value::String(text) if !text.is_empty() => Some(text.clone()),
        serde_json::Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

/// [`field`] of the body.
pub fn body_field(request: &SignedRequest<'_>, pointer: &str) -> Option<String> {
    field(&json(request)?, pointer)
}

/// A reply with a status, a content type (if any) and a body.
pub fn reply(status: StatusCode, content_type: Option<&'static str>, body: &[u8]) -> Reply {
    let mut headers = Vec::new();
    if let Some(content_type) = content_type {
        headers.push((
            http::header::CONTENT_TYPE,
            HeaderValue::from_static(content_type),
        ));
    }
    Reply {
        status,
        headers,
        body: body.to_vec(),
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day count since 1970-01-01.
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (
        if m <= 2 {
            yoe + era * 400 + 1
        } else {
            yoe + era * 400
        },
        m,
        d,
    )
}

/// Parses an RFC 3339 date-time (`2023-07-19T10:11:12.123456789Z`, or with `+hh:mm`) into
/// seconds since the Unix epoch (fractions dropped).
pub fn parse_rfc3339(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    if b.len() < 20
        || b[4] != b'-'
        || b[7] != b'-'
        || !matches!(b[10], b'T' | b't' | b' ')
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let s = text.get(r)?;
        s.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| s.parse().ok())?
    };
    let (y, mo, d, h, mi, s) = (
        num(0..4)?,
        num(5..7)?,
        num(8..10)?,
        num(11..13)?,
        num(14..16)?,
        num(17..19)?,
    );
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || s > 60 {
        return None;
    }
    let mut rest = &text[19..];
    if let Some(frac) = rest.strip_prefix('.') {
        let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        rest = &frac[digits..];
    }
    let offset = match rest {
        "Z" | "z" => 0,
        _ => {
            let rb = rest.as_bytes();
            if rb.len() != 6 || rb[3] != b':' {
                return None;
            }
            let sign = match rb[0] {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let oh: i64 = rest.get(1..3)?.parse().ok()?;
            let om: i64 = rest.get(4..6)?.parse().ok()?;
            sign * (oh * 3600 + om * 60)
        }
    };
    Some(days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + s - offset)
}

/// Formats a time as RFC 3339 in UTC with nanoseconds, as Twitch writes it.
pub fn format_rfc3339(t: SystemTime) -> String {
    let (secs, nanos) = match t.duration_since(UNIX_EPOCH) {
        Ok(d) => (
            i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
            d.subsec_nanos(),
        ),
        Err(_) => (0, 0),
    };
    let (y, m, d) = civil_from_days(secs.div_euclid(86_400));
    let sod = secs.rem_euclid(86_400);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{nanos:09}Z",
        sod / 3600,
        sod / 60 % 60,
        sod % 60
    )
}

/// What the presets' tests share: owned requests, fixed clocks, signing keys, and
/// [`check_preset`](testing::check_preset), the checks every preset passes.
#[cfg(test)]
pub mod testing {
    use std::time::{Duration, SystemTime, UNIX_EPOCH};

    use base64::Engine as _;
    use http::{HeaderMap, HeaderName, HeaderValue, Method};

    use crate::http::VerifyError;
    use crate::senders::scheme::{Key, Outgoing, Preset, SignedRequest, SigningKey};

    /// `secs` after the Unix epoch.
    pub fn at(secs: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(secs)
    }

    /// A header map from pairs.
    pub fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(
                HeaderName::from_bytes(name.as_bytes()).expect("header name"),
                HeaderValue::from_str(value).expect("header value"),
            );
        }
        map
    }

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
    pub fn post(url: &str, pairs: &[(&str, &str)], body: impl AsRef<[u8]>) -> Req {
        Req {
            method: Method::POST,
            url: url.to_owned(),
            headers: headers(pairs),
            body: body.as_ref().to_vec(),
        }
    }

    /// A shared secret to sign with.
    pub fn secret(text: &str) -> SigningKey {
        SigningKey::Secret(text.to_owned())
    }

    /// The signing key for preset `name` from its text: a hex Ed25519 seed (Discord), a base64
    /// PKCS#8 P-256 key (SendGrid), else a shared secret.
    pub fn signing_key(name: &str, text: &str) -> SigningKey {
        use p256::pkcs8::DecodePrivateKey as _;
        match name {
            "discord" => {
                let seed: [u8; 32] = hex::decode(text)
                    .expect("hex")
                    .try_into()
                    .expect("32 bytes");
                SigningKey::Ed25519(ed25519_dalek::SigningKey::from_bytes(&seed))
            }
            "sendgrid" => {
                let der = super::B64.decode(text).expect("base64");
                SigningKey::P256(p256::ecdsa::SigningKey::from_pkcs8_der(&der).expect("pkcs8"))
            }
            _ => secret(text),
        }
    }

    /// Verifies `request` with the keys `keys` (as configured) at `now` and the preset's
    /// tolerance.
    pub fn verify(
        preset: &Preset,
        keys: &[&str],
        request: &Req,
        now: SystemTime,
    ) -> Result<(), VerifyError> {
        let keys: Vec<Key> = keys
            .iter()
            .map(|key| (preset.parse_key)(key).expect("key"))
            .collect();
        (preset.verify)(&keys, &request.signed(), now, preset.tolerance)
    }

    /// Signs a POST of `body` to `url` (with `content_type`) with `key` at `now`.
    pub fn sign(
        preset: &Preset,
        key: &SigningKey,
        url: &str,
        content_type: &str,
        body: impl AsRef<[u8]>,
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
            body: body.as_ref().to_vec(),
        };
        (preset.sign)(key, &mut out, now);
        Req {
            method: out.method,
            url: out.url,
            headers: out.headers,
            body: out.body,
        }
    }

    /// What [`check_preset`] signs and verifies with.
    pub struct Case<'a> {
        /// The key the sample is signed with.
        pub sign_key: SigningKey,
        /// The verification key matching `sign_key`, as configured.
        pub key: &'a str,
        /// Another verification key, which must not accept the signature.
        pub other_key: &'a str,
        /// Where the sample is sent.
        pub url: &'a str,
        /// The sample's content type.
        pub content_type: &'a str,
        /// Headers without which the request is refused as [`VerifyError::Missing`] (naming
        /// the header).
        pub required: &'a [&'a str],
        /// Headers added after signing, for providers that name the event in a header.
        pub extra: &'a [(&'a str, &'a str)],
        /// When the sample is signed.
        pub now: SystemTime,
    }

    impl Case<'static> {
        /// A shared-secret preset's case: `first-secret` signs, `wrong-secret` is another key,
        /// a JSON sample sent to `url` at 1_700_000_000.
        pub fn secret(url: &'static str) -> Self {
            Case {
                sign_key: secret("first-secret"),
                key: "first-secret",
                other_key: "wrong-secret",
                url,
                content_type: "application/json",
                required: &[],
                extra: &[],
                now: at(1_700_000_000),
            }
        }
    }

    /// What every preset must do: refuse a blank key; sign its sample so that it verifies (also
    /// with a rotated key list); refuse another key, a tampered body (where the signature covers
    /// the body: not Mailgun's, carried in it), each required header missing, and a timestamp
    /// just past the tolerance (a timestamp just within it is accepted); read its sample's
    /// event type.
    pub fn check_preset(preset: &Preset, case: &Case<'_>) {
        let error = (preset.parse_key)("").expect_err("an empty key is refused");
        assert!(error.0.contains("empty"), "{error}");
        assert!((preset.parse_key)("   ").is_err(), "a blank key is refused");

        let now = case.now;
        let mut signed = sign(
            preset,
            &case.sign_key,
            case.url,
            case.content_type,
            preset.sample_event,
            now,
        );
        for (name, value) in case.extra {
            signed = signed.with(name, value);
        }
        assert_eq!(
            verify(preset, &[case.key], &signed, now),
            Ok(()),
            "own signature"
        );
        assert_eq!(
            verify(preset, &[case.other_key, case.key], &signed, now),
            Ok(()),
            "a rotated second key is accepted"
        );
        assert!(
            matches!(
                verify(preset, &[case.other_key], &signed, now),
                Err(VerifyError::Mismatch { .. })
            ),
            "another key"
        );
        if !preset.signature_header.contains('.') {
            let mut tampered = signed.body.clone();
            tampered.push(b' ');
            assert!(
                matches!(
                    verify(preset, &[case.key], &signed.with_body(&tampered), now),
                    Err(VerifyError::Mismatch { .. })
                ),
                "tampered body"
            );
        }
        for name in case.required {
            match verify(preset, &[case.key], &signed.without(name), now) {
                Err(VerifyError::Missing { header }) => assert_eq!(header, *name),
                other => panic!("missing {name}: {other:?}"),
            }
        }
        if let Some(tolerance) = preset.tolerance {
            for late in [
                now + tolerance + Duration::from_secs(1),
                now + Duration::from_secs(3600).max(tolerance * 2),
            ] {
                assert!(
                    matches!(
                        verify(preset, &[case.key], &signed, late),
                        Err(VerifyError::Expired { .. })
                    ),
                    "stale"
                );
            }
            assert_eq!(
                verify(preset, &[case.key], &signed, now + tolerance),
                Ok(()),
                "just within the tolerance"
            );
        }
        assert_eq!(
            (preset.event)(&signed.signed()).as_deref(),
            preset.sample_event_type,
            "event type"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hexadecimal_signatures_decode_as_the_hex_crate_decodes_them() {
        for text in [
            "",
            "00",
            "ff",
            "FF",
            "aB09",
            "0",
            "abc",
            "zz",
            "0g",
            "é0",
            " 00",
            "00 ",
            "de7c9b85b8b78aa6bc8a7a36f70a90701c9db4d9",
            "DE7C9B85B8B78AA6BC8A7A36F70A90701C9DB4D9e",
        ] {
            assert_eq!(from_hex("h", text).ok(), hex::decode(text).ok(), "{text:?}");
        }
        for byte in 0..=u8::MAX {
            let text = String::from_utf8_lossy(&[b'0', byte]).into_owned();
            assert_eq!(
                from_hex("h", &text).ok(),
                hex::decode(&text).ok(),
                "{text:?}"
            );
        }
    }

    #[test]
    fn rfc3339_round_trip() {
        let t = UNIX_EPOCH + Duration::new(1_689_761_472, 123_456_789);
        assert_eq!(format_rfc3339(t), "2023-07-19T10:11:12.123456789Z");
        assert_eq!(
            parse_rfc3339("2023-07-19T10:11:12.123456789Z"),
            Some(1_689_761_472)
        );
        assert_eq!(
            parse_rfc3339("2023-07-19T12:11:12+02:00"),
            Some(1_689_761_472)
        );
        assert_eq!(parse_rfc3339("2023-07-19 nope"), None);
    }

    #[test]
    fn pairs_and_timed() {
        assert_eq!(
            pairs("t=1, v1=ab,junk", ',').collect::<Vec<_>>(),
            vec![("t", "1"), ("v1", "ab")]
        );
        let timed = parse_timed("h", "t=1,v0=x,v1=ab,v1=", ',', "t", "v1").expect("parses");
        assert_eq!((timed.timestamp, timed.signatures), (1, vec!["ab"]));
        assert!(matches!(
            parse_timed("h", "v1=ab", ',', "t", "v1"),
            Err(VerifyError::Malformed { .. })
        ));
    }

    #[test]
    fn freshness_at_each_resolution() {
        let tolerance = Some(Duration::from_secs(300));
        let now = UNIX_EPOCH + Duration::from_millis(1_000_900);
        // In whole seconds, 1000.9 s and 700 s are 300 s apart: fresh.
        assert_eq!(
            check_fresh("h", 700, Unit::Secs, Unit::Secs, now, tolerance),
            Ok(())
        );
        // To the millisecond, 300.9 s: stale.
        assert!(check_fresh("h", 700, Unit::Secs, Unit::Millis, now, tolerance).is_err());
        assert!(check_fresh("h", 1_301, Unit::Secs, Unit::Secs, now, tolerance).is_err());
        assert_eq!(
            check_fresh("h", 700_999, Unit::Millis, Unit::Secs, now, tolerance),
            Ok(())
        );
        assert_eq!(
            check_fresh("h", 0, Unit::Secs, Unit::Secs, now, None),
            Ok(())
        );
        assert!(check_fresh("h", i64::MIN, Unit::Secs, Unit::Millis, now, tolerance).is_err());
    }
}
