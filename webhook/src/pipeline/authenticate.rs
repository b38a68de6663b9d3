//! The authenticator stage: the webhook's authenticator as a layer (after decoding, before
//! dispatch), and a route's own authenticator, run by the dispatcher once the route is known.

use axum::body::Body;
use axum::extract::{Request as HttpRequest, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use http::request::Parts;

use super::body::BufferedBody;
use crate::auth::outcome::Verdict;
use crate::auth::{RequestHead, SharedAuthenticator};
use crate::Request;

/// Runs `authenticator` on the head and body; on acceptance, returns them with the identity
/// (if any) added to the extensions.
async fn run(
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

/// The middleware: the webhook's authenticator, on every request.
pub(crate) async fn authenticate(
    State(authenticator): State<SharedAuthenticator>,
    request: HttpRequest,
    next: Next,
) -> Response {
    let (mut parts, _) = request.into_parts();
    let body = parts
        .extensions
        .remove::<BufferedBody>()
        .map(|BufferedBody(bytes)| bytes)
        .unwrap_or_default();
    match run(&authenticator, parts, body).await {
        Ok((mut parts, body)) => {
            parts.extensions.insert(BufferedBody(body));
            next.run(HttpRequest::from_parts(parts, Body::empty()))
                .await
        }
        Err(refusal) => refusal,
    }
}

/// A route's own authenticator, on a request routed to it.
pub(crate) async fn authenticate_route(
    authenticator: &SharedAuthenticator,
    request: Request,
) -> Result<Request, Response> {
    let (parts, body, json) = request.into_parts();
    let (parts, body) = run(authenticator, parts, body).await?;
    Ok(Request::from_parts(parts, body, json))
}
