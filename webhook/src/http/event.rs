//! [`HttpEvent`]: what a generic HTTP webhook receives, typed, with the serde form that CEL
//! filters and logs see.
//!
//! The shape is AutoKitteh's webhook event data:
//!
//! ```text
//! method        "POST"
//! url.path      "/webhooks/slug"            percent-decoded
//! url.query     {"key1": ["value1"]}        decoded; a key given twice keeps every value
//! url.raw_query "key1=value1"
//! url.fragment, url.raw_fragment            "" (clients do not send fragments)
//! raw_url       "/webhooks/slug?key1=value1"
//! headers       {"content-type": "application/json"}   case-insensitive; repeats joined by ", "
//! body.bytes    the raw body, or none when there is no body
//! body.form     like `query`, when the body is URL-encoded, else none
//! body.json     the body when it is a JSON object, else none
//! ```

use std::fmt;

use bytes::Bytes;
use http::{header, HeaderMap, Method};
use percent_encoding::percent_decode_str;
use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::error::ApiError;
use crate::request::Payload;
use crate::Request;
use axum::extract::FromRequestParts;
use http::request::Parts;

/// The media type of URL-encoded forms.
pub const FORM_CONTENT_TYPE: &str = "application/x-www-form-urlencoded";

/// An HTTP request received by a generic webhook route, as its handler and its CEL filter see
/// it. A handler takes it as an argument (`event: HttpEvent`, or `Arc<HttpEvent>` to share it),
/// built from the request when the handler is called; CEL filters read the request directly.
///
/// Its [`Serialize`] form is the `data` of CEL filters:
///
/// ```
/// use clustaar_webhook::http::HttpEvent;
///
/// let event = HttpEvent::from_http(
///     http::Request::post("/hooks/a?x=1&x=2")
///         .header("Content-Type", "application/json")
///         .body(bytes::Bytes::from_static(br#"{"ok": true}"#))
///         .unwrap(),
/// );
/// assert_eq!(event.event_type(), "post");
/// assert_eq!(event.url.query.get_all("x").collect::<Vec<_>>(), ["1", "2"]);
/// assert_eq!(event.body.json.as_ref().unwrap()["ok"], true);
/// let data = serde_json::to_value(&event).unwrap();
/// assert_eq!(data["headers"]["content-type"], "application/json");
/// assert_eq!(data["url"]["query"]["x"], serde_json::json!(["1", "2"]));
/// ```
#[derive(Debug, Clone, Serialize)]
pub struct HttpEvent {
    /// The method, e.g. `POST`.
    #[serde(serialize_with = "serialize_method")]
    pub method: Method,
    /// The parts of the URL.
    pub url: Url,
    /// The request target as received: path and query, e.g. `/webhooks/slug?key1=value1`.
    pub raw_url: String,
    /// The headers: lookups ignore case, repeated headers keep every value
    /// ([`HeaderMap::get_all`]). Serialised (and seen by CEL) as lowercase names mapped to
    /// their value, repeated values joined by `", "` as RFC 9110 combines them.
    #[serde(serialize_with = "serialize_headers")]
    pub headers: HeaderMap,
    /// The body, raw and parsed.
    pub body: HttpBody,
}

/// The URL of an [`HttpEvent`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Url {
    /// The path, percent-decoded: `/hooks/a b` for `/hooks/a%20b`.
    pub path: String,
    /// The decoded query parameters.
    pub query: Query,
    /// The query as received, without the `?`.
    pub raw_query: String,
    /// The decoded fragment. Always empty in practice: HTTP clients do not send fragments and
    /// the `http` crate drops one a client sends.
    pub fragment: String,
    /// The fragment as received (see [`fragment`](Url::fragment)).
    pub raw_fragment: String,
}

/// The body of an [`HttpEvent`].
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct HttpBody {
    /// The raw body; `None` when the request has no body. Serialised as bytes (CEL `bytes`;
    /// an array of numbers with `serde_json`).
    #[serde(serialize_with = "serialize_bytes")]
    pub bytes: Option<Bytes>,
    /// The decoded form, when the `Content-Type` is `application/x-www-form-urlencoded`.
    pub form: Option<Query>,
    /// The body, when it is a JSON object (whatever the `Content-Type`).
    pub json: Option<Map<String, Value>>,
}

