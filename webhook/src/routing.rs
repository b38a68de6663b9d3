//! Routes and how a notification finds its handler.
//!
//! A notification is routed on its `topic`, then on the routes' filters. Among the routes of a
//! topic, precedence is fixed and does not depend on the order in which files are linked:
//!
//! 1. routes **with** filters before routes without;
//! 2. then the higher [`priority`](Route::priority) first (default `0`, negative allowed);
//! 3. then registration order (the order of [`Webhook::on`](crate::Webhook::on) calls).
//!
//! The first route, in that order, whose filter passes handles the notification; when none
//! does, the answer is a `404`. Routes whose only filter is a [`StepId`](crate::filter::StepId)
//! are kept in a hash index keyed by step id, so 10,000 of them cost a request no more than 10:
//! only the routes that are not indexed are tried one after the other.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use foldhash::{HashMap, HashMapExt};

use crate::auth::{share, Authenticator, SharedAuthenticator};
use crate::filter::{is_object_id, Filter, IntoFilter};
use crate::handler::{erase, ErasedHandler, Handler};
use crate::Request;

/// A handler for one topic, with its filter and priority.
///
/// ```
/// use clustaar_webhook::{Route, StepReachedResponse, filter::StepId, models::topics};
///
/// let route: Route = Route::new(topics::STEP_REACHED, || StepReachedResponse::new())
///     .filter(StepId::new("507f191e810c19729de860ea"))
///     .priority(10)
///     .name("greet");
/// assert_eq!(route.topic(), "conversation.step_reached");
/// ```
pub struct Route<S = ()> {
    topic: Cow<'static, str>,
    handler: Arc<dyn ErasedHandler<S>>,
    filter: Option<Box<dyn Filter>>,
    priority: i32,
    name: Cow<'static, str>,
    location: Option<&'static str>,
    required_state: Vec<crate::handler_checks::StateRequirement>,
    authenticator: Option<SharedAuthenticator>,
}

impl<S: Send + Sync + 'static> Route<S> {
    /// A route sending the notifications of `topic` to `handler`, without filter.
    pub fn new<H, M>(topic: impl Into<Cow<'static, str>>, handler: H) -> Self
    where
        H: Handler<M, S>,
        M: 'static,
    {
        Self {
            topic: topic.into(),
            handler: erase(handler),
            filter: None,
            priority: 0,
            name: Cow::Borrowed(std::any::type_name::<H>()),
            location: None,
            required_state: Vec::new(),
            authenticator: None,
        }
    }
}

impl<S> Route<S> {
    /// Sets the filters (replacing any): one filter, a tuple of filters that must all pass, or
    /// `()` for none.
    pub fn filter(mut self, filters: impl IntoFilter) -> Self {
        self.filter = filters.into_filter();
        self
    }

    /// Sets the priority: among routes that all have filters (or all have none), the higher
    /// priority is tried first. Default `0`.
    pub fn priority(mut self, priority: i32) -> Self {
        self.priority = priority;
        self
    }

    /// Names the route in logs and in the route table (default: the handler's type name).
    pub fn name(mut self, name: impl Into<Cow<'static, str>>) -> Self {
        self.name = name.into();
        self
    }

    /// Gives the route its own [authenticator](crate::auth), run after routing and after the
    /// webhook's (both must accept), for this route only (replacing any given before).
    pub fn authenticator<A, M>(mut self, authenticator: A) -> Self
    where
        A: Authenticator<M>,
        M: 'static,
    {
        self.authenticator = Some(share(authenticator));
        self
    }

    /// Whether the route has its own authenticator.
    pub fn has_authenticator(&self) -> bool {
        self.authenticator.is_some()
    }

