//! The Standard Webhooks signature scheme (`webhook-id`, `webhook-timestamp`,
//! `webhook-signature`), used by Svix, Resend, Clerk and others.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use http::HeaderMap;

use super::signature::{hmac, same_mac, Digest, SignedRequest, Verify, VerifyError};

/// The header carrying the message id.
pub const ID_HEADER: &str = "webhook-id";
/// The header carrying the timestamp, in seconds since the Unix epoch.
pub const TIMESTAMP_HEADER: &str = "webhook-timestamp";
/// The header carrying the signatures: space-separated `v1,<base64>` values.
pub const SIGNATURE_HEADER: &str = "webhook-signature";

/// Verifies Standard Webhooks signatures: `v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">`
/// keyed with the base64-decoded secret (after its `whsec_` prefix); any one of the
/// space-separated signatures may match (keys are rotated that way), and the timestamp must be
/// within 5 minutes of now.
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use clustaar_webhook::http::StandardWebhooks;
///
/// let verifier = StandardWebhooks::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
/// assert_eq!(
///     verifier.sign("msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, br#"{"test": 2432232314}"#),
///     "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
/// );
/// ```
#[derive(Clone)]
pub struct StandardWebhooks {
    key: Arc<[u8]>,
    tolerance: Option<Duration>,
}

/// A Standard Webhooks secret that is not `whsec_` followed by base64.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a Standard Webhooks secret is base64, optionally after \"whsec_\"; this one does not decode: {0}")]
pub struct InvalidSecret(String);

impl fmt::Debug for StandardWebhooks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StandardWebhooks")
            .field("key", &"<redacted>")
            .field("tolerance", &self.tolerance)
            .finish()
    }
}

impl StandardWebhooks {
    /// The default timestamp tolerance: 5 minutes either way.
    pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(5 * 60);

    /// A verifier for `secret` (`whsec_<base64>`).
    pub fn new(secret: &str) -> Result<Self, InvalidSecret> {
        let encoded = secret.strip_prefix("whsec_").unwrap_or(secret);
        let key = BASE64
            .decode(encoded)
            .map_err(|error| InvalidSecret(error.to_string()))?;
        Ok(Self {
            key: Arc::from(key),
            tolerance: Some(Self::DEFAULT_TOLERANCE),
        })
    }

    /// How far the timestamp may be from now; `None` disables the check (tests only).
    pub fn tolerance(mut self, tolerance: impl Into<Option<Duration>>) -> Self {
        self.tolerance = tolerance.into();
        self
    }

    /// The `webhook-signature` value a sender puts on a message.
    pub fn sign(&self, id: &str, timestamp: i64, body: &[u8]) -> String {
        let mac = hmac(
            Digest::Sha256,
            &self.key,
            &[
                id.as_bytes(),
                b".",
                timestamp.to_string().as_bytes(),
                b".",
                body,
            ],
        );
        format!("v1,{}", BASE64.encode(mac))
    }

    /// Checks a request as if the time were `now`.
    pub fn verify_at(
        &self,
        headers: &HeaderMap,
        body: &[u8],
        now: SystemTime,
    ) -> Result<(), VerifyError> {
        let text = |name: &str| -> Result<&str, VerifyError> {
            let value = headers
                .get(name)
                .filter(|value| !value.is_empty())
                .ok_or_else(|| VerifyError::Missing {
                    header: name.to_owned(),
                })?;
            value.to_str().map_err(|_| VerifyError::Malformed {
                header: name.to_owned(),
                reason: "it is not text".to_owned(),
            })
        };
        let id = text(ID_HEADER)?;
        let timestamp_text = text(TIMESTAMP_HEADER)?;
        let signatures = text(SIGNATURE_HEADER)?;
        let timestamp: i64 = timestamp_text
            .trim()
            .parse()
            .map_err(|_| VerifyError::Malformed {
                header: TIMESTAMP_HEADER.to_owned(),
                reason: "it is not a number of seconds".to_owned(),
            })?;
        if let Some(tolerance) = self.tolerance {
            let now = match now.duration_since(UNIX_EPOCH) {
                Ok(elapsed) => i64::try_from(elapsed.as_secs()).unwrap_or(i64::MAX),
                Err(_) => 0,
            };
            let tolerance_secs = tolerance.as_secs();
            if now.abs_diff(timestamp) > tolerance_secs {
                return Err(VerifyError::Expired {
                    header: TIMESTAMP_HEADER.to_owned(),
                    tolerance_secs,
                });
            }
        }
        let expected = hmac(
            Digest::Sha256,
            &self.key,
            &[
                id.as_bytes(),
                b".",
                timestamp_text.trim().as_bytes(),
                b".",
                body,
            ],
        );
        let matches = signatures
            .split(' ')
            .filter_map(|signature| signature.strip_prefix("v1,"))
            .filter_map(|encoded| BASE64.decode(encoded).ok())
            .any(|given| same_mac(&expected, &given));
        if matches {
            Ok(())
        } else {
            Err(VerifyError::Mismatch {
                header: SIGNATURE_HEADER.to_owned(),
            })
        }
    }
}

