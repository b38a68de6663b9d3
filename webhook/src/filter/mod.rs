//! Route filters: which notifications of a topic a handler serves.
//!
//! | filter | passes when |
//! |---|---|
//! | [`JsonKeyEquals`] | the value at the path equals the expected JSON value |
//! | [`JsonKeyIn`] | the value at the path is one of the expected values |
//! | [`JsonKeyExists`] | the key is present (a key present with `null` exists) |
//! | [`StepId`] | `data.step.id` is the id, or one of the ids |
//! | [`filter_fn`] | a function of the [`Request`] returns `true` |
//! | [`all`], [`any`], [`not`] | combinations of the above |
//!
//! A missing key equals nothing, is in no list, and does not exist. Routes whose only filter is a
//! [`StepId`] are found through a hash index (see [`crate::routing`]).

mod combinators;
mod json_key;
mod literal;
mod path;
mod step_id;

use std::fmt;

pub use combinators::{all, any, filter_fn, not, All, Any, FnFilter, Not};
pub use json_key::{JsonKeyEquals, JsonKeyExists, JsonKeyIn};
pub use literal::JsonLiteral;
pub(crate) use path::STEP_ID_PATH;
pub use path::{JsonPath, PathError, Segment};
pub use step_id::{is_object_id, StepId};

use crate::Request;

/// A condition on a notification; a route's handler runs only when its filter passes.
///
/// Implement it for conditions of your own, or use [`filter_fn`] for a closure.
pub trait Filter: fmt::Debug + Send + Sync + 'static {
    /// Whether `request` passes.
    fn matches(&self, request: &Request) -> bool;

    /// The step ids this filter is exactly equivalent to "`data.step.id` is one of these", if it
    /// is. The router then finds the route through a hash index instead of calling
    /// [`matches`](Filter::matches). Leave the default (`None`) for anything else.
    fn step_ids(&self) -> Option<Vec<&str>> {
        None
    }
}

impl Filter for Box<dyn Filter> {
    fn matches(&self, request: &Request) -> bool {
        (**self).matches(request)
    }

    fn step_ids(&self) -> Option<Vec<&str>> {
        (**self).step_ids()
    }
}

/// What [`Webhook::on`](crate::Webhook::on) accepts as filters: `()` for none, one filter, a
/// tuple of filters (all must pass) or a `Vec<Box<dyn Filter>>` (all must pass).
pub trait IntoFilter {
    /// The filter, or `None` when there is none.
    fn into_filter(self) -> Option<Box<dyn Filter>>;
}

impl IntoFilter for () {
    fn into_filter(self) -> Option<Box<dyn Filter>> {
        None
    }
}

impl<F: Filter> IntoFilter for F {
    fn into_filter(self) -> Option<Box<dyn Filter>> {
        Some(Box::new(self))
    }
}

impl IntoFilter for Vec<Box<dyn Filter>> {
    fn into_filter(self) -> Option<Box<dyn Filter>> {
        match self.len() {
            0 => None,
            1 => self.into_iter().next(),
            _ => Some(Box::new(All::new(self))),
        }
    }
}

macro_rules! tuple_into_filter {
    ($($name:ident),+) => {
        impl<$($name: Filter),+> IntoFilter for ($($name,)+) {
            #[allow(non_snake_case)]
            fn into_filter(self) -> Option<Box<dyn Filter>> {
                let ($($name,)+) = self;
                vec![$(Box::new($name) as Box<dyn Filter>),+].into_filter()
            }
        }
    };
}

tuple_into_filter!(A);
tuple_into_filter!(A, B);
tuple_into_filter!(A, B, C);
tuple_into_filter!(A, B, C, D);
tuple_into_filter!(A, B, C, D, E);
tuple_into_filter!(A, B, C, D, E, F);
