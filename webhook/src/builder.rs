//! The `Webhook` builder: options, routes, and the router or server they make.

use std::borrow::Cow;
use std::fmt;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use tokio::net::{TcpListener, ToSocketAddrs};

use crate::auth::{share, Authenticator, SharedAuthenticator};
use crate::filter::IntoFilter;
use crate::handler::Handler;
use crate::http::{HttpRoute, Methods, Verify};
use crate::http_server::{serve_router, Drain};
use crate::inbox::InboxOptions;
use crate::ops::{InFlight, Metrics, OpsOptions, Readiness};
use crate::pipeline::body::BodyRules;
use crate::pipeline::content_type::ContentTypeCheck;
use crate::pipeline::dispatch::NotificationDispatcher;
use crate::pipeline::encoding::{AcceptedEncodings, ContentEncoding};
use crate::pipeline::stages::Stages;
use crate::pipeline::Pipeline;
use crate::pipeline::TypedFirst;
use crate::routing::{Route, RouteTable};
use crate::security::{BasicAuth, MaxAgeGuard, SignatureVerifier};
use crate::senders::{Addressing, PublicUrl};
use crate::serve::shutdown_signal;
use crate::serve_error::{MissingState, PathConflict, ServeError};
use crate::state::StateMap;

/// Whether the route pattern `pattern` (literal and `{name}` segments) matches the literal
/// path `path`.
fn pattern_matches(pattern: &str, path: &str) -> bool {
    let mut patterns = pattern.split('/');
    let mut segments = path.split('/');
    loop {
        match (patterns.next(), segments.next()) {
            (None, None) => return true,
            (Some(expected), Some(segment)) => {
                let is_param = expected.starts_with('{') && expected.ends_with('}');
                if !is_param && expected != segment {
                    return false;
                }
                if is_param && segment.is_empty() {
                    return false;
                }
            }
            _ => return false,
        }
    }
}

/// What a webhook becomes: its router, and what the server needs to run it.
pub(crate) struct Built {
    /// The router, and the notifications' route past it.
    pub(crate) routes: crate::pipeline::Routes,
    pub(crate) admin: Option<(SocketAddr, Router)>,
    pub(crate) readiness: Readiness,
    pub(crate) in_flight: InFlight,
    /// The metrics' gauges of the server's connections, when the webhook has metrics.
    pub(crate) connections: Option<crate::ops::ConnectionGauges>,
    pub(crate) header_read_timeout: Option<Duration>,
    pub(crate) drain: Drain,
    /// What the inbox's workers run, when a route is durable.
    #[cfg_attr(not(feature = "durable"), allow(dead_code))]
    pub(crate) durable: Option<DurableRoutes>,
}

/// The durable routes, as the inbox's workers run them.
#[cfg_attr(not(feature = "durable"), allow(dead_code))]
pub(crate) struct DurableRoutes {
    /// The router of their handlers (`inbox::run`).
    pub(crate) handlers: Router,
    /// Each one's name, retry policy and timeout, when it has its own.
    pub(crate) policies: Vec<(String, crate::inbox::Durable)>,
}

