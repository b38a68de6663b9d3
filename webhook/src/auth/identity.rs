//! Who an authenticator says the caller is.

use crate::error::ApiError;
use axum::extract::{FromRequestParts, OptionalFromRequestParts};
use http::request::Parts;

/// The user an authenticator recognised.
///
/// [`SimpleUser`] and [`UnauthenticatedUser`] cover the common cases; implement it for your
/// own type to hand handlers more (an account id, a tenant...).
pub trait User: Clone + Send + Sync + 'static {
    /// Whether the user is authenticated; an identity whose user is not gets a `403`.
    fn is_authenticated(&self) -> bool;
}

/// An authenticated user known by name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimpleUser {
    name: String,
}

impl SimpleUser {
    /// A user named `name`.
    pub fn new(name: impl Into<String>) -> Self {
        Self { name: name.into() }
    }

    /// The user's name.
    pub fn name(&self) -> &str {
        &self.name
    }
}

impl User for SimpleUser {
    fn is_authenticated(&self) -> bool {
        true
    }
}

/// A user that is not authenticated: returning it refuses the request with a `403`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct UnauthenticatedUser;

impl User for UnauthenticatedUser {
    fn is_authenticated(&self) -> bool {
        false
    }
}

/// What the caller may do: a list of scopes, as Starlette's `AuthCredentials`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Credentials {
    scopes: Vec<String>,
}

impl Credentials {
    /// Credentials with these scopes.
    pub fn new<I, T>(scopes: I) -> Self
    where
        I: IntoIterator<Item = T>,
        T: Into<String>,
    {
        Self {
            scopes: scopes.into_iter().map(Into::into).collect(),
        }
    }

    /// The scopes.
    pub fn scopes(&self) -> &[String] {
        &self.scopes
    }

    /// Whether `scope` is granted.
    pub fn has_scope(&self, scope: &str) -> bool {
        self.scopes.iter().any(|granted| granted == scope)
    }
}

/// The credentials and the user an authenticator returned; a handler argument.
///
/// A handler taking `Identity<U>` runs only for requests an authenticator identified with a
/// `U` (otherwise the answer is a `500`, as a handler asking for something the webhook does
/// not provide); take `Option<Identity<U>>` when the authenticator may accept anyone.
///
/// ```
/// use clustaar_webhook::auth::{Identity, SimpleUser};
/// use clustaar_webhook::prelude::*;
///
/// fn greet(identity: Identity<SimpleUser>) -> StepReachedResponse {
///     StepReachedResponse::new().action(SendTextAction::new([format!("hello {}", identity.user.name())]))
/// }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity<U = SimpleUser> {
    /// What the caller may do.
    pub credentials: Credentials,
    /// Who the caller is.
    pub user: U,
}

impl<U: User> Identity<U> {
    /// An identity.
    pub fn new(credentials: Credentials, user: U) -> Self {
        Self { credentials, user }
    }
}

impl<S: Send + Sync, U: User> FromRequestParts<S> for Identity<U> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        parts
            .extensions
            .get::<Identity<U>>()
            .cloned()
            .ok_or_else(|| {
                tracing::error!(
                    user = std::any::type_name::<U>(),
                    "a handler asks for an identity no authenticator gave"
                );
                ApiError::internal(format!(
                    "The handler asks for an identity with a user of type `{}` that no \
                     authenticator gave.",
                    std::any::type_name::<U>()
                ))
            })
    }
}

impl<S: Send + Sync, U: User> OptionalFromRequestParts<S> for Identity<U> {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        _: &S,
    ) -> Result<Option<Self>, std::convert::Infallible> {
        Ok(parts.extensions.get::<Identity<U>>().cloned())
    }
}
