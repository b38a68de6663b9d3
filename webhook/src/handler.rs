//! Handlers: plain functions, async or not, whose arguments are axum extractors and whose result
//! is an axum response.
//!
//! One [`Handler`] trait serves both kinds of route (Clustaar notifications and HTTP webhooks).
//! It is the framework's own rather than axum's `Handler` for two reasons: a handler may be a
//! plain `fn` (axum's must be `async`), and the request it receives is the one ingestion already
//! built (head, body read and decoded once), so calling it rebuilds nothing. Its arguments and
//! result go through axum's own traits: `FromRequestParts<S>` for each argument,
//! `FromRequest<S>` for the last, `IntoResponse` for the result.

use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::Arc;

use axum::response::{IntoResponse, Response};
use http::{header, HeaderValue};

use crate::error::{status_title, ApiError, Rejected, RejectionStage};
use crate::Request;

/// The future a handler call returns.
pub type HandlerFuture = Pin<Box<dyn Future<Output = Response> + Send>>;

/// A function that handles a route's requests.
///
/// Implemented for every `fn` and closure (`Clone`), async or not, of up to eight arguments, of
/// which all but the last implement axum's
/// [`FromRequestParts<S>`](axum::extract::FromRequestParts) and the last
/// [`FromRequest<S>`](axum::extract::FromRequest) (which every `FromRequestParts` type does),
/// and whose result (an `async fn`'s output) implements
/// [`IntoResponse`]. `M` only tells the implementations apart; you never name it.
///
/// A synchronous handler runs on the server's worker thread: keep it short, and make the handler
/// `async` when it does I/O.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a webhook handler",
    label = "not a handler",
    note = "a handler is a function (async or not) whose arguments are extractors (axum's `FromRequestParts`, the last one `FromRequest`: `StepReached`, `WebhookRequest<E>`, `HttpEvent`, `HeaderMap`, `RawBody`, `State<T>`, `Json<T>`...) and whose result implements `IntoResponse` (`StepReachedResponse`, `ApiError`, `StatusCode`, `Json<T>`, a `Result` of these...)",
    note = "a handler with state must be registered on a `Webhook<S>` whose state provides it"
)]
pub trait Handler<M, S>: Clone + Send + Sync + 'static {
    /// Extracts the arguments from `request` and runs the handler.
    fn call(&self, request: Request, state: &Arc<S>) -> HandlerFuture;
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

/// An extractor's rejection, as the JSON error every refusal has: axum's own rejections are
/// plain text (`Path<T>`, `Json<T>`, `Query<T>`...); their status, their other headers and their
/// text are kept. Other rejections are answered as they are.
pub(crate) async fn json_rejection(mut response: Response) -> Response {
    let is_text = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|value| value.as_bytes().starts_with(b"text/plain"));
    if response.extensions().get::<Rejected>().is_none() {
        response
            .extensions_mut()
            .insert(Rejected(RejectionStage::Extractor));
    }
    if !is_text {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let text = axum::body::to_bytes(body, 64 * 1024)
        .await
        .unwrap_or_default();
    let error = ApiError::new(
        parts.status,
        status_title(parts.status),
        String::from_utf8_lossy(&text).into_owned(),
    );
    let (json_parts, json_body) = error.into_response().into_parts();
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.insert(
        header::CONTENT_TYPE,
        json_parts
            .headers
            .get(header::CONTENT_TYPE)
            .cloned()
            .unwrap_or(HeaderValue::from_static("application/json")),
    );
    Response::from_parts(parts, json_body)
}

