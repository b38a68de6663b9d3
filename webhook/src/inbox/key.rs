//! [`IdempotencyKey`]: what makes two requests to a durable route the same event.

use http::HeaderName;
use serde_json::Value;

use crate::filter::JsonPath;
use crate::Request;

/// Where a durable route reads the key that identifies an event: a second request with a key
/// already stored for the route is answered `200` and not processed again.
///
/// ```
/// use webhook::inbox::IdempotencyKey;
/// use webhook::Request;
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
    /// use webhook::inbox::IdempotencyKey;
    /// use webhook::Request;
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

    #[test]
    #[should_panic(expected = "invalid idempotency key")]
    fn a_malformed_path_panics_at_start() {
        let _ = IdempotencyKey::json("a..b");
    }
}
