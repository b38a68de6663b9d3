//! The step-id filter, indexed by the router.

use std::borrow::Cow;

use super::Filter;
use crate::Request;

// The `#[on(step_id = ...)]` macro checks its ids with this very function.
pub use clustaar_webhook_core::object_id::is_object_id;

/// Passes when `data.step.id` is the given id (or one of the given ids): the reference's
/// `StepID`, equivalent to `JsonKeyEquals("data.step.id", id)` or
/// `JsonKeyIn("data.step.id", ids)`.
///
/// A route whose only filter is a `StepId` is found through a hash index: thousands of such
/// routes cost no more per request than a few.
///
/// ```
/// use clustaar_webhook::{filter::{Filter, StepId}, Request};
/// use serde_json::json;
///
/// let filter = StepId::any_of(["507f191e810c19729de860ea", "507f191e810c19729de860eb"]);
/// let request = Request::from_json(json!({"data": {"step": {"id": "507f191e810c19729de860eb"}}}));
/// assert!(filter.matches(&request));
/// assert!(!StepId::new("507f191e810c19729de860ea").matches(&request));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepId {
    ids: Cow<'static, [Cow<'static, str>]>,
}

impl StepId {
    /// `data.step.id` equals `id`. The platform's step ids are ObjectIDs in lowercase
    /// ([`is_object_id`]): an id of another form never matches a real notification, and the
    /// webhook warns about it when it builds its routes.
    pub fn new(id: impl Into<String>) -> Self {
        Self {
            ids: Cow::Owned(vec![Cow::Owned(id.into())]),
        }
    }

    /// `data.step.id` is one of `ids`.
    pub fn any_of<I, S>(ids: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Self {
            ids: Cow::Owned(ids.into_iter().map(|id| Cow::Owned(id.into())).collect()),
        }
    }

    /// Ids fixed at compile time (used by the `#[on]` macro).
    #[doc(hidden)]
    pub const fn from_static(ids: &'static [Cow<'static, str>]) -> Self {
        Self {
            ids: Cow::Borrowed(ids),
        }
    }

    /// The accepted ids.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.ids.iter().map(AsRef::as_ref)
    }
}

impl Filter for StepId {
    fn matches(&self, request: &Request) -> bool {
        request
            .step_id()
            .is_some_and(|found| self.ids.iter().any(|id| id == found))
    }

    fn step_ids(&self) -> Option<Vec<&str>> {
        Some(self.ids().collect())
    }
}
