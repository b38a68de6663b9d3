//! Signature checks for HTTP webhook routes: the [`Verify`] trait, and [`HmacVerifier`], an
//! HMAC of the raw body in a header, configurable enough for most senders in one line:
//!
//! ```
//! use clustaar_webhook::http::{Digest, Encoding, HmacVerifier};
//!
//! // GitHub: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body>`.
//! let github = HmacVerifier::github("It's a Secret to Everybody");
//! // The same, spelt out.
//! let same = HmacVerifier::new("It's a Secret to Everybody", Digest::Sha256)
//!     .header("X-Hub-Signature-256")
//!     .prefix("sha256=")
//!     .encoding(Encoding::Hex);
//! assert_eq!(
//!     github.sign(b"Hello, World!"),
//!     "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
//! );
//! assert_eq!(same.sign(b"Hello, World!"), github.sign(b"Hello, World!"));
//! ```
//!
//! A route with a verifier only sees requests whose signature it accepts (see
//! [`HttpRoute::verify`](super::HttpRoute::verify)); a refused signature is a `401`.

use std::fmt;
use std::sync::Arc;

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use hmac::{Hmac, Mac};
use http::{HeaderMap, HeaderName, Method, StatusCode};
use sha1::Sha1;
use sha2::Sha256;

use crate::error::{ApiError, RejectionStage};
use crate::security::{SignatureError, SignatureVerifier};

/// A received request as its sender signed it: the head (method, the URL the sender addressed,
/// headers) and the raw body. Some schemes sign only the body; others the URL and the form
/// fields (Twilio), the method and the URI (HubSpot), or the notification URL (Square).
///
/// ```
/// use http::{HeaderMap, Method};
/// use clustaar_webhook::http::SignedRequest;
///
/// let headers = HeaderMap::new();
/// let request = SignedRequest {
///     method: &Method::POST,
///     url: "https://bot.example.com/twilio?a=1",
///     headers: &headers,
///     body: b"Body=hi",
/// };
/// assert_eq!(request.path_and_query(), "/twilio?a=1");
/// ```
#[derive(Debug, Clone, Copy)]
pub struct SignedRequest<'a> {
    /// The method.
    pub method: &'a Method,
    /// The URL the sender addressed. For the presets that sign it (Twilio, HubSpot, Square:
    /// [`Preset::signs_url`](crate::senders::Preset::signs_url)) it is absolute,
    /// `https://bot.example.com/twilio?a=1`, and behind a proxy the public URL (the
    /// `public_url` settings), not what the server saw; for the other checks it is the path and
    /// query, `/twilio?a=1` (see [`SignedRequest::path_and_query`]).
    pub url: &'a str,
    /// The headers.
    pub headers: &'a HeaderMap,
    /// The raw body, as received (before any content decoding or parsing).
    pub body: &'a [u8],
}

impl<'a> SignedRequest<'a> {
    /// A `POST` to `/` with `headers` and `body`: for the schemes that sign only those.
    pub fn of(headers: &'a HeaderMap, body: &'a [u8]) -> Self {
        static POST: Method = Method::POST;
        Self {
            method: &POST,
            url: "/",
            headers,
            body,
        }
    }

    /// The path and query of the URL (`/twilio?a=1`), or the URL itself when it is relative.
    pub fn path_and_query(&self) -> &'a str {
        let url = self.url;
        match url.find("://") {
            Some(scheme_end) => {
                let rest = &url[scheme_end + 3..];
                rest.find('/').map_or("/", |path| &rest[path..])
            }
            None => url,
        }
    }
}

/// A signature check of an HTTP webhook route. Implement it for a scheme of your own.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a signature check",
    label = "not a signature check",
    note = "use a sender preset (`Sender::from_env(\"stripe\", \"STRIPE_SECRET\")`), `HmacVerifier::github(secret)`, `HmacVerifier::new(secret, Digest::Sha256).header(...)`, `StandardWebhooks::new(secret)?`, or implement `clustaar_webhook::http::Verify`"
)]
pub trait Verify: fmt::Debug + Send + Sync + 'static {
    /// Checks the request: its head and its raw body.
    fn verify(&self, request: &SignedRequest<'_>) -> Result<(), VerifyError>;
}

impl Verify for Box<dyn Verify> {
    fn verify(&self, request: &SignedRequest<'_>) -> Result<(), VerifyError> {
        (**self).verify(request)
    }
}

/// Clustaar's check is one more [`Verify`]: the webhook's notifications are checked through
/// it, and an HTTP route can use it too (`HttpRoute::verify`).
impl Verify for SignatureVerifier {
    fn verify(&self, request: &SignedRequest<'_>) -> Result<(), VerifyError> {
        SignatureVerifier::verify(self, request.headers, request.body).map_err(Into::into)
    }
}

