//! Generic HTTP webhooks: routes for any sender (GitHub, Stripe, Slack, a cron, curl), served
//! beside the Clustaar notifications on the same server.
//!
//! - [`HttpEvent`]: the request, typed (and as CEL's `data`).
//! - [`CelFilter`]: a filter written in CEL, checked when it is built (feature `cel`; without it,
//!   the routes take every other filter).
//! - [`HttpRoute`]: methods, a path (`/hooks/{slug}`, read with [`Path`]), filters, a priority
//!   and a signature check ([`HmacVerifier`], [`StandardWebhooks`], or your [`Verify`]).
//! - Handlers are the framework's one [`Handler`](crate::Handler) kind: functions of axum
//!   extractors ([`HttpEvent`], [`Path`], `HeaderMap`, `Json<T>`...) returning anything that
//!   `IntoResponse`.
//!
//! Routing: the path first (no route at that path: `404`), then the method (no route of the
//! path accepts it: `405` with `Allow`), then, in the precedence order of the Clustaar routes
//! (filtered routes first, then higher priority, then registration order), the first route
//! whose signature check and filter both pass handles the request. When none does: `401` if a
//! signature was refused, else `404` `No trigger matched this POST request to /github.`

#[cfg(feature = "cel")]
mod cel;
#[cfg(feature = "cel")]
mod cel_data;
#[cfg(feature = "cel")]
mod cel_regex;
mod dispatch;
mod event;
mod path;
mod registry;
mod route;
mod signature;
mod standard_webhooks;

#[cfg(feature = "cel")]
pub use self::cel::{CelEvalError, CelFilter, CelFilterError};
#[cfg(feature = "cel")]
#[cfg_attr(docsrs, doc(cfg(feature = "cel")))]
pub use clustaar_webhook_core::cel::Problem;
pub(crate) use dispatch::InboxWriter;
pub(crate) use dispatch::{describe_routes, router};
pub use dispatch::{EventNotStored, MethodNotAllowed, NoTrigger};
pub use event::{HttpBody, HttpEvent, Query, Url, FORM_CONTENT_TYPE};
pub use path::Path;
pub use registry::HttpRegistration;
pub use route::{HttpRoute, Methods};
pub use signature::{Digest, Encoding, HmacVerifier, SignedRequest, Verify, VerifyError};
pub use standard_webhooks::{InvalidSecret, StandardWebhooks};
