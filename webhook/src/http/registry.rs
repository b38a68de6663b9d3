//! The HTTP handlers registered by `#[on(http, ...)]`, collected at start through `inventory`.

use crate::registry::Registration;
use crate::state::StateMap;

use super::route::HttpRoute;

/// One `#[on(http ...)]` handler, as the macro registers it; it serves
/// [`Served::Http`](crate::registry::Served::Http).
pub type HttpRegistration = Registration<HttpRoute<StateMap>>;

inventory::collect!(HttpRegistration);
