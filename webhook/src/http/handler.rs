//! [`HttpHandler`]: the functions that answer generic HTTP webhooks.

use std::future::Future;
use std::sync::Arc;

use axum::response::{IntoResponse, Response};

use crate::extract::Extract;
use crate::handler::{HandlerFuture, IsAsync, IsSync};
use crate::Request;

/// A function that answers an HTTP webhook route.
///
/// Implemented for every `fn` and closure, async or not, of up to eight arguments that implement
/// [`Extract`] ([`HttpEvent`](super::HttpEvent), [`Path<T>`](axum::extract::Path), `HeaderMap`,
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

fn ready(response: Response) -> HandlerFuture {
    Box::pin(std::future::ready(response))
}

macro_rules! impl_http_handler {
    ($($arg:ident),*) => {
        impl<F, Fut, S, $($arg,)*> HttpHandler<IsAsync<($($arg,)*)>, S> for F
        where
            F: Fn($($arg),*) -> Fut + Send + Sync + 'static,
            Fut: Future + Send + 'static,
            Fut::Output: IntoResponse,
            S: Send + Sync + 'static,
            $($arg: Extract<S> + Send + 'static,)*
        {
            #[allow(non_snake_case, unused_variables)]
            fn call(&self, request: &Arc<Request>, state: &S) -> HandlerFuture {
                $(
                    let $arg = match $arg::extract(request, state) {
                        Ok(value) => value,
                        Err(rejection) => return ready(rejection.into_response()),
                    };
                )*
                let future = self($($arg),*);
                Box::pin(async move { future.await.into_response() })
            }
        }

        impl<F, R, S, $($arg,)*> HttpHandler<IsSync<($($arg,)*)>, S> for F
        where
            F: Fn($($arg),*) -> R + Send + Sync + 'static,
            R: IntoResponse,
            S: Send + Sync + 'static,
            $($arg: Extract<S>,)*
        {
            #[allow(non_snake_case, unused_variables)]
            fn call(&self, request: &Arc<Request>, state: &S) -> HandlerFuture {
                $(
                    let $arg = match $arg::extract(request, state) {
                        Ok(value) => value,
                        Err(rejection) => return ready(rejection.into_response()),
                    };
                )*
                ready(self($($arg),*).into_response())
            }
        }
    };
}

impl_http_handler!();
impl_http_handler!(T1);
impl_http_handler!(T1, T2);
impl_http_handler!(T1, T2, T3);
impl_http_handler!(T1, T2, T3, T4);
impl_http_handler!(T1, T2, T3, T4, T5);
impl_http_handler!(T1, T2, T3, T4, T5, T6);
impl_http_handler!(T1, T2, T3, T4, T5, T6, T7);
impl_http_handler!(T1, T2, T3, T4, T5, T6, T7, T8);

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
