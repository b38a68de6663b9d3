//! [`RetryPolicy`]: when a failed attempt is tried again (exponential backoff with jitter), and
//! when an event is given up (dead-lettered).

use std::hash::{BuildHasher, Hasher};
use std::time::Duration;

/// How a durable route retries a failed attempt: the `n`-th retry waits
/// `min(first_delay × factor^(n-1), max_delay)`, less a random part of up to half of it
/// ("equal jitter", so that replicas retrying the same burst spread out); after `max_attempts`
/// attempts the event is dead-lettered with its last error.
///
/// ```
/// use std::time::Duration;
/// use clustaar_webhook::inbox::RetryPolicy;
///
/// let policy = RetryPolicy::default().first_delay(Duration::from_millis(100)).max_attempts(3);
/// let delay = policy.delay(2); // after the second failed attempt
/// assert!(delay >= Duration::from_millis(100) && delay <= Duration::from_millis(200));
/// assert!(policy.gives_up_after(3));
/// assert!(!policy.gives_up_after(2));
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RetryPolicy {
    first_delay: Duration,
    factor: f64,
    max_delay: Duration,
    max_attempts: u32,
}

impl RetryPolicy {
    /// The default first delay: 1 second (`WEBHOOK_RETRY_BACKOFF`).
    pub const DEFAULT_FIRST_DELAY: Duration = Duration::from_secs(1);
    /// The default factor between two delays: 2.
    pub const DEFAULT_FACTOR: f64 = 2.0;
    /// The default longest delay: 1 hour.
    pub const DEFAULT_MAX_DELAY: Duration = Duration::from_secs(3600);
    /// The default number of attempts, the first included (`WEBHOOK_MAX_ATTEMPTS`): 10.
    pub const DEFAULT_MAX_ATTEMPTS: u32 = 10;

    /// The delay before the first retry.
    #[must_use]
    pub fn first_delay(mut self, delay: Duration) -> Self {
        self.first_delay = delay;
        self
    }

    /// The factor between a delay and the next (at least 1).
    #[must_use]
    pub fn factor(mut self, factor: f64) -> Self {
        self.factor = if factor.is_finite() && factor >= 1.0 {
            factor
        } else {
            1.0
        };
        self
    }

    /// The longest delay.
    #[must_use]
    pub fn max_delay(mut self, delay: Duration) -> Self {
        self.max_delay = delay;
        self
    }

    /// The number of attempts, the first included (at least 1): past it, the event is
    /// dead-lettered.
    #[must_use]
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The number of attempts.
    pub fn attempts(&self) -> u32 {
        self.max_attempts
    }

    /// The delay before the first retry.
    pub fn first_delay_value(&self) -> Duration {
        self.first_delay
    }

    /// Whether an event whose attempt number `attempt` just failed is given up.
    pub fn gives_up_after(&self, attempt: u32) -> bool {
        attempt >= self.max_attempts
    }

    /// The delay before the attempt after attempt number `attempt` (1 for the first), with its
    /// jitter.
    pub fn delay(&self, attempt: u32) -> Duration {
        let ceiling = self.ceiling(attempt);
        let half = ceiling / 2;
        let spread = u64::try_from(half.as_nanos()).unwrap_or(u64::MAX);
        let jitter = if spread == 0 { 0 } else { random() % spread };
        ceiling - Duration::from_nanos(jitter)
    }

    /// The delay before the attempt after `attempt`, without jitter.
    fn ceiling(&self, attempt: u32) -> Duration {
        let exponent = i32::try_from(attempt.saturating_sub(1)).unwrap_or(i32::MAX);
        let seconds = self.first_delay.as_secs_f64() * self.factor.powi(exponent);
        if !seconds.is_finite() || seconds >= self.max_delay.as_secs_f64() {
            self.max_delay
        } else {
            Duration::from_secs_f64(seconds)
        }
    }
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            first_delay: Self::DEFAULT_FIRST_DELAY,
            factor: Self::DEFAULT_FACTOR,
            max_delay: Self::DEFAULT_MAX_DELAY,
            max_attempts: Self::DEFAULT_MAX_ATTEMPTS,
        }
    }
}

/// A random number, good enough for jitter (the standard library's randomly keyed hasher).
fn random() -> u64 {
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |elapsed| elapsed.as_nanos()),
    );
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_grow_to_the_cap_with_at_most_half_of_jitter() {
        let policy = RetryPolicy::default()
            .first_delay(Duration::from_millis(100))
            .factor(3.0)
            .max_delay(Duration::from_secs(1));
        for (attempt, ceiling) in [(1, 100), (2, 300), (3, 900), (4, 1000), (60, 1000)] {
            let ceiling = Duration::from_millis(ceiling);
            for _ in 0..20 {
                let delay = policy.delay(attempt);
                assert!(
                    delay <= ceiling && delay >= ceiling / 2,
                    "{attempt}: {delay:?}"
                );
            }
        }
        assert_eq!(RetryPolicy::default().max_attempts(0).attempts(), 1);
        assert_eq!(
            RetryPolicy::default().factor(0.5).ceiling(3),
            Duration::from_secs(1)
        );
    }
}
