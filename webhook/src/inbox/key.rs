//! [`IdempotencyKey`]: what makes two requests to a durable route the same event.

use http::HeaderName;
use serde_json::Value;

use crate::filter::JsonPath;
use crate::Request;

/// Where a durable route reads the key that identifies an event: a second request with a key
/// already stored for the route is answered `200` and not processed again.
///
/// ```
/// use clustaar_webhook::inbox::IdempotencyKey;
/// use clustaar_webhook::Request;
///
/// let key = IdempotencyKey::header("Webhook-Id");
/// let request = Request::from_request(
///     http::Request::builder().header("webhook-id", "msg_1").body("{}").unwrap(),
/// );
/// assert_eq!(key.read(&request).as_deref(), Some("msg_1"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum IdempotencyKey {
    /// The value of a header (`Webhook-Id`, `X-GitHub-Delivery`...). A request without it, or
    /// whose value is not text, has no key: it is stored, never deduplicated.
    Header(HeaderName),
    /// A string or a number at a path of the JSON body (`id`, `data.event.id`: Stripe's event
    /// id). A body without it has no key.
    Json(JsonPath),
    /// The value of a CEL expression over the request's `data`, as a route's CEL filter reads
    /// it (the `cel` feature): a key made of several fields
    /// (`data.headers["X-Shopify-Shop-Domain"] + ":" + data.body.json.id`), or found where a
    /// path cannot say. A string (not empty) or an integer is the key; any other value, or an
    /// expression that fails on the request (a missing field), is no key.
    #[cfg(feature = "cel")]
    #[cfg_attr(docsrs, doc(cfg(feature = "cel")))]
    Cel(crate::http::CelFilter),
}

impl IdempotencyKey {
    /// The key is the value of the header `name`.
    ///
    /// # Panics
    ///
    /// When `name` is not a valid header name: a bug in the program, found at start.
    pub fn header(name: &str) -> Self {
        match HeaderName::from_bytes(name.as_bytes()) {
            Ok(name) => Self::Header(name),
            Err(_) => panic!("invalid idempotency key header name {name:?}"),
        }
    }

    /// The key is the string or number at `path` of the JSON body (dotted fields and `[n]`
    /// indexes, as the filters' paths).
    ///
    /// # Panics
    ///
    /// When `path` is not a JSON path: a bug in the program, found at start.
    ///
    /// ```
    /// use clustaar_webhook::inbox::IdempotencyKey;
    /// use clustaar_webhook::Request;
    ///
    /// let key = IdempotencyKey::json("data.object.id");
    /// let request = Request::from_json(serde_json::json!({"data": {"object": {"id": "evt_1"}}}));
    /// assert_eq!(key.read(&request).as_deref(), Some("evt_1"));
    /// ```
    pub fn json(path: &str) -> Self {
        match JsonPath::parse(path) {
            Ok(path) => Self::Json(path),
            Err(error) => panic!("invalid idempotency key: {error}"),
        }
    }

    /// The key is the value of the CEL expression `source` over the request's `data` (the
    /// `cel` feature; `#[on]` checks the expression at compile time).
    ///
    /// # Panics
    ///
    /// When `source` is not a valid expression over `data`: a bug in the program, found at
    /// start.
    ///
    /// ```
    /// use clustaar_webhook::inbox::IdempotencyKey;
    /// use clustaar_webhook::Request;
    ///
    /// let key = IdempotencyKey::cel(r#"data.headers["X-Shop"] + ":" + string(data.body.json.id)"#);
    /// let request = Request::from_request(
    ///     http::Request::builder()
    ///         .header("x-shop", "acme")
    ///         .header("content-type", "application/json")
    ///         .body(r#"{"id": 42}"#)
    ///         .unwrap(),
    /// );
    /// assert_eq!(key.read(&request).as_deref(), Some("acme:42"));
    /// ```
    #[cfg(feature = "cel")]
    #[cfg_attr(docsrs, doc(cfg(feature = "cel")))]
    pub fn cel(source: &str) -> Self {
        match crate::http::CelFilter::new(source) {
            Ok(expression) => Self::Cel(expression),
            Err(error) => panic!("invalid idempotency key: {error}"),
        }
    }

    /// The key of `request`, if it has one.
    pub fn read(&self, request: &Request) -> Option<String> {
        match self {
            Self::Header(name) => request
                .headers()
                .get(name)
                .and_then(|value| value.to_str().ok())
                .map(str::trim)
                .filter(|value| !value.is_empty())
                .map(str::to_owned),
            Self::Json(path) => match path.find(request.json()) {
                Some(Value::String(text)) if !text.is_empty() => Some(text.clone()),
                Some(Value::Number(number)) => Some(number.to_string()),
                _ => None,
            },
            #[cfg(feature = "cel")]
            Self::Cel(expression) => match expression.value(request) {
                Ok(cel::Value::String(text)) if !text.is_empty() => Some(text.as_str().to_owned()),
                Ok(cel::Value::Int(number)) => Some(number.to_string()),
                Ok(cel::Value::UInt(number)) => Some(number.to_string()),
                Ok(other) => {
                    tracing::debug!(key = %expression.source(), value = ?other, "the CEL idempotency key is not a string or an integer: no key");
                    None
                }
                Err(error) => {
                    tracing::debug!(key = %expression.source(), %error, "the CEL idempotency key failed: no key");
                    None
                }
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_json_key_is_a_string_or_a_number() {
        let key = IdempotencyKey::json("id");
        let read = |json| key.read(&Request::from_json(json));
        assert_eq!(read(serde_json::json!({"id": 42})).as_deref(), Some("42"));
        assert_eq!(
            read(serde_json::json!({"id": "evt"})).as_deref(),
            Some("evt")
        );
        assert_eq!(read(serde_json::json!({"id": ""})), None);
        assert_eq!(read(serde_json::json!({"id": {"a": 1}})), None);
        assert_eq!(read(serde_json::json!({"other": 1})), None);
    }

    #[cfg(feature = "cel")]
    #[test]
    fn a_cel_key_is_a_string_or_an_integer() {
        let read = |source: &str, json| IdempotencyKey::cel(source).read(&Request::from_json(json));
        let order = serde_json::json!({"shop": "acme", "id": 7, "big": 18446744073709551615_u64, "f": 1.5, "empty": ""});
        assert_eq!(
            read(
                r#"data.body.json.shop + "/" + string(data.body.json.id)"#,
                order.clone()
            )
            .as_deref(),
            Some("acme/7")
        );
        assert_eq!(
            read("data.body.json.id", order.clone()).as_deref(),
            Some("7")
        );
        assert_eq!(
            read("data.body.json.big", order.clone()).as_deref(),
            Some("18446744073709551615")
        );
        // Not a key: a double, a bool, an empty string, a missing field.
        assert_eq!(read("data.body.json.f", order.clone()), None);
        assert_eq!(read("data.body.json.id == 7", order.clone()), None);
        assert_eq!(read("data.body.json.empty", order.clone()), None);
        assert_eq!(read("data.body.json.missing", order), None);
    }

    #[cfg(feature = "cel")]
    #[test]
    #[should_panic(expected = "invalid idempotency key: invalid CEL expression")]
    fn a_malformed_cel_key_panics_at_start() {
        let _ = IdempotencyKey::cel("data.hedaers[\"Webhook-Id\"]");
    }

    #[test]
    #[should_panic(expected = "invalid idempotency key")]
    fn a_malformed_path_panics_at_start() {
        let _ = IdempotencyKey::json("a..b");
    }
}
