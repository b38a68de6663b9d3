//! The request as handlers and filters see it: head, raw body and parsed JSON, read once.
//!
//! Ingestion builds one [`Request`] for every kind of route. Filters read it by reference; when
//! a handler is called, its head becomes the axum request the extractors see, and its
//! [`Payload`] (the body and its JSON) travels in that request's extensions, as the models'
//! [`Ingested`] extension, where the framework's extractors ([`RawBody`](crate::RawBody),
//! [`HttpEvent`](crate::http::HttpEvent)...) and the models' ([`StepReached`](crate::StepReached),
//! [`WebhookRequest`](crate::models::WebhookRequest), in `clustaar_schemas::axum`) find it.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use bytes::Bytes;
use http::request::Parts;
use http::{Extensions, HeaderMap, Method, Uri};
use serde_json::Value;

use crate::models::axum::{Ingested, IngestedBody};
use crate::models::StepReached;

use crate::filter::STEP_ID_PATH;
use crate::pipeline::envelope::Envelope;

/// A request received by the webhook: the HTTP head, the body (read within the limits and
/// decoded) and its JSON, parsed at most once. Ingestion builds it once for every kind of route.
///
/// Authenticators read it (as [`RequestHead`](crate::auth::RequestHead), its other name),
/// filters are functions of it (`Fn(&Request) -> bool`), and handler arguments are extracted
/// from it. The webhook routes a notification by its topic and step id with a scan of the bytes
/// that builds no JSON tree; the tree is built the first time something asks for
/// [`Request::json`].
#[derive(Debug, Clone)]
pub struct Request {
    head: Parts,
    payload: Arc<Payload>,
}

/// The body of a [`Request`] and what is known of its JSON: the envelope scan's findings, the
/// tree once built. Shared by the request and the extractors of its handler.
#[derive(Debug)]
pub(crate) struct Payload {
    body: Bytes,
    /// The envelope scan's findings, scanned when first asked for (`None`: the scan could not
    /// read the body, or the tree was built first: read the tree).
    envelope: OnceLock<Option<Envelope>>,
    json: OnceLock<Value>,
    /// The notification's `data`, loaded with its envelope
    /// ([`Request::load_step_reached`]), until the handler's `StepReached` takes it.
    step_reached: Mutex<Option<StepReached>>,
    /// Whether a `StepReached` extractor asked for the loaded `data`.
    step_reached_asked: AtomicBool,
}

impl Payload {
    /// The body, byte for byte as received (decoded).
    pub(crate) fn body(&self) -> &Bytes {
        &self.body
    }

    /// The body's JSON tree, built on the first call (`null` when it is not JSON).
    pub(crate) fn json(&self) -> &Value {
        self.json.get_or_init(|| json_or_null(&self.body))
    }

    /// The topic and step id, scanned from the bytes on the first call, unless the tree was
    /// built first.
    fn envelope(&self) -> Option<&Envelope> {
        self.envelope
            .get_or_init(|| {
                if self.json.get().is_some() {
                    None
                } else {
                    crate::pipeline::envelope::scan(&self.body)
                }
            })
            .as_ref()
    }

    /// The JSON tree, if something built it already.
    pub(crate) fn json_if_parsed(&self) -> Option<&Value> {
        self.json.get()
    }

    /// The `data` loaded with the envelope, taken (once).
    fn take_step_reached(&self) -> Option<StepReached> {
        self.step_reached_asked.store(true, Ordering::Relaxed);
        self.step_reached
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
    }

    /// What a handler did with the `data` loaded with the envelope: [`StepReachedUse`].
    pub(crate) fn step_reached_use(&self) -> StepReachedUse {
        let left = self
            .step_reached
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .is_some();
        match (left, self.step_reached_asked.load(Ordering::Relaxed)) {
            (true, _) => StepReachedUse::LoadedNotTaken,
            (false, true) => StepReachedUse::Asked,
            (false, false) => StepReachedUse::NotAsked,
        }
    }

