//! The [`Path`] extractor for `{param}` segments of HTTP routes.

use std::future::Future;
use std::pin::pin;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

use axum::extract::FromRequestParts;
pub use axum::extract::Path;
use serde::de::DeserializeOwned;

use crate::error::{status_title, ApiError};
use crate::extract::Extract;
use crate::Request;

/// `Path<T>` reads the `{param}` segments of the route's path, with axum's rules: `Path<String>`
/// for one, `Path<(String, u32)>` for several in order, a `Deserialize` struct by name. A value
/// that does not deserialise is a `400`.
impl<S, T> Extract<S> for Path<T>
where
    T: DeserializeOwned + Send,
{
    fn extract(request: &Arc<Request>, _: &S) -> Result<Self, ApiError> {
        // axum's extractor reads the parameters the router stored in the extensions; it is an
        // `async fn` that never waits, so one poll completes it.
        let (mut parts, ()) = http::Request::new(()).into_parts();
        parts.uri = request.uri().clone();
        parts.extensions = request.extensions().clone();
        let future = pin!(<Path<T> as FromRequestParts<()>>::from_request_parts(
            &mut parts,
            &()
        ));
        match future.poll(&mut Context::from_waker(Waker::noop())) {
            Poll::Ready(Ok(path)) => Ok(path),
            Poll::Ready(Err(rejection)) => Err(ApiError::new(
                rejection.status(),
                status_title(rejection.status()),
                rejection.body_text(),
            )),
            Poll::Pending => Err(ApiError::internal("The path parameters could not be read.")),
        }
    }
}
