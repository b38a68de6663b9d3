//! Handlers: plain functions, async or not, whose arguments are extractors.

use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::Arc;

use axum::response::{IntoResponse, Response};

use crate::extract::Extract;
use crate::reply::IntoReply;
use crate::Request;

/// The future a handler call returns.
pub type HandlerFuture = Pin<Box<dyn Future<Output = Response> + Send>>;

/// A function that handles notifications.
///
/// Implemented for every `fn` and closure, async or not, of up to eight arguments that implement
/// [`Extract`] and that returns something implementing [`IntoReply`] (an `async fn`'s output must
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

fn ready(response: Response) -> HandlerFuture {
    Box::pin(std::future::ready(response))
}

macro_rules! impl_handler {
    ($($arg:ident),*) => {
        impl<F, Fut, S, $($arg,)*> Handler<IsAsync<($($arg,)*)>, S> for F
        where
            F: Fn($($arg),*) -> Fut + Send + Sync + 'static,
            Fut: Future + Send + 'static,
            Fut::Output: IntoReply,
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
                Box::pin(async move { future.await.into_reply() })
            }
        }

        impl<F, R, S, $($arg,)*> Handler<IsSync<($($arg,)*)>, S> for F
        where
            F: Fn($($arg),*) -> R + Send + Sync + 'static,
            R: IntoReply,
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
                ready(self($($arg),*).into_reply())
            }
        }
    };
}

impl_handler!();
impl_handler!(T1);
impl_handler!(T1, T2);
impl_handler!(T1, T2, T3);
impl_handler!(T1, T2, T3, T4);
impl_handler!(T1, T2, T3, T4, T5);
impl_handler!(T1, T2, T3, T4, T5, T6);
impl_handler!(T1, T2, T3, T4, T5, T6, T7);
impl_handler!(T1, T2, T3, T4, T5, T6, T7, T8);

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