    fn new(body: Bytes, envelope: OnceLock<Option<Envelope>>, json: OnceLock<Value>) -> Self {
        Self {
            body,
            envelope,
            json,
            step_reached: Mutex::new(None),
            step_reached_asked: AtomicBool::new(false),
        }
    }
}

/// What a handler did with a notification's `data`, as the request knows it once answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StepReachedUse {
    /// It was loaded with the envelope and nothing took it: the load was not needed.
    LoadedNotTaken,
    /// A `StepReached` extractor asked for it (and took it, when it was loaded).
    Asked,
    /// Nothing loaded it and nothing asked.
    NotAsked,
}

/// What the models' extractors read (`clustaar_schemas::axum`): the same body and the same tree.
impl IngestedBody for Payload {
    fn bytes(&self) -> &[u8] {
        &self.body
    }

    fn json(&self) -> &Value {
        Payload::json(self)
    }

    fn json_if_parsed(&self) -> Option<&Value> {
        Payload::json_if_parsed(self)
    }

    fn take_step_reached(&self) -> Option<StepReached> {
        Payload::take_step_reached(self)
    }
}

impl Request {
    /// Assembles a request from its parts. `json` must be the parsed `body`.
    pub fn from_parts(head: Parts, body: Bytes, json: Value) -> Self {
        Self {
            head,
            payload: Arc::new(Payload::new(
                body,
                OnceLock::from(None),
                OnceLock::from(json),
            )),
        }
    }

    /// A request of a head and its (decoded) body, whose JSON is read when first asked for
    /// (the body as JSON, or `null` when it is not JSON).
    pub fn new(head: Parts, body: Bytes) -> Self {
        Self {
            head,
            payload: Arc::new(Payload::new(body, OnceLock::new(), OnceLock::new())),
        }
    }

    /// The request of an `http::Request`, handy to test an authenticator or a filter.
    ///
    /// ```
    /// use clustaar_webhook::auth::RequestHead;
    ///
    /// let head = RequestHead::from_request(
    ///     http::Request::builder().header("authorization", "Bearer t").body("{}").unwrap(),
    /// );
    /// assert_eq!(head.headers()["authorization"], "Bearer t");
    /// assert_eq!(head.body().as_ref(), b"{}");
    /// ```
    pub fn from_request<B: Into<Bytes>>(request: http::Request<B>) -> Self {
        let (head, body) = request.into_parts();
        Self::new(head, body.into())
    }

    /// Gives the request its parsed JSON tree (the full parse of a notification the envelope
    /// scan could not read). `json` must be the parsed body.
    pub(crate) fn set_json(&self, json: Value) {
        let _ = self.payload.json.set(json);
    }

    /// Loads the notification as a `conversation.step_reached` one in one pass, its envelope
    /// and its `data`, kept for the handler's `StepReached` extractor: what the envelope scan
    /// and then the extractor would each parse. Whether it loaded; when it did not (another
    /// topic, a body the load refuses, the envelope already read), nothing changed.
    pub(crate) fn load_step_reached(&self) -> bool {
        let payload = &*self.payload;
        if payload.envelope.get().is_some() || payload.json.get().is_some() {
            return false;
        }
        let Some((envelope, data)) = crate::pipeline::envelope::load_step_reached(&payload.body)
        else {
            return false;
        };
        *payload
            .step_reached
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Some(data);
        payload.envelope.set(Some(envelope)).is_ok()
    }

    /// The payload, shared: to see what the handler did with it once it answered.
    pub(crate) fn shared_payload(&self) -> Arc<Payload> {
        Arc::clone(&self.payload)
    }

    /// Whether the envelope scan read the topic and the step id.
    pub(crate) fn is_scanned(&self) -> bool {
        self.payload.envelope().is_some()
    }

    /// The head, to add what a stage learned (an authenticator's identity) to its extensions.
    pub(crate) fn head_mut(&mut self) -> &mut Parts {
        &mut self.head
    }

