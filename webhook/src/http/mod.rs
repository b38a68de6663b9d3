//! Generic HTTP webhooks: routes for any sender (GitHub, Stripe, Slack, a cron, curl), served
//! beside the Clustaar notifications on the same server.
//!
//! - [`HttpEvent`]: the request, typed (and as CEL's `data`).
//! - [`CelFilter`]: a filter written in CEL, checked when it is built.

mod cel;
pub(crate) mod cel_check;
mod cel_data;
mod event;

pub use self::cel::{CelEvalError, CelFilter, CelFilterError};
pub use cel_check::Problem;
pub use event::{HttpBody, HttpEvent, Query, Url, FORM_CONTENT_TYPE};