    pub(crate) fn authenticator_ref(&self) -> Option<&SharedAuthenticator> {
        self.authenticator.as_ref()
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

    /// The topic served.
    pub fn topic(&self) -> &str {
        &self.topic
    }

    /// The route's filter, if any.
    pub fn filter_ref(&self) -> Option<&dyn Filter> {
        self.filter.as_deref()
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

    /// The sort key of the precedence rules, for a route registered `registration`-th.
    pub(crate) fn precedence(&self, registration: usize) -> (bool, i32, usize) {
        precedence(self.filter.is_some(), self.priority, registration)
    }
}

/// The sort key of the precedence rules, shared by Clustaar and HTTP routes. Sorted ascending:
/// filtered routes first, then higher priority, then earlier registration.
pub(crate) fn precedence(
    has_filter: bool,
    priority: i32,
    registration: usize,
) -> (bool, i32, usize) {
    (!has_filter, -priority, registration)
}

impl<S> fmt::Debug for Route<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Route")
            .field("topic", &self.topic)
            .field("name", &self.name)
            .field("priority", &self.priority)
            .field("filter", &self.filter)
            .field("location", &self.location)
            .field("authenticator", &self.authenticator.is_some())
            .finish()
    }
}

/// The routes of one topic, in precedence order, with the step-id index.
struct TopicRoutes<S> {
    /// Every route of the topic, sorted by precedence; indexes below are ranks in this list.
    routes: Vec<Route<S>>,
    /// Step id → the best-ranked route whose only filter accepts that id.
    by_step_id: HashMap<String, usize>,
    /// Ranks of the routes that are not indexed, in order.
    scanned: Vec<usize>,
}

impl<S> TopicRoutes<S> {
    fn new(mut routes: Vec<(usize, Route<S>)>) -> Self {
        routes.sort_by_key(|(registration, route)| route.precedence(*registration));
        let routes: Vec<Route<S>> = routes.into_iter().map(|(_, route)| route).collect();
        let mut by_step_id = HashMap::new();
        let mut scanned = Vec::new();
        for (rank, route) in routes.iter().enumerate() {
            match route.filter.as_ref().and_then(|filter| filter.step_ids()) {
                Some(ids) => {
                    for id in ids {
                        if !is_object_id(id) {
                            tracing::warn!(
                                route = route.route_name(),
                                step_id = id,
                                "this step id is not an ObjectID (24 lowercase hexadecimal \
                                 digits) as the platform's are: the route may never match"
                            );
                        }
                        by_step_id.entry(id.to_owned()).or_insert(rank);
                    }
                }
                None => scanned.push(rank),
            }
        }
        Self {
            routes,
            by_step_id,
            scanned,
        }
    }

    fn find(&self, request: &Request) -> Option<&Route<S>> {
        let indexed = match request.step_id() {
            Some(step_id) if !self.by_step_id.is_empty() => self.by_step_id.get(step_id).copied(),
            _ => None,
        };
        let best_indexed = indexed.unwrap_or(usize::MAX);
        self.scanned
            .iter()
            .take_while(|rank| **rank < best_indexed)
            .find(|rank| {
                self.routes[**rank]
                    .filter
                    .as_ref()
                    .is_none_or(|filter| filter.matches(request))
            })
            .or(indexed.as_ref())
            .map(|rank| &self.routes[*rank])
    }
}

/// Every route of a webhook, by topic.
pub(crate) struct RouteTable<S> {
    topics: HashMap<String, TopicRoutes<S>>,
}

impl<S> RouteTable<S> {
    pub(crate) fn new(routes: Vec<Route<S>>) -> Self {
        let mut by_topic: HashMap<String, Vec<(usize, Route<S>)>> = HashMap::new();
        for (registration, route) in routes.into_iter().enumerate() {
            by_topic
                .entry(route.topic.to_string())
                .or_default()
                .push((registration, route));
        }
        Self {
            topics: by_topic
                .into_iter()
                .map(|(topic, routes)| (topic, TopicRoutes::new(routes)))
                .collect(),
        }
    }

