//! Who may see the page and send its forms: the credentials' check, the CSRF tokens, the
//! headers every page is served with, and the page's two static files.

use std::sync::Arc;

use axum::extract::{OriginalUri, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use ring::hmac;

use super::{Access, Ui};
use crate::error::ApiError;

/// Why a request to the page is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum UiAccessError {
    /// No credentials, or wrong ones (`401`).
    #[error("the inbox's page needs credentials")]
    Unauthenticated,
    /// A form without the page's CSRF token, with a wrong one, or sent from another site
    /// (`403`).
    #[error("the form's CSRF token is missing or wrong")]
    Csrf,
    /// An action on a read-only page (`403`).
    #[error("the inbox's page is read-only")]
    ReadOnly,
}

impl From<UiAccessError> for ApiError {
    fn from(error: UiAccessError) -> Self {
        match error {
            UiAccessError::Unauthenticated => ApiError::new(
                StatusCode::UNAUTHORIZED,
                "Invalid credentials",
                "The inbox's page needs its username and password",
            ),
            UiAccessError::Csrf => ApiError::new(
                StatusCode::FORBIDDEN,
                "Invalid form",
                "The form's CSRF token is missing or wrong, or it was sent from another site: \
                 reload the page and send it again",
            ),
            UiAccessError::ReadOnly => ApiError::new(
                StatusCode::FORBIDDEN,
                "Read-only",
                "The inbox's page is read-only (WEBHOOK_INBOX_UI_READ_ONLY): it changes nothing",
            ),
        }
    }
}

impl IntoResponse for UiAccessError {
    fn into_response(self) -> Response {
        let unauthenticated = self == UiAccessError::Unauthenticated;
        let mut response = ApiError::from(self).into_response();
        if unauthenticated {
            // A browser asks for the credentials only when told how.
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Basic realm=\"inbox\", charset=\"UTF-8\""),
            );
        }
        response
    }
}

/// The key of the page's CSRF tokens (HMAC-SHA-256), and the token it gives (computed once: the
/// same for every page).
#[derive(Clone)]
pub(crate) struct CsrfKey {
    key: hmac::Key,
    token: String,
}

/// What a token signs.
const TOKEN_MESSAGE: &[u8] = b"webhook inbox ui: form";

impl CsrfKey {
    /// A key derived from the page's credentials: the same on every replica.
    pub(crate) fn from_credentials(username: &str, password: &str) -> Self {
        let mut secret = Vec::with_capacity(username.len() + password.len() + 1);
        secret.extend_from_slice(username.as_bytes());
        secret.push(0);
        secret.extend_from_slice(password.as_bytes());
        Self::from_secret(&secret)
    }

    /// A key made from `secret`.
    pub(crate) fn from_secret(secret: &[u8]) -> Self {
        let salt = hmac::Key::new(hmac::HMAC_SHA256, b"webhook inbox ui csrf key");
        let derived = hmac::sign(&salt, secret);
        let key = hmac::Key::new(hmac::HMAC_SHA256, derived.as_ref());
        let token = hex::encode(hmac::sign(&key, TOKEN_MESSAGE).as_ref());
        Self { key, token }
    }

    /// A key drawn from the system's random source.
    pub(crate) fn random() -> Self {
        use ring::rand::SecureRandom as _;
        let mut secret = [0_u8; 32];
        ring::rand::SystemRandom::new()
            .fill(&mut secret)
            .expect("the system's random source answers");
        Self::from_secret(&secret)
    }

    /// The token the page's forms carry.
    pub(crate) fn token(&self) -> &str {
        &self.token
    }

    /// Whether `token` is this key's (compared in constant time).
    pub(crate) fn verify(&self, token: &str) -> bool {
        hex::decode(token).is_ok_and(|tag| hmac::verify(&self.key, TOKEN_MESSAGE, &tag).is_ok())
    }
}

/// What a page needs to know of the request that asked for it.
#[derive(Debug, Clone)]
pub(crate) struct PageContext {
    /// The page's path as the browser sees it (the prefix of a router it is nested in, then
    /// its own path): every link starts with it.
    pub(crate) base: String,
    /// The token every form carries.
    pub(crate) csrf: String,
    /// Whether actions are shown.
    pub(crate) read_only: bool,
    /// Who is asking (basic auth's username), for the log of actions.
    pub(crate) user: Option<String>,
}

/// The page's guard, around each of its routes: the credentials, then (for a `POST`) the
/// site the form comes from; the answer gets the page's security headers.
pub(crate) async fn guard(
    State((ui, path)): State<(Arc<Ui>, String)>,
    request: Request,
    next: Next,
) -> Response {
    let mut response = match admit(&ui, &path, request) {
        Ok(request) => next.run(request).await,
        Err(refused) => refused.into_response(),
    };
    secure(response.headers_mut());
    response
}

