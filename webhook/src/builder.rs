//! The `Webhook` builder: options, routes, and the router or server they make.

use std::fmt;
use std::future::Future;
use std::time::Duration;

use axum::Router;
use tokio::net::{TcpListener, ToSocketAddrs};

use crate::filter::IntoFilter;
use crate::handler::Handler;
use crate::pipeline::dispatch::Dispatcher;
use crate::pipeline::Pipeline;
use crate::routing::{Route, RouteTable};
use crate::security::{BasicAuth, ReplayGuard, SignatureVerifier};
use crate::serve::shutdown_signal;
use crate::state::StateMap;

/// The default maximum body size: 2 MiB, as axum's.
pub const DEFAULT_BODY_LIMIT: usize = 2 * 1024 * 1024;

/// A webhook: its security options and its routes. It becomes an [`axum::Router`]
/// ([`into_router`](Webhook::into_router)) or serves itself ([`serve`](Webhook::serve)).
///
/// `S` is the state shared by the handlers (a database pool, an HTTP client...), which they
/// receive through [`State`](axum::extract::State).
///
/// ```
/// use webhook::prelude::*;
///
/// fn greet(event: StepReached) -> StepReachedResponse {
///     StepReachedResponse::new().action(SendTextAction::new(["hello"]))
/// }
///
/// let router: axum::Router = Webhook::new()
///     .private_key("XXXXXXXXXX")
///     .basic_auth("user", "password")
///     .on(topics::STEP_REACHED, greet, StepId::new("507f191e810c19729de860ea"))
///     .into_router();
/// ```
pub struct Webhook<S = ()> {
    state: S,
    routes: Vec<Route<S>>,
    private_key: Option<String>,
    basic_auth: Option<BasicAuth>,
    request_max_age: Option<Duration>,
    body_limit: usize,
    path: String,
    strict_notifications: bool,
}

impl Webhook<()> {
    /// A webhook without state, without security, refusing requests older than 10 seconds.
    pub fn new() -> Self {
        Self::with_state(())
    }
}

impl Default for Webhook<()> {
    fn default() -> Self {
        Self::new()
    }
}

impl<S> fmt::Debug for Webhook<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Webhook")
            .field("path", &self.path)
            .field(
                "private_key",
                &self.private_key.as_ref().map(|_| "<redacted>"),
            )
            .field("basic_auth", &self.basic_auth)
            .field("request_max_age", &self.request_max_age)
            .field("body_limit", &self.body_limit)
            .field("strict_notifications", &self.strict_notifications)
            .field("routes", &self.routes)
            .finish()
    }
}

