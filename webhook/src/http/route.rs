//! [`HttpRoute`]: a handler for requests to a path, with methods, a filter, a priority and a
//! signature check.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use clustaar_webhook_core::route_path::check_path;
use http::{Method, StatusCode};

use super::signature::Verify;
use crate::filter::{Filter, IntoFilter};
use crate::handler::{erase, ErasedHandler, Handler};
use crate::inbox::Durable;
use crate::senders::Sender;

/// The methods a route accepts: one, several, or any.
///
/// ```
/// use clustaar_webhook::http::Methods;
/// use http::Method;
///
/// assert!(Methods::from(Method::POST).accepts(&Method::POST));
/// assert!(!Methods::from([Method::GET, Method::POST]).accepts(&Method::PUT));
/// assert!(Methods::Any.accepts(&Method::PATCH));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Methods {
    /// Every method.
    Any,
    /// These methods.
    Only(Vec<Method>),
}

impl Methods {
    /// Whether `method` is accepted. A route that accepts `GET` accepts `HEAD` too, as HTTP
    /// says (RFC 9110, 9.3.2): the handler runs, and the server sends its answer's headers
    /// without the body.
    pub fn accepts(&self, method: &Method) -> bool {
        match self {
            Methods::Any => true,
            Methods::Only(methods) => {
                methods.contains(method)
                    || (method == Method::HEAD && methods.contains(&Method::GET))
            }
        }
    }
}

impl fmt::Display for Methods {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Methods::Any => f.write_str("*"),
            Methods::Only(methods) => {
                let names: Vec<&str> = methods.iter().map(Method::as_str).collect();
                f.write_str(&names.join(","))
            }
        }
    }
}

impl From<Method> for Methods {
    fn from(method: Method) -> Self {
        Methods::Only(vec![method])
    }
}

impl<const N: usize> From<[Method; N]> for Methods {
    fn from(methods: [Method; N]) -> Self {
        Methods::Only(methods.to_vec())
    }
}

impl From<Vec<Method>> for Methods {
    fn from(methods: Vec<Method>) -> Self {
        Methods::Only(methods)
    }
}

/// A handler for the requests to a path, among the methods it accepts, that pass its filter
/// and its signature check.
///
/// ```
/// use clustaar_webhook::http::{CelFilter, HmacVerifier, HttpEvent, HttpRoute};
/// use clustaar_webhook::StatusCode;
/// use http::Method;
///
/// let route: HttpRoute = HttpRoute::new(Method::POST, "/github", |_: HttpEvent| StatusCode::OK)
///     .filter(CelFilter::new(r#"data.headers["X-GitHub-Event"] == "push""#).unwrap())
///     .verify(HmacVerifier::github("secret"))
///     .priority(1)
///     .name("push");
/// assert_eq!(route.path(), "/github");
/// ```
pub struct HttpRoute<S = ()> {
    methods: Methods,
    path: Cow<'static, str>,
    handler: Arc<dyn ErasedHandler<S>>,
    filter: Option<Box<dyn Filter>>,
    verifier: Option<Arc<dyn Verify>>,
    priority: i32,
    name: Cow<'static, str>,
    location: Option<&'static str>,
    required_state: Vec<crate::handler_checks::StateRequirement>,
    durable: Option<Durable>,
    sender: Option<Sender>,
    /// Why the route's sender could not be configured (`#[on(..., sender = ...)]`): reported
    /// at start.
    sender_error: Option<crate::senders::SenderError>,
    event: Option<Cow<'static, str>>,
    unhandled: StatusCode,
}

impl<S: Send + Sync + 'static> HttpRoute<S> {
    /// A route sending the requests to `path` with one of `methods` to `handler`. `path` is
    /// literal segments and `{name}` parameters (`/hooks/{slug}`), read with
    /// [`Path`](super::Path).
    ///
    /// # Panics
    ///
    /// When `path` does not start with `/` or has a segment that is neither literal nor a whole
    /// `{name}`: a bug in the program, found at start.
    pub fn new<H, M>(
        methods: impl Into<Methods>,
        path: impl Into<Cow<'static, str>>,
        handler: H,
    ) -> Self
    where
        H: Handler<M, S>,
        M: 'static,
    {
        let path = path.into();
        if let Err(reason) = check_path(&path) {
            panic!("invalid HTTP route path {path:?}: {reason}");
        }
        Self {
            methods: methods.into(),
            path,
            handler: erase(handler),
            filter: None,
            verifier: None,
            priority: 0,
            name: Cow::Borrowed(std::any::type_name::<H>()),
            location: None,
            required_state: Vec::new(),
            durable: None,
            sender: None,
            sender_error: None,
            event: None,
            unhandled: StatusCode::OK,
        }
    }
}

impl<S> HttpRoute<S> {
    /// Sets the filters (replacing any): a [`CelFilter`](super::CelFilter) (the `cel`
    /// feature), any [`Filter`], a tuple of filters that must all pass, or `()` for none.
    pub fn filter(mut self, filters: impl IntoFilter) -> Self {
        self.filter = filters.into_filter();
        self
    }

    /// Checks the signature of requests: the route only sees requests `verifier` accepts.
    pub fn verify(mut self, verifier: impl Verify) -> Self {
        self.verifier = Some(Arc::new(verifier));
        self
    }

    /// Takes the webhooks of a provider ([`Sender`]): its signature is the route's check, its
    /// handshakes are answered before the handler runs, its delivery id is a durable route's
    /// idempotency key (unless the route names another), and the handler may read the
    /// [`SenderEvent`](crate::senders::SenderEvent).
    pub fn sender(mut self, sender: Sender) -> Self {
        self.verifier = Some(Arc::new(sender.clone()));
        self.sender = Some(sender);
        self
    }

