//! The authenticator stage: the webhook's authenticator (after decoding, before dispatch), and a
//! route's own authenticator, run by the dispatcher once the route is known.

use axum::response::{IntoResponse, Response};

use crate::auth::outcome::Verdict;
use crate::auth::SharedAuthenticator;
use crate::error::RejectionStage;
use crate::Request;

/// Runs `authenticator` on the request (the webhook's, after decoding; a route's, once the route
/// is known); on acceptance, returns it with the identity (if any) added to its extensions.
pub(crate) async fn authenticate(
    authenticator: &SharedAuthenticator,
    mut request: Request,
) -> Result<Request, Response> {
    let outcome = authenticator.authenticate(&request).await;
    match outcome.0 {
        Verdict::Anyone => Ok(request),
        Verdict::Identified(identity) => {
            request.head_mut().extensions.extend(identity);
            Ok(request)
        }
        Verdict::Refused(error) => {
            tracing::debug!(status = %error.status(), "the authenticator refused the request");
            Err(error
                .at_stage(RejectionStage::Authenticator)
                .into_response())
        }
    }
}