/// Decoded `key=value` pairs of a query string or a URL-encoded form, in order; a key given
/// twice keeps both values. Serialised as a map from each key to the list of its values.
///
/// ```
/// use clustaar_webhook::http::Query;
///
/// let query = Query::parse("tag=a&tag=b&name=J%C3%BCrgen+X");
/// assert_eq!(query.get("name"), Some("Jürgen X"));
/// assert_eq!(query.get_all("tag").collect::<Vec<_>>(), ["a", "b"]);
/// assert_eq!(query.len(), 3);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query(Vec<(String, String)>);

impl Query {
    /// Decodes a query string or a URL-encoded form (`+` is a space).
    pub fn parse(raw: &str) -> Self {
        Self(
            form_urlencoded::parse(raw.as_bytes())
                .map(|(key, value)| (key.into_owned(), value.into_owned()))
                .collect(),
        )
    }

    /// The first value of `key`.
    pub fn get<'a>(&'a self, key: &'a str) -> Option<&'a str> {
        self.get_all(key).next()
    }

    /// Every value of `key`, in order.
    pub fn get_all<'a>(&'a self, key: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.0
            .iter()
            .filter(move |(name, _)| name == key)
            .map(|(_, value)| value.as_str())
    }

    /// Every pair, in order.
    pub fn pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0
            .iter()
            .map(|(key, value)| (key.as_str(), value.as_str()))
    }

    /// The number of pairs.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there is no pair.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The distinct keys, in order of first appearance.
    pub fn keys(&self) -> Vec<&str> {
        let mut keys: Vec<&str> = Vec::new();
        for (key, _) in &self.0 {
            if !keys.contains(&key.as_str()) {
                keys.push(key);
            }
        }
        keys
    }
}

impl FromIterator<(String, String)> for Query {
    fn from_iter<I: IntoIterator<Item = (String, String)>>(pairs: I) -> Self {
        Self(pairs.into_iter().collect())
    }
}

impl Serialize for Query {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let keys = self.keys();
        let mut map = serializer.serialize_map(Some(keys.len()))?;
        for key in keys {
            map.serialize_entry(key, &self.get_all(key).collect::<Vec<_>>())?;
        }
        map.end()
    }
}

fn serialize_method<S: Serializer>(method: &Method, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(method.as_str())
}

fn serialize_bytes<S: Serializer>(bytes: &Option<Bytes>, serializer: S) -> Result<S::Ok, S::Error> {
    match bytes {
        Some(bytes) => serializer.serialize_bytes(bytes),
        None => serializer.serialize_none(),
    }
}

fn serialize_headers<S: Serializer>(headers: &HeaderMap, serializer: S) -> Result<S::Ok, S::Error> {
    let mut map = serializer.serialize_map(Some(headers.keys_len()))?;
    for name in headers.keys() {
        map.serialize_entry(name.as_str(), &header_value(headers, name.as_str()))?;
    }
    map.end()
}

/// The value of header `name` (any case) as CEL and the serde form see it: the value, or the
/// values of a repeated header joined by `", "`; bytes that are not UTF-8 are replaced.
pub(crate) fn header_value(headers: &HeaderMap, name: &str) -> Option<String> {
    let mut values = headers.get_all(name).iter();
    let first = values.next()?;
    let mut joined = String::from_utf8_lossy(first.as_bytes()).into_owned();
    for value in values {
        joined.push_str(", ");
        joined.push_str(&String::from_utf8_lossy(value.as_bytes()));
    }
    Some(joined)
}

/// Whether the `Content-Type` says the body is a URL-encoded form (parameters ignored).
pub(crate) fn is_form(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .is_some_and(|essence| essence.trim().eq_ignore_ascii_case(FORM_CONTENT_TYPE))
}

/// Percent-decodes a path (invalid UTF-8 replaced).
pub(crate) fn decode(raw: &str) -> std::borrow::Cow<'_, str> {
    percent_decode_str(raw).decode_utf8_lossy()
}

/// The request target as received: path and query.
pub(crate) fn raw_url(uri: &http::Uri) -> &str {
    uri.path_and_query().map_or("/", |target| target.as_str())
}

impl HttpEvent {
    /// The event type: the method in lower case (`get`, `post`, ...).
    pub fn event_type(&self) -> String {
        self.method.as_str().to_ascii_lowercase()
    }

    /// The event of a request received by the webhook.
    pub fn from_request(request: &Request) -> Self {
        Self::from_head(request.head(), request.payload())
    }

