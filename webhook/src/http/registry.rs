//! The HTTP handlers registered by `#[on(http, ...)]`, collected at start through `inventory`.

use crate::registry::RegistryConflict;
use crate::state::StateMap;

use super::route::HttpRoute;

/// One `#[on(http ...)]` handler, as the macro registers it.
#[derive(Debug)]
pub struct HttpRegistration {
    /// The methods and the path, canonical: `"GET,POST /hooks/{slug}"`, `"* /any"`.
    pub key: &'static str,
    /// The handler function's name.
    pub name: &'static str,
    /// The module the handler is declared in.
    pub module: &'static str,
    /// The file the handler is declared in.
    pub file: &'static str,
    /// The line of the `#[on]` attribute.
    pub line: u32,
    /// The route's priority.
    pub priority: i32,
    /// The filters as written, canonical: two registrations with the same key, filters and
    /// priority conflict.
    pub filters: &'static str,
    /// Builds the route (parsing its CEL filter, once).
    pub route: fn() -> HttpRoute<StateMap>,
}

impl HttpRegistration {
    /// `file:line`.
    pub fn location(&self) -> String {
        format!("{}:{}", self.file, self.line)
    }
}

inventory::collect!(HttpRegistration);

/// Every registered HTTP handler, sorted by source location so that registration order does
/// not depend on link order.
pub fn http_registrations() -> Vec<&'static HttpRegistration> {
    let mut all: Vec<&'static HttpRegistration> =
        inventory::iter::<HttpRegistration>.into_iter().collect();
    all.sort_by(|a, b| (a.file, a.line, a.name).cmp(&(b.file, b.line, b.name)));
    all
}

/// Checks that no two HTTP registrations have the same methods, path, filters and priority.
pub fn check_http_conflicts(
    registrations: &[&'static HttpRegistration],
) -> Result<(), RegistryConflict> {
    for (index, second) in registrations.iter().enumerate() {
        if let Some(first) = registrations[..index].iter().find(|first| {
            (first.key, first.filters, first.priority)
                == (second.key, second.filters, second.priority)
        }) {
            return Err(RegistryConflict {
                event: second.key,
                filters: if second.filters.is_empty() {
                    "none"
                } else {
                    second.filters
                },
                priority: second.priority,
                first_name: first.name,
                first_at: first.location(),
                second_name: second.name,
                second_at: second.location(),
            });
        }
    }
    Ok(())
}
