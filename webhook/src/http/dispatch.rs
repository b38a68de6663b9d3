//! The endpoint of a path of HTTP routes: method, signature, filter, in precedence order.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Request as HttpRequest, State};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use axum::Router;
use http::{header, HeaderValue, Method, StatusCode};

use super::route::HttpRoute;
use super::signature::{SignedRequest, VerifyError};
use crate::error::{status_title, ApiError, RejectionStage};
use crate::pipeline::body::IngestedPayload;
use crate::senders::{Addressing, Reply, Sender, SenderEvent};
use crate::Request;

/// No route of the path accepts the request (its filters refused it): `404`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("No trigger matched this {method} request to {path}.")]
pub struct NoTrigger {
    /// The request's method.
    pub method: Method,
    /// The request's path.
    pub path: String,
}

impl From<NoTrigger> for ApiError {
    fn from(error: NoTrigger) -> Self {
        ApiError::new(
            StatusCode::NOT_FOUND,
            status_title(StatusCode::NOT_FOUND),
            error.to_string(),
        )
        .at_stage(RejectionStage::NoRoute)
    }
}

/// No route of the path accepts the method: `405` with `Allow`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path} accepts {}, not {method}.", .allowed.join(", "))]
pub struct MethodNotAllowed {
    /// The request's method.
    pub method: Method,
    /// The route path.
    pub path: String,
    /// The methods the path's routes accept.
    pub allowed: Vec<String>,
}

impl IntoResponse for MethodNotAllowed {
    fn into_response(self) -> Response {
        let allow = HeaderValue::from_str(&self.allowed.join(", ")).ok();
        let mut response = ApiError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            status_title(StatusCode::METHOD_NOT_ALLOWED),
            self.to_string(),
        )
        .at_stage(RejectionStage::Method)
        .into_response();
        if let Some(allow) = allow {
            response.headers_mut().insert(header::ALLOW, allow);
        }
        response
    }
}

/// The routes of one path, in precedence order, with what their handlers need.
struct PathRoutes<S> {
    path: String,
    routes: Vec<HttpRoute<S>>,
    /// The methods accepted by some route, when no route accepts them all.
    allowed: Option<Vec<String>>,
    state: Arc<S>,
    /// Where durable routes store their events.
    inbox: Option<InboxWriter>,
    /// How the URL a sender addressed is found behind a proxy.
    addressing: Addressing,
}

/// Where the endpoint of a durable route writes its events: the inbox's batch writer.
#[cfg(feature = "durable")]
pub(crate) type InboxWriter = crate::inbox::Batcher;

/// Without the `durable` feature there is no inbox: a durable route stops the webhook at start.
#[cfg(not(feature = "durable"))]
#[derive(Clone)]
pub(crate) enum InboxWriter {}

/// Routes with their registration order.
type Registered<S> = Vec<(usize, HttpRoute<S>)>;

/// The router of every HTTP route, one axum route per distinct path.
pub(crate) fn router<S: Send + Sync + 'static>(
    routes: Vec<HttpRoute<S>>,
    state: &Arc<S>,
    inbox: Option<InboxWriter>,
    addressing: &Addressing,
) -> Router {
    let mut by_path: Vec<(String, Registered<S>)> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for (registration, route) in routes.into_iter().enumerate() {
        let path = route.path().to_owned();
        let at = *index.entry(path.clone()).or_insert_with(|| {
            by_path.push((path, Vec::new()));
            by_path.len() - 1
        });
        by_path[at].1.push((registration, route));
    }
    let mut router = Router::new();
    for (path, mut routes) in by_path {
        routes.sort_by_key(|(registration, route)| route.precedence(*registration));
        let routes: Vec<HttpRoute<S>> = routes.into_iter().map(|(_, route)| route).collect();
        let mut allowed: Option<Vec<String>> = Some(Vec::new());
        for route in &routes {
            match (route.methods(), allowed.as_mut()) {
                (super::Methods::Any, _) => allowed = None,
                (super::Methods::Only(methods), Some(allowed)) => {
                    // `GET` brings `HEAD` (see `Methods::accepts`).
                    let head = methods.contains(&Method::GET).then_some(&Method::HEAD);
                    for method in methods.iter().chain(head) {
                        if !allowed.iter().any(|known| known == method.as_str()) {
                            allowed.push(method.as_str().to_owned());
                        }
                    }
                }
                (super::Methods::Only(_), None) => {}
            }
        }
        let table = Arc::new(PathRoutes {
            path: path.clone(),
            addressing: addressing.clone(),
            routes,
            allowed,
            state: Arc::clone(state),
            inbox: inbox.clone(),
        });
        router = router.route(&path, any(endpoint::<S>).with_state(table));
    }
    router
}

