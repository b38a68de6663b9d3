//! The `Webhook` builder: options, routes, and the router or server they make.

use std::borrow::Cow;
use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use tokio::net::{TcpListener, ToSocketAddrs};

use crate::auth::{share, Authenticator, SharedAuthenticator};
use crate::filter::IntoFilter;
use crate::handler::Handler;
use crate::http::{HttpRoute, Methods, Verify};
use crate::http_server::serve_router;
use crate::pipeline::body::BodyRules;
use crate::pipeline::content_type::ContentTypeCheck;
use crate::pipeline::dispatch::Dispatcher;
use crate::pipeline::encoding::{AcceptedEncodings, ContentEncoding};
use crate::pipeline::stages::Stages;
use crate::pipeline::Pipeline;
use crate::routing::{Route, RouteTable};
use crate::security::{BasicAuth, ReplayGuard, SignatureVerifier};
use crate::serve::shutdown_signal;
use crate::state::StateMap;

/// A handler reads a value of the webhook's [`StateMap`] that nobody stored: found at start
/// ([`Webhook::check_state`]), before any request.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
#[error(
    "the handler `{handler}`{} asks for `State<{type_name}>`, but no value of that type is in \
     the webhook's state: add one with `main!(state = ...)` or `Webhook::state(...)`",
    .location.map(|at| format!(" ({at})")).unwrap_or_default()
)]
pub struct MissingState {
    /// The handler's route name.
    pub handler: String,
    /// Where the handler is declared, when known.
    pub location: Option<&'static str>,
    /// The type of the missing value.
    pub type_name: &'static str,
}

/// The default maximum body size: 2 MiB, as axum's.
pub const DEFAULT_BODY_LIMIT: usize = 2 * 1024 * 1024;

/// The default time a client has to send a request's headers: 10 seconds.
pub const DEFAULT_HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// The default time a client has to send a request's body: 30 seconds.
pub const DEFAULT_BODY_READ_TIMEOUT: Duration = Duration::from_secs(30);

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
    signature: Option<Arc<dyn Verify>>,
    basic_auth: Option<BasicAuth>,
    request_max_age: Option<Duration>,
    body_limit: usize,
    path: String,
    http_routes: Vec<HttpRoute<S>>,
    content_type: ContentTypeCheck,
    encodings: AcceptedEncodings,
    header_read_timeout: Option<Duration>,
    body_read_timeout: Option<Duration>,
    authenticator: Option<SharedAuthenticator>,
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
            .field("signature", &self.signature)
            .field("basic_auth", &self.basic_auth)
            .field("request_max_age", &self.request_max_age)
            .field("body_limit", &self.body_limit)
            .field("content_type", &self.content_type)
            .field("encodings", &self.encodings)
            .field("header_read_timeout", &self.header_read_timeout)
            .field("body_read_timeout", &self.body_read_timeout)
            .field("authenticator", &self.authenticator.is_some())
            .field("strict_notifications", &self.strict_notifications)
            .field("routes", &self.routes)
            .field("http_routes", &self.http_routes)
            .finish()
    }
}

