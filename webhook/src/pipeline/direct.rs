//! The notifications' `POST` called by the server itself, past axum's router.
//!
//! Under [`Webhook::serve`](crate::Webhook::serve) (and `main!()`), a `POST` to the
//! notifications' path is the request nearly every request is. The router would find its path
//! (matchit), its method, clone the route's boxed service with its layers and the handler's
//! boxed service below them, box the handler's future, and box the answer's body twice (once
//! in tower-http's panic guard, once again into axum's body). The server's connections call
//! [`DirectRoute`] instead: the same observe layer (request id, span, in-flight entry, metrics,
//! access line), the same panic guard's answer, the same endpoint, the same extensions a
//! handler can extract (`MatchedPath`, `OriginalUri`), with one boxed future. Every other
//! request (another path, another method) goes through the router as before, and a router
//! mounted in an application's own (`Webhook::into_router`) is the router.

use std::convert::Infallible;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::{pin, Pin};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};

use axum::body::Body;
use axum::extract::{MatchedPath, OriginalUri};
use axum::response::Response;
use axum::routing::post;
use axum::Router;
use http::{Method, Request};
use tower::Service;

use crate::ops::layer::{observe, Observed, ObservedFuture};

/// A request answered as the router would answer it.
type Serve = dyn Fn(Request<Body>) -> ObservedFuture + Send + Sync;

/// The notifications' route, as the server's connections call it (see the [module](self)).
/// One pointer: each connection's service holds a clone, in the future an idle connection keeps.
#[derive(Clone)]
pub(crate) struct DirectRoute(Arc<Inner>);

struct Inner {
    path: Box<str>,
    serve: Box<Serve>,
}

impl std::fmt::Debug for DirectRoute {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DirectRoute")
            .field("path", &self.0.path)
            .finish_non_exhaustive()
    }
}

impl DirectRoute {
    /// The route of `path` (a literal path, no `{name}`), observed by `observed`, whose answers
    /// `endpoint` makes; `None` when the router's `MatchedPath` of `path` cannot be had (the
    /// router then serves it, as it serves everything else).
    pub(super) fn new<E, F>(path: &str, observed: &Arc<Observed>, endpoint: E) -> Option<Self>
    where
        E: Fn(Request<Body>) -> F + Send + Sync + 'static,
        F: Future<Output = Response> + Send + 'static,
    {
        if path.contains(['{', '*']) {
            return None;
        }
        let matched = matched_path(path)?;
        let observed = Arc::clone(observed);
        let route = observed.route(path);
        let serve = move |mut request: Request<Body>| {
            let original = OriginalUri(request.uri().clone());
            let extensions = request.extensions_mut();
            extensions.insert(original);
            extensions.insert(matched.clone());
            observe(&observed, route, request, |request| Guarded {
                answer: endpoint(request),
            })
        };
        Some(Self(Arc::new(Inner {
            path: Box::from(path),
            serve: Box::new(serve),
        })))
    }

    /// Whether `request` is this route's: a `POST` to its path (the query aside, as the router
    /// matches).
    pub(crate) fn takes<B>(&self, request: &Request<B>) -> bool {
        request.method() == Method::POST && request.uri().path() == &*self.0.path
    }

    /// The answer to `request`, one of [`takes`](Self::takes).
    pub(crate) fn call(&self, request: Request<Body>) -> ObservedFuture {
        (self.0.serve)(request)
    }
}

/// The router's `MatchedPath` of `path`, as a handler extracting it gets it: asked of a router
/// holding that route alone, once.
fn matched_path(path: &str) -> Option<MatchedPath> {
    let found: Arc<Mutex<Option<MatchedPath>>> = Arc::default();
    let keep = Arc::clone(&found);
    let mut router: Router = Router::new().route(
        path,
        post(move |matched: MatchedPath| {
            if let Ok(mut found) = keep.lock() {
                *found = Some(matched);
            }
            std::future::ready(())
        }),
    );
    let request = Request::post(path).body(Body::empty()).ok()?;
    // The handler is ready at once: one poll runs it (no I/O, no timer).
    let answer = pin!(router.call(request));
    let _ = answer.poll(&mut Context::from_waker(Waker::noop()));
    found.lock().ok()?.take()
}

pin_project_lite::pin_project! {
    /// The endpoint's answer, a panic in it answered as the router's panic guard answers one
    /// (`fallback::panicked`: a JSON `500`, the panic logged).
    struct Guarded<F> {
        #[pin]
        answer: F,
    }
}

impl<F: Future<Output = Response>> Future for Guarded<F> {
    type Output = Result<Response, Infallible>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let answer = self.project().answer;
        match std::panic::catch_unwind(AssertUnwindSafe(|| answer.poll(cx))) {
            Ok(Poll::Ready(response)) => Poll::Ready(Ok(response)),
            Ok(Poll::Pending) => Poll::Pending,
            Err(panic) => Poll::Ready(Ok(super::fallback::panicked(panic))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::InFlight;

    fn route(path: &str) -> Option<DirectRoute> {
        let observed = Arc::new(Observed::new(
            None,
            false,
            InFlight::default(),
            [(path, false)],
        ));
        DirectRoute::new(path, &observed, |_| async { Response::new(Body::empty()) })
    }

    #[test]
    fn the_matched_path_is_the_router_s() {
        for path in ["/", "/hooks/clustaar", "/a%20b"] {
            assert_eq!(matched_path(path).unwrap().as_str(), path);
        }
    }

    #[test]
    fn it_takes_the_posts_to_its_path_only() {
        let direct = route("/hooks").unwrap();
        let request = |method: Method, uri: &str| {
            Request::builder().method(method).uri(uri).body(()).unwrap()
        };
        assert!(direct.takes(&request(Method::POST, "/hooks")));
        assert!(direct.takes(&request(Method::POST, "/hooks?x=1")));
        assert!(direct.takes(&request(Method::POST, "http://example.com/hooks")));
        assert!(!direct.takes(&request(Method::GET, "/hooks")));
        assert!(!direct.takes(&request(Method::HEAD, "/hooks")));
        assert!(!direct.takes(&request(Method::POST, "/hooks/")));
        assert!(!direct.takes(&request(Method::POST, "/Hooks")));
        assert!(!direct.takes(&request(Method::POST, "/")));
    }

    #[test]
    fn a_path_with_parameters_is_left_to_the_router() {
        assert!(route("/hooks/{tenant}").is_none());
        assert!(route("/hooks/{*rest}").is_none());
    }

    #[tokio::test]
    async fn a_panic_is_the_guard_s_500() {
        let observed = Arc::new(Observed::new(
            None,
            false,
            InFlight::default(),
            [("/", false)],
        ));
        let direct = DirectRoute::new("/", &observed, |_| async {
            panic!("boom");
            #[allow(unreachable_code)]
            Response::new(Body::empty())
        })
        .unwrap();
        let Ok(response) = direct
            .call(Request::post("/").body(Body::empty()).unwrap())
            .await;
        assert_eq!(response.status(), http::StatusCode::INTERNAL_SERVER_ERROR);
        // The id is echoed, as on every answer.
        assert!(response.headers().contains_key("x-request-id"));
    }
}