/// The endpoint: the first route, in precedence order, that accepts the method, the signature
/// and the filter handles the request. A sender's handshakes are answered first; a signed event
/// that no route takes is answered as the routes say (`200`).
async fn endpoint<S: Send + Sync + 'static>(
    State(table): State<Arc<PathRoutes<S>>>,
    request: HttpRequest,
) -> Response {
    let method = request.method().clone();
    let (mut parts, _) = request.into_parts();
    // The ingestion middleware (`crate::pipeline`) read, limited and decoded the body, and
    // built the request; it is always in front of these routes.
    let Some(IngestedPayload { payload, received }) = parts.extensions.remove::<IngestedPayload>()
    else {
        tracing::error!("an HTTP route was reached without the ingestion stages");
        return ApiError::internal("The request was not ingested.").into_response();
    };
    let mut request = Request::from_head(parts, payload);
    // Signatures cover the bytes as the sender sent them, before any decoding.
    let received = received.unwrap_or_else(|| request.body().clone());
    let mut urls = Urls::of(&request, &table.addressing);
    // Handshakes that come before any signature (`GET` challenges), whatever the method.
    for sender in table.routes.iter().filter_map(HttpRoute::sender_ref) {
        let url = urls.for_check(Some(sender));
        let head = SignedRequest {
            method: &method,
            url: &url,
            headers: request.headers(),
            body: &received,
        };
        match sender.handshake_unsigned(&head) {
            Some(Ok(reply)) => return reply_response(reply),
            Some(Err(error)) => return ApiError::from(error).into_response(),
            None => {}
        }
    }
    if let Some(allowed) = &table.allowed
        && !allowed.iter().any(|known| known == method.as_str())
    {
        return MethodNotAllowed {
            method,
            path: table.path.clone(),
            allowed: allowed.clone(),
        }
        .into_response();
    }
    let mut refused: Option<VerifyError> = None;
    // The first sender that accepted the request, with what it read: for a signed event no
    // route takes.
    let mut unhandled: Option<(SenderEvent, StatusCode)> = None;
    for route in table
        .routes
        .iter()
        .filter(|route| route.methods().accepts(&method))
    {
        // Only a route with a check reads the URL.
        let url = if route.verifier().is_some() {
            urls.for_check(route.sender_ref())
        } else {
            Cow::Borrowed("")
        };
        let head = SignedRequest {
            method: &method,
            url: &url,
            headers: request.headers(),
            body: &received,
        };
        if let Some(verifier) = route.verifier()
            && let Err(error) = verifier.verify(&head)
        {
            tracing::debug!(route = route.route_name(), %error, "signature refused");
            refused.get_or_insert(error);
            continue;
        }
        let mut facts = None;
        if let Some(sender) = route.sender_ref() {
            if let Some(reply) = sender.handshake_signed(&head) {
                return reply_response(reply);
            }
            let event = sender.event(&head);
            if route
                .event_name()
                .is_some_and(|wanted| event.event.as_deref() != Some(wanted))
            {
                unhandled.get_or_insert((event, route.unhandled()));
                continue;
            }
            facts = Some(event);
        }
        if route
            .filter_ref()
            .is_none_or(|filter| filter.matches(&request))
        {
            tracing::debug!(%method, path = %table.path, route = route.route_name(), "routing HTTP request");
            if let Some(durable) = route.durable_options() {
                let delivery_id = facts.as_ref().and_then(|facts| facts.id.clone());
                if let Some(facts) = facts {
                    request.head_mut().extensions.insert(facts);
                }
                return accept(
                    route.route_name(),
                    durable,
                    request,
                    delivery_id,
                    table.inbox.as_ref(),
                )
                .await;
            }
            if let Some(facts) = facts {
                request.head_mut().extensions.insert(facts);
            }
            return route.handler().call(request, &table.state).await;
        }
        if let Some(facts) = facts {
            unhandled.get_or_insert((facts, route.unhandled()));
        }
    }
    if let Some((event, status)) = unhandled {
        tracing::debug!(sender = event.sender, event = ?event.event, "no route takes this event");
        return (
            status,
            axum::Json(serde_json::json!({
                "status": "ignored",
                "sender": event.sender,
                "event": event.event,
            })),
        )
            .into_response();
    }
    match refused {
        Some(error) => ApiError::from(error).into_response(),
        None => {
            tracing::debug!(%method, path = request.uri().path(), "no trigger matched");
            ApiError::from(NoTrigger {
                method,
                path: request.uri().path().to_owned(),
            })
            .into_response()
        }
    }
}

/// The URL each signature check of a request sees ([`SignedRequest::url`]), borrowed from the
/// request unless a sender signs the URL (Twilio, HubSpot, Square).
struct Urls<'r> {
    addressing: &'r Addressing,
    head: &'r http::request::Parts,
    /// The path and query before any nesting (`OriginalUri`): what a sender addressed.
    original: &'r str,
    /// The path and query the routes see.
    nested: &'r str,
    /// The webhook's base followed by `original`, built at its first need.
    public: Option<String>,
}

impl<'r> Urls<'r> {
    fn of(request: &'r Request, addressing: &'r Addressing) -> Self {
        let path_and_query =
            |uri: &'r http::Uri| uri.path_and_query().map_or("/", |pq| pq.as_str());
        let head = request.head();
        let original = head
            .extensions
            .get::<axum::extract::OriginalUri>()
            .map_or(&head.uri, |original| &original.0);
        Self {
            addressing,
            head,
            original: path_and_query(original),
            nested: path_and_query(&head.uri),
            public: None,
        }
    }