    /// Takes only the events of this type, as the route's sender reads it (`invoice.paid`,
    /// `push`): several routes on one path split a provider's events. A signed event that no
    /// route of the path takes is answered [`unhandled_status`](Self::unhandled_status)
    /// (`200` by default: providers disable an endpoint that keeps failing).
    pub fn event(mut self, event: impl Into<Cow<'static, str>>) -> Self {
        self.event = Some(event.into());
        self
    }

    /// The status of a signed event that no route of the path takes (default `200`).
    pub fn unhandled_status(mut self, status: StatusCode) -> Self {
        self.unhandled = status;
        self
    }

    /// The route's sender, or why it could not be configured (a missing secret): the webhook
    /// refuses to start with that error ([`Webhook::check_senders`](crate::Webhook::check_senders)).
    pub fn sender_or_error(self, sender: Result<Sender, crate::senders::SenderError>) -> Self {
        match sender {
            Ok(sender) => self.sender(sender),
            Err(error) => Self {
                sender_error: Some(error),
                ..self
            },
        }
    }

    /// Why the route's sender could not be configured, if it could not.
    pub fn sender_error(&self) -> Option<&crate::senders::SenderError> {
        self.sender_error.as_ref()
    }

    /// The route's sender, if any.
    pub fn sender_ref(&self) -> Option<&Sender> {
        self.sender.as_ref()
    }

    /// The event type the route takes, if it names one.
    pub fn event_name(&self) -> Option<&str> {
        self.event.as_deref()
    }

    /// The status of a signed event no route takes.
    pub(crate) fn unhandled(&self) -> StatusCode {
        self.unhandled
    }

    /// Sets the priority (default `0`): among the routes of a path that all have filters (or
    /// all have none), the higher priority is tried first.
    pub fn priority(mut self, priority: i32) -> Self {
        self.priority = priority;
        self
    }

    /// Names the route in logs (default: the handler's type name).
    pub fn name(mut self, name: impl Into<Cow<'static, str>>) -> Self {
        self.name = name.into();
        self
    }

    /// Makes the route durable: a request that passes its signature check and filters is
    /// stored, answered `202` with its event id (`200` for a duplicate of a stored event), and
    /// its handler runs afterwards, from the inbox's workers, with retries (see
    /// [`inbox`](crate::inbox)). Served by [`Webhook::serve`](crate::Webhook::serve) and
    /// `main!()`, which open the store (the `durable` feature).
    ///
    /// ```
    /// use clustaar_webhook::http::HttpRoute;
    /// use clustaar_webhook::inbox::Durable;
    /// use clustaar_webhook::StatusCode;
    /// use http::Method;
    ///
    /// let route: HttpRoute = HttpRoute::new(Method::POST, "/stripe", || async { StatusCode::OK })
    ///     .durable(Durable::new().idempotency_header("Webhook-Id"));
    /// assert!(route.durable_options().is_some());
    /// ```
    pub fn durable(mut self, durable: Durable) -> Self {
        self.durable = Some(durable);
        self
    }

    /// The route's durable options, when it is durable.
    pub fn durable_options(&self) -> Option<&Durable> {
        self.durable.as_ref()
    }

    /// Records where the route was declared (`file:line`), for messages.
    pub fn location(mut self, location: &'static str) -> Self {
        self.location = Some(location);
        self
    }

    /// Records that the handler reads this value of the webhook's [`StateMap`]
    /// (`#[on]` does it for each `State<T>` argument), checked at start.
    ///
    /// [`StateMap`]: crate::state::StateMap
    #[doc(hidden)]
    pub fn requires_state(mut self, requirement: crate::handler_checks::StateRequirement) -> Self {
        self.required_state.push(requirement);
        self
    }

    /// The state values the handler reads, recorded with `requires_state`.
    pub(crate) fn required_state(&self) -> &[crate::handler_checks::StateRequirement] {
        &self.required_state
    }

    /// The methods accepted.
    pub fn methods(&self) -> &Methods {
        &self.methods
    }

    /// The path, as given.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The route's filter, if any.
    pub fn filter_ref(&self) -> Option<&dyn Filter> {
        self.filter.as_deref()
    }

    /// The route's signature check, if any.
    pub fn verifier(&self) -> Option<&dyn Verify> {
        self.verifier.as_deref()
    }

    /// The priority.
    pub fn priority_value(&self) -> i32 {
        self.priority
    }

    /// The route's name.
    pub fn route_name(&self) -> &str {
        &self.name
    }

    /// Where the route was declared, when known.
    pub fn declared_at(&self) -> Option<&'static str> {
        self.location
    }

    pub(crate) fn handler(&self) -> &Arc<dyn ErasedHandler<S>> {
        &self.handler
    }

    /// The sort key of the precedence rules, those of the Clustaar routes.
    pub(crate) fn precedence(&self, registration: usize) -> (bool, i32, usize) {
        crate::routing::precedence(
            self.filter.is_some() || self.event.is_some(),
            self.priority,
            registration,
        )
    }
}

impl<S> fmt::Debug for HttpRoute<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpRoute")
            .field("methods", &self.methods)
            .field("path", &self.path)
            .field("name", &self.name)
            .field("priority", &self.priority)
            .field("filter", &self.filter)
            .field("verifier", &self.verifier)
            .field("location", &self.location)
            .field("durable", &self.durable)
            .field("sender", &self.sender)
            .field("event", &self.event)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[should_panic(expected = "invalid HTTP route path \"github\": it must start with `/`")]
    fn a_bad_path_panics_at_start() {
        let _: HttpRoute = HttpRoute::new(Method::POST, "github", || http::StatusCode::OK);
    }
}