    /// The event of a head and its payload (a handler's extractor reads them apart).
    fn from_head(head: &Parts, payload: &Payload) -> Self {
        let uri = &head.uri;
        let raw_query = uri.query().unwrap_or_default();
        let body = payload.body();
        Self {
            method: head.method.clone(),
            url: Url {
                path: decode(uri.path()).into_owned(),
                query: Query::parse(raw_query),
                raw_query: raw_query.to_owned(),
                fragment: String::new(),
                raw_fragment: String::new(),
            },
            raw_url: raw_url(uri).to_owned(),
            headers: head.headers.clone(),
            body: HttpBody {
                bytes: (!body.is_empty()).then(|| body.clone()),
                form: is_form(&head.headers).then(|| Query::parse(&String::from_utf8_lossy(body))),
                // Parsed from the bytes unless a filter built the request's JSON tree already
                // (then copied from it).
                json: match payload.json_if_parsed() {
                    Some(json) => json.as_object().cloned(),
                    None => serde_json::from_slice(body).ok(),
                },
            },
        }
    }

    /// The event of an `http::Request`, handy in tests.
    pub fn from_http(request: http::Request<Bytes>) -> Self {
        Self::from_request(&request_from_http(request))
    }
}

/// A [`Request`] for an HTTP webhook: the body is parsed as JSON (`null` when it is not JSON)
/// when first asked for.
pub(crate) fn request_from_http(request: http::Request<Bytes>) -> Request {
    let (head, body) = request.into_parts();
    Request::new(head, body)
}

impl fmt::Display for HttpEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.method, self.raw_url)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for HttpEvent {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        // The head as it is, without a copy: only the event's own fields are cloned.
        let payload = crate::extract::payload(parts, "HttpEvent")?;
        Ok(HttpEvent::from_head(parts, &payload))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn event(request: http::request::Builder, body: &'static [u8]) -> HttpEvent {
        HttpEvent::from_http(request.body(Bytes::from_static(body)).unwrap())
    }

    #[test]
    fn every_field() {
        let event = event(
            http::Request::post("/webhooks/a%20b?key1=value1&key2=value%202&key1=again")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("X-Many", "1")
                .header("x-many", "2"),
            b"a=1&b=x+y",
        );
        assert_eq!(event.event_type(), "post");
        assert_eq!(event.url.path, "/webhooks/a b");
        assert_eq!(event.url.raw_query, "key1=value1&key2=value%202&key1=again");
        assert_eq!(event.url.query.get("key2"), Some("value 2"));
        assert_eq!(
            event.url.query.get_all("key1").collect::<Vec<_>>(),
            ["value1", "again"]
        );
        assert_eq!(
            event.raw_url,
            "/webhooks/a%20b?key1=value1&key2=value%202&key1=again"
        );
        assert_eq!(event.headers.get_all("X-MANY").iter().count(), 2);
        let form = event.body.form.as_ref().unwrap();
        assert_eq!(form.get("b"), Some("x y"));
        assert_eq!(event.body.json, None);
        assert_eq!(event.body.bytes.as_deref(), Some(&b"a=1&b=x+y"[..]));
        let data = serde_json::to_value(&event).unwrap();
        assert_eq!(data["method"], "POST");
        assert_eq!(data["headers"]["x-many"], "1, 2");
        assert_eq!(data["url"]["query"]["key1"], json!(["value1", "again"]));
        assert_eq!(data["url"]["fragment"], "");
        assert_eq!(data["body"]["form"]["a"], json!(["1"]));
        assert_eq!(data["body"]["json"], Value::Null);
    }

    #[test]
    fn json_only_for_objects_and_nothing_for_an_empty_body() {
        let object = event(http::Request::put("/"), br#" {"a": [1]}"#);
        assert_eq!(object.body.json.unwrap()["a"], json!([1]));
        assert_eq!(object.body.form, None);
        let array = event(http::Request::put("/"), b"[1, 2]");
        assert_eq!(array.body.json, None);
        assert!(array.body.bytes.is_some());
        let empty = event(http::Request::get("/"), b"");
        assert_eq!(empty.body, HttpBody::default());
        assert_eq!(empty.raw_url, "/");
        assert_eq!(empty.event_type(), "get");
        assert_eq!(
            serde_json::to_value(&empty).unwrap()["body"],
            json!({"bytes": null, "form": null, "json": null})
        );
    }

    #[test]
    fn form_content_type_ignores_case_and_parameters() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::CONTENT_TYPE,
            "Application/X-WWW-Form-Urlencoded; charset=utf-8"
                .parse()
                .unwrap(),
        );
        assert!(is_form(&headers));
        headers.insert(header::CONTENT_TYPE, "text/plain".parse().unwrap());
        assert!(!is_form(&headers));
    }
}
