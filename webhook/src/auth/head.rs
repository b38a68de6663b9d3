//! What an authenticator sees of a request.

use bytes::Bytes;
use http::request::Parts;
use http::{Extensions, HeaderMap, Method, Uri};

/// The request as an authenticator sees it: method, URI, headers and, when it asks, the body.
///
/// The body is the decoded one (after `Content-Encoding`), already read within the body limit:
/// asking for it costs nothing more.
#[derive(Debug)]
pub struct RequestHead {
    parts: Parts,
    body: Bytes,
}

impl RequestHead {
    /// A head from its parts and (decoded) body.
    pub fn new(parts: Parts, body: Bytes) -> Self {
        Self { parts, body }
    }

    /// A head for `request`, handy to test an authenticator.
    ///
    /// ```
    /// use webhook::auth::RequestHead;
    ///
    /// let head = RequestHead::from_request(
    ///     http::Request::builder().header("authorization", "Bearer t").body("{}").unwrap(),
    /// );
    /// assert_eq!(head.headers()["authorization"], "Bearer t");
    /// assert_eq!(head.body().as_ref(), b"{}");
    /// ```
    pub fn from_request<B: Into<Bytes>>(request: http::Request<B>) -> Self {
        let (parts, body) = request.into_parts();
        Self::new(parts, body.into())
    }

    /// The request's method.
    pub fn method(&self) -> &Method {
        &self.parts.method
    }

    /// The request's URI.
    pub fn uri(&self) -> &Uri {
        &self.parts.uri
    }

    /// The request's headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.parts.headers
    }

    /// What earlier layers stored (an identity from the webhook's authenticator, for a route's).
    pub fn extensions(&self) -> &Extensions {
        &self.parts.extensions
    }

    /// The body, decoded.
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// The parts and the body back.
    pub(crate) fn into_parts(self) -> (Parts, Bytes) {
        (self.parts, self.body)
    }
}
