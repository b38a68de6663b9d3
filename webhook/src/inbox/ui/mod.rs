//! The inbox's web page: see, search and replay the events of the durable routes in a browser.
//!
//! Off by default. A `main!()` bot serves it at `/inbox` when both
//! `WEBHOOK_INBOX_UI_USERNAME` and `WEBHOOK_INBOX_UI_PASSWORD` are set (HTTP basic auth); the
//! builder's [`Webhook::inbox_ui`](crate::Webhook::inbox_ui) takes an [`InboxUi`]; an
//! application that mounts the webhook in its own router can serve it too, with its own check
//! of who may see it ([`InboxUi::authorize`]) and [`InboxUi::router`].
//!
//! | page | what |
//! |---|---|
//! | `/inbox` | events by state and route, the age of the oldest queued event, events received, done and failed a minute over the last hour |
//! | `/inbox/events` | events newest first, filtered by state, route, idempotency key and time (UTC), 50 a page (keyset pages) |
//! | `/inbox/events/{id}` | one event: its request (secret headers masked), its body (JSON, text or hex), its attempts, *replay*, *dead-letter now*, *purge*, *copy as curl* |
//! | `/inbox/dead` | the dead letters: replay or purge some, or all |
//!
//! Safety: every page needs the credentials (a wrong or missing one is `401`); every action is a
//! `POST` carrying the page's CSRF token (refused `403` without it, or from another site), and
//! asks for a confirmation (a page of its own without JavaScript, a dialog with it);
//! everything stored is escaped (a body holding `<script>` shows as text), and the pages are
//! served with a `Content-Security-Policy` that runs no inline script; a read-only mode
//! ([`InboxUi::read_only`], `WEBHOOK_INBOX_UI_READ_ONLY`) shows no action and refuses them. Each
//! action is logged (target `clustaar_webhook::inbox::ui`, with the user).
//!
//! ```no_run
//! use std::sync::Arc;
//! use clustaar_webhook::inbox::ui::InboxUi;
//! use clustaar_webhook::inbox::{open_store, StoreLocation};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! // An application of its own: the page of an inbox, behind the application's session check.
//! let store = open_store(&StoreLocation::Embedded(None), 4).await?;
//! let page = InboxUi::authorize(|request| request.headers.contains_key("x-admin-session"))
//!     .router(store);
//! let app = axum::Router::new().merge(page);
//! # let _ = app;
//! # Ok(())
//! # }
//! ```

mod access;
mod actions;
mod chart;
mod pages;
mod view;

use std::fmt;
use std::sync::Arc;

use axum::routing::{get, post};
use axum::Router;

use super::store::Store;
use crate::security::BasicAuth;

pub use access::UiAccessError;

pub use crate::inbox::DEFAULT_INBOX_UI_PATH;

/// How many events a page of the events list shows.
pub(crate) const PAGE_SIZE: u32 = 50;

/// Who may see the page.
#[derive(Clone)]
pub(crate) enum Access {
    /// HTTP basic auth with these credentials.
    Basic(BasicAuth),
    /// The application's own check of the request's head.
    Custom(Arc<dyn Fn(&http::request::Parts) -> bool + Send + Sync>),
}

/// The settings of the inbox's web page (see the [module](self)): who may see it, where, and
/// whether it may change anything.
///
/// ```
/// use clustaar_webhook::inbox::ui::InboxUi;
///
/// let ui = InboxUi::basic_auth("ops", "a long password").path("/admin/inbox").read_only(true);
/// assert_eq!(ui.path_value(), "/admin/inbox");
/// assert!(ui.is_read_only());
/// ```
#[derive(Clone)]
pub struct InboxUi {
    path: String,
    access: Access,
    read_only: bool,
    csrf: access::CsrfKey,
}

impl fmt::Debug for InboxUi {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let access = match &self.access {
            Access::Basic(_) => "basic auth",
            Access::Custom(_) => "the application's check",
        };
        f.debug_struct("InboxUi")
            .field("path", &self.path)
            .field("access", &access)
            .field("read_only", &self.read_only)
            .finish_non_exhaustive()
    }
}

impl InboxUi {
    /// The page behind HTTP basic auth with these credentials (the CSRF tokens are derived from
    /// them: every replica of a bot accepts the forms of the others).
    pub fn basic_auth(username: impl Into<String>, password: impl Into<String>) -> Self {
        let (username, password) = (username.into(), password.into());
        let csrf = access::CsrfKey::from_credentials(&username, &password);
        Self {
            path: DEFAULT_INBOX_UI_PATH.to_owned(),
            access: Access::Basic(BasicAuth::new(username, password)),
            read_only: false,
            csrf,
        }
    }

