//! Runs a stored event's request through its route's handler, as the request would have run:
//! an axum router of the durable routes' paths (so `Path<T>` reads its parameters), whose
//! endpoint calls the handler the event was stored for, with the framework's one handler model
//! (the same extractors as inline).

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Request as HttpRequest, State};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use axum::Router;

use crate::error::ApiError;
use crate::handler::ErasedHandler;
use crate::http::SignedRequest;
use crate::senders::Sender;
use crate::Request;

/// A request extension: the name of the route whose handler runs the event.
#[derive(Debug, Clone)]
pub(crate) struct TargetRoute(pub(crate) Arc<str>);

/// Handlers by route name, with the route's sender (its `SenderEvent` is read again from the
/// stored request).
type ByName<S> = HashMap<String, (Arc<dyn ErasedHandler<S>>, Option<Sender>)>;

/// A durable route as the handlers' router takes it: name, path, handler, sender.
pub(crate) type DurableHandler<S> = (String, String, Arc<dyn ErasedHandler<S>>, Option<Sender>);

/// The durable handlers of one path, by route name, and their state.
struct PathHandlers<S> {
    handlers: ByName<S>,
    state: Arc<S>,
}

/// The router of the durable routes' handlers: `routes` are `(name, path, handler, sender)`.
pub(crate) fn handlers_router<S: Send + Sync + 'static>(
    routes: Vec<DurableHandler<S>>,
    state: &Arc<S>,
) -> Router {
    let mut by_path: Vec<(String, ByName<S>)> = Vec::new();
    for (name, path, handler, sender) in routes {
        match by_path.iter_mut().find(|(known, _)| *known == path) {
            Some((_, handlers)) => {
                handlers.insert(name, (handler, sender));
            }
            None => by_path.push((path, HashMap::from([(name, (handler, sender))]))),
        }
    }
    let mut router = Router::new();
    for (path, handlers) in by_path {
        let table = Arc::new(PathHandlers {
            handlers,
            state: Arc::clone(state),
        });
        router = router.route(&path, any(call_handler::<S>).with_state(table));
    }
    router
}

/// Calls the handler named by the request's [`TargetRoute`].
async fn call_handler<S: Send + Sync + 'static>(
    State(table): State<Arc<PathHandlers<S>>>,
    request: HttpRequest,
) -> Response {
    let (parts, body) = request.into_parts();
    let Some(TargetRoute(name)) = parts.extensions.get::<TargetRoute>().cloned() else {
        return ApiError::internal("A stored event has no route.").into_response();
    };
    let Some((handler, sender)) = table.handlers.get(&*name) else {
        return ApiError::internal(format!("No durable route is named {name:?}.")).into_response();
    };
    // The body is the stored one, in memory: no limit to apply again.
    let body = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    let mut parts = parts;
    if let Some(sender) = sender {
        // What the sender read when the request was accepted, read again from what was stored.
        // The facts are read from the head and the body: the URL's path is enough.
        let url = parts
            .uri
            .path_and_query()
            .map_or("/", |pq| pq.as_str())
            .to_owned();
        let event = sender.event(&SignedRequest {
            method: &parts.method,
            url: &url,
            headers: &parts.headers,
            body: &body,
        });
        parts.extensions.insert(event);
    }
    handler.call(Request::new(parts, body), &table.state).await
}
