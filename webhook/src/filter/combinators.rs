//! Combining filters: all, any, not, and plain functions.

use std::fmt;

use super::Filter;
use crate::Request;

/// Passes when every filter passes (and when there is none).
#[derive(Debug)]
pub struct All(Vec<Box<dyn Filter>>);

impl All {
    /// All of `filters`.
    pub fn new(filters: Vec<Box<dyn Filter>>) -> Self {
        Self(filters)
    }
}

impl Filter for All {
    fn matches(&self, request: &Request) -> bool {
        self.0.iter().all(|filter| filter.matches(request))
    }

    fn step_ids(&self) -> Option<Vec<&str>> {
        match self.0.as_slice() {
            [only] => only.step_ids(),
            _ => None,
        }
    }
}

/// Passes when at least one filter passes (never when there is none).
#[derive(Debug)]
pub struct Any(Vec<Box<dyn Filter>>);

impl Any {
    /// Any of `filters`.
    pub fn new(filters: Vec<Box<dyn Filter>>) -> Self {
        Self(filters)
    }
}

impl Filter for Any {
    fn matches(&self, request: &Request) -> bool {
        self.0.iter().any(|filter| filter.matches(request))
    }
}

/// Passes when the inner filter does not.
#[derive(Debug)]
pub struct Not(Box<dyn Filter>);

impl Filter for Not {
    fn matches(&self, request: &Request) -> bool {
        !self.0.matches(request)
    }
}

/// A filter that is a function of the request.
pub struct FnFilter<F> {
    function: F,
    name: &'static str,
}

impl<F> fmt::Debug for FnFilter<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("FnFilter").field(&self.name).finish()
    }
}

impl<F> Filter for FnFilter<F>
where
    F: Fn(&Request) -> bool + Send + Sync + 'static,
{
    fn matches(&self, request: &Request) -> bool {
        (self.function)(request)
    }
}

/// A filter from any function of the request.
///
/// ```
/// use clustaar_webhook::{filter::{filter_fn, Filter}, Request};
/// use serde_json::json;
///
/// let from_facebook = filter_fn(|request: &Request| {
///     request.json().pointer("/data/channel") == Some(&json!("facebook"))
/// });
/// assert!(from_facebook.matches(&Request::from_json(json!({"data": {"channel": "facebook"}}))));
/// ```
pub fn filter_fn<F>(function: F) -> FnFilter<F>
where
    F: Fn(&Request) -> bool + Send + Sync + 'static,
{
    FnFilter {
        function,
        name: std::any::type_name::<F>(),
    }
}

/// Every one of `filters` passes.
pub fn all(filters: impl IntoIterator<Item = Box<dyn Filter>>) -> All {
    All::new(filters.into_iter().collect())
}

/// At least one of `filters` passes.
///
/// ```
/// use clustaar_webhook::filter::{any, not, Filter, StepId, JsonKeyExists};
/// let filter = any([
///     Box::new(StepId::new("507f191e810c19729de860ea")) as Box<dyn Filter>,
///     Box::new(not(JsonKeyExists::new("data.input").unwrap())),
/// ]);
/// # let _ = filter;
/// ```
pub fn any(filters: impl IntoIterator<Item = Box<dyn Filter>>) -> Any {
    Any::new(filters.into_iter().collect())
}

/// The opposite of `filter`.
pub fn not(filter: impl Filter) -> Not {
    Not(Box::new(filter))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::filter::{JsonKeyEquals, StepId};
    use serde_json::json;

    fn boxed(filter: impl Filter) -> Box<dyn Filter> {
        Box::new(filter)
    }

    #[test]
    fn combinators_follow_boolean_logic() {
        let request = Request::from_json(json!({"a": 1, "b": 2}));
        let a = || boxed(JsonKeyEquals::new("a", 1).unwrap());
        let not_b = || boxed(JsonKeyEquals::new("b", 3).unwrap());
        assert!(all([a()]).matches(&request));
        assert!(!all([a(), not_b()]).matches(&request));
        assert!(all(Vec::new()).matches(&request));
        assert!(any([not_b(), a()]).matches(&request));
        assert!(!any(Vec::new()).matches(&request));
        assert!(not(JsonKeyEquals::new("b", 3).unwrap()).matches(&request));
        assert!(filter_fn(|r: &Request| r.json()["b"] == 2).matches(&request));
    }

    #[test]
    fn only_a_lone_step_id_is_indexable() {
        assert_eq!(all([boxed(StepId::new("x"))]).step_ids(), Some(vec!["x"]));
        assert_eq!(
            all([boxed(StepId::new("x")), boxed(StepId::new("y"))]).step_ids(),
            None
        );
        assert_eq!(any([boxed(StepId::new("x"))]).step_ids(), None);
        assert_eq!(not(StepId::new("x")).step_ids(), None);
    }
}