/// The request, with its [`PageContext`], if it may go on.
fn admit(ui: &Ui, path: &str, request: Request) -> Result<Request, UiAccessError> {
    let (mut parts, body) = request.into_parts();
    let user = match &ui.access {
        Access::Basic(auth) => {
            auth.verify(&parts.headers)
                .map_err(|_| UiAccessError::Unauthenticated)?;
            basic_user(&parts.headers)
        }
        Access::Custom(check) => {
            if !check(&parts) {
                return Err(UiAccessError::Unauthenticated);
            }
            None
        }
    };
    if parts.method == Method::POST && !same_site(&parts.headers) {
        return Err(UiAccessError::Csrf);
    }
    let seen = parts.uri.path();
    let prefix = parts
        .extensions
        .get::<OriginalUri>()
        .and_then(|original| original.path().strip_suffix(seen))
        .unwrap_or("");
    let context = PageContext {
        base: format!("{prefix}{path}"),
        csrf: ui.csrf.token().to_owned(),
        read_only: ui.read_only,
        user,
    };
    parts.extensions.insert(context);
    Ok(Request::from_parts(parts, body))
}

/// The username of a basic auth header already checked.
fn basic_user(headers: &HeaderMap) -> Option<String> {
    use base64::Engine as _;
    let encoded = headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Basic ")?;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let text = String::from_utf8(decoded).ok()?;
    text.split_once(':').map(|(user, _)| user.to_owned())
}

/// Whether a form comes from the page's own site, as far as the browser says
/// (`Sec-Fetch-Site`, then `Origin` against `Host`); a client that says nothing (curl) is let
/// through to the CSRF token's check.
fn same_site(headers: &HeaderMap) -> bool {
    if let Some(site) = headers.get("sec-fetch-site") {
        return matches!(site.as_bytes(), b"same-origin" | b"none");
    }
    match (headers.get(header::ORIGIN), headers.get(header::HOST)) {
        (Some(origin), Some(host)) => origin
            .to_str()
            .ok()
            .and_then(|origin| origin.split_once("://"))
            .is_some_and(|(_, authority)| authority.as_bytes() == host.as_bytes()),
        (Some(_), None) => false,
        (None, _) => true,
    }
}

/// The headers of every answer of the page: no inline script or style runs, no other site
/// frames it, nothing is cached.
fn secure(headers: &mut HeaderMap) {
    const POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
         img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(POLICY),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    headers
        .entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-store"));
}

/// The page's stylesheet.
pub(crate) async fn stylesheet() -> Response {
    asset("text/css; charset=utf-8", include_str!("assets/inbox.css"))
}

/// The page's script: live refresh, confirmations as dialogs, copy to the clipboard.
pub(crate) async fn script() -> Response {
    asset(
        "text/javascript; charset=utf-8",
        include_str!("assets/inbox.js"),
    )
}

fn asset(content_type: &'static str, text: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "private, max-age=300"),
        ],
        text,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_verify_under_their_key_only() {
        let key = CsrfKey::from_credentials("ops", "secret");
        let token = key.token();
        assert!(key.verify(token));
        assert_eq!(
            token,
            CsrfKey::from_credentials("ops", "secret").token(),
            "replicas agree"
        );
        assert!(!CsrfKey::from_credentials("ops", "other").verify(token));
        assert!(!CsrfKey::random().verify(token));
        assert!(!key.verify(""));
        assert!(!key.verify("zz"));
        assert!(!key.verify(&token[..10]));
    }

    #[test]
    fn forms_from_another_site_are_refused() {
        let headers = |pairs: &[(&'static str, &'static str)]| {
            let mut map = HeaderMap::new();
            for (name, value) in pairs {
                map.insert(*name, HeaderValue::from_static(value));
            }
            map
        };
        assert!(same_site(&headers(&[("sec-fetch-site", "same-origin")])));
        assert!(!same_site(&headers(&[("sec-fetch-site", "cross-site")])));
        assert!(!same_site(&headers(&[("sec-fetch-site", "same-site")])));
        assert!(same_site(&headers(&[
            ("origin", "http://127.0.0.1:8000"),
            ("host", "127.0.0.1:8000")
        ])));
        assert!(!same_site(&headers(&[
            ("origin", "http://evil.example"),
            ("host", "127.0.0.1:8000")
        ])));
        assert!(same_site(&headers(&[])), "curl: the token decides");
    }

    #[test]
    fn the_user_is_read_from_basic_auth() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Basic b3BzOnM6ZWNyZXQ="),
        );
        assert_eq!(basic_user(&headers).as_deref(), Some("ops"));
    }
}
