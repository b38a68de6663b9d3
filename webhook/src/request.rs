//! The request as handlers and filters see it: head, raw body and parsed JSON, read once.

use std::sync::OnceLock;

use bytes::Bytes;
use http::request::Parts;
use http::{Extensions, HeaderMap, Method, Uri};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::filter::STEP_ID_PATH;
use crate::pipeline::envelope::Envelope;

/// A notification received by the webhook: the HTTP head, the raw body and its JSON, parsed at
/// most once.
///
/// Filters are functions of it (`Fn(&Request) -> bool`), and handler arguments are extracted
/// from it. The webhook routes a notification by its topic and step id without building its JSON
/// tree; the tree is built the first time something asks for [`Request::json`].
#[derive(Debug)]
pub struct Request {
    head: Parts,
    body: Bytes,
    parsed: Parsed,
}

/// What is known of the body's JSON: the envelope scan's findings, the tree once built.
#[derive(Debug)]
pub(crate) struct Parsed {
    envelope: Option<Envelope>,
    json: OnceLock<Value>,
}

impl Request {
    /// Assembles a request from its parts. `json` must be the parsed `body`.
    pub fn from_parts(head: Parts, body: Bytes, json: Value) -> Self {
        Self {
            head,
            body,
            parsed: Parsed {
                envelope: None,
                json: OnceLock::from(json),
            },
        }
    }

    /// A request whose JSON tree is built when first asked for (the body as JSON, or `null`
    /// when it is not JSON), with what the envelope scan (`crate::pipeline::envelope`) found
    /// when the body was scanned.
    pub(crate) fn unparsed(head: Parts, body: Bytes, envelope: Option<Envelope>) -> Self {
        Self {
            head,
            body,
            parsed: Parsed {
                envelope,
                json: OnceLock::new(),
            },
        }
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
        Self::from_parts(head, body, json)
    }

    /// The notification's `topic`, if it is a string.
    pub fn topic(&self) -> Option<&str> {
        match &self.parsed.envelope {
            Some(envelope) => Some(&envelope.topic),
            None => self.json().get("topic").and_then(Value::as_str),
        }
    }

    /// The id of the step reached (`data.step.id`), if it is a string.
    ///
    /// ```
    /// use webhook::Request;
    /// let request = Request::from_json(serde_json::json!({"data": {"step": {"id": "507f"}}}));
    /// assert_eq!(request.step_id(), Some("507f"));
    /// ```
    pub fn step_id(&self) -> Option<&str> {
        match &self.parsed.envelope {
            Some(envelope) => envelope.step_id.as_deref(),
            None => STEP_ID_PATH.find(self.json()).and_then(Value::as_str),
        }
    }

    /// The parsed body, built on the first call: `null` when the body is empty or not JSON
    /// (which a notification never is: the webhook refuses it before routing).
    pub fn json(&self) -> &Value {
        self.parsed.json.get_or_init(|| json_or_null(&self.body))
    }

    /// The JSON tree, if something built it already.
    pub(crate) fn json_if_parsed(&self) -> Option<&Value> {
        self.parsed.json.get()
    }

    /// The body deserialised as a `T` straight from its bytes, when no JSON tree was built
    /// (reading the tree is then cheaper) and the bytes are a `T`; `None` otherwise, and the
    /// caller reads the tree, whose errors name their paths.
    pub(crate) fn deserialize_body<T: DeserializeOwned>(&self) -> Option<T> {
        if self.json_if_parsed().is_some() {
            return None;
        }
        serde_json::from_slice(&self.body).ok()
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

    /// The head, the body and what is known of its JSON, back.
    pub(crate) fn into_parts(self) -> (Parts, Bytes, Parsed) {
        (self.head, self.body, self.parsed)
    }

    /// Reassembles what [`Request::into_parts`] took apart.
    pub(crate) fn from_parsed(head: Parts, body: Bytes, parsed: Parsed) -> Self {
        Self { head, body, parsed }
    }
}

/// `body` as JSON, or `null` when it is empty or not JSON.
fn json_or_null(body: &[u8]) -> Value {
    let starts_like_json = body
        .iter()
        .find(|byte| !byte.is_ascii_whitespace())
        .is_some_and(|byte| {
            matches!(
                byte,
                b'{' | b'[' | b'"' | b't' | b'f' | b'n' | b'-' | b'0'..=b'9'
            )
        });
    if starts_like_json {
        serde_json::from_slice(body).unwrap_or(Value::Null)
    } else {
        Value::Null
    }
}