/// Why a signature is refused: a `401` with `{"title": "Invalid signature", "description": ...}`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// The header is missing (or empty).
    #[error("The \"{header}\" header is missing.")]
    Missing {
        /// The header's name.
        header: String,
    },
    /// The header is not in the expected format.
    #[error("The \"{header}\" header is malformed: {reason}.")]
    Malformed {
        /// The header's name.
        header: String,
        /// What is wrong.
        reason: String,
    },
    /// The signature does not match the body.
    #[error("The signature in the \"{header}\" header does not match the request.")]
    Mismatch {
        /// The header's name.
        header: String,
    },
    /// The signed timestamp is too far from now (a replay, or a wrong clock).
    #[error("The \"{header}\" timestamp is outside the tolerance of {tolerance_secs} seconds.")]
    Expired {
        /// The header's name.
        header: String,
        /// The tolerance, in seconds.
        tolerance_secs: u64,
    },
    /// Clustaar's `X-Hub-Signature` refused it: answered as the reference answers, a `400`
    /// `Invalid header value`.
    #[error(transparent)]
    Clustaar(#[from] SignatureError),
}

impl From<VerifyError> for ApiError {
    fn from(error: VerifyError) -> Self {
        match error {
            VerifyError::Clustaar(error) => error.into(),
            error => ApiError::new(
                StatusCode::UNAUTHORIZED,
                "Invalid signature",
                error.to_string(),
            )
            .at_stage(RejectionStage::Signature),
        }
    }
}

/// The hash function of an HMAC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Digest {
    /// HMAC-SHA1 (older GitHub `X-Hub-Signature`, Clustaar).
    Sha1,
    /// HMAC-SHA256.
    Sha256,
}

/// How the MAC is written in the header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// Hexadecimal (either case accepted, lowercase produced).
    Hex,
    /// Standard base64, with padding.
    Base64,
}

/// Computes the HMAC of `parts` (concatenated) with `key`.
pub(crate) fn hmac(digest: Digest, key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
    fn run<M: Mac + hmac::digest::KeyInit>(key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
        let mut mac = <M as hmac::digest::KeyInit>::new_from_slice(key)
            .expect("HMAC accepts keys of any length");
        for part in parts {
            mac.update(part);
        }
        mac.finalize().into_bytes().to_vec()
    }
    match digest {
        Digest::Sha1 => run::<Hmac<Sha1>>(key, parts),
        Digest::Sha256 => run::<Hmac<Sha256>>(key, parts),
    }
}

/// Compares two MACs in constant time.
pub(crate) fn same_mac(expected: &[u8], given: &[u8]) -> bool {
    use subtle::ConstantTimeEq;
    bool::from(expected.ct_eq(given))
}

/// An HMAC of the raw body, in a header: `<header>: <prefix><encoded MAC>`.
///
/// Defaults: header `X-Signature`, no prefix, hexadecimal. Cloning is cheap (the key is shared).
#[derive(Clone)]
pub struct HmacVerifier {
    key: Arc<[u8]>,
    digest: Digest,
    header: HeaderName,
    prefix: String,
    encoding: Encoding,
}

impl fmt::Debug for HmacVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HmacVerifier")
            .field("key", &"<redacted>")
            .field("digest", &self.digest)
            .field("header", &self.header)
            .field("prefix", &self.prefix)
            .field("encoding", &self.encoding)
            .finish()
    }
}

impl HmacVerifier {
    /// A verifier with `secret` (its bytes are the HMAC key) and `digest`.
    pub fn new(secret: impl AsRef<[u8]>, digest: Digest) -> Self {
        Self {
            key: Arc::from(secret.as_ref()),
            digest,
            header: HeaderName::from_static("x-signature"),
            prefix: String::new(),
            encoding: Encoding::Hex,
        }
    }

    /// GitHub's `X-Hub-Signature-256: sha256=<hex HMAC-SHA256>`.
    pub fn github(secret: impl AsRef<[u8]>) -> Self {
        Self::new(secret, Digest::Sha256)
            .header("X-Hub-Signature-256")
            .prefix("sha256=")
    }

    /// The header carrying the signature (any case).
    ///
    /// # Panics
    ///
    /// When `name` is not a valid header name: a bug in the program, found at start.
    pub fn header(mut self, name: &str) -> Self {
        self.header = HeaderName::from_bytes(name.as_bytes())
            .unwrap_or_else(|_| panic!("{name:?} is not a valid header name"));
        self
    }

