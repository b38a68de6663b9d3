//! Why a webhook cannot be built or served: [`ServeError`], and the configuration errors found
//! at start ([`PathConflict`], [`MissingState`]). A module of their own, which the builder
//! ([`Webhook`](crate::Webhook)) and the server both name.

use crate::ops::ShutdownTimedOut;

/// A handler reads a value of the webhook's [`StateMap`](crate::state::StateMap) that nobody stored: found at start
/// ([`Webhook::check_state`](crate::Webhook::check_state)), before any request.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
#[error(
    "the handler `{handler}`{} asks for `State<{type_name}>`, but no value of that type is in \
     the webhook's state: add one with `main!(state = ...)` or `Webhook::state(...)`",
    .location.map(|at| format!(" ({at})")).unwrap_or_default()
)]
pub struct MissingState {
    /// The handler's route name.
    pub handler: String,
    /// Where the handler is declared, when known.
    pub location: Option<&'static str>,
    /// The type of the missing value.
    pub type_name: &'static str,
}

/// Two endpoints of the webhook would take the same requests: found at start
/// ([`Webhook::check_paths`](crate::Webhook::check_paths)), before any request. `main!()` prints
/// it and exits with code 2.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PathConflict {
    /// An operations endpoint's path is not a path of literal segments.
    #[error("{what} is on {path:?}, which is not a path of literal segments (such as \"/healthz\"): {reason}")]
    InvalidPath {
        /// The endpoint, with the setting of its path.
        what: &'static str,
        /// The path.
        path: String,
        /// What is wrong with it.
        reason: String,
    },
    /// An operations endpoint and another endpoint take the same requests.
    #[error(
        "{what} is on {path:?}, and so is {other}: give one of them another path, or turn the \
         endpoint off (`probes = false`, `metrics = false`)"
    )]
    Taken {
        /// The operations endpoint, with the setting of its path.
        what: &'static str,
        /// Its path.
        path: String,
        /// The other endpoint: another operations endpoint, the Clustaar notifications, or an
        /// HTTP route (its name, location and pattern).
        other: String,
    },
    /// Two HTTP routes' paths cannot both be routed: they differ only by a parameter's name at
    /// one place (`/hooks/{a}` and `/hooks/{b}`), or the router cannot take the path.
    #[error("the HTTP route {route:?} is on {path:?}, which cannot be routed beside {other}")]
    Patterns {
        /// The HTTP route's name.
        route: String,
        /// Its path.
        path: String,
        /// The other route's path and why (axum's router, matchit, says).
        other: String,
    },
    /// An HTTP route is on the path of the Clustaar notifications.
    #[error(
        "the HTTP route {route:?} is on {path:?}, the path of the Clustaar notifications; give it \
         another path, or move the notifications with `Webhook::path`"
    )]
    NotificationsPath {
        /// The HTTP route's name.
        route: String,
        /// The path.
        path: String,
    },
}

/// Why [`Webhook::serve`](crate::Webhook::serve) stopped with an error.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ServeError {
    /// An address cannot be bound or read.
    #[error(transparent)]
    Io(#[from] std::io::Error),
    /// Two endpoints take the same requests.
    #[error(transparent)]
    Conflict(#[from] PathConflict),
    /// The shutdown timeout passed before every request was answered.
    #[error(transparent)]
    ShutdownTimedOut(#[from] ShutdownTimedOut),
    /// The durable routes' store cannot be opened.
    #[cfg(feature = "durable")]
    #[error(transparent)]
    Store(#[from] crate::inbox::StoreError),
    /// Two durable routes have one name (their events would be mixed).
    #[error("two durable routes are named {0:?}: give each its own name (`HttpRoute::name`)")]
    DurableName(String),
    /// A handler reads state the webhook does not hold.
    #[error(transparent)]
    MissingState(#[from] MissingState),
    /// A route's sender is not configured: its secret is missing or does not decode (the error
    /// names the environment variable, never the secret).
    #[error(transparent)]
    Sender(#[from] crate::senders::SenderError),
    /// A durable route is served without its store: by
    /// [`Webhook::into_router`](crate::Webhook::into_router), which opens none, or without the
    /// `durable` feature.
    #[error(
        "the HTTP route {route:?} is durable: it is served by `Webhook::serve`, `main!()`, \
         `TestServer::spawn` or `Webhook::into_router_with_inbox`, which open its store{}",
        if cfg!(feature = "durable") {
            ""
        } else {
            " (with the `durable` feature of the clustaar-webhook crate, which is off)"
        }
    )]
    DurableRouteWithoutStore {
        /// The durable route's name.
        route: String,
    },
    /// The inbox's page is served without the store it reads: by
    /// [`Webhook::into_router`](crate::Webhook::into_router), which opens none.
    #[error(
        "the inbox's page reads the store: it is served by `Webhook::serve`, `main!()` or \
         `Webhook::into_router_with_inbox`, which open it"
    )]
    InboxPageWithoutStore,
}

impl ServeError {
    /// Whether the webhook's configuration is at fault, found before it serves (a path
    /// conflict, two durable routes of one name, a missing state, a sender, a durable route or the inbox's page without their
    /// store): `main!()` exits with code 2, [`Webhook::into_router`](crate::Webhook::into_router)
    /// and `TestServer::spawn` panic.
    pub(crate) fn is_configuration(&self) -> bool {
        matches!(
            self,
            Self::Conflict(_)
                | Self::DurableName(_)
                | Self::MissingState(_)
                | Self::Sender(_)
                | Self::DurableRouteWithoutStore { .. }
                | Self::InboxPageWithoutStore
        )
    }
}

impl From<ServeError> for std::io::Error {
    /// For programs whose `main` returns `std::io::Result`: the error's kind is kept for
    /// [`ServeError::Io`]; the other errors are `TimedOut` (the shutdown timeout), `Other` (the
    /// store) and `InvalidInput` (the webhook's configuration).
    fn from(error: ServeError) -> Self {
        match error {
            ServeError::Io(error) => error,
            ServeError::Conflict(conflict) => {
                std::io::Error::new(std::io::ErrorKind::InvalidInput, conflict)
            }
            ServeError::ShutdownTimedOut(cut) => {
                std::io::Error::new(std::io::ErrorKind::TimedOut, cut)
            }
            #[cfg(feature = "durable")]
            ServeError::Store(error) => std::io::Error::other(error),
            ServeError::MissingState(missing) => {
                std::io::Error::new(std::io::ErrorKind::InvalidInput, missing)
            }
            ServeError::Sender(error) => {
                std::io::Error::new(std::io::ErrorKind::InvalidInput, error)
            }
            error @ (ServeError::DurableName(_)
            | ServeError::DurableRouteWithoutStore { .. }
            | ServeError::InboxPageWithoutStore) => {
                std::io::Error::new(std::io::ErrorKind::InvalidInput, error.to_string())
            }
        }
    }
}
