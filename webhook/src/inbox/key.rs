//! [`IdempotencyKey`]: what makes two requests to a durable route the same event.

use http::HeaderName;

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
        }
    }
}
