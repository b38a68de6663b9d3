//! The max-age check: a request whose `Date` is older than the maximum age is refused, so that
//! a request recorded on its way cannot be sent again later (a replay attack).

use std::time::{Duration, SystemTime};

use http::{header, HeaderMap};

use crate::error::{ApiError, RejectionStage};

/// Why a request's date is refused (all `400`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MaxAgeError {
    /// The request is older than the maximum age: the reference's
    /// `{"title": "400 Bad Request", "description": "Request is too old"}`.
    #[error("Request is too old")]
    TooOld,
    /// There is no `Date` header (the reference crashes with a `500`; we say why).
    #[error("The \"Date\" header is required to check the request's age.")]
    MissingDate,
    /// The `Date` header is not an HTTP-date (the reference crashes with a `500`; we say why).
    #[error("The value provided for the \"Date\" header is invalid. It must be an HTTP-date such as \"Thu, 13 Sep 2018 11:48:13 GMT\".")]
    InvalidDate,
}

impl From<MaxAgeError> for ApiError {
    fn from(error: MaxAgeError) -> Self {
        let title = match error {
            MaxAgeError::TooOld => "400 Bad Request",
            MaxAgeError::MissingDate => "Missing header value",
            MaxAgeError::InvalidDate => "Invalid header value",
        };
        ApiError::bad_request(title, error.to_string()).at_stage(RejectionStage::MaxAge)
    }
}

/// Refuses requests whose `Date` header is more than `max_age` in the past.
///
/// A date in the future is accepted, as the reference does (the signature, which covers the
/// date, is what prevents forging one).
///
/// ```
/// use std::time::{Duration, SystemTime};
/// use clustaar_webhook::security::{MaxAgeGuard, MaxAgeError};
///
/// let guard = MaxAgeGuard::new(Duration::from_secs(10));
/// let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_536_839_400);
/// assert_eq!(guard.check_value(Some("Thu, 13 Sep 2018 11:48:13 GMT"), now), Err(MaxAgeError::TooOld));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MaxAgeGuard {
    max_age: Duration,
}

impl MaxAgeGuard {
    /// The reference's default maximum age: 10 seconds.
    pub const DEFAULT_MAX_AGE: Duration = Duration::from_secs(10);

    /// Refuses requests older than `max_age`.
    pub fn new(max_age: Duration) -> Self {
        Self { max_age }
    }

    /// The maximum age.
    pub fn max_age(&self) -> Duration {
        self.max_age
    }

    /// Checks a request's headers against the current time.
    pub fn check(&self, headers: &HeaderMap) -> Result<(), MaxAgeError> {
        let date = headers
            .get(header::DATE)
            .map(|value| value.to_str().map_err(|_| MaxAgeError::InvalidDate))
            .transpose()?;
        self.check_value(date, SystemTime::now())
    }

    /// Checks a `Date` header value (`None` when absent) against `now`.
    pub fn check_value(&self, date: Option<&str>, now: SystemTime) -> Result<(), MaxAgeError> {
        let date = date.ok_or(MaxAgeError::MissingDate)?;
        let sent = httpdate::parse_http_date(date.trim()).map_err(|_| MaxAgeError::InvalidDate)?;
        match now.duration_since(sent) {
            Ok(age) if age > self.max_age => Err(MaxAgeError::TooOld),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DATE: &str = "Thu, 13 Sep 2018 11:48:13 GMT";

    fn at(seconds_after_date: i64) -> SystemTime {
        let sent = httpdate::parse_http_date(DATE).unwrap();
        if seconds_after_date >= 0 {
            sent + Duration::from_secs(seconds_after_date.unsigned_abs())
        } else {
            sent - Duration::from_secs(seconds_after_date.unsigned_abs())
        }
    }

    #[test]
    fn refuses_only_requests_older_than_the_max_age() {
        let guard = MaxAgeGuard::new(Duration::from_secs(10));
        assert_eq!(guard.check_value(Some(DATE), at(0)), Ok(()));
        assert_eq!(guard.check_value(Some(DATE), at(10)), Ok(()));
        assert_eq!(
            guard.check_value(Some(DATE), at(11)),
            Err(MaxAgeError::TooOld)
        );
        assert_eq!(guard.check_value(Some(DATE), at(-3600)), Ok(()));
    }

    #[test]
    fn missing_and_unparsable_dates_are_clear_errors() {
        let guard = MaxAgeGuard::new(Duration::from_secs(10));
        assert_eq!(
            guard.check_value(None, at(0)),
            Err(MaxAgeError::MissingDate)
        );
        assert_eq!(
            guard.check_value(Some("yesterday"), at(0)),
            Err(MaxAgeError::InvalidDate)
        );
        // The three HTTP-date formats are accepted.
        for date in [
            DATE,
            "Thursday, 13-Sep-18 11:48:13 GMT",
            "Thu Sep 13 11:48:13 2018",
        ] {
            assert_eq!(guard.check_value(Some(date), at(1)), Ok(()), "{date}");
        }
    }

    #[test]
    fn too_old_is_the_reference_body() {
        assert_eq!(
            ApiError::from(MaxAgeError::TooOld).to_json(),
            r#"{"title":"400 Bad Request","description":"Request is too old"}"#
        );
    }
}
