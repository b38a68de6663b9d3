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
}

impl From<ServeError> for std::io::Error {
    /// For programs whose `main` returns `std::io::Result`: the error's kind is kept for
    /// [`ServeError::Io`]; the other errors are `InvalidInput` (a conflict) and `TimedOut`.
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
            error @ ServeError::DurableName(_) => {
                std::io::Error::new(std::io::ErrorKind::InvalidInput, error.to_string())
            }
        }
    }
}
