//! The request as handlers and filters see it: head, raw body and parsed JSON, read once.

use bytes::Bytes;
use http::request::Parts;
use http::{Extensions, HeaderMap, Method, Uri};
use serde_json::Value;

/// A notification received by the webhook: the HTTP head, the raw body and its JSON, parsed once.
///
/// Filters are functions of it (`Fn(&Request) -> bool`), and handler arguments are extracted
/// from it.
#[derive(Debug)]
pub struct Request {
    head: Parts,
    body: Bytes,
    json: Value,
}

impl Request {
    /// Assembles a request from its parts. `json` must be the parsed `body`.
    pub fn from_parts(head: Parts, body: Bytes, json: Value) -> Self {
        Self { head, body, json }
    }

    /// A request for `json` with an empty head, handy to test filters.
    ///
    /// ```
    /// use webhook::Request;
    /// let request = Request::from_json(serde_json::json!({"topic": "t"}));
    /// assert_eq!(request.topic(), Some("t"));
    /// ```
    pub fn from_json(json: Value) -> Self {
        let body = Bytes::from(serde_json::to_vec(&json).unwrap_or_default());
        let (head, ()) = http::Request::new(()).into_parts();
        Self { head, body, json }
    }

    /// The notification's `topic`, if it is a string.
    pub fn topic(&self) -> Option<&str> {
        self.json.get("topic").and_then(Value::as_str)
    }

    /// The parsed body.
    pub fn json(&self) -> &Value {
        &self.json
    }

    /// The body, byte for byte as received.
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// The request's headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.head.headers
    }

    /// The request's method.
    pub fn method(&self) -> &Method {
        &self.head.method
    }

    /// The request's URI.
    pub fn uri(&self) -> &Uri {
        &self.head.uri
    }

    /// The request's extensions (where layers leave what they learned, such as an identity).
    pub fn extensions(&self) -> &Extensions {
        &self.head.extensions
    }

    /// The HTTP head.
    pub fn head(&self) -> &Parts {
        &self.head
    }

    /// The head, the body and the JSON back.
    pub(crate) fn into_parts(self) -> (Parts, Bytes, Value) {
        (self.head, self.body, self.json)
    }
}
