//! Authenticator functions, sync or async, and their type-erased form.

use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::Arc;

use super::outcome::{AuthOutcome, IntoAuthOutcome};
use super::RequestHead;

/// The future an authenticator returns.
pub type AuthFuture<'a> = Pin<Box<dyn Future<Output = AuthOutcome> + Send + 'a>>;

/// A function that authenticates requests: `fn(&RequestHead) -> R` or
/// `async fn(&RequestHead) -> R` where `R: IntoAuthOutcome`. `M` only tells the two
/// implementations apart; you never name it.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an authenticator",
    label = "not an authenticator",
    note = "an authenticator is a function, async or not, taking the request by reference, `fn auth(request: &RequestHead) -> R`, where `R` is `()`, `Option<Identity<U>>`, `Identity<U>`, `(Credentials, U)` or a `Result` of one",
    note = "an async authenticator's future must be `Send`"
)]
pub trait Authenticator<M>: Send + Sync + 'static {
    /// Runs the authenticator on `request`.
    fn authenticate<'a>(&'a self, request: &'a RequestHead) -> AuthFuture<'a>;
}

/// Marks the implementation of [`Authenticator`] for plain functions.
#[doc(hidden)]
pub struct IsSync<R>(PhantomData<R>);

/// Marks the implementation of [`Authenticator`] for async functions.
#[doc(hidden)]
pub struct IsAsync<R>(PhantomData<R>);

impl<F, R> Authenticator<IsSync<R>> for F
where
    F: Fn(&RequestHead) -> R + Send + Sync + 'static,
    R: IntoAuthOutcome,
{
    fn authenticate<'a>(&'a self, request: &'a RequestHead) -> AuthFuture<'a> {
        Box::pin(std::future::ready(self(request).into_outcome()))
    }
}

/// An async function of a borrowed request: what `async fn auth(request: &RequestHead) -> R`
/// is, for every lifetime of the borrow. Implemented for every such function.
pub trait AsyncAuthFn<'a, R>: Send + Sync + 'static {
    /// Calls the function.
    fn call(&self, request: &'a RequestHead) -> Pin<Box<dyn Future<Output = R> + Send + 'a>>;
}

impl<'a, F, Fut, R> AsyncAuthFn<'a, R> for F
where
    F: Fn(&'a RequestHead) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = R> + Send + 'a,
{
    fn call(&self, request: &'a RequestHead) -> Pin<Box<dyn Future<Output = R> + Send + 'a>> {
        Box::pin(self(request))
    }
}

impl<F, R> Authenticator<IsAsync<R>> for F
where
    F: for<'a> AsyncAuthFn<'a, R>,
    R: IntoAuthOutcome + 'static,
{
    fn authenticate<'a>(&'a self, request: &'a RequestHead) -> AuthFuture<'a> {
        let future = self.call(request);
        Box::pin(async move { future.await.into_outcome() })
    }
}

/// An authenticator with its marker erased, shared by the pipeline and routes.
pub(crate) trait ErasedAuthenticator: Send + Sync {
    fn authenticate<'a>(&'a self, request: &'a RequestHead) -> AuthFuture<'a>;
}

struct Erased<A, M> {
    authenticator: A,
    _marker: PhantomData<fn() -> M>,
}

impl<A, M> ErasedAuthenticator for Erased<A, M>
where
    A: Authenticator<M>,
    M: 'static,
{
    fn authenticate<'a>(&'a self, request: &'a RequestHead) -> AuthFuture<'a> {
        self.authenticator.authenticate(request)
    }
}

/// A shared, type-erased authenticator.
pub(crate) type SharedAuthenticator = Arc<dyn ErasedAuthenticator>;

/// Erases `authenticator`'s type.
pub(crate) fn share<A, M>(authenticator: A) -> SharedAuthenticator
where
    A: Authenticator<M>,
    M: 'static,
{
    Arc::new(Erased {
        authenticator,
        _marker: PhantomData,
    })
}