impl<S: Send + Sync + 'static> Webhook<S> {
    /// A webhook whose handlers share `state`.
    pub fn with_state(state: S) -> Self {
        Self {
            state,
            routes: Vec::new(),
            private_key: None,
            basic_auth: None,
            request_max_age: Some(ReplayGuard::DEFAULT_MAX_AGE),
            body_limit: DEFAULT_BODY_LIMIT,
            strict_notifications: false,
            path: "/".to_owned(),
        }
    }

    /// Verifies the `X-Hub-Signature` of every request with this key (the one set in the
    /// bot's webhook configuration).
    pub fn private_key(mut self, private_key: impl Into<String>) -> Self {
        self.private_key = Some(private_key.into());
        self
    }

    /// Requires HTTP basic authentication with these credentials (the reference's
    /// `auth_username` and `auth_password`).
    pub fn basic_auth(mut self, username: impl Into<String>, password: impl Into<String>) -> Self {
        self.basic_auth = Some(BasicAuth::new(username, password));
        self
    }

    /// Refuses requests whose `Date` is older than this; `None` disables the check.
    /// Default: 10 seconds.
    pub fn request_max_age(mut self, max_age: impl Into<Option<Duration>>) -> Self {
        self.request_max_age = max_age.into();
        self
    }

    /// The largest body accepted, in bytes (default [`DEFAULT_BODY_LIMIT`], 2 MiB); larger
    /// bodies are a `413`.
    pub fn body_limit(mut self, bytes: usize) -> Self {
        self.body_limit = bytes;
        self
    }

    /// The path notifications are posted to (default `/`).
    pub fn path(mut self, path: impl Into<String>) -> Self {
        self.path = path.into();
        self
    }

    /// Sends the notifications of topic `event` that pass `filters` to `handler`.
    ///
    /// `filters` is `()` for none, one filter, or a tuple of filters that must all pass. For a
    /// priority or a name, build a [`Route`] and use [`route`](Webhook::route).
    pub fn on<H, M>(self, event: impl Into<String>, handler: H, filters: impl IntoFilter) -> Self
    where
        H: Handler<M, S>,
        M: 'static,
    {
        self.route(Route::new(event.into(), handler).filter(filters))
    }

    /// Adds a route.
    pub fn route(mut self, route: Route<S>) -> Self {
        self.routes.push(route);
        self
    }

    /// The routes, in registration order.
    pub fn routes(&self) -> &[Route<S>] {
        &self.routes
    }

    /// The route table in precedence order, one line a route, for logs.
    pub fn describe_routes(&self) -> String {
        let mut ranked: Vec<(usize, &Route<S>)> = self.routes.iter().enumerate().collect();
        ranked.sort_by(|(a_registration, a), (b_registration, b)| {
            (a.topic(), a.precedence(*a_registration))
                .cmp(&(b.topic(), b.precedence(*b_registration)))
        });
        ranked
            .into_iter()
            .map(|(_, route)| {
                let filter = route.filter_ref().map_or_else(
                    || "unfiltered".to_owned(),
                    |filter| format!("when {filter:?}"),
                );
                let location = route
                    .declared_at()
                    .map(|at| format!(" ({at})"))
                    .unwrap_or_default();
                format!(
                    "{} priority={} {} -> {}{}\n",
                    route.topic(),
                    route.priority_value(),
                    filter,
                    route.route_name(),
                    location
                )
            })
            .collect()
    }

    /// Validates every `conversation.step_reached` notification against the platform's rules
    /// before routing it (off by default: notifications are loaded as the reference loads them,
    /// without validation). A notification that breaks a rule is a `400` listing every broken
    /// rule with its path (`data.step.actions[2].alternatives[0]`).
    pub fn strict_notifications(mut self, strict: bool) -> Self {
        self.strict_notifications = strict;
        self
    }

    /// The axum router serving this webhook, to mount in an application
    /// (`Router::new().nest_service("/clustaar", webhook.into_router())`), wrap in tower
    /// layers, or serve.
    pub fn into_router(self) -> Router {
        let Self {
            state,
            routes,
            private_key,
            basic_auth,
            request_max_age,
            body_limit,
            path,
            strict_notifications,
        } = self;
        Pipeline {
            path,
            dispatcher: Dispatcher {
                routes: RouteTable::new(routes),
                state,
                body_limit,
                strict_notifications,
            },
            replay: request_max_age.map(ReplayGuard::new),
            signature: private_key.map(SignatureVerifier::new),
            basic_auth,
        }
        .into_router()
    }

    /// Listens on `addr` and serves until SIGINT or SIGTERM, then lets in-flight requests
    /// finish.
    pub async fn serve(self, addr: impl ToSocketAddrs) -> std::io::Result<()> {
        let listener = TcpListener::bind(addr).await?;
        tracing::info!(address = %listener.local_addr()?, "webhook listening");
        self.serve_with_shutdown(listener, shutdown_signal()).await
    }

    /// Serves on `listener` until `signal` completes, then lets in-flight requests finish.
    pub async fn serve_with_shutdown<F>(
        self,
        listener: TcpListener,
        signal: F,
    ) -> std::io::Result<()>
    where
        F: Future<Output = ()> + Send + 'static,
    {
        axum::serve(listener, self.into_router())
            .with_graceful_shutdown(signal)
            .await
    }
}

impl Webhook<StateMap> {
    /// Stores `value` in the state; handlers receive it as `State<T>`.
    pub fn state<T: Clone + Send + Sync + 'static>(mut self, value: T) -> Self {
        self.state.insert(value);
        self
    }

    /// Stores every value of `values` in the state.
    pub fn states(mut self, values: StateMap) -> Self {
        self.state.extend(values);
        self
    }
}
