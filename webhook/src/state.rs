//! Shared state: what `State<T>` hands to handlers.
//!
//! A [`Webhook<S>`](crate::Webhook) holds one state value `S`. A handler argument `State<T>`
//! receives `T` when `T: FromState<S>`:
//!
//! - `T` is `S` itself (any `Clone` state);
//! - `S` is a [`StateMap`] holding a `T` (the state of bots built by `main!()` and
//!   `Webhook::from_registry()`, where each `main!(state = ...)` value is stored by type);
//! - or you implement `FromState<S>` for a part of your state, as axum's `FromRef`.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::fmt;

/// Builds a handler's `State<Self>` argument from the webhook's state `S`.
///
/// ```
/// use webhook::state::FromState;
///
/// #[derive(Clone)]
/// struct App { db: Db }
/// #[derive(Clone)]
/// struct Db;
///
/// impl FromState<App> for Db {
///     fn from_state(app: &App) -> Option<Self> {
///         Some(app.db.clone())
///     }
/// }
/// ```
#[diagnostic::on_unimplemented(
    message = "the webhook's state `{S}` does not provide a `{Self}`",
    label = "`State<{Self}>` needs the webhook's state to provide it",
    note = "use `Webhook::with_state(value)` with a `{Self}`, store it with `main!(state = ...)`, or implement `FromState<{S}>` for `{Self}`"
)]
pub trait FromState<S>: Sized {
    /// The value, or `None` when the state does not hold one (a `500`).
    fn from_state(state: &S) -> Option<Self>;
}

impl<S: Clone> FromState<S> for S {
    fn from_state(state: &S) -> Option<Self> {
        Some(state.clone())
    }
}

/// Values stored by type: the state of bots built from `#[on]` handlers.
///
/// ```
/// use webhook::state::{FromState, StateMap};
///
/// #[derive(Clone, Debug, PartialEq)]
/// struct Greeting(&'static str);
///
/// let state = StateMap::new().with(Greeting("hi"));
/// assert_eq!(Greeting::from_state(&state), Some(Greeting("hi")));
/// assert_eq!(<u32 as FromState<StateMap>>::from_state(&state), None);
/// ```
#[derive(Default)]
pub struct StateMap {
    values: HashMap<TypeId, (&'static str, Box<dyn Any + Send + Sync>)>,
}

impl StateMap {
    /// An empty map.
    pub fn new() -> Self {
        Self::default()
    }

    /// Stores `value`, replacing any value of the same type.
    pub fn insert<T: Clone + Send + Sync + 'static>(&mut self, value: T) {
        self.values.insert(
            TypeId::of::<T>(),
            (std::any::type_name::<T>(), Box::new(value)),
        );
    }

    /// Stores `value` and returns the map.
    pub fn with<T: Clone + Send + Sync + 'static>(mut self, value: T) -> Self {
        self.insert(value);
        self
    }

    /// The value of type `T`.
    pub fn get<T: 'static>(&self) -> Option<&T> {
        self.values
            .get(&TypeId::of::<T>())
            .and_then(|(_, value)| value.downcast_ref())
    }

    /// Moves every value of `other` into this map.
    pub fn extend(&mut self, other: StateMap) {
        self.values.extend(other.values);
    }

    /// Whether a value of type `T` is stored.
    pub fn contains<T: 'static>(&self) -> bool {
        self.values.contains_key(&TypeId::of::<T>())
    }
}

impl fmt::Debug for StateMap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set()
            .entries(self.values.values().map(|(name, _)| name))
            .finish()
    }
}

impl<T: Clone + Send + Sync + 'static> FromState<StateMap> for T {
    fn from_state(state: &StateMap) -> Option<Self> {
        state.get::<T>().cloned()
    }
}