    /// The text before the MAC, such as `sha256=`.
    pub fn prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into();
        self
    }

    /// How the MAC is written.
    pub fn encoding(mut self, encoding: Encoding) -> Self {
        self.encoding = encoding;
        self
    }

    /// The header value a sender puts on `body`.
    pub fn sign(&self, body: &[u8]) -> String {
        let mac = hmac(self.digest, &self.key, &[body]);
        let encoded = match self.encoding {
            Encoding::Hex => hex::encode(mac),
            Encoding::Base64 => BASE64.encode(mac),
        };
        format!("{}{encoded}", self.prefix)
    }

    /// The header's name.
    pub fn header_name(&self) -> &HeaderName {
        &self.header
    }
}

impl Verify for HmacVerifier {
    fn verify(&self, request: &SignedRequest<'_>) -> Result<(), VerifyError> {
        let (headers, body) = (request.headers, request.body);
        let header = || self.header.as_str().to_owned();
        let value = headers
            .get(&self.header)
            .filter(|value| !value.is_empty())
            .ok_or_else(|| VerifyError::Missing { header: header() })?;
        let malformed = |reason: &str| VerifyError::Malformed {
            header: header(),
            reason: reason.to_owned(),
        };
        let value = value
            .to_str()
            .map_err(|_| malformed("it is not text"))?
            .trim();
        let encoded = value
            .strip_prefix(self.prefix.as_str())
            .ok_or_else(|| malformed(&format!("it does not start with {:?}", self.prefix)))?;
        let given = match self.encoding {
            Encoding::Hex => hex::decode(encoded).map_err(|_| malformed("it is not hexadecimal")),
            Encoding::Base64 => BASE64
                .decode(encoded)
                .map_err(|_| malformed("it is not base64")),
        }?;
        if same_mac(&hmac(self.digest, &self.key, &[body]), &given) {
            Ok(())
        } else {
            Err(VerifyError::Mismatch { header: header() })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "It's a Secret to Everybody";
    const GITHUB: &str = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

    fn headers(name: &str, value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(
            HeaderName::from_bytes(name.as_bytes()).unwrap(),
            value.parse().unwrap(),
        );
        headers
    }

    #[test]
    fn github_documented_vector() {
        let verifier = HmacVerifier::github(SECRET);
        assert_eq!(verifier.sign(b"Hello, World!"), GITHUB);
        assert_eq!(
            verifier.verify(&SignedRequest::of(
                &headers("X-Hub-Signature-256", GITHUB),
                b"Hello, World!"
            )),
            Ok(())
        );
        // Uppercase hex is the same MAC.
        assert_eq!(
            verifier.verify(&SignedRequest::of(
                &headers(
                    "x-hub-signature-256",
                    &GITHUB.replace("757107ea", "757107EA")
                ),
                b"Hello, World!"
            )),
            Ok(())
        );
    }

    #[test]
    fn each_refusal() {
        let verifier = HmacVerifier::github(SECRET);
        let check = |value: Option<&str>, body: &[u8]| {
            let headers = value.map_or_else(HeaderMap::new, |value| {
                headers("X-Hub-Signature-256", value)
            });
            verifier.verify(&SignedRequest::of(&headers, body))
        };
        let header = "x-hub-signature-256".to_owned();
        assert_eq!(
            check(None, b"Hello, World!"),
            Err(VerifyError::Missing {
                header: header.clone()
            })
        );
        assert!(matches!(
            check(Some("sha1=00"), b"x"),
            Err(VerifyError::Malformed { .. })
        ));
        assert!(matches!(
            check(Some("sha256=zz"), b"x"),
            Err(VerifyError::Malformed { .. })
        ));
        assert_eq!(
            check(Some(GITHUB), b"Hello, World?"),
            Err(VerifyError::Mismatch {
                header: header.clone()
            })
        );
        assert_eq!(
            check(Some("sha256=00"), b"Hello, World!"),
            Err(VerifyError::Mismatch { header })
        );
        let error = ApiError::from(check(None, b"").unwrap_err());
        assert_eq!(error.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(
            error.to_json(),
            r#"{"title":"Invalid signature","description":"The \"x-hub-signature-256\" header is missing."}"#
        );
    }

    #[test]
    fn sha1_and_base64() {
        let verifier = HmacVerifier::new("key", Digest::Sha1)
            .header("X-Sig")
            .encoding(Encoding::Base64);
        // HMAC-SHA1("key", "The quick brown fox jumps over the lazy dog") (RFC 2104 examples).
        let mac = hex::decode("de7c9b85b8b78aa6bc8a7a36f70a90701c9db4d9").unwrap();
        let body = b"The quick brown fox jumps over the lazy dog";
        assert_eq!(verifier.sign(body), BASE64.encode(&mac));
        assert_eq!(
            verifier.verify(&SignedRequest::of(
                &headers("X-Sig", &BASE64.encode(&mac)),
                body
            )),
            Ok(())
        );
        assert!(format!("{verifier:?}").contains("<redacted>"));
    }
}
