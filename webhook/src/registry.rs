//! The handlers registered by `#[on]`, collected at start through `inventory`.

use std::collections::HashMap;

use crate::routing::Route;
use crate::state::StateMap;
use crate::Webhook;

/// What a registered route serves: the kind of route, decided by `#[on]` at compile time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Served {
    /// The notifications of a topic (`conversation.step_reached`, or the `event = "…"` given).
    Topic(&'static str),
    /// The requests to an HTTP path with one of these methods (none: any method), upper-case
    /// as HTTP writes them.
    Http {
        /// The methods; empty for any.
        methods: &'static [&'static str],
        /// The route's path (`/hooks/{slug}`).
        path: &'static str,
    },
}

impl Served {
    /// The topic, or the HTTP path: two routes can only meet on the same one.
    fn scope(self) -> &'static str {
        match self {
            Served::Topic(topic) => topic,
            Served::Http { path, .. } => path,
        }
    }

    /// What both serve (`None`: nothing, when their HTTP methods are disjoint), as the conflict
    /// names it. A route that accepts `GET` accepts `HEAD` too.
    fn common(self, other: Served) -> Option<String> {
        let (
            Served::Http { methods: mine, .. },
            Served::Http {
                methods: theirs, ..
            },
        ) = (self, other)
        else {
            return Some(self.scope().to_owned());
        };
        let expand = |methods: &'static [&'static str]| -> Vec<&'static str> {
            let mut all = methods.to_vec();
            if all.contains(&"GET") && !all.contains(&"HEAD") {
                all.push("HEAD");
            }
            all
        };
        let common = match (mine.is_empty(), theirs.is_empty()) {
            (true, true) => "*".to_owned(),
            (true, false) => expand(theirs).join(","),
            (false, true) => expand(mine).join(","),
            (false, false) => {
                let theirs = expand(theirs);
                let both: Vec<&str> = expand(mine)
                    .into_iter()
                    .filter(|method| theirs.contains(method))
                    .collect();
                if both.is_empty() {
                    return None;
                }
                both.join(",")
            }
        };
        Some(format!("{common} {}", self.scope()))
    }
}

impl std::fmt::Display for Served {
    /// `conversation.step_reached`, `GET,POST /hooks/{slug}`, `* /any`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Served::Topic(topic) => f.write_str(topic),
            Served::Http { methods: [], path } => write!(f, "* {path}"),
            Served::Http { methods, path } => write!(f, "{} {path}", methods.join(",")),
        }
    }
}

/// One `#[on]` handler, as the macro registers it: a Clustaar route (`R` = [`Route`]) or an
/// HTTP route ([`HttpRegistration`](crate::http::HttpRegistration)). Generated code builds
/// these (its fields are for it alone); you read them through [`registrations`] and the
/// methods.
pub struct Registration<R = Route<StateMap>> {
    /// What the route serves: a topic, or an HTTP path and its methods.
    #[doc(hidden)]
    pub served: Served,
    /// The handler function's name.
    #[doc(hidden)]
    pub name: &'static str,
    /// The module the handler is declared in.
    #[doc(hidden)]
    pub module: &'static str,
    /// The file the handler is declared in.
    #[doc(hidden)]
    pub file: &'static str,
    /// The line of the `#[on]` attribute.
    #[doc(hidden)]
    pub line: u32,
    /// The route's priority.
    #[doc(hidden)]
    pub priority: i32,
    /// The filters as written, in a canonical order: two registrations with the same event,
    /// filters and priority conflict.
    #[doc(hidden)]
    pub filters: &'static str,
    /// Builds the route (parsing a CEL filter, once).
    #[doc(hidden)]
    pub route: fn() -> R,
}

impl<R> std::fmt::Debug for Registration<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Registration")
            .field("served", &self.served)
            .field("name", &self.name)
            .field("at", &self.location())
            .field("priority", &self.priority)
            .field("filters", &self.filters)
            .finish_non_exhaustive()
    }
}

impl<R> Registration<R> {
    /// `file:line`.
    pub fn location(&self) -> String {
        format!("{}:{}", self.file, self.line)
    }

    /// What the route serves: a topic, or an HTTP path and its methods.
    pub fn served(&self) -> Served {
        self.served
    }

    /// The handler function's name.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The module the handler is declared in.
    pub fn module(&self) -> &'static str {
        self.module
    }

    /// The route's priority.
    pub fn priority(&self) -> i32 {
        self.priority
    }

    /// The filters as written, in a canonical order (two registrations with the same topic,
    /// filters and priority conflict).
    pub fn filters(&self) -> &'static str {
        self.filters
    }
}