    /// The URL `sender` (or a route's own check) sees: the absolute URL the sender addressed
    /// for the presets that sign it (the sender's public URL, else the webhook's base), the
    /// path and query for the other presets, the routes' path and query for other checks.
    fn for_check(&mut self, sender: Option<&Sender>) -> Cow<'_, str> {
        let Some(sender) = sender else {
            return Cow::Borrowed(self.nested);
        };
        if !sender.preset().signs_url {
            return Cow::Borrowed(self.original);
        }
        if let Some(own) = sender.public_base() {
            return Cow::Owned(format!("{own}{}", self.original));
        }
        let (addressing, head, original) = (self.addressing, self.head, self.original);
        Cow::Borrowed(self.public.get_or_insert_with(|| {
            let mut url = String::with_capacity(64 + original.len());
            addressing.write_base(
                &mut url,
                &head.headers,
                head.uri.authority().map(|authority| authority.as_str()),
            );
            url.push_str(original);
            url
        }))
    }
}

/// A handshake's answer, as the provider expects it.
fn reply_response(reply: Reply) -> Response {
    let mut response = (reply.status, reply.body).into_response();
    // The body's default content type is replaced by the provider's.
    response.headers_mut().remove(header::CONTENT_TYPE);
    for (name, value) in reply.headers {
        response.headers_mut().insert(name, value);
    }
    response
}

/// Stores the request of a durable route: `202` with the event's id once committed, `200` for a
/// duplicate, `503` when the store fails (the sender retries).
#[cfg(feature = "durable")]
async fn accept(
    name: &str,
    durable: &crate::inbox::Durable,
    request: Request,
    delivery_id: Option<String>,
    inbox: Option<&InboxWriter>,
) -> Response {
    use crate::inbox::{Inserted, NewEvent};
    let Some(inbox) = inbox else {
        tracing::error!(route = name, "a durable route is served without its inbox");
        return ApiError::internal("The route's inbox is not running.").into_response();
    };
    let event = NewEvent {
        route: name.to_owned(),
        method: request.method().as_str().to_owned(),
        uri: request.uri().to_string(),
        headers: request.headers().clone(),
        body: request.body().clone(),
        received_at: crate::inbox::record::now_ms(),
        // The route's own key, else its sender's delivery id.
        idempotency_key: match durable.key_source() {
            Some(key) => key.read(&request),
            None => delivery_id,
        },
    };
    match inbox.store(event).await {
        Ok(Inserted::New(id)) => (
            StatusCode::ACCEPTED,
            axum::Json(serde_json::json!({"id": id, "status": "accepted"})),
        )
            .into_response(),
        Ok(Inserted::Duplicate(id)) => (
            StatusCode::OK,
            axum::Json(serde_json::json!({"id": id, "status": "duplicate"})),
        )
            .into_response(),
        Err(error) => {
            tracing::error!(route = name, %error, "cannot store an event");
            ApiError::from(EventNotStored).into_response()
        }
    }
}

/// Without the `durable` feature no durable route is served (the webhook refuses to start).
#[cfg(not(feature = "durable"))]
async fn accept(
    _: &str,
    _: &crate::inbox::Durable,
    _: Request,
    _: Option<String>,
    inbox: Option<&InboxWriter>,
) -> Response {
    match inbox {
        Some(never) => match *never {},
        None => ApiError::internal("Durable routes need the `durable` feature.").into_response(),
    }
}

/// A durable route's request could not be stored: `503`, so that the sender retries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("The event could not be stored; it was not accepted. Retry later.")]
pub struct EventNotStored;

impl From<EventNotStored> for ApiError {
    fn from(error: EventNotStored) -> Self {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            status_title(StatusCode::SERVICE_UNAVAILABLE),
            error.to_string(),
        )
    }
}

/// The HTTP routes in precedence order within each path, one line a route, for logs.
pub(crate) fn describe_routes<S>(routes: &[HttpRoute<S>]) -> Vec<String> {
    let mut ranked: Vec<(usize, &HttpRoute<S>)> = routes.iter().enumerate().collect();
    ranked.sort_by(|(a_registration, a), (b_registration, b)| {
        (a.path(), a.precedence(*a_registration)).cmp(&(b.path(), b.precedence(*b_registration)))
    });
    ranked
        .into_iter()
        .map(|(_, route)| {
            let filter = route.filter_ref().map_or_else(
                || "unfiltered".to_owned(),
                |filter| format!("when {filter:?}"),
            );
            let signed = if route.verifier().is_some() {
                " signed"
            } else {
                ""
            };
            let signed = if route.durable_options().is_some() {
                format!("{signed} durable")
            } else {
                signed.to_owned()
            };
            let location = route
                .declared_at()
                .map(|at| format!(" ({at})"))
                .unwrap_or_default();
            format!(
                "{} {} priority={} {}{} -> {}{}\n",
                route.methods(),
                route.path(),
                route.priority_value(),
                filter,
                signed,
                route.route_name(),
                location
            )
        })
        .collect()
}
