//! The processed view of a model: the document as the reference dumps a loaded model.
//!
//! A model is dumped with each loaded [`Text`](super::Text) as received and, in a loaded
//! object, without the keys that were absent and may not be `null` ([`Origin`]). The
//! processed view writes instead what a handler reads, as the reference's dump does: processed
//! text and `null` for every absent value. It is what the differential test compares with the
//! reference, and a faithful picture of the model for logs.

use std::cell::Cell;

use serde::ser::SerializeStruct;
use serde::Serialize;

thread_local! {
    static PROCESSED: Cell<bool> = const { Cell::new(false) };
}

/// Whether the current serialisation writes the processed view.
pub(crate) fn processed() -> bool {
    PROCESSED.with(Cell::get)
}

/// Restores the previous view when dropped, even on a panic in `Serialize`.
struct Restore(bool);

impl Drop for Restore {
    fn drop(&mut self) {
        PROCESSED.with(|view| view.set(self.0));
    }
}

/// `model` as the reference dumps it once loaded: processed text (sanitised, normalised,
/// stripped), and `null` for every absent value. [`serde_json::to_value`] gives instead what is
/// sent to the platform.
///
/// ```
/// use clustaar_schemas::{view, SendTextAction};
///
/// let action: SendTextAction =
///     serde_json::from_str(r#"{"type": "send_text_action", "alternatives": ["a < b"]}"#).unwrap();
/// assert_eq!(view::processed_json(&action).unwrap()["alternatives"][0], "a &lt; b");
/// assert_eq!(serde_json::to_value(&action).unwrap()["alternatives"][0], "a < b");
/// ```
pub fn processed_json<T: Serialize + ?Sized>(model: &T) -> serde_json::Result<serde_json::Value> {
    let _restore = Restore(PROCESSED.with(|view| view.replace(true)));
    serde_json::to_value(model)
}

/// Where a model comes from: loaded from a document, or built by code (the default).
///
/// In a loaded object, a field that the platform accepts absent but not `null` is left out of
/// the dump when it is `None` (it was absent: the document, valid, had no `null` there); a
/// built object writes `null`, as the reference does, and the answer's validation refuses it.
/// Comparisons ignore the origin.
#[derive(Debug, Clone, Copy, Default, Eq)]
pub struct Origin {
    loaded: bool,
}

impl Origin {
    /// The origin of a deserialised model (`#[serde(default = ...)]` of a skipped field).
    pub(crate) fn loaded() -> Self {
        Self { loaded: true }
    }

    /// Whether the model was loaded from a document.
    pub fn is_loaded(self) -> bool {
        self.loaded
    }

    /// Whether a `None` of a field that may not be `null` is written (as `null`).
    pub(crate) fn writes_null(self) -> bool {
        !self.loaded || processed()
    }

    /// Writes `value` at `key`, or leaves the key out when it is `None` in a loaded model
    /// (see [`Origin`]).
    pub(crate) fn not_null_field<S, T>(
        self,
        object: &mut S,
        key: &'static str,
        value: &Option<T>,
    ) -> Result<(), S::Error>
    where
        S: SerializeStruct,
        T: Serialize,
    {
        if value.is_none() && !self.writes_null() {
            object.skip_field(key)
        } else {
            object.serialize_field(key, value)
        }
    }
}

impl PartialEq for Origin {
    /// Always equal: a loaded model equals the same model built by code.
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_view_is_restored_after_a_dump() {
        assert!(!processed());
        processed_json(&1).unwrap();
        assert!(!processed());
        assert!(Origin::default().writes_null());
        assert!(!Origin::loaded().writes_null());
        assert_eq!(Origin::loaded(), Origin::default());
    }
}
