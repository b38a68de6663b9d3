//! The HTTP handlers registered by `#[on(http, ...)]`, collected at start through `inventory`.

use crate::registry::Registration;
use crate::state::StateMap;

use super::route::HttpRoute;

/// One `#[on(http ...)]` handler, as the macro registers it; its `event` is the methods and
/// the path, canonical (`"GET,POST /hooks/{slug}"`, `"* /any"`).
pub type HttpRegistration = Registration<HttpRoute<StateMap>>;

inventory::collect!(HttpRegistration);