inventory::collect!(Registration);

/// One `#[authenticator]` function, as the macro registers it.
pub struct AuthenticatorRegistration {
    /// The function's name.
    #[doc(hidden)]
    pub name: &'static str,
    /// The module it is declared in.
    #[doc(hidden)]
    pub module: &'static str,
    /// The file it is declared in.
    #[doc(hidden)]
    pub file: &'static str,
    /// The line of the `#[authenticator]` attribute.
    #[doc(hidden)]
    pub line: u32,
    /// Builds the authenticator.
    #[doc(hidden)]
    pub build: fn() -> crate::__private::SharedAuthenticator,
}

impl std::fmt::Debug for AuthenticatorRegistration {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthenticatorRegistration")
            .field("name", &self.name)
            .field("module", &self.module)
            .field("file", &self.file)
            .field("line", &self.line)
            .finish_non_exhaustive()
    }
}

impl AuthenticatorRegistration {
    /// `file:line`.
    pub fn location(&self) -> String {
        format!("{}:{}", self.file, self.line)
    }

    /// The function's name.
    pub fn name(&self) -> &'static str {
        self.name
    }
}

inventory::collect!(AuthenticatorRegistration);

/// Every registered `#[authenticator]`, sorted by source location.
pub fn authenticator_registrations() -> Vec<&'static AuthenticatorRegistration> {
    let mut all: Vec<&'static AuthenticatorRegistration> =
        inventory::iter::<AuthenticatorRegistration>
            .into_iter()
            .collect();
    all.sort_by(|a, b| (a.file, a.line, a.name).cmp(&(b.file, b.line, b.name)));
    all
}

/// Two `#[authenticator]` functions in one program: which one guards the webhook is not clear.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "the functions `{first_name}` ({first_at}) and `{second_name}` ({second_at}) are both \
     `#[authenticator]`s; a webhook has one: keep the attribute on one, and give a route its \
     own with `#[on(..., auth = function)]`"
)]
pub struct AuthenticatorConflict {
    /// The first function's name.
    pub first_name: &'static str,
    /// Where it is.
    pub first_at: String,
    /// The second function's name.
    pub second_name: &'static str,
    /// Where it is.
    pub second_at: String,
}

/// Why the registered handlers and authenticators cannot make a webhook.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RegistryError {
    /// Two handlers conflict.
    #[error(transparent)]
    Handlers(#[from] Box<RegistryConflict>),
    /// Two authenticators are registered.
    #[error(transparent)]
    Authenticators(#[from] AuthenticatorConflict),
}

/// Every registered handler, sorted by source location (file, then line) so the routes'
/// registration order, which breaks precedence ties, does not depend on link order.
pub fn registrations() -> Vec<&'static Registration> {
    collected()
}

/// Every registration of one kind, sorted by source location.
pub(crate) fn collected<R: 'static>() -> Vec<&'static Registration<R>>
where
    Registration<R>: inventory::Collect,
{
    let mut all: Vec<&'static Registration<R>> =
        inventory::iter::<Registration<R>>.into_iter().collect();
    all.sort_by(|a, b| (a.file, a.line, a.name).cmp(&(b.file, b.line, b.name)));
    all
}

/// Two handlers that would compete for the same notifications with nothing to tell them apart.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "the handlers `{first_name}` ({first_at}) and `{second_name}` ({second_at}) both handle \
     \"{event}\" with the same filters ({filters}) and the same priority ({priority}); \
     give one of them a different priority or different filters"
)]
pub struct RegistryConflict {
    /// What both handle: the topic, or for HTTP routes the methods both accept and the path
    /// (`"GET /hooks"`).
    pub event: String,
    /// The filters both have.
    pub filters: &'static str,
    /// The priority both have.
    pub priority: i32,
    /// The first handler's name.
    pub first_name: &'static str,
    /// Where the first handler is.
    pub first_at: String,
    /// The second handler's name.
    pub second_name: &'static str,
    /// Where the second handler is.
    pub second_at: String,
}

