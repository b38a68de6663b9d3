//! The authenticator stage: the webhook's authenticator (after decoding, before dispatch), and a
//! route's own authenticator, run by the dispatcher once the route is known.

use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use http::request::Parts;

use crate::auth::outcome::Verdict;
use crate::auth::{RequestHead, SharedAuthenticator};
use crate::Request;

/// Runs `authenticator` on the head and body; on acceptance, returns them with the identity
/// (if any) added to the extensions.
pub(crate) async fn authenticate(
    authenticator: &SharedAuthenticator,
    parts: Parts,
    body: Bytes,
) -> Result<(Parts, Bytes), Response> {
    let head = RequestHead::new(parts, body);
    let outcome = authenticator.authenticate(&head).await;
    let (mut parts, body) = head.into_parts();
    match outcome.0 {
        Verdict::Anyone => Ok((parts, body)),
        Verdict::Identified(identity) => {
            parts.extensions.extend(identity);
            Ok((parts, body))
        }
        Verdict::Refused(error) => {
            tracing::debug!(status = %error.status(), "the authenticator refused the request");
            Err(error.into_response())
        }
    }
}

/// A route's own authenticator, on a request routed to it.
pub(crate) async fn authenticate_route(
    authenticator: &SharedAuthenticator,
    request: Request,
) -> Result<Request, Response> {
    let (parts, payload) = request.into_head();
    let (parts, _) = authenticate(authenticator, parts, payload.body().clone()).await?;
    Ok(Request::from_head(parts, payload))
}
