//! The checks the reference runs before routing, in its order: replay prevention (the `Date`
//! header), the `X-Hub-Signature` HMAC, then HTTP basic authentication.
//!
//! Each check is a plain verifier (usable on its own) and a middleware that the
//! [`Webhook`](crate::Webhook) builder installs as a tower layer when it is configured.

pub mod basic_auth;
pub mod replay;
pub mod signature;

pub use basic_auth::{BasicAuth, BasicAuthError};
pub use replay::{ReplayError, ReplayGuard};
pub use signature::{SignatureError, SignatureVerifier, SIGNATURE_HEADER};