    /// A request for `json` with an empty head, handy to test filters.
    ///
    /// ```
    /// use clustaar_webhook::Request;
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
        match self.payload.envelope() {
            Some(envelope) => Some(&*envelope.topic),
            None => self.json().get("topic").and_then(Value::as_str),
        }
    }

    /// The id of the step reached (`data.step.id`), if it is a string.
    ///
    /// ```
    /// use clustaar_webhook::Request;
    /// let request = Request::from_json(serde_json::json!({"data": {"step": {"id": "507f"}}}));
    /// assert_eq!(request.step_id(), Some("507f"));
    /// ```
    pub fn step_id(&self) -> Option<&str> {
        match self.payload.envelope() {
            Some(envelope) => envelope.step_id.as_deref(),
            None => STEP_ID_PATH.find(self.json()).and_then(Value::as_str),
        }
    }

    /// The parsed body, built on the first call: `null` when the body is empty or not JSON
    /// (which a notification never is: the webhook refuses it before routing).
    pub fn json(&self) -> &Value {
        self.payload.json()
    }

    /// The body and what is known of its JSON.
    pub(crate) fn payload(&self) -> &Payload {
        &self.payload
    }

    /// The body, byte for byte as received.
    pub fn body(&self) -> &Bytes {
        &self.payload.body
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

    /// The head and the payload, apart (an authenticator reads the head by value).
    pub(crate) fn into_head(self) -> (Parts, Arc<Payload>) {
        (self.head, self.payload)
    }

    /// Puts back together what [`Request::into_head`] took apart.
    pub(crate) fn from_head(head: Parts, payload: Arc<Payload>) -> Self {
        Self { head, payload }
    }

    /// The head, with the payload in its extensions (where the extractors of the handler find
    /// it), and the body for the handler's last extractor.
    pub(crate) fn into_handler_parts(self) -> (Parts, Bytes) {
        let Self { mut head, payload } = self;
        let body = payload.body.clone();
        head.extensions.insert(Ingested::new(payload));
        (head, body)
    }

    /// The request a handler's extractors see in `parts`, when the framework called the handler.
    pub(crate) fn from_handler_parts(parts: &Parts) -> Option<Self> {
        Some(Self {
            head: parts.clone(),
            payload: payload_of(parts)?,
        })
    }
}

/// The payload of the request a handler was called with, from its extractors' `parts`.
pub(crate) fn payload_of(parts: &Parts) -> Option<Arc<Payload>> {
    Ingested::of(parts)?.downcast::<Payload>()
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

#[cfg(test)]
mod tests {
    use super::*;

    fn request(body: &'static [u8]) -> Request {
        let (head, ()) = http::Request::new(()).into_parts();
        Request::new(head, Bytes::from_static(body))
    }

    const STEP: &[u8] =
        br#"{"topic": "conversation.step_reached", "data": {"step": {"id": "507f"}}}"#;

    #[test]
    fn the_loaded_data_is_taken_once_and_its_use_told() {
        let loaded = request(STEP);
        assert!(loaded.load_step_reached());
        assert_eq!(
            (loaded.topic(), loaded.step_id()),
            (Some("conversation.step_reached"), Some("507f"))
        );
        assert!(!loaded.load_step_reached(), "loaded once");
        let payload = loaded.shared_payload();
        assert_eq!(payload.step_reached_use(), StepReachedUse::LoadedNotTaken);
        let data = IngestedBody::take_step_reached(&*payload).unwrap();
        assert_eq!(data.step_id(), Some("507f"));
        assert!(IngestedBody::take_step_reached(&*payload).is_none());
        assert_eq!(payload.step_reached_use(), StepReachedUse::Asked);

        let scanned = request(STEP);
        assert_eq!(scanned.step_id(), Some("507f"));
        assert!(
            !scanned.load_step_reached(),
            "the scan read the envelope first"
        );
        let payload = scanned.shared_payload();
        assert_eq!(payload.step_reached_use(), StepReachedUse::NotAsked);
        assert!(IngestedBody::take_step_reached(&*payload).is_none());
        assert_eq!(payload.step_reached_use(), StepReachedUse::Asked);
    }
}