impl Verify for StandardWebhooks {
    fn verify(&self, request: &SignedRequest<'_>) -> Result<(), VerifyError> {
        self.verify_at(request.headers, request.body, SystemTime::now())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const ID: &str = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    const TIMESTAMP: i64 = 1614265330;
    const BODY: &[u8] = br#"{"test": 2432232314}"#;
    const SIGNATURE: &str = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    fn headers(signature: &str, timestamp: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(ID_HEADER, ID.parse().unwrap());
        headers.insert(TIMESTAMP_HEADER, timestamp.parse().unwrap());
        headers.insert(SIGNATURE_HEADER, signature.parse().unwrap());
        headers
    }

    fn at(seconds: i64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(seconds as u64)
    }

    #[test]
    fn spec_vector() {
        let verifier = StandardWebhooks::new(SECRET).unwrap();
        assert_eq!(verifier.sign(ID, TIMESTAMP, BODY), SIGNATURE);
        let headers = headers(SIGNATURE, "1614265330");
        assert_eq!(verifier.verify_at(&headers, BODY, at(TIMESTAMP)), Ok(()));
        assert_eq!(
            verifier.verify_at(&headers, BODY, at(TIMESTAMP + 300)),
            Ok(())
        );
        // Rotation: any of the listed signatures.
        let rotated = super::tests::headers(&format!("v1,AAAA {SIGNATURE} v2,xyz"), "1614265330");
        assert_eq!(verifier.verify_at(&rotated, BODY, at(TIMESTAMP)), Ok(()));
    }

    #[test]
    fn refusals() {
        let verifier = StandardWebhooks::new(SECRET).unwrap();
        assert!(matches!(
            verifier.verify_at(&headers(SIGNATURE, "1614265330"), BODY, at(TIMESTAMP + 301)),
            Err(VerifyError::Expired {
                tolerance_secs: 300,
                ..
            })
        ));
        assert!(matches!(
            verifier.verify_at(&headers(SIGNATURE, "1614265330"), BODY, at(TIMESTAMP - 301)),
            Err(VerifyError::Expired { .. })
        ));
        assert_eq!(
            verifier.clone().tolerance(None).verify_at(
                &headers(SIGNATURE, "1614265330"),
                BODY,
                at(0)
            ),
            Ok(())
        );
        assert!(matches!(
            verifier.verify_at(&headers(SIGNATURE, "1614265331"), BODY, at(TIMESTAMP)),
            Err(VerifyError::Mismatch { .. })
        ));
        assert!(matches!(
            verifier.verify_at(&headers(SIGNATURE, "soon"), BODY, at(TIMESTAMP)),
            Err(VerifyError::Malformed { .. })
        ));
        assert!(matches!(
            verifier.verify_at(&HeaderMap::new(), BODY, at(TIMESTAMP)),
            Err(VerifyError::Missing { .. })
        ));
        assert!(StandardWebhooks::new("whsec_???").is_err());
    }
}
