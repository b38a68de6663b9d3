//! Request ids: the incoming `X-Request-Id` when it is usable, a new one otherwise.

use std::cell::Cell;
use std::hash::BuildHasher;

use axum::extract::FromRequestParts;
use http::request::Parts;
use http::{HeaderMap, HeaderName, HeaderValue};

/// The header that carries the request id, in both directions.
pub static REQUEST_ID_HEADER: HeaderName = HeaderName::from_static("x-request-id");

/// The longest incoming id kept, in bytes.
pub const MAX_REQUEST_ID_LEN: usize = 128;

/// A request's id: the incoming `X-Request-Id` when it is 1 to [`MAX_REQUEST_ID_LEN`] bytes of
/// visible ASCII (`!` to `~`: no spaces, no control characters, nothing a log line or a header
/// could be forged with), a new one otherwise (a random UUID v4 form).
///
/// Every answer carries it in `X-Request-Id`, the request's span holds it (`request_id`), and
/// handlers receive it as an argument:
///
/// ```
/// use clustaar_webhook::ops::RequestId;
/// use clustaar_webhook::prelude::*;
///
/// async fn greet(id: RequestId, _event: StepReached) -> StepReachedResponse {
///     tracing::info!(%id, "greeting");
///     StepReachedResponse::new()
/// }
/// # let _ = Webhook::new().on(topics::STEP_REACHED, greet, ());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RequestId(HeaderValue);

impl RequestId {
    /// The incoming id of `headers` when it is usable, a new one otherwise.
    pub fn from_headers(headers: &HeaderMap) -> Self {
        headers
            .get(&REQUEST_ID_HEADER)
            .and_then(|value| Self::parse(value.as_bytes()))
            .unwrap_or_else(Self::generate)
    }

    /// `id` as a request id, when it is 1 to [`MAX_REQUEST_ID_LEN`] bytes of visible ASCII.
    ///
    /// ```
    /// use clustaar_webhook::ops::RequestId;
    ///
    /// assert_eq!(RequestId::parse(b"req-42").unwrap().as_str(), "req-42");
    /// assert!(RequestId::parse(b"").is_none());
    /// assert!(RequestId::parse(b"two words").is_none());
    /// assert!(RequestId::parse("caf\u{e9}".as_bytes()).is_none());
    /// assert!(RequestId::parse(&[b'a'; 129]).is_none());
    /// ```
    pub fn parse(id: &[u8]) -> Option<Self> {
        let usable = !id.is_empty()
            && id.len() <= MAX_REQUEST_ID_LEN
            && id.iter().all(|byte| (b'!'..=b'~').contains(byte));
        if !usable {
            return None;
        }
        HeaderValue::from_bytes(id).ok().map(Self)
    }

    /// A new id: 122 pseudo-random bits in the UUID v4 form
    /// (`7c1f0b4e-93d2-4a51-b0c8-5e2f6a9d1c37`), from a generator of each thread (wyrand,
    /// seeded from the operating system's randomness through `std`'s `RandomState`): no system
    /// call, lock or shared counter per request. Ids are for telling requests apart, not
    /// secrets.
    pub fn generate() -> Self {
        thread_local! {
            static STATE: Cell<u64> = Cell::new(std::hash::RandomState::new().hash_one(0x5eed_u64));
        }
        let (high, low) = STATE.with(|state| {
            let high = wyrand(state);
            (high, wyrand(state))
        });
        let mut bits = (u128::from(high) << 64) | u128::from(low);
        // Version 4, variant 10xx.
        bits = (bits & !(0xf << 76)) | (0x4 << 76);
        bits = (bits & !(0x3 << 62)) | (0x2 << 62);
        let text = uuid_text(bits);
        Self(HeaderValue::from_bytes(&text).expect("hexadecimal digits and dashes"))
    }

    /// The id.
    pub fn as_str(&self) -> &str {
        // Only visible ASCII gets in (`parse`, `generate`).
        self.0.to_str().unwrap_or_default()
    }

    /// The id as a header value.
    pub fn header_value(&self) -> &HeaderValue {
        &self.0
    }
}

/// One step of wyrand (Wang Yi's generator: a 64-bit state, period 2^64).
fn wyrand(state: &Cell<u64>) -> u64 {
    let next = state.get().wrapping_add(0xa076_1d64_78bd_642f);
    state.set(next);
    let product = u128::from(next) * u128::from(next ^ 0xe703_7ed1_a0b4_28db);
    ((product >> 64) as u64) ^ (product as u64)
}

