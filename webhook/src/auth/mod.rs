//! Authenticator functions: a bot's own check of who is calling, run on every request after
//! the signature and basic-auth checks (all configured checks must pass).
//!
//! An authenticator is a function, `async` or not, that takes the [`RequestHead`] (method, URI,
//! headers, and the decoded body when it asks for it with [`RequestHead::body`]) and returns:
//!
//! | it returns | the webhook |
//! |---|---|
//! | `()` or `None` | accepts anyone |
//! | an [`Identity`] (or a `(Credentials, user)` tuple) whose user [is authenticated](User::is_authenticated) | accepts; handlers receive the identity as an `Identity<U>` argument |
//! | an identity whose user is not authenticated | `403` `Invalid credentials` |
//! | `Err(ApiError)` | that error: its status, title and description |
//! | any other `Err(e)` (`e: Display`) | `500`; `e` is logged through `tracing`, not sent |
//!
//! ```
//! use clustaar_webhook::auth::{Credentials, Identity, RequestHead, SimpleUser};
//! use clustaar_webhook::prelude::*;
//!
//! async fn token(request: &RequestHead) -> Result<Option<Identity>, ApiError> {
//!     match request.headers().get("authorization").map(|v| v.as_bytes()) {
//!         Some(b"Bearer let-me-in") => Ok(Some(Identity::new(
//!             Credentials::new(["notify"]),
//!             SimpleUser::new("platform"),
//!         ))),
//!         Some(_) => Err(ApiError::new(StatusCode::UNAUTHORIZED, "Bad token", "Unknown token.")),
//!         None => Ok(None),
//!     }
//! }
//!
//! let webhook = Webhook::new().authenticator(token);
//! ```
//!
//! A webhook has one authenticator ([`Webhook::authenticator`](crate::Webhook::authenticator),
//! or `#[authenticator]` on a function for bots built with `main!()`); a route may add its own
//! ([`Route::authenticator`](crate::Route::authenticator), `#[on(..., auth = function)]`),
//! which runs after routing, after the webhook's, for that route only. Both must accept; when
//! both give an identity of the same type, the route's is the one handlers see.

mod authenticator;
mod identity;
pub(crate) mod outcome;

pub use authenticator::{AsyncAuthFn, AuthFuture, Authenticator, IsAsync, IsSync};
/// The request as an authenticator sees it: the webhook's one [`Request`](crate::Request)
/// (method, URI, headers, extensions, and the decoded body, already read within the limit:
/// asking for it with `body()` costs nothing more), under the name authenticators have always
/// used.
pub type RequestHead = crate::Request;
pub use identity::{Credentials, Identity, SimpleUser, UnauthenticatedUser, User};
pub use outcome::{AuthOutcome, IntoAuthOutcome};

pub(crate) use authenticator::{share, SharedAuthenticator};
