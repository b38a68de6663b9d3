//! The ingestion stages, run in order by one function: what a request goes through before it
//! is dispatched.
//!
//! Each stage is a plain function of its own module (`content_type`, `encoding`, `body`,
//! `crate::security`, `authenticate`); [`Stages::ingest`] calls them one after the other, so a
//! request costs one future and no boxing between stages. (One `axum::middleware::from_fn`
//! layer a stage cost a clone of the rest of the stack, a boxed service and a boxed future on
//! every request: about 2 µs for the default stages, measured with `cargo bench --bench
//! pipeline -- load_baseline`.) Users add their own stages as tower layers around the router.

use axum::body::Body;
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use http::request::Parts;

use super::authenticate::authenticate;
use super::body::{read_body, BodyRules};
use super::content_type::ContentTypeCheck;
use super::encoding::{decode, AcceptedEncodings};
use crate::auth::SharedAuthenticator;
use crate::error::ApiError;
use std::sync::Arc;

use crate::http::Verify;
use crate::security::{BasicAuth, MaxAgeGuard};
use crate::Request;

/// The stages an endpoint runs, in the order they are listed here.
#[derive(Clone)]
pub(crate) struct Stages {
    /// The JSON content-type rule (`None` on HTTP routes, which take any body).
    pub(crate) content_type: Option<ContentTypeCheck>,
    /// The accepted content codings.
    pub(crate) encodings: AcceptedEncodings,
    /// How the body is read: size and time limits.
    pub(crate) body: BodyRules,
    /// The max-age check of the `Date` header.
    pub(crate) max_age: Option<MaxAgeGuard>,
    /// The signature check: Clustaar's `X-Hub-Signature` (`Webhook::private_key`), or any
    /// [`Verify`] (`Webhook::verify`), as HTTP routes check theirs.
    pub(crate) signature: Option<Arc<dyn Verify>>,
    /// Basic authentication.
    pub(crate) basic_auth: Option<BasicAuth>,
    /// The webhook's authenticator.
    pub(crate) authenticator: Option<SharedAuthenticator>,
}

/// A request that went through every stage.
pub(crate) struct Ingested {
    /// The request: its head (an authenticator's identity in its extensions) and its body read,
    /// checked and decoded.
    pub(crate) request: Request,
    /// The body as received, when it was encoded (what a sender that compresses signed).
    pub(crate) received: Option<Bytes>,
}

impl Stages {
    /// Runs every stage on a request, or answers the first refusal.
    pub(crate) async fn ingest(&self, mut parts: Parts, body: Body) -> Result<Ingested, Response> {
        // Before the body is read: what it is and how it is encoded.
        if let Some(check) = self.content_type {
            check.check(&parts.headers).map_err(reject)?;
        }
        let codings = self.encodings.parse(&parts.headers).map_err(reject)?;
        let wire = read_body(self.body, body).await?;
        // Security, over the bytes as received, in the reference's order.
        if let Some(guard) = &self.max_age {
            guard.check(&parts.headers).map_err(reject)?;
        }
        if let Some(verifier) = &self.signature {
            let url = parts.uri.path_and_query().map_or("/", |pq| pq.as_str());
            let signed = crate::http::SignedRequest {
                method: &parts.method,
                url,
                headers: &parts.headers,
                body: &wire,
            };
            verifier.verify(&signed).map_err(reject)?;
        }
        if let Some(auth) = &self.basic_auth {
            auth.verify(&parts.headers).map_err(|error| {
                tracing::debug!(%error, "basic authentication refused");
                reject(error)
            })?;
        }
        let (body, received) = if codings.codings().is_empty() {
            (wire, None)
        } else {
            // Boxed, as the authenticator's below: rare, and their futures would otherwise
            // add to every notification's, which is moved a few times before it runs.
            let decoded = Box::pin(decode(
                codings,
                wire.clone(),
                self.body.limit,
                &mut parts.headers,
            ))
            .await?;
            (decoded, Some(wire))
        };
        let request = Request::new(parts, body);
        let request = match &self.authenticator {
            Some(authenticator) => Box::pin(authenticate(authenticator, request)).await?,
            None => request,
        };
        Ok(Ingested { request, received })
    }
}

/// A stage's refusal, as its JSON error.
fn reject(error: impl Into<ApiError>) -> Response {
    error.into().into_response()
}
