//! Shared state: what `State<T>` hands to handlers.
//!
//! A [`Webhook<S>`](crate::Webhook) holds one state value `S`. A handler argument `State<T>`
//! (axum's) receives `T` by axum's rule, `T: FromRef<S>`: `T` is `S` itself (any `Clone`
//! state), or you implement [`FromRef<S>`](axum::extract::FromRef) for a part of your state
//! (or derive it with axum's `macros` feature). Checked at compile time.
//!
//! The handlers of `#[on]` share a [`StateMap`]: each `main!(state = ...)` value (or
//! [`Webhook::state`](crate::Webhook::state)) is stored by its type, and their `State<T>`
//! arguments read it. A handler asking for a type the map does not hold stops the program at
//! start, naming the handler and the type.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::fmt;

/// Values stored by type: the state of bots built from `#[on]` handlers.
///
/// ```
/// use clustaar_webhook::state::StateMap;
///
/// #[derive(Clone, Debug, PartialEq)]
/// struct Greeting(&'static str);
///
/// let state = StateMap::new().with(Greeting("hi"));
/// assert_eq!(state.get::<Greeting>(), Some(&Greeting("hi")));
/// assert_eq!(state.get::<u32>(), None);
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

    /// Whether a value of the type `type_id` is stored.
    pub(crate) fn contains_type(&self, type_id: TypeId) -> bool {
        self.values.contains_key(&type_id)
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
