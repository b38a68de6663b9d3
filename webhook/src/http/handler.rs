//! [`HttpHandler`]: the functions that answer generic HTTP webhooks.

use std::sync::Arc;

use axum::response::IntoResponse;

use crate::handler::HandlerFuture;
use crate::Request;

/// A function that answers an HTTP webhook route.
///
/// Implemented for every `fn` and closure, async or not, of up to eight arguments that implement
/// [`Extract`](crate::extract::Extract) ([`HttpEvent`](super::HttpEvent), [`Path<T>`](axum::extract::Path), `HeaderMap`,
/// `RawBody`, `Json<T>`, `State<T>`, ...) and whose result implements axum's
/// [`IntoResponse`]: `StatusCode`, `Json<T>`, `(StatusCode, Json<T>)`, `String`, `ApiError`,
/// `Result<T, ApiError>`, `impl IntoResponse`...
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an HTTP webhook handler",
    label = "not an HTTP handler",
    note = "an HTTP handler is a function (async or not) whose arguments are extractors (`HttpEvent`, `Path<T>`, `HeaderMap`, `RawBody`, `Json<T>`, `State<T>`, ...) and whose result implements `IntoResponse` (`StatusCode`, `Json<T>`, `(StatusCode, Json<T>)`, `ApiError`, `impl IntoResponse`...)",
    note = "a handler with state must be registered on a `Webhook<S>` whose state provides it"
)]
pub trait HttpHandler<M, S>: Send + Sync + 'static {
    /// Extracts the arguments from `request` and runs the handler.
    fn call(&self, request: &Arc<Request>, state: &S) -> HandlerFuture;
}

crate::handler::impl_handler_arities!(HttpHandler, IntoResponse, IntoResponse::into_response);

/// A handler with its marker type erased, as routes store it.
pub(crate) type ErasedHttpHandler<S> =
    Arc<dyn Fn(&Arc<Request>, &S) -> HandlerFuture + Send + Sync>;

pub(crate) fn erase<H, M, S>(handler: H) -> ErasedHttpHandler<S>
where
    H: HttpHandler<M, S>,
    M: 'static,
    S: 'static,
{
    Arc::new(move |request: &Arc<Request>, state: &S| handler.call(request, state))
}