/// Extracts the arguments of a handler of one arity, in a future: `$parts` through
/// `FromRequestParts`, `$last` through `FromRequest`, then runs `$run` with them bound.
macro_rules! extract_then {
    ($request:ident, $state:ident; $($parts:ident),*; $last:ident => $run:expr) => {{
        #[allow(unused_mut)]
        let (mut parts, body) = $request.into_handler_parts();
        $(
            let extracted = <$parts as ::axum::extract::FromRequestParts<S>>::from_request_parts(
                &mut parts, &$state,
            ).await.map_err(IntoResponse::into_response);
            let $parts = match extracted {
                Ok(value) => value,
                Err(rejection) => return json_rejection(rejection).await,
            };
        )*
        let request = ::http::Request::from_parts(parts, ::axum::body::Body::from(body));
        let extracted = <$last as ::axum::extract::FromRequest<S, ML>>::from_request(
            request, &$state,
        ).await.map_err(IntoResponse::into_response);
        let $last = match extracted {
            Ok(value) => value,
            Err(rejection) => return json_rejection(rejection).await,
        };
        $run
    }};
}

/// Implements [`Handler`] for the sync and async functions of one arity (at least one argument).
macro_rules! impl_handler {
    ($($parts:ident),*; $last:ident) => {
        impl<F, Fut, S, ML, $($parts,)* $last> Handler<IsAsync<(ML, $($parts,)* $last,)>, S> for F
        where
            F: Fn($($parts,)* $last) -> Fut + Clone + Send + Sync + 'static,
            Fut: Future + Send + 'static,
            Fut::Output: IntoResponse,
            S: Send + Sync + 'static,
            $($parts: ::axum::extract::FromRequestParts<S> + Send + 'static,)*
            $last: ::axum::extract::FromRequest<S, ML> + Send + 'static,
        {
            #[allow(non_snake_case)]
            fn call(&self, request: Request, state: &Arc<S>) -> HandlerFuture {
                let handler = self.clone();
                let state = Arc::clone(state);
                Box::pin(async move {
                    extract_then!(request, state; $($parts),*; $last =>
                        handler($($parts,)* $last).await.into_response())
                })
            }
        }

        impl<F, R, S, ML, $($parts,)* $last> Handler<IsSync<(ML, $($parts,)* $last,)>, S> for F
        where
            F: Fn($($parts,)* $last) -> R + Clone + Send + Sync + 'static,
            R: IntoResponse,
            S: Send + Sync + 'static,
            $($parts: ::axum::extract::FromRequestParts<S> + Send + 'static,)*
            $last: ::axum::extract::FromRequest<S, ML> + Send + 'static,
        {
            #[allow(non_snake_case)]
            fn call(&self, request: Request, state: &Arc<S>) -> HandlerFuture {
                let handler = self.clone();
                let state = Arc::clone(state);
                Box::pin(async move {
                    extract_then!(request, state; $($parts),*; $last =>
                        handler($($parts,)* $last).into_response())
                })
            }
        }
    };
}

impl<F, Fut, S> Handler<IsAsync<()>, S> for F
where
    F: Fn() -> Fut + Clone + Send + Sync + 'static,
    Fut: Future + Send + 'static,
    Fut::Output: IntoResponse,
    S: Send + Sync + 'static,
{
    fn call(&self, _: Request, _: &Arc<S>) -> HandlerFuture {
        let future = self();
        Box::pin(async move { future.await.into_response() })
    }
}

impl<F, R, S> Handler<IsSync<()>, S> for F
where
    F: Fn() -> R + Clone + Send + Sync + 'static,
    R: IntoResponse,
    S: Send + Sync + 'static,
{
    fn call(&self, _: Request, _: &Arc<S>) -> HandlerFuture {
        ready(self().into_response())
    }
}

impl_handler!(; T1);
impl_handler!(T1; T2);
impl_handler!(T1, T2; T3);
impl_handler!(T1, T2, T3; T4);
impl_handler!(T1, T2, T3, T4; T5);
impl_handler!(T1, T2, T3, T4, T5; T6);
impl_handler!(T1, T2, T3, T4, T5, T6; T7);
impl_handler!(T1, T2, T3, T4, T5, T6, T7; T8);

/// A handler with its marker type erased, as routes store it.
pub(crate) trait ErasedHandler<S>: Send + Sync {
    fn call(&self, request: Request, state: &Arc<S>) -> HandlerFuture;
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
    fn call(&self, request: Request, state: &Arc<S>) -> HandlerFuture {
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
