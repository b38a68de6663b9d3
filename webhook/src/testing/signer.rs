//! Produces the headers the platform sends: `Date`, `X-Hub-Signature`, `Authorization`.

use std::time::SystemTime;

use http::{header, HeaderMap, HeaderValue};

use crate::security::{BasicAuth, SignatureVerifier, SIGNATURE_HEADER};

/// Formats `time` as an HTTP-date (`Thu, 13 Sep 2018 11:48:13 GMT`).
pub fn http_date(time: SystemTime) -> String {
    httpdate::fmt_http_date(time)
}

/// Signs requests as the platform does, from a private key and basic-auth credentials.
///
/// ```
/// use clustaar_webhook::testing::Signer;
///
/// let signer = Signer::new().private_key("test").basic_auth("user", "pass");
/// let headers = signer.headers(b"{}", Some("Thu, 13 Sep 2018 11:48:13 GMT"));
/// assert_eq!(headers["x-hub-signature"], "sha1=2840a143967e04e74f7c0ad001277e1aa4dbba21");
/// assert_eq!(headers["authorization"], "Basic dXNlcjpwYXNz");
/// assert_eq!(headers["date"], "Thu, 13 Sep 2018 11:48:13 GMT");
/// ```
#[derive(Debug, Clone, Default)]
pub struct Signer {
    signature: Option<SignatureVerifier>,
    basic_auth: Option<BasicAuth>,
}

impl Signer {
    /// A signer that adds nothing.
    pub fn new() -> Self {
        Self::default()
    }

    /// Signs bodies with `private_key`.
    pub fn private_key(mut self, private_key: impl AsRef<[u8]>) -> Self {
        self.signature = Some(SignatureVerifier::new(private_key));
        self
    }

    /// Sends these basic-auth credentials.
    pub fn basic_auth(mut self, username: impl Into<String>, password: impl Into<String>) -> Self {
        self.basic_auth = Some(BasicAuth::new(username, password));
        self
    }

    /// The `X-Hub-Signature` of `body` sent with the `Date` value `date`, when a key is set.
    pub fn signature(&self, body: &[u8], date: Option<&str>) -> Option<String> {
        self.signature
            .as_ref()
            .map(|verifier| verifier.sign(date, body))
    }

    /// The headers for `body` sent with the `Date` value `date` (`None`: no `Date` header).
    pub fn headers(&self, body: &[u8], date: Option<&str>) -> HeaderMap {
        let mut headers = HeaderMap::new();
        if let Some(date) = date.and_then(|date| HeaderValue::from_str(date).ok()) {
            headers.insert(header::DATE, date);
        }
        if let Some(signature) = self
            .signature(body, date)
            .and_then(|value| HeaderValue::from_str(&value).ok())
        {
            headers.insert(SIGNATURE_HEADER, signature);
        }
        if let Some(authorization) = self
            .basic_auth
            .as_ref()
            .and_then(|auth| HeaderValue::from_str(&auth.header_value()).ok())
        {
            headers.insert(header::AUTHORIZATION, authorization);
        }
        headers
    }
}