    /// The route handling `request`, whose topic is `topic`.
    pub(crate) fn find(&self, topic: &str, request: &Request) -> Option<&Route<S>> {
        self.topics.get(topic)?.find(request)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::filter::{JsonKeyEquals, StepId};
    use crate::models::StepReachedResponse;
    use serde_json::json;

    fn route(name: &'static str) -> Route {
        Route::new("t", StepReachedResponse::new).name(name)
    }

    fn request(step_id: &str, channel: &str) -> Request {
        Request::from_json(json!({
            "topic": "t",
            "data": {"channel": channel, "step": {"id": step_id}}
        }))
    }

    fn found(table: &RouteTable<()>, request: &Request) -> Option<String> {
        table
            .find("t", request)
            .map(|route| route.route_name().to_owned())
    }

    #[test]
    fn filtered_routes_come_before_unfiltered_ones() {
        let table = RouteTable::new(vec![
            route("catch-all"),
            route("web").filter(JsonKeyEquals::new("data.channel", "web").unwrap()),
        ]);
        assert_eq!(found(&table, &request("a", "web")).as_deref(), Some("web"));
        assert_eq!(
            found(&table, &request("a", "fb")).as_deref(),
            Some("catch-all")
        );
    }

    #[test]
    fn priority_then_registration_order() {
        let web = || JsonKeyEquals::new("data.channel", "web").unwrap();
        let table = RouteTable::new(vec![
            route("first").filter(web()),
            route("second").filter(web()),
            route("urgent").filter(web()).priority(5),
            route("fallback-low").priority(-1),
            route("fallback"),
        ]);
        assert_eq!(
            found(&table, &request("a", "web")).as_deref(),
            Some("urgent")
        );
        assert_eq!(
            found(&table, &request("a", "fb")).as_deref(),
            Some("fallback")
        );
    }

    #[test]
    fn indexed_routes_respect_precedence_with_scanned_ones() {
        let table = RouteTable::new(vec![
            route("step"),
            route("step-a").filter(StepId::new("a")),
            route("step-a-again").filter(StepId::new("a")),
            route("web-high")
                .filter(JsonKeyEquals::new("data.channel", "web").unwrap())
                .priority(1),
            route("web-low")
                .filter(JsonKeyEquals::new("data.channel", "web").unwrap())
                .priority(-1),
            route("b-or-c").filter(StepId::any_of(["b", "c"])),
        ]);
        // A higher-priority scanned route wins over the index.
        assert_eq!(
            found(&table, &request("a", "web")).as_deref(),
            Some("web-high")
        );
        // The indexed route wins over a lower-priority scanned one; registration breaks ties.
        assert_eq!(
            found(&table, &request("a", "fb")).as_deref(),
            Some("step-a")
        );
        assert_eq!(
            found(&table, &request("c", "fb")).as_deref(),
            Some("b-or-c")
        );
        // No index hit: the scan goes on to the unfiltered route.
        assert_eq!(found(&table, &request("z", "fb")).as_deref(), Some("step"));
    }

    #[test]
    fn no_route_for_an_unknown_topic_or_when_nothing_matches() {
        let table = RouteTable::new(vec![route("a").filter(StepId::new("a"))]);
        assert_eq!(found(&table, &request("b", "fb")), None);
        assert!(table.find("other", &request("a", "fb")).is_none());
    }

    #[test]
    fn numeric_step_ids_do_not_hit_the_string_index() {
        let table = RouteTable::new(vec![route("one").filter(StepId::new("1"))]);
        let numeric = Request::from_json(json!({"topic": "t", "data": {"step": {"id": 1}}}));
        assert_eq!(found(&table, &numeric), None);
    }

    #[cfg(feature = "testing")]
    #[test]
    fn warns_about_step_ids_that_cannot_match() {
        let captured = crate::testing::CapturedLogs::new();
        {
            let _guard = captured.set_default();
            RouteTable::<()>::new(vec![
                route("upper").filter(StepId::new("507F191E810C19729DE860EA")),
                route("fine").filter(StepId::new("507f191e810c19729de860ea")),
            ]);
        }
        let logs = captured.text();
        assert!(logs.contains("not an ObjectID"), "{logs}");
        assert!(logs.contains("route=\"upper\""), "{logs}");
        assert!(!logs.contains("fine"), "{logs}");
    }
}