impl<S: Send + Sync + 'static> Webhook<S> {
    /// A webhook whose handlers share `state`.
    pub fn with_state(state: S) -> Self {
        Self {
            state,
            routes: Vec::new(),
            signature: None,
            basic_auth: None,
            request_max_age: Some(ReplayGuard::DEFAULT_MAX_AGE),
            body_limit: DEFAULT_BODY_LIMIT,
            strict_notifications: false,
            path: "/".to_owned(),
            http_routes: Vec::new(),
            content_type: ContentTypeCheck::default(),
            encodings: AcceptedEncodings::default(),
            header_read_timeout: Some(DEFAULT_HEADER_READ_TIMEOUT),
            body_read_timeout: Some(DEFAULT_BODY_READ_TIMEOUT),
            authenticator: None,
        }
    }

    /// Verifies the `X-Hub-Signature` of every request with this key (the one set in the
    /// bot's webhook configuration).
    pub fn private_key(self, private_key: impl Into<String>) -> Self {
        self.verify(SignatureVerifier::new(private_key.into()))
    }

    /// Checks the signature of every notification with `verifier` instead of Clustaar's
    /// `X-Hub-Signature` (the last of `private_key` and `verify` wins): the same
    /// [`Verify`] trait HTTP routes use ([`HmacVerifier`](crate::http::HmacVerifier),
    /// [`StandardWebhooks`](crate::http::StandardWebhooks), or yours). It runs where the
    /// `X-Hub-Signature` check runs, on the bytes as received, before decoding.
    pub fn verify(mut self, verifier: impl Verify) -> Self {
        self.signature = Some(Arc::new(verifier));
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

    /// The largest body accepted, in bytes (default [`DEFAULT_BODY_LIMIT`], 2 MiB), both as
    /// received and once decoded; larger bodies are a `413`. A compressed body is decoded
    /// streaming and refused as soon as its output passes the limit.
    pub fn body_limit(mut self, bytes: usize) -> Self {
        self.body_limit = bytes;
        self
    }

    /// Which `Content-Type`s are accepted (default [`ContentTypeCheck::Json`]:
    /// `application/json` and `*/*+json`, a missing header read as JSON); others are a `415`.
    pub fn content_type_check(mut self, check: ContentTypeCheck) -> Self {
        self.content_type = check;
        self
    }

    /// Which `Content-Encoding`s are decoded (default: gzip, deflate and br; br with the
    /// `brotli` feature only); `identity` always passes, other codings are a `415`. An empty
    /// list accepts identity only.
    ///
    /// # Panics
    ///
    /// When given [`ContentEncoding::Br`] without the `brotli` feature.
    pub fn content_encodings(mut self, codings: impl IntoIterator<Item = ContentEncoding>) -> Self {
        self.encodings = codings.into_iter().collect();
        self
    }

    /// How long a client has to send a request's headers after it connects or after its
    /// previous answer, before [`serve`](Webhook::serve) closes the connection (hyper's HTTP/1
    /// header read timeout); `None` waits forever. Default [`DEFAULT_HEADER_READ_TIMEOUT`], 10
    /// seconds. Every connection must bring its first request within it, HTTP/2 ones included;
    /// an HTTP/2 connection is then pinged after this long without a frame and closed when the
    /// ping is not answered within it. A router mounted in another server gets that server's
    /// setting instead.
    pub fn header_read_timeout(mut self, timeout: impl Into<Option<Duration>>) -> Self {
        self.header_read_timeout = timeout.into();
        self
    }

    /// How long a client has to send a request's whole body; past it the answer is a `408`
    /// and the connection is closed; `None` waits forever. Default
    /// [`DEFAULT_BODY_READ_TIMEOUT`], 30 seconds.
    pub fn body_read_timeout(mut self, timeout: impl Into<Option<Duration>>) -> Self {
        self.body_read_timeout = timeout.into();
        self
    }

    /// Installs an [authenticator](crate::auth): a function, async or not, of the
    /// [`RequestHead`](crate::auth::RequestHead) that accepts anyone, identifies the caller, or
    /// refuses. It runs on every request after the signature and basic-auth checks (all must
    /// pass); handlers receive the identity as an [`Identity<U>`](crate::auth::Identity)
    /// argument. A second call replaces the first.
    pub fn authenticator<A, M>(mut self, authenticator: A) -> Self
    where
        A: Authenticator<M>,
        M: 'static,
    {
        self.authenticator = Some(share(authenticator));
        self
    }

    pub(crate) fn shared_authenticator(mut self, authenticator: SharedAuthenticator) -> Self {
        self.authenticator = Some(authenticator);
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

    /// Sends the HTTP requests to `path` with one of `methods` that pass `filters` to
    /// `handler`: a generic webhook route (GitHub, Stripe, a cron...) beside the Clustaar one.
    ///
    /// `methods` is a [`Method`](http::Method), an array of them, or [`Methods::Any`];
    /// `path` may hold `{name}` segments; `filters` is `()`, a
    /// [`CelFilter`](crate::http::CelFilter) (the `cel` feature), any filter or a tuple of them. For a signature
    /// check, a priority or a name, build an [`HttpRoute`] and use
    /// [`http_route`](Webhook::http_route).
    ///
    /// # Panics
    ///
    /// When `path` is malformed (see [`HttpRoute::new`]).
    pub fn http<H, M>(
        self,
        methods: impl Into<Methods>,
        path: impl Into<Cow<'static, str>>,
        handler: H,
        filters: impl IntoFilter,
    ) -> Self
    where
        H: Handler<M, S>,
        M: 'static,
    {
        self.http_route(HttpRoute::new(methods, path, handler).filter(filters))
    }

    /// Adds a generic HTTP route.
    pub fn http_route(mut self, route: HttpRoute<S>) -> Self {
        self.http_routes.push(route);
        self
    }

    /// The generic HTTP routes, in registration order.
    pub fn http_routes(&self) -> &[HttpRoute<S>] {
        &self.http_routes
    }

    /// The routes, in registration order.
    pub fn routes(&self) -> &[Route<S>] {
        &self.routes
    }

    /// The route table in precedence order, one line a route, for logs: the Clustaar routes by
    /// topic, then the HTTP routes by path (`POST /github priority=0 when cel(...) -> push`).
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
            .chain(crate::http::describe_routes(&self.http_routes))
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

    /// Checks that the [`StateMap`] holds every value the `#[on]` handlers read with
    /// `State<T>`. A webhook whose state is not a `StateMap` passes: its `State<T>` arguments
    /// were checked at compile time (`T: FromRef<S>`).
    ///
    /// # Errors
    ///
    /// The first handler whose value is missing, with the type.
    pub fn check_state(&self) -> Result<(), MissingState> {
        let Some(map) = (&self.state as &dyn std::any::Any).downcast_ref::<StateMap>() else {
            return Ok(());
        };
        let notification = self.routes.iter().map(|route| {
            (
                route.route_name(),
                route.declared_at(),
                route.required_state(),
            )
        });
        let http = self.http_routes.iter().map(|route| {
            (
                route.route_name(),
                route.declared_at(),
                route.required_state(),
            )
        });
        for (handler, location, required) in notification.chain(http) {
            if let Some(missing) = required.iter().find(|r| !map.contains_type(r.type_id)) {
                return Err(MissingState {
                    handler: handler.to_owned(),
                    location,
                    type_name: missing.type_name,
                });
            }
        }
        Ok(())
    }

    /// The axum router serving this webhook, to mount in an application
    /// (`Router::new().nest_service("/clustaar", webhook.into_router())`), wrap in tower
    /// layers, or serve.
    ///
    /// # Panics
    ///
    /// When an HTTP route is on the path of the Clustaar notifications, two HTTP route
    /// paths conflict (`/hooks/{a}` and `/hooks/{b}`), or a handler reads state the webhook
    /// does not hold ([`check_state`](Webhook::check_state)).
    pub fn into_router(self) -> Router {
        if let Err(missing) = self.check_state() {
            panic!("{missing}");
        }
        let Self {
            state,
            routes,
            signature,
            basic_auth,
            request_max_age,
            body_limit,
            path,
            http_routes,
            content_type,
            encodings,
            header_read_timeout: _,
            body_read_timeout,
            authenticator,
            strict_notifications,
        } = self;
        if let Some(route) = http_routes.iter().find(|route| route.path() == path) {
            panic!(
                "the HTTP route {:?} is on {path:?}, the path of the Clustaar notifications; \
                 give it another path, or move the notifications with `Webhook::path`",
                route.route_name()
            );
        }
        let state = Arc::new(state);
        Pipeline {
            path,
            http: crate::http::router(http_routes, &state),
            dispatcher: Dispatcher {
                routes: RouteTable::new(routes),
                state,
                strict_notifications,
            },
            stages: Stages {
                content_type: Some(content_type),
                encodings,
                body: BodyRules {
                    limit: body_limit,
                    timeout: body_read_timeout,
                },
                replay: request_max_age.map(ReplayGuard::new),
                signature,
                basic_auth,
                authenticator,
            },
        }
        .into_router()
    }

    /// Listens on `addr` and serves until SIGINT or SIGTERM, then lets in-flight requests
    /// finish. HTTP/1.1 and, on the same port, HTTP/2 over cleartext with prior knowledge (a
    /// client that opens with the HTTP/2 preface, as `curl --http2-prior-knowledge` does; no
    /// TLS, no `Upgrade: h2c`), with the [header read timeout](Webhook::header_read_timeout).
    pub async fn serve(self, addr: impl ToSocketAddrs) -> std::io::Result<()> {
        let listener = TcpListener::bind(addr).await?;
        tracing::info!(address = %listener.local_addr()?, "webhook listening");
        self.serve_with_shutdown(listener, shutdown_signal()).await
    }

    /// Serves on `listener` until `signal` completes, then lets in-flight requests finish;
    /// HTTP/1.1 and HTTP/2 as [`serve`](Webhook::serve).
    pub async fn serve_with_shutdown<F>(
        self,
        listener: TcpListener,
        signal: F,
    ) -> std::io::Result<()>
    where
        F: Future<Output = ()> + Send + 'static,
    {
        let header_read_timeout = self.header_read_timeout;
        serve_router(listener, self.into_router(), header_read_timeout, signal).await
    }

    /// The header read timeout [`serve`](Webhook::serve) applies.
    pub fn header_read_timeout_value(&self) -> Option<Duration> {
        self.header_read_timeout
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