impl DurableRoutes {
    /// The durable routes among `routes`, if any.
    #[cfg_attr(not(feature = "durable"), allow(unused_variables))]
    fn of<S: Send + Sync + 'static>(routes: &[HttpRoute<S>], state: &Arc<S>) -> Option<Self> {
        let durable: Vec<&HttpRoute<S>> = routes
            .iter()
            .filter(|route| route.durable_options().is_some())
            .collect();
        if durable.is_empty() {
            return None;
        }
        #[cfg(feature = "durable")]
        {
            let handlers = crate::inbox::run::handlers_router(
                durable
                    .iter()
                    .map(|route| {
                        (
                            route.route_name().to_owned(),
                            route.path().to_owned(),
                            Arc::clone(route.handler()),
                            route.sender_ref().cloned(),
                        )
                    })
                    .collect(),
                state,
            );
            let policies = durable
                .iter()
                .filter_map(|route| {
                    route
                        .durable_options()
                        .map(|options| (route.route_name().to_owned(), options.clone()))
                })
                .collect();
            Some(Self { handlers, policies })
        }
        #[cfg(not(feature = "durable"))]
        None
    }
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
/// use clustaar_webhook::prelude::*;
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
    ops: OpsOptions,
    inbox: InboxOptions,
    addressing: Addressing,
    #[cfg(feature = "durable")]
    inbox_ui: Option<crate::inbox::ui::InboxUi>,
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
            .field("ops", &self.ops)
            .field("inbox", &self.inbox)
            .field("public_url", &self.addressing.public_url)
            .field("trust_forwarded", &self.addressing.trust_forwarded)
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
            request_max_age: Some(MaxAgeGuard::DEFAULT_MAX_AGE),
            body_limit: DEFAULT_BODY_LIMIT,
            strict_notifications: false,
            path: "/".to_owned(),
            http_routes: Vec::new(),
            content_type: ContentTypeCheck::default(),
            encodings: AcceptedEncodings::default(),
            header_read_timeout: Some(DEFAULT_HEADER_READ_TIMEOUT),
            body_read_timeout: Some(DEFAULT_BODY_READ_TIMEOUT),
            authenticator: None,
            ops: OpsOptions::default(),
            inbox: InboxOptions::default(),
            addressing: Addressing::default(),
            #[cfg(feature = "durable")]
            inbox_ui: None,
        }
    }

    /// The settings of the durable routes: the store, the workers, leases, retries, batches
    /// and retention (see [`inbox`](crate::inbox)).
    pub fn inbox(mut self, options: InboxOptions) -> Self {
        self.inbox = options;
        self
    }

    /// The settings of the durable routes.
    pub fn inbox_options(&self) -> &InboxOptions {
        &self.inbox
    }

    /// Serves the inbox's web page ([`inbox::ui`](crate::inbox::ui)): the durable routes'
    /// events, to see, search and replay in a browser, behind the page's credentials (default:
    /// off). It reads the webhook's store ([`inbox`](Webhook::inbox)), opened by
    /// [`serve`](Webhook::serve) or [`into_router_with_inbox`](Webhook::into_router_with_inbox)
    /// even when no route is durable (an operations replica).
    ///
    /// ```
    /// use clustaar_webhook::inbox::ui::InboxUi;
    /// use clustaar_webhook::Webhook;
    ///
    /// let webhook = Webhook::new().inbox_ui(InboxUi::basic_auth("ops", "a long password"));
    /// assert!(webhook.check_paths().is_ok());
    /// ```
    #[cfg(feature = "durable")]
    #[cfg_attr(docsrs, doc(cfg(feature = "durable")))]
    pub fn inbox_ui(mut self, ui: impl Into<Option<crate::inbox::ui::InboxUi>>) -> Self {
        self.inbox_ui = ui.into();
        self
    }

    /// The inbox page's path, when it is served.
    fn inbox_ui_path(&self) -> Option<&str> {
        #[cfg(feature = "durable")]
        return self.inbox_ui.as_ref().map(|ui| ui.path_value());
        #[cfg(not(feature = "durable"))]
        None
    }

    /// Whether a route is durable (then [`serve`](Webhook::serve) opens the store).
    pub fn has_durable_routes(&self) -> bool {
        self.http_routes
            .iter()
            .any(|route| route.durable_options().is_some())
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

    /// The public base URL the senders address (`https://hooks.example.com`, with an optional
    /// path prefix), for the presets that sign the URL (Twilio, HubSpot, Square) behind a proxy:
    /// the URL they are checked against is this base followed by the request's path and query.
    /// A sender's own [`Sender::public_url`](crate::senders::Sender::public_url) comes first;
    /// this comes before the [forwarded headers](Webhook::trust_forwarded) and the `Host`
    /// header. `WEBHOOK_PUBLIC_URL` sets it (see [`senders::PublicUrl`](crate::senders::PublicUrl)).
    ///
    /// ```
    /// use clustaar_webhook::senders::PublicUrl;
    /// use clustaar_webhook::Webhook;
    ///
    /// let webhook = Webhook::new().public_url(PublicUrl::parse("https://hooks.example.com")?);
    /// # Ok::<(), clustaar_webhook::senders::PublicUrlError>(())
    /// ```
    pub fn public_url(mut self, url: impl Into<Option<PublicUrl>>) -> Self {
        self.addressing.public_url = url.into();
        self
    }

    /// Takes the URL senders addressed from the proxy's `Forwarded` header (RFC 7239: `proto`
    /// and `host` of its first element), else from `X-Forwarded-Proto`, `X-Forwarded-Host` and
    /// `X-Forwarded-Prefix` (default: off; `WEBHOOK_TRUST_FORWARDED`). Only behind a proxy that
    /// overwrites these headers: otherwise a client chooses the URL a Twilio, HubSpot or Square
    /// signature is checked against. A [public URL](Webhook::public_url) comes first.
    pub fn trust_forwarded(mut self, trust: bool) -> Self {
        self.addressing.trust_forwarded = trust;
        self
    }

    /// Validates every `conversation.step_reached` notification against the platform's rules
    /// before routing it (off by default: notifications are loaded as the reference loads them,
    /// without validation). A notification that breaks a rule is a `400` listing every broken
    /// rule with its path (`data.step.actions[2].alternatives[0]`).
    pub fn strict_notifications(mut self, strict: bool) -> Self {
        self.strict_notifications = strict;
        self
    }

    /// Serves the probes, `GET /healthz` and `GET /readyz` (default: on). See [`ops`](crate::ops).
    pub fn probes(mut self, on: bool) -> Self {
        self.ops.probes = on;
        self
    }

    /// The path of the liveness probe (default `/healthz`).
    pub fn health_path(mut self, path: impl Into<String>) -> Self {
        self.ops.health_path = path.into();
        self
    }

    /// The path of the readiness probe (default `/readyz`).
    pub fn ready_path(mut self, path: impl Into<String>) -> Self {
        self.ops.ready_path = path.into();
        self
    }

    /// Adds a readiness check: `/readyz` answers `503` naming the check (`store: connection
    /// refused`) while it fails or takes longer than
    /// [`READINESS_CHECK_TIMEOUT`](crate::ops::READINESS_CHECK_TIMEOUT). Checks run in the
    /// order they are added, on each call of `/readyz`.
    ///
    /// ```
    /// use clustaar_webhook::prelude::*;
    ///
    /// let webhook = Webhook::new().readiness_check("database", || async {
    ///     tokio::net::TcpStream::connect("127.0.0.1:5432").await.map(drop)
    /// });
    /// ```
    pub fn readiness_check<F, Fut, E>(
        mut self,
        name: impl Into<Cow<'static, str>>,
        check: F,
    ) -> Self
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<(), E>> + Send + 'static,
        E: fmt::Display,
    {
        self.ops.readiness.add_check(name.into(), check);
        self
    }

    /// The webhook's readiness, shared with its router: an application that serves
    /// [`into_router`](Webhook::into_router) itself calls [`Readiness::drain`] when it starts
    /// shutting down. Take it after the last [`readiness_check`](Webhook::readiness_check).
    pub fn readiness(&self) -> Readiness {
        self.ops.readiness.clone()
    }

    /// Counts requests, latencies and rejections (default: on), in the Prometheus text format.
    /// They are served only where asked: on their [own address](Webhook::metrics_addr), or at
    /// `GET /metrics` on the webhook's address behind a [token](Webhook::metrics_token); with
    /// neither, nowhere. See [`ops::metrics`](crate::ops::metrics).
    pub fn metrics(mut self, on: bool) -> Self {
        self.ops.metrics = match (on, self.ops.metrics.take()) {
            (false, _) => None,
            (true, Some(metrics)) => Some(metrics),
            (true, None) => Some(Metrics::default()),
        };
        self
    }

    /// The webhook's metrics, when they are on: to render them elsewhere.
    pub fn metrics_handle(&self) -> Option<Metrics> {
        self.ops.metrics.clone()
    }

    /// The path of the metrics (default `/metrics`).
    pub fn metrics_path(mut self, path: impl Into<String>) -> Self {
        self.ops.metrics_path = path.into();
        self
    }

    /// Serves the metrics on this address, without credentials (an admin port that the load
    /// balancer does not expose), and not on the webhook's; `None` (the default): no address of
    /// their own. Only [`serve`](Webhook::serve) binds it: [`into_router`](Webhook::into_router)
    /// then leaves the metrics out.
    pub fn metrics_addr(mut self, addr: impl Into<Option<SocketAddr>>) -> Self {
        self.ops.metrics_addr = addr.into();
        self
    }

    /// Serves the metrics on the webhook's own address, at the
    /// [metrics path](Webhook::metrics_path), to the requests that carry this bearer token
    /// (`Authorization: Bearer <token>`, what Prometheus' `authorization` or `bearer_token`
    /// setting sends); the others get a JSON `401` with `WWW-Authenticate: Bearer
    /// realm="metrics"`. Not used when a [`metrics_addr`](Webhook::metrics_addr) is set: the
    /// metrics are served there. See [`MetricsToken`](crate::ops::MetricsToken).
    pub fn metrics_token(mut self, token: impl Into<String>) -> Self {
        self.ops.metrics_token = Some(crate::ops::MetricsToken::new(token.into()));
        self
    }

    /// Opens a `tracing` span a request (`request`, at the `info` level, target
    /// `clustaar_webhook::request`: method, route pattern, request id, status, latency), in which the
    /// handler's logs nest, and logs an `answered` event when it ends (target `clustaar_webhook::access`)
    /// (default: on). Request ids are given and echoed either way.
    pub fn request_spans(mut self, on: bool) -> Self {
        self.ops.request_spans = on;
        self
    }

    /// How long [`serve`](Webhook::serve) keeps accepting connections after the shutdown
    /// signal, `/readyz` answering `503`, so that load balancers see it before connections are
    /// refused (default: none).
    pub fn drain_delay(mut self, delay: Duration) -> Self {
        self.ops.drain_delay = delay;
        self
    }

    /// How long [`serve`](Webhook::serve) may take to stop after the shutdown signal, the
    /// [drain delay](Webhook::drain_delay) included; past it, it returns
    /// [`ServeError::ShutdownTimedOut`] naming the requests cut. Default
    /// [`DEFAULT_SHUTDOWN_TIMEOUT`](crate::ops::DEFAULT_SHUTDOWN_TIMEOUT) (25 s); `None` waits
    /// for every request.
    pub fn shutdown_timeout(mut self, timeout: impl Into<Option<Duration>>) -> Self {
        self.ops.shutdown_timeout = timeout.into();
        self
    }

    /// Checks that no two endpoints take the same requests: the probes, the metrics, the
    /// Clustaar notifications' path and the HTTP routes' patterns (`/{slug}` takes `/healthz`;
    /// an HTTP route on the notifications' path takes them).
    ///
    /// # Errors
    ///
    /// The first conflict, naming both endpoints and the setting that moves the probe or the
    /// metrics.
    pub fn check_paths(&self) -> Result<(), PathConflict> {
        let reserved = self.ops.reserved_paths();
        for (at, (what, path)) in reserved.iter().enumerate() {
            let literal = clustaar_webhook_core::route_path::check_path(path)
                .map_err(|error| error.to_string())
                .and_then(|()| {
                    if path.contains('{') {
                        Err("it has a `{name}` parameter".to_owned())
                    } else {
                        Ok(())
                    }
                });
            if let Err(reason) = literal {
                return Err(PathConflict::InvalidPath {
                    what,
                    path: (*path).to_owned(),
                    reason,
                });
            }
            let taken = |other: String| PathConflict::Taken {
                what,
                path: (*path).to_owned(),
                other,
            };
            if let Some((other, _)) = reserved[..at].iter().find(|(_, p)| p == path) {
                return Err(taken((*other).to_owned()));
            }
            if *path == self.path {
                return Err(taken(
                    "the Clustaar notifications (Webhook::path)".to_owned(),
                ));
            }
            if let Some(route) = self
                .http_routes
                .iter()
                .find(|route| pattern_matches(route.path(), path))
            {
                let location = route
                    .declared_at()
                    .map(|at| format!(" ({at})"))
                    .unwrap_or_default();
                return Err(taken(format!(
                    "the HTTP route `{}`{location}, whose path is {:?}",
                    route.route_name(),
                    route.path()
                )));
            }
        }
        self.check_inbox_ui_path(&reserved)?;
        self.check_route_patterns()?;
        match self
            .http_routes
            .iter()
            .find(|route| route.path() == self.path)
        {
            Some(route) => Err(PathConflict::NotificationsPath {
                route: route.route_name().to_owned(),
                path: self.path.clone(),
            }),
            None => Ok(()),
        }
    }

    /// Every HTTP route's path can be routed beside the others (axum would panic on the second
    /// of `/hooks/{a}` and `/hooks/{b}`): each distinct path is put in a router of axum's kind
    /// (matchit), which says which earlier path it conflicts with.
    fn check_route_patterns(&self) -> Result<(), PathConflict> {
        let mut router = matchit::Router::new();
        let mut inserted = std::collections::HashSet::new();
        for route in &self.http_routes {
            if !inserted.insert(route.path()) {
                continue;
            }
            if let Err(error) = router.insert(route.path(), ()) {
                let other = match error {
                    matchit::InsertError::Conflict { with } => {
                        format!("{with:?}: they differ only by a parameter's name or kind")
                    }
                    other => format!("the others: {other}"),
                };
                return Err(PathConflict::Patterns {
                    route: route.route_name().to_owned(),
                    path: route.path().to_owned(),
                    other,
                });
            }
        }
        Ok(())
    }

    /// The inbox's page takes its path and everything under it.
    fn check_inbox_ui_path(&self, reserved: &[(&'static str, &str)]) -> Result<(), PathConflict> {
        const WHAT: &str = "the inbox's page (WEBHOOK_INBOX_UI_PATH)";
        let Some(ui) = self.inbox_ui_path() else {
            return Ok(());
        };
        let taken = |other: String| PathConflict::Taken {
            what: WHAT,
            path: ui.to_owned(),
            other,
        };
        if let Err(error) = clustaar_webhook_core::route_path::check_path(ui) {
            return Err(PathConflict::InvalidPath {
                what: WHAT,
                path: ui.to_owned(),
                reason: error.to_string(),
            });
        }
        let under = |path: &str| path == ui || path.starts_with(&format!("{ui}/"));
        if under(&self.path) {
            return Err(taken(
                "the Clustaar notifications (Webhook::path)".to_owned(),
            ));
        }
        if let Some((other, _)) = reserved.iter().find(|(_, path)| under(path)) {
            return Err(taken((*other).to_owned()));
        }
        if let Some(route) = self.http_routes.iter().find(|route| under(route.path())) {
            return Err(taken(format!(
                "the HTTP route `{}`, whose path is {:?}",
                route.route_name(),
                route.path()
            )));
        }
        Ok(())
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

    /// Checks that every route's sender is configured (its secret was found and decodes).
    ///
    /// # Errors
    ///
    /// The first route's error: it names the environment variable, never the secret.
    pub fn check_senders(&self) -> Result<(), crate::senders::SenderError> {
        match self.http_routes.iter().find_map(HttpRoute::sender_error) {
            Some(error) => Err(error.clone()),
            None => Ok(()),
        }
    }

    /// The axum router serving this webhook, to mount in an application
    /// (`Router::new().nest_service("/clustaar", webhook.into_router())`), wrap in tower
    /// layers, or serve.
    ///
    /// The router is [ready](crate::ops::Readiness) at once: call
    /// [`Readiness::drain`](crate::ops::Readiness::drain) on [`readiness`](Webhook::readiness)
    /// when the application starts shutting down. The metrics are in it only behind a
    /// [`metrics_token`](Webhook::metrics_token) and without a
    /// [`metrics_addr`](Webhook::metrics_addr).
    ///
    /// The router routes every request, the notifications' `POST` included, so the layers an
    /// application wraps it in see them all. [`serve`](Webhook::serve) answers the
    /// notifications' `POST` past the router instead (the same layers of the webhook's own and
    /// the same answers, about 10 % fewer instructions a request: `benches/README.md`).
    ///
    /// # Panics
    ///
    /// On what [`serve`](Webhook::serve) reports as an error of the webhook's configuration
    /// (the message is the error's): an endpoint on the path of another, a probe or the metrics
    /// ([`check_paths`](Webhook::check_paths), [`ServeError::Conflict`]), a handler reading
    /// state the webhook does not hold ([`check_state`](Webhook::check_state),
    /// [`ServeError::MissingState`]), a route's sender without its secret
    /// ([`check_senders`](Webhook::check_senders), [`ServeError::Sender`]), a durable route or
    /// the inbox's page, whose store this router does not open
    /// ([`ServeError::DurableRouteWithoutStore`], [`ServeError::InboxPageWithoutStore`]: they
    /// are served by [`into_router_with_inbox`](Webhook::into_router_with_inbox)); two HTTP
    /// route paths axum's router cannot hold together (`/hooks/{a}` and `/hooks/{b}`,
    /// [`PathConflict::Patterns`], found by `check_paths` too).
    pub fn into_router(self) -> Router {
        match self.build() {
            Ok(built) => {
                built.readiness.ready();
                built.routes.router
            }
            Err(error) => panic!("{error}"),
        }
    }

    /// The router and what the server needs to run it.
    pub(crate) fn build(self) -> Result<Built, ServeError> {
        self.build_with(None, None)
    }

    /// The router, with the durable routes storing their events in `inbox`; the router of the
    /// durable routes' handlers is in `Built::durable`.
    pub(crate) fn build_with(
        self,
        inbox: Option<crate::http::InboxWriter>,
        pages: Option<crate::pipeline::Pages>,
    ) -> Result<Built, ServeError> {
        if pages.is_none() && self.inbox_ui_path().is_some() {
            return Err(ServeError::InboxPageWithoutStore);
        }
        if inbox.is_none()
            && let Some(route) = self
                .http_routes
                .iter()
                .find(|route| route.durable_options().is_some())
        {
            return Err(ServeError::DurableRouteWithoutStore {
                route: route.route_name().to_owned(),
            });
        }
        self.check_state()?;
        self.check_senders()?;
        self.check_paths()?;
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
            header_read_timeout,
            body_read_timeout,
            authenticator,
            strict_notifications,
            ops,
            inbox: inbox_options,
            addressing,
            #[cfg(feature = "durable")]
                inbox_ui: _,
        } = self;
        let state = Arc::new(state);
        // The inbox settings were read when the inbox opened (`serve_with_shutdown`).
        let _ = inbox_options;
        let durable = DurableRoutes::of(&http_routes, &state);
        let http_paths: Vec<String> = http_routes
            .iter()
            .map(|route| route.path().to_owned())
            .collect();
        let in_flight = InFlight::default();
        let connections = ops.metrics.as_ref().map(crate::ops::Metrics::connections);
        let readiness = ops.readiness.clone();
        let drain = Drain {
            delay: ops.drain_delay,
            timeout: ops.shutdown_timeout,
        };
        let admin = match (&ops.metrics, ops.metrics_addr) {
            (Some(metrics), Some(addr)) => Some((
                addr,
                crate::pipeline::metrics_router(&ops.metrics_path, metrics.clone()),
            )),
            _ => None,
        };
        let routes = Pipeline {
            path,
            http_paths,
            ops,
            pages,
            in_flight: in_flight.clone(),
            http: crate::http::router(http_routes, &state, inbox, &addressing),
            dispatcher: NotificationDispatcher {
                routes: RouteTable::new(routes),
                state,
                strict_notifications,
                typed_first: TypedFirst::default(),
            },
            stages: Stages {
                content_type: Some(content_type),
                encodings,
                body: BodyRules {
                    limit: body_limit,
                    timeout: body_read_timeout,
                },
                max_age: request_max_age.map(MaxAgeGuard::new),
                signature,
                basic_auth,
                authenticator,
            },
        }
        .into_routes();
        Ok(Built {
            routes,
            admin,
            readiness,
            in_flight,
            connections,
            header_read_timeout,
            drain,
            durable,
        })
    }

    /// Listens on `addr` and serves until SIGINT or SIGTERM, then drains: `/readyz` answers
    /// `503` at once, connections are accepted for the [drain delay](Webhook::drain_delay), then
    /// refused, and the requests in flight are answered within the
    /// [shutdown timeout](Webhook::shutdown_timeout). HTTP/1.1 and, on the same port, HTTP/2
    /// over cleartext with prior knowledge (a client that opens with the HTTP/2 preface, as
    /// `curl --http2-prior-knowledge` does; no TLS, no `Upgrade: h2c`), with the
    /// [header read timeout](Webhook::header_read_timeout). A keep-alive HTTP/1.1 connection
    /// that has waited 10 ms for its next request frees hyper's buffers until the client sends
    /// again (about 3 kB of memory an idle connection instead of 14). The metrics are served on
    /// their [own address](Webhook::metrics_addr) when one is set, else behind their
    /// [token](Webhook::metrics_token) when one is set, else not at all (as the log says at
    /// start).
    ///
    /// # Errors
    ///
    /// An address that cannot be bound, an error of the webhook's configuration (a
    /// [`PathConflict`], a [`MissingState`], a sender without its secret, a durable route
    /// without the `durable` feature), the durable routes' store that cannot be opened, or the
    /// shutdown timeout passed ([`ServeError::ShutdownTimedOut`], naming the requests cut). A
    /// program whose `main` returns `std::io::Result` can use `?`: `ServeError` converts into
    /// `std::io::Error`.
    pub async fn serve(self, addr: impl ToSocketAddrs) -> Result<(), ServeError> {
        self.check_paths()?;
        let listener = TcpListener::bind(addr).await?;
        tracing::info!(address = %listener.local_addr()?, "webhook listening");
        self.serve_with_shutdown(listener, shutdown_signal()).await
    }

    /// Serves on `listener` until `signal` completes, then drains as [`serve`](Webhook::serve)
    /// does; HTTP/1.1 and HTTP/2 as `serve`.
    ///
    /// # Errors
    ///
    /// As [`serve`](Webhook::serve).
    pub async fn serve_with_shutdown<F>(
        self,
        listener: TcpListener,
        signal: F,
    ) -> Result<(), ServeError>
    where
        F: Future<Output = ()> + Send + 'static,
    {
        self.ops.log_metrics_exposure();
        #[cfg(feature = "durable")]
        let (built, workers) = self.build_with_inbox().await?;
        #[cfg(not(feature = "durable"))]
        let built = self.build()?;
        let admin = match built.admin {
            Some((addr, router)) => {
                let listener = TcpListener::bind(addr).await.map_err(|error| {
                    std::io::Error::new(
                        error.kind(),
                        format!("the metrics address {addr} (metrics_addr): {error}"),
                    )
                })?;
                tracing::info!(address = %listener.local_addr()?, "metrics listening");
                let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
                let task = tokio::spawn(serve_router(
                    listener,
                    router.into(),
                    crate::http_server::ServeOptions::admin(built.header_read_timeout),
                    async move {
                        let _ = stopped.await;
                    },
                ));
                Some((stop, task))
            }
            None => None,
        };
        let served = serve_router(
            listener,
            built.routes,
            crate::http_server::ServeOptions {
                header_read_timeout: built.header_read_timeout,
                drain: built.drain,
                readiness: Some(built.readiness),
                in_flight: Some(built.in_flight),
                connections: built.connections,
                #[cfg(feature = "durable")]
                workers,
            },
            signal,
        )
        .await;
        if let Some((stop, task)) = admin {
            let _ = stop.send(());
            let _ = task.await;
        }
        served
    }

    /// The router, as [`into_router`](Webhook::into_router), and the running inbox of the
    /// durable routes (the `durable` feature): their store is opened (its schema created or
    /// migrated), `/readyz` checks it, and the workers that run their handlers are started.
    /// This is how an application that serves the webhook inside its own axum server, with
    /// its own listener, uses durable routes; a webhook without durable routes gets idle
    /// [`InboxWorkers`](crate::inbox::InboxWorkers).
    ///
    /// Keep the workers while the router serves, and call
    /// [`InboxWorkers::shutdown`](crate::inbox::InboxWorkers::shutdown) when the application
    /// stops: running attempts finish (or their events go back to the queue). Dropping them
    /// stops the claiming: the events stay stored for the next start.
    ///
    /// ```no_run
    /// use clustaar_webhook::prelude::*;
    /// use clustaar_webhook::inbox::Durable;
    ///
    /// async fn store_it(event: HttpEvent) -> StatusCode {
    ///     StatusCode::OK
    /// }
    ///
    /// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// let stripe = HttpRoute::new(Method::POST, "/stripe", store_it)
    ///     .durable(Durable::new().idempotency_json("id"));
    /// let webhook = Webhook::new().http_route(stripe);
    /// let (hooks, workers) = webhook.into_router_with_inbox().await?;
    /// let app = axum::Router::new().nest_service("/hooks", hooks);
    /// let listener = tokio::net::TcpListener::bind("127.0.0.1:8000").await?;
    /// axum::serve(listener, app).with_graceful_shutdown(clustaar_webhook::shutdown_signal()).await?;
    /// workers.shutdown(Some(std::time::Duration::from_secs(25))).await;
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    ///
    /// The store cannot be opened, two durable routes have one name, or another error of the
    /// webhook's configuration (as [`serve`](Webhook::serve): a [`PathConflict`], a
    /// [`MissingState`], a sender without its secret).
    ///
    /// # Panics
    ///
    /// When two HTTP route paths conflict (`/hooks/{a}` and `/hooks/{b}`), as
    /// [`into_router`](Webhook::into_router).
    #[cfg(feature = "durable")]
    #[cfg_attr(docsrs, doc(cfg(feature = "durable")))]
    pub async fn into_router_with_inbox(
        self,
    ) -> Result<(Router, crate::inbox::InboxWorkers), ServeError> {
        let (built, workers) = self.build_with_inbox().await?;
        built.readiness.ready();
        Ok((
            built.routes.router,
            crate::inbox::InboxWorkers::new(workers),
        ))
    }

    /// The router and what the server needs to run it, with the inbox of the durable routes
    /// open and its workers started (none without durable routes).
    #[cfg(feature = "durable")]
    pub(crate) async fn build_with_inbox(
        mut self,
    ) -> Result<(Built, Option<crate::inbox::Workers>), ServeError> {
        let inbox = if self.has_durable_routes() {
            self.check_durable_names()?;
            let metrics = self.ops.metrics.as_ref().map(Metrics::inbox);
            let inbox = crate::inbox::RunningInbox::open(self.inbox.clone(), metrics).await?;
            let store = Arc::clone(&inbox.store);
            self.ops.readiness.add_check("store".into(), move || {
                let store = Arc::clone(&store);
                async move { store.ping().await }
            });
            Some(inbox)
        } else {
            None
        };
        let pages = match self.inbox_ui.clone() {
            Some(ui) => {
                let store = match &inbox {
                    Some(inbox) => Arc::clone(&inbox.store),
                    // No durable route here: the page reads the store of the replicas that
                    // have them.
                    None => crate::inbox::open_store(&self.inbox.store, 4).await?,
                };
                tracing::info!(
                    path = ui.path_value(),
                    read_only = ui.is_read_only(),
                    "inbox page served"
                );
                Some(crate::pipeline::Pages {
                    patterns: ui.route_patterns(),
                    router: ui.router(store),
                })
            }
            None => None,
        };
        let metrics = self.ops.metrics.as_ref().map(Metrics::inbox);
        let built = self.build_with(inbox.as_ref().map(|inbox| inbox.batcher.clone()), pages)?;
        let workers = match (inbox, &built.durable) {
            (Some(inbox), Some(durable)) => Some(inbox.start_workers(
                durable.handlers.clone(),
                durable.policies.clone(),
                metrics,
            )),
            _ => None,
        };
        Ok((built, workers))
    }

    /// Two durable routes with one name would share their events: refused at start.
    #[cfg(feature = "durable")]
    fn check_durable_names(&self) -> Result<(), ServeError> {
        let mut seen = std::collections::HashSet::new();
        for route in &self.http_routes {
            if route.durable_options().is_some() && !seen.insert(route.route_name()) {
                return Err(ServeError::DurableName(route.route_name().to_owned()));
            }
        }
        Ok(())
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

#[cfg(all(test, feature = "durable"))]
mod tests {
    use http::{Method, StatusCode};

    use super::*;
    use crate::inbox::ui::InboxUi;
    use crate::inbox::Durable;

    /// Two durable routes of one name: refused before serving, as the configuration's fault
    /// (`main!()` exits with code 2).
    #[test]
    fn two_durable_routes_of_one_name_are_an_error_of_the_configuration() {
        let route = |path: &'static str| {
            HttpRoute::new(Method::POST, path, || StatusCode::OK)
                .name("events")
                .durable(Durable::new())
        };
        let webhook = Webhook::new()
            .http_route(route("/a"))
            .http_route(route("/b"));
        let error = webhook.check_durable_names().unwrap_err();
        assert!(matches!(&error, ServeError::DurableName(name) if name == "events"));
        assert!(error.is_configuration());
        assert_eq!(
            error.to_string(),
            "two durable routes are named \"events\": give each its own name (`HttpRoute::name`)"
        );
    }

    /// What needs a store the router does not open is an error of the build, not a panic.
    #[test]
    fn a_durable_route_or_the_inbox_page_without_a_store_is_an_error_of_the_build() {
        let durable = HttpRoute::new(Method::POST, "/events", || StatusCode::OK)
            .name("events")
            .durable(Durable::new());
        match Webhook::new().http_route(durable).build() {
            Err(error @ ServeError::DurableRouteWithoutStore { .. }) => {
                assert!(error.is_configuration());
                assert!(error
                    .to_string()
                    .starts_with("the HTTP route \"events\" is durable: it is served by"));
            }
            Err(error) => panic!("{error:?}"),
            Ok(_) => panic!("built"),
        }
        let page = Webhook::new().inbox_ui(InboxUi::basic_auth("user", "password"));
        match page.build() {
            Err(error @ ServeError::InboxPageWithoutStore) => assert!(error.is_configuration()),
            Err(error) => panic!("{error:?}"),
            Ok(_) => panic!("built"),
        }
    }
}