impl std::fmt::Display for RequestId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A handler's argument: the request's id (a new one when the operations layer is not in front
/// of the handler).
impl<S: Send + Sync> FromRequestParts<S> for RequestId {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(parts
            .extensions
            .get::<RequestId>()
            .cloned()
            .unwrap_or_else(|| Self::from_headers(&parts.headers)))
    }
}

/// `bits` as a UUID's text: 32 lowercase hexadecimal digits (`base16ct`), the most significant
/// first, in groups of 8, 4, 4, 4 and 12. (A digit spelt a nibble of the `u128` at a time cost
/// ~20 instructions each, ~600 a request.)
fn uuid_text(bits: u128) -> [u8; 36] {
    let mut digits = [0; 32];
    base16ct::lower::encode(&bits.to_be_bytes(), &mut digits).expect("32 digits for 16 bytes");
    let mut text = [b'-'; 36];
    text[..8].copy_from_slice(&digits[..8]);
    text[9..13].copy_from_slice(&digits[8..12]);
    text[14..18].copy_from_slice(&digits[12..16]);
    text[19..23].copy_from_slice(&digits[16..20]);
    text[24..].copy_from_slice(&digits[20..]);
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuid_text_spells_the_bits() {
        for bits in [
            0,
            u128::MAX,
            0x0123_4567_89ab_cdef_fedc_ba98_7654_3210,
            1 << 100,
        ] {
            let digits = format!("{bits:032x}");
            let expected = format!(
                "{}-{}-{}-{}-{}",
                &digits[..8],
                &digits[8..12],
                &digits[12..16],
                &digits[16..20],
                &digits[20..]
            );
            assert_eq!(std::str::from_utf8(&uuid_text(bits)).unwrap(), expected);
        }
    }

    #[test]
    fn generated_ids_are_uuid_v4_shaped_and_distinct() {
        let ids: Vec<String> = (0..1000)
            .map(|_| RequestId::generate().to_string())
            .collect();
        for id in &ids {
            assert_eq!(id.len(), 36, "{id}");
            let groups: Vec<&str> = id.split('-').collect();
            assert_eq!(
                groups.iter().map(|g| g.len()).collect::<Vec<_>>(),
                [8, 4, 4, 4, 12]
            );
            assert!(groups[2].starts_with('4'), "{id}");
            assert!(matches!(&groups[3][..1], "8" | "9" | "a" | "b"), "{id}");
            assert!(id.bytes().all(|b| b == b'-' || b.is_ascii_hexdigit()));
        }
        let distinct: std::collections::HashSet<&String> = ids.iter().collect();
        assert_eq!(distinct.len(), ids.len());
    }

    #[test]
    fn incoming_ids_are_kept_only_when_usable() {
        let mut headers = HeaderMap::new();
        assert_eq!(RequestId::from_headers(&headers).as_str().len(), 36);
        headers.insert(&REQUEST_ID_HEADER, HeaderValue::from_static("abc-123_~!"));
        assert_eq!(RequestId::from_headers(&headers).as_str(), "abc-123_~!");
        for refused in ["a b", "tab\tin", ""] {
            headers.insert(&REQUEST_ID_HEADER, HeaderValue::from_str(refused).unwrap());
            let id = RequestId::from_headers(&headers);
            assert_ne!(id.as_str(), refused);
            assert_eq!(id.as_str().len(), 36);
        }
        headers.insert(
            &REQUEST_ID_HEADER,
            HeaderValue::from_bytes(&[0xe9, b'a']).unwrap(),
        );
        assert_eq!(RequestId::from_headers(&headers).as_str().len(), 36);
        let longest = "x".repeat(MAX_REQUEST_ID_LEN);
        headers.insert(&REQUEST_ID_HEADER, HeaderValue::from_str(&longest).unwrap());
        assert_eq!(RequestId::from_headers(&headers).as_str(), longest);
        let longer = "x".repeat(MAX_REQUEST_ID_LEN + 1);
        headers.insert(&REQUEST_ID_HEADER, HeaderValue::from_str(&longer).unwrap());
        assert_ne!(RequestId::from_headers(&headers).as_str(), longer);
    }
}
