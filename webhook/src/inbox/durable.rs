//! [`Durable`]: what makes an HTTP route durable, and its own retry settings.

use std::time::Duration;

use super::key::IdempotencyKey;
use super::retry::RetryPolicy;

/// The options of a durable HTTP route ([`HttpRoute::durable`](crate::http::HttpRoute::durable)):
/// its idempotency key, and the retry policy, number of attempts and handler timeout when they
/// differ from the webhook's ([`InboxOptions`](super::InboxOptions)).
///
/// ```
/// use std::time::Duration;
/// use clustaar_webhook::inbox::{Durable, RetryPolicy};
///
/// let durable = Durable::new()
///     .idempotency_header("Webhook-Id")
///     .retry(RetryPolicy::default().max_attempts(5))
///     .timeout(Duration::from_secs(10));
/// assert!(durable.key_source().is_some());
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Durable {
    key: Option<IdempotencyKey>,
    retry: Option<RetryPolicy>,
    max_attempts: Option<u32>,
    timeout: Option<Duration>,
}

impl Durable {
    /// A durable route without idempotency key (every request is a new event), with the
    /// webhook's retry policy and timeout.
    pub fn new() -> Self {
        Self::default()
    }

    /// Deduplicates events on `key`.
    #[must_use]
    pub fn idempotency_key(mut self, key: IdempotencyKey) -> Self {
        self.key = Some(key);
        self
    }

    /// Deduplicates events on the value of the header `name`.
    ///
    /// # Panics
    ///
    /// When `name` is not a valid header name.
    #[must_use]
    pub fn idempotency_header(self, name: &str) -> Self {
        self.idempotency_key(IdempotencyKey::header(name))
    }

    /// Deduplicates events on the string or number at `path` of their JSON body.
    ///
    /// # Panics
    ///
    /// When `path` is not a JSON path.
    #[must_use]
    pub fn idempotency_json(self, path: &str) -> Self {
        self.idempotency_key(IdempotencyKey::json(path))
    }

    /// Deduplicates events on the value of the CEL expression `source` over the request's
    /// `data` (a string or an integer; see [`IdempotencyKey::Cel`]).
    ///
    /// # Panics
    ///
    /// When `source` is not a valid expression over `data`.
    #[cfg(feature = "cel")]
    #[cfg_attr(docsrs, doc(cfg(feature = "cel")))]
    #[must_use]
    pub fn idempotency_cel(self, source: &str) -> Self {
        self.idempotency_key(IdempotencyKey::cel(source))
    }

    /// This route's retry policy, instead of the webhook's.
    #[must_use]
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// This route's number of attempts (the first included), instead of its retry policy's; the
    /// delays stay the policy's.
    #[must_use]
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = Some(attempts.max(1));
        self
    }

    /// The route's own number of attempts, if any.
    pub fn max_attempts_value(&self) -> Option<u32> {
        self.max_attempts
    }

    /// This route's handler timeout, instead of the webhook's.
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The idempotency key, if any.
    pub fn key_source(&self) -> Option<&IdempotencyKey> {
        self.key.as_ref()
    }

    /// The route's own retry policy, if any.
    pub fn retry_policy(&self) -> Option<&RetryPolicy> {
        self.retry.as_ref()
    }

    /// The route's own handler timeout, if any.
    pub fn timeout_value(&self) -> Option<Duration> {
        self.timeout
    }
}
