//! What an authenticator's result means.

use std::any::Any;
use std::fmt::Display;

use http::{Extensions, StatusCode};

use super::identity::{Credentials, Identity, User};
use crate::error::ApiError;

/// The verdict of an authenticator, built from what it returned ([`IntoAuthOutcome`]).
#[derive(Debug)]
pub struct AuthOutcome(pub(crate) Verdict);

#[derive(Debug)]
pub(crate) enum Verdict {
    /// Accept, without identity.
    Anyone,
    /// Accept; the identity is in these extensions.
    Identified(Extensions),
    /// Refuse with this error.
    Refused(ApiError),
}

impl AuthOutcome {
    /// Whether the request is accepted.
    pub fn is_accepted(&self) -> bool {
        !matches!(self.0, Verdict::Refused(_))
    }

    /// The error the request is refused with, if it is.
    pub fn refusal(&self) -> Option<&ApiError> {
        match &self.0 {
            Verdict::Refused(error) => Some(error),
            _ => None,
        }
    }
}

/// The `403` of an identity whose user is not authenticated.
pub(crate) fn not_authenticated() -> ApiError {
    ApiError::new(
        StatusCode::FORBIDDEN,
        "Invalid credentials",
        "This call needs authentication",
    )
}

/// What an authenticator may return.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be returned by an authenticator",
    label = "an authenticator must return what the webhook can act on",
    note = "return `()` or `None` (accept anyone), an `Identity<U>` or `(Credentials, U)` where `U: User` (accept if the user is authenticated, else 403), an `Option` of one, or a `Result` of any of these whose error is an `ApiError` (answered as is) or any `Display` type (a 500, logged)"
)]
pub trait IntoAuthOutcome {
    /// The verdict.
    fn into_outcome(self) -> AuthOutcome;
}

impl IntoAuthOutcome for AuthOutcome {
    fn into_outcome(self) -> AuthOutcome {
        self
    }
}

impl IntoAuthOutcome for () {
    fn into_outcome(self) -> AuthOutcome {
        AuthOutcome(Verdict::Anyone)
    }
}

impl<T: IntoAuthOutcome> IntoAuthOutcome for Option<T> {
    fn into_outcome(self) -> AuthOutcome {
        match self {
            Some(inner) => inner.into_outcome(),
            None => AuthOutcome(Verdict::Anyone),
        }
    }
}

impl<U: User> IntoAuthOutcome for Identity<U> {
    fn into_outcome(self) -> AuthOutcome {
        if !self.user.is_authenticated() {
            return AuthOutcome(Verdict::Refused(not_authenticated()));
        }
        let mut extensions = Extensions::new();
        extensions.insert(self);
        AuthOutcome(Verdict::Identified(extensions))
    }
}

impl<U: User> IntoAuthOutcome for (Credentials, U) {
    fn into_outcome(self) -> AuthOutcome {
        Identity::new(self.0, self.1).into_outcome()
    }
}

/// Boxed errors, as `?` makes them.
type BoxError = Box<dyn std::error::Error + Send + Sync>;

impl<T, E> IntoAuthOutcome for Result<T, E>
where
    T: IntoAuthOutcome,
    E: Display + 'static,
{
    fn into_outcome(self) -> AuthOutcome {
        match self {
            Ok(value) => value.into_outcome(),
            Err(error) => {
                let any = &error as &dyn Any;
                let api_error = any.downcast_ref::<ApiError>().or_else(|| {
                    any.downcast_ref::<BoxError>()
                        .and_then(|boxed| boxed.downcast_ref::<ApiError>())
                });
                if let Some(api_error) = api_error {
                    return AuthOutcome(Verdict::Refused(api_error.clone()));
                }
                tracing::error!(error = %error, "the authenticator failed");
                AuthOutcome(Verdict::Refused(ApiError::internal(
                    "The authenticator failed; its error is in the webhook's logs.",
                )))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::{SimpleUser, UnauthenticatedUser};

    #[test]
    fn nothing_accepts_anyone() {
        assert!(matches!(().into_outcome().0, Verdict::Anyone));
        assert!(matches!(None::<Identity>.into_outcome().0, Verdict::Anyone));
    }

    #[test]
    fn an_authenticated_identity_is_kept_for_handlers() {
        let identity = Identity::new(Credentials::new(["a"]), SimpleUser::new("u"));
        let AuthOutcome(Verdict::Identified(extensions)) = identity.clone().into_outcome() else {
            panic!("not identified");
        };
        assert_eq!(extensions.get::<Identity>(), Some(&identity));
        assert!((Credentials::default(), SimpleUser::new("u"))
            .into_outcome()
            .is_accepted());
    }

    #[test]
    fn an_unauthenticated_user_is_403() {
        let outcome = (Credentials::default(), UnauthenticatedUser).into_outcome();
        let refusal = outcome.refusal().unwrap();
        assert_eq!(refusal.status(), StatusCode::FORBIDDEN);
        assert_eq!(refusal.title(), "Invalid credentials");
    }

    #[test]
    fn errors_are_answered_as_http_errors_or_500() {
        let teapot = ApiError::new(StatusCode::IM_A_TEAPOT, "Tea", "Only tea.");
        let outcome = Err::<(), _>(teapot.clone()).into_outcome();
        assert_eq!(outcome.refusal(), Some(&teapot));
        let boxed: Result<(), BoxError> = Err(Box::new(teapot.clone()));
        assert_eq!(boxed.into_outcome().refusal(), Some(&teapot));
        let outcome = Err::<(), _>("database down").into_outcome();
        let refusal = outcome.refusal().unwrap();
        assert_eq!(refusal.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert!(!refusal.description().contains("database"));
    }
}