    /// The page behind the application's own check of each request's head (a session cookie,
    /// a header its proxy sets...): `false` answers `401`. The CSRF tokens are made from a key
    /// drawn at start; replicas behind one load balancer share one with
    /// [`csrf_secret`](InboxUi::csrf_secret).
    pub fn authorize<F>(check: F) -> Self
    where
        F: Fn(&http::request::Parts) -> bool + Send + Sync + 'static,
    {
        Self {
            path: DEFAULT_INBOX_UI_PATH.to_owned(),
            access: Access::Custom(Arc::new(check)),
            read_only: false,
            csrf: access::CsrfKey::random(),
        }
    }

    /// Where the page is served (default [`DEFAULT_INBOX_UI_PATH`], `/inbox`).
    pub fn path(mut self, path: impl Into<String>) -> Self {
        let path = path.into();
        let trimmed = path.trim_end_matches('/');
        self.path = if trimmed.is_empty() {
            DEFAULT_INBOX_UI_PATH.to_owned()
        } else {
            trimmed.to_owned()
        };
        self
    }

    /// The path the page is served at.
    pub fn path_value(&self) -> &str {
        &self.path
    }

    /// Shows the events and changes nothing: no action button, every action refused `403`
    /// (default: off).
    pub fn read_only(mut self, on: bool) -> Self {
        self.read_only = on;
        self
    }

    /// Whether the page is read-only.
    pub fn is_read_only(&self) -> bool {
        self.read_only
    }

    /// The key the CSRF tokens are made with, shared by the replicas of an application that
    /// checks access itself ([`authorize`](InboxUi::authorize)).
    pub fn csrf_secret(mut self, secret: impl AsRef<[u8]>) -> Self {
        self.csrf = access::CsrfKey::from_secret(secret.as_ref());
        self
    }

    /// The page's routes at [its path](InboxUi::path) (the path and what is under it), reading
    /// and changing `store`: merge it into a router (it finds its own prefix when nested).
    pub fn router(self, store: Arc<dyn Store>) -> Router {
        let base = self.path.clone();
        let ui = Arc::new(Ui {
            store,
            access: self.access,
            read_only: self.read_only,
            csrf: self.csrf,
        });
        let mut router = Router::new();
        for (rest, route) in ROUTES {
            let handler = match route {
                Page::Overview => get(pages::overview),
                Page::Events => get(pages::events),
                Page::Event => get(pages::event),
                Page::Body => get(pages::body),
                Page::EventAction => post(actions::one),
                Page::Dead => get(pages::dead),
                Page::DeadAction => post(actions::dead),
                Page::Stylesheet => get(access::stylesheet),
                Page::Script => get(access::script),
            };
            router = router.route(&format!("{base}{rest}"), handler);
        }
        router
            .layer(axum::middleware::from_fn_with_state(
                (Arc::clone(&ui), base),
                access::guard,
            ))
            .with_state(ui)
    }
}

impl InboxUi {
    /// The patterns of the page's routes (the `route` label of their metrics and logs).
    pub(crate) fn route_patterns(&self) -> Vec<String> {
        ROUTES
            .iter()
            .map(|(rest, _)| format!("{}{rest}", self.path))
            .collect()
    }
}

/// The page's routes.
#[derive(Debug, Clone, Copy)]
enum Page {
    Overview,
    Events,
    Event,
    Body,
    EventAction,
    Dead,
    DeadAction,
    Stylesheet,
    Script,
}

/// Each route under the page's path, and what serves it.
const ROUTES: [(&str, Page); 10] = [
    ("", Page::Overview),
    ("/", Page::Overview),
    ("/events", Page::Events),
    ("/events/{id}", Page::Event),
    ("/events/{id}/body", Page::Body),
    ("/events/{id}/{action}", Page::EventAction),
    ("/dead", Page::Dead),
    ("/dead/{action}", Page::DeadAction),
    ("/assets/inbox.css", Page::Stylesheet),
    ("/assets/inbox.js", Page::Script),
];

/// What the page's handlers share.
pub(crate) struct Ui {
    pub(crate) store: Arc<dyn Store>,
    pub(crate) access: Access,
    pub(crate) read_only: bool,
    pub(crate) csrf: access::CsrfKey,
}
