//! Handlers: plain functions, async or not, whose arguments are extractors.

use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::Arc;

use axum::response::Response;

use crate::reply::IntoReply;
use crate::Request;

/// The future a handler call returns.
pub type HandlerFuture = Pin<Box<dyn Future<Output = Response> + Send>>;

/// A function that handles notifications.
///
/// Implemented for every `fn` and closure, async or not, of up to eight arguments that implement
/// [`Extract`](crate::extract::Extract) and that returns something implementing [`IntoReply`] (an `async fn`'s output must
/// implement it). `M` only tells the implementations apart; you never name it.
///
/// A synchronous handler runs on the server's worker thread: keep it short, and make the handler
/// `async` when it does I/O.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a webhook handler",
    label = "not a handler",
    note = "a handler is a function (async or not) whose arguments are extractors (`StepReached`, `WebhookRequest<E>`, `HeaderMap`, `RawBody`, `Json<T>`, `State<T>`, ...) and whose result is a `StepReachedResponse`, an `ApiError` or a `Result` of one",
    note = "a handler with state must be registered on a `Webhook<S>` whose state provides it"
)]
pub trait Handler<M, S>: Send + Sync + 'static {
    /// Extracts the arguments from `request` and runs the handler.
    fn call(&self, request: &Arc<Request>, state: &S) -> HandlerFuture;
}

/// Marks the implementation of [`Handler`] for async functions.
#[doc(hidden)]
pub struct IsAsync<T>(PhantomData<T>);

/// Marks the implementation of [`Handler`] for plain functions.
#[doc(hidden)]
pub struct IsSync<T>(PhantomData<T>);

pub(crate) fn ready(response: Response) -> HandlerFuture {
    Box::pin(std::future::ready(response))
}

/// Implements a handler trait (`Handler`, `HttpHandler`) for the sync and async functions of
/// one arity: `$output` is what a handler's result must implement, `$convert` turns it into the
/// response.
macro_rules! impl_handler {
    ($handler:ident, $output:path, $convert:path; $($arg:ident),*) => {
        impl<F, Fut, S, $($arg,)*> $handler<$crate::handler::IsAsync<($($arg,)*)>, S> for F
        where
            F: Fn($($arg),*) -> Fut + Send + Sync + 'static,
            Fut: ::std::future::Future + Send + 'static,
            Fut::Output: $output,
            S: Send + Sync + 'static,
            $($arg: $crate::extract::Extract<S> + Send + 'static,)*
        {
            #[allow(non_snake_case, unused_variables)]
            fn call(
                &self,
                request: &::std::sync::Arc<$crate::Request>,
                state: &S,
            ) -> $crate::handler::HandlerFuture {
                $(
                    let $arg = match $arg::extract(request, state) {
                        Ok(value) => value,
                        Err(rejection) => return $crate::handler::ready(
                            ::axum::response::IntoResponse::into_response(rejection),
                        ),
                    };
                )*
                let future = self($($arg),*);
                Box::pin(async move { $convert(future.await) })
            }
        }

        impl<F, R, S, $($arg,)*> $handler<$crate::handler::IsSync<($($arg,)*)>, S> for F
        where
            F: Fn($($arg),*) -> R + Send + Sync + 'static,
            R: $output,
            S: Send + Sync + 'static,
            $($arg: $crate::extract::Extract<S>,)*
        {
            #[allow(non_snake_case, unused_variables)]
            fn call(
                &self,
                request: &::std::sync::Arc<$crate::Request>,
                state: &S,
            ) -> $crate::handler::HandlerFuture {
                $(
                    let $arg = match $arg::extract(request, state) {
                        Ok(value) => value,
                        Err(rejection) => return $crate::handler::ready(
                            ::axum::response::IntoResponse::into_response(rejection),
                        ),
                    };
                )*
                $crate::handler::ready($convert(self($($arg),*)))
            }
        }
    };
}

/// [`impl_handler!`] for every arity from none to eight arguments.
macro_rules! impl_handler_arities {
    ($handler:ident, $output:path, $convert:path) => {
        $crate::handler::impl_handler!($handler, $output, $convert;);
        $crate::handler::impl_handler!($handler, $output, $convert; T1);
        $crate::handler::impl_handler!($handler, $output, $convert; T1, T2);
        $crate::handler::impl_handler!($handler, $output, $convert; T1, T2, T3);
        $crate::handler::impl_handler!($handler, $output, $convert; T1, T2, T3, T4);
        $crate::handler::impl_handler!($handler, $output, $convert; T1, T2, T3, T4, T5);
        $crate::handler::impl_handler!($handler, $output, $convert; T1, T2, T3, T4, T5, T6);
        $crate::handler::impl_handler!($handler, $output, $convert; T1, T2, T3, T4, T5, T6, T7);
        $crate::handler::impl_handler!($handler, $output, $convert; T1, T2, T3, T4, T5, T6, T7, T8);
    };
}

pub(crate) use {impl_handler, impl_handler_arities};

impl_handler_arities!(Handler, IntoReply, IntoReply::into_reply);

/// A handler with its marker type erased, as routes store it.
pub(crate) trait ErasedHandler<S>: Send + Sync {
    fn call(&self, request: &Arc<Request>, state: &S) -> HandlerFuture;
}

struct Erased<H, M> {
    handler: H,
    _marker: PhantomData<fn() -> M>,
}

impl<H, M, S> ErasedHandler<S> for Erased<H, M>
where
    H: Handler<M, S>,
    M: 'static,
{
    fn call(&self, request: &Arc<Request>, state: &S) -> HandlerFuture {
        self.handler.call(request, state)
    }
}

pub(crate) fn erase<H, M, S>(handler: H) -> Arc<dyn ErasedHandler<S>>
where
    H: Handler<M, S>,
    M: 'static,
    S: 'static,
{
    Arc::new(Erased {
        handler,
        _marker: PhantomData,
    })
}
