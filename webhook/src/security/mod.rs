//! The checks the reference runs before routing, in its order: the max-age check (the `Date`
//! header, [`max_age`]), the `X-Hub-Signature` HMAC, then HTTP basic authentication.
//!
//! Each check is a plain verifier (usable on its own) and a middleware that the
//! [`Webhook`](crate::Webhook) builder installs as a tower layer when it is configured.

pub mod basic_auth;
pub mod max_age;
pub mod signature;

pub use basic_auth::{BasicAuth, BasicAuthError};
pub use max_age::{MaxAgeError, MaxAgeGuard};
pub use signature::{SignatureError, SignatureVerifier, SIGNATURE_HEADER};
