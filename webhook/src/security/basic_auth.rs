//! HTTP basic authentication (RFC 7617), with the reference's `403` answer.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use http::{header, HeaderMap, StatusCode};
use subtle::ConstantTimeEq;

use crate::error::{ApiError, RejectionStage};

/// Why credentials are refused. All are answered alike, as the reference does:
/// `403` `{"title": "Invalid credentials", "description": "This call needs authentication"}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BasicAuthError {
    /// No `Authorization` header.
    #[error("no Authorization header")]
    Missing,
    /// Not `Basic <base64 of user:password>`.
    #[error("malformed Authorization header")]
    Malformed,
    /// The user or the password is wrong.
    #[error("wrong credentials")]
    Wrong,
}

impl From<BasicAuthError> for ApiError {
    fn from(_: BasicAuthError) -> Self {
        ApiError::new(
            StatusCode::FORBIDDEN,
            "Invalid credentials",
            "This call needs authentication",
        )
        .at_stage(RejectionStage::BasicAuth)
    }
}

/// Checks `Authorization: Basic …` against one username and password.
///
/// The decoded `user:password` is split at the **first** colon (RFC 7617), so passwords may
/// contain colons; both parts are compared in constant time.
///
/// ```
/// use clustaar_webhook::security::BasicAuth;
/// let auth = BasicAuth::new("bot", "s3:cret");
/// assert_eq!(auth.header_value(), "Basic Ym90OnMzOmNyZXQ=");
/// assert!(auth.verify_value(Some("Basic Ym90OnMzOmNyZXQ=")).is_ok());
/// ```
#[derive(Clone)]
pub struct BasicAuth {
    username: String,
    password: String,
}

impl std::fmt::Debug for BasicAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BasicAuth")
            .field("username", &self.username)
            .field("password", &"<redacted>")
            .finish()
    }
}

impl BasicAuth {
    /// Expects `username` and `password`.
    pub fn new(username: impl Into<String>, password: impl Into<String>) -> Self {
        Self {
            username: username.into(),
            password: password.into(),
        }
    }

    /// The `Authorization` header value a client sends.
    pub fn header_value(&self) -> String {
        format!(
            "Basic {}",
            STANDARD.encode(format!("{}:{}", self.username, self.password))
        )
    }

    /// Checks a request's headers.
    pub fn verify(&self, headers: &HeaderMap) -> Result<(), BasicAuthError> {
        let value = headers
            .get(header::AUTHORIZATION)
            .map(|value| value.to_str().map_err(|_| BasicAuthError::Malformed))
            .transpose()?;
        self.verify_value(value)
    }

    /// Checks an `Authorization` header value (`None` when absent).
    pub fn verify_value(&self, authorization: Option<&str>) -> Result<(), BasicAuthError> {
        let authorization = authorization.ok_or(BasicAuthError::Missing)?;
        let (scheme, encoded) = authorization
            .trim()
            .split_once(' ')
            .ok_or(BasicAuthError::Malformed)?;
        if !scheme.eq_ignore_ascii_case("basic") {
            return Err(BasicAuthError::Malformed);
        }
        let decoded = STANDARD
            .decode(encoded.trim())
            .map_err(|_| BasicAuthError::Malformed)?;
        let decoded = std::str::from_utf8(&decoded).map_err(|_| BasicAuthError::Malformed)?;
        let (username, password) = decoded.split_once(':').ok_or(BasicAuthError::Malformed)?;
        let same_user = username.as_bytes().ct_eq(self.username.as_bytes());
        let same_password = password.as_bytes().ct_eq(self.password.as_bytes());
        if bool::from(same_user & same_password) {
            Ok(())
        } else {
            Err(BasicAuthError::Wrong)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_right_credentials_only() {
        let auth = BasicAuth::new("user", "pass");
        let value = |credentials: &str| format!("Basic {}", STANDARD.encode(credentials));
        assert_eq!(auth.verify_value(Some(&value("user:pass"))), Ok(()));
        assert_eq!(
            auth.verify_value(Some(&value("user:nope"))),
            Err(BasicAuthError::Wrong)
        );
        assert_eq!(
            auth.verify_value(Some(&value("nope:pass"))),
            Err(BasicAuthError::Wrong)
        );
        assert_eq!(
            auth.verify_value(Some(&value("userpass"))),
            Err(BasicAuthError::Malformed)
        );
        assert_eq!(
            auth.verify_value(Some("Basic !!!")),
            Err(BasicAuthError::Malformed)
        );
        assert_eq!(
            auth.verify_value(Some("Bearer abc")),
            Err(BasicAuthError::Malformed)
        );
        assert_eq!(auth.verify_value(None), Err(BasicAuthError::Missing));
        // The scheme is case-insensitive (RFC 7617).
        assert_eq!(
            auth.verify_value(Some(&value("user:pass").replace("Basic", "bAsIc"))),
            Ok(())
        );
    }

    #[test]
    fn passwords_may_contain_colons() {
        let auth = BasicAuth::new("user", "a:b:c");
        let value = format!("Basic {}", STANDARD.encode("user:a:b:c"));
        assert_eq!(auth.verify_value(Some(&value)), Ok(()));
    }

    #[test]
    fn the_answer_is_the_reference_one() {
        let error = ApiError::from(BasicAuthError::Wrong);
        assert_eq!(error.status(), StatusCode::FORBIDDEN);
        assert_eq!(
            error.to_json(),
            r#"{"title":"Invalid credentials","description":"This call needs authentication"}"#
        );
    }
}