/// Checks that no two registrations conflict: the same filters and priority on the same topic,
/// or on the same HTTP path with methods in common.
pub(crate) fn check_conflicts<R>(
    registrations: &[&'static Registration<R>],
) -> Result<(), Box<RegistryConflict>> {
    let mut seen: HashMap<(&str, &str, i32), Vec<&Registration<R>>> = HashMap::new();
    for registration in registrations {
        let served = registration.served;
        let rivals = seen
            .entry((served.scope(), registration.filters, registration.priority))
            .or_default();
        for first in rivals.iter() {
            if let Some(event) = first.served.common(served) {
                return Err(Box::new(RegistryConflict {
                    event,
                    filters: if registration.filters.is_empty() {
                        "none"
                    } else {
                        registration.filters
                    },
                    priority: registration.priority,
                    first_name: first.name,
                    first_at: first.location(),
                    second_name: registration.name,
                    second_at: registration.location(),
                }));
            }
        }
        rivals.push(registration);
    }
    Ok(())
}

impl Webhook<StateMap> {
    /// A webhook with every handler declared with `#[on]` in the program (HTTP routes
    /// included), and an empty
    /// [`StateMap`] to fill with [`state`](Webhook::state).
    ///
    /// Use it to mount the annotated handlers in an existing axum app, or to test them with
    /// [`TestClient`](crate::testing::TestClient). Fails when two handlers conflict (same
    /// event, same filters, same priority), naming both, and when two functions are
    /// `#[authenticator]`s. The `#[authenticator]` function, if any, guards every request.
    pub fn from_registry() -> Result<Self, RegistryError> {
        let registrations = registrations();
        check_conflicts(&registrations)?;
        let authenticators = authenticator_registrations();
        if let [first, second, ..] = authenticators.as_slice() {
            return Err(AuthenticatorConflict {
                first_name: first.name,
                first_at: first.location(),
                second_name: second.name,
                second_at: second.location(),
            }
            .into());
        }
        let http = collected::<crate::http::HttpRoute<StateMap>>();
        check_conflicts(&http)?;
        let webhook = registrations.into_iter().fold(
            Webhook::with_state(StateMap::new()),
            |webhook, registration| webhook.route((registration.route)()),
        );
        let mut webhook = http.into_iter().fold(webhook, |webhook, registration| {
            webhook.http_route((registration.route)())
        });
        if let Some(registration) = authenticators.first() {
            webhook = webhook.shared_authenticator((registration.build)().0);
        }
        Ok(webhook)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `"t"` is a topic, `"GET,POST /a"` an HTTP route (`*`: any method).
    fn registration(event: &'static str, name: &'static str) -> &'static Registration<()> {
        let served = match event.split_once(' ') {
            Some((methods, path)) => Served::Http {
                methods: if methods == "*" {
                    &[]
                } else {
                    Box::leak(methods.split(',').collect::<Vec<_>>().into_boxed_slice())
                },
                path,
            },
            None => Served::Topic(event),
        };
        Box::leak(Box::new(Registration {
            served,
            name,
            module: "m",
            file: "f.rs",
            line: 1,
            priority: 0,
            filters: "",
            route: || (),
        }))
    }

    fn conflict(a: &'static str, b: &'static str) -> Option<String> {
        check_conflicts(&[registration(a, "a"), registration(b, "b")])
            .err()
            .map(|conflict| conflict.event)
    }

    #[test]
    fn topics_conflict_when_equal() {
        assert_eq!(conflict("t", "t").as_deref(), Some("t"));
        assert_eq!(conflict("t", "u"), None);
    }

    #[test]
    fn http_routes_conflict_when_their_methods_meet_on_one_path() {
        assert_eq!(
            conflict("GET /a", "GET,POST /a").as_deref(),
            Some("GET,HEAD /a")
        );
        assert_eq!(conflict("* /a", "POST /a").as_deref(), Some("POST /a"));
        assert_eq!(conflict("* /a", "* /a").as_deref(), Some("* /a"));
        assert_eq!(conflict("GET /a", "HEAD /a").as_deref(), Some("HEAD /a"));
        assert_eq!(conflict("GET /a", "POST /a"), None);
        assert_eq!(conflict("GET /a", "GET /b"), None);
    }

    #[test]
    fn served_reads_as_the_route_table_writes_it() {
        assert_eq!(Served::Topic("t").to_string(), "t");
        let http = Served::Http {
            methods: &["GET", "POST"],
            path: "/hooks/{slug}",
        };
        assert_eq!(http.to_string(), "GET,POST /hooks/{slug}");
        let any = Served::Http {
            methods: &[],
            path: "/any",
        };
        assert_eq!(any.to_string(), "* /any");
    }
}
