//! [`Text`]: a text field that the platform processes on load, with the form it was received in.

use std::borrow::{Borrow, Cow};
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Deref;
use std::sync::OnceLock;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::processing::Processing;
use super::view;

/// A text field that the platform strips, normalises or sanitises on load (a title, a message,
/// a URL...).
///
/// A handler reads the processed text (what the reference's models hold: `<` escaped as
/// `&lt;`, NFKC, stripped); it derefs to `&str`. A loaded text also keeps the text **as
/// received**, and that is what is written back while the text is not replaced: so an answer
/// echoing a step's actions is what the platform sent, which its validation accepted (a
/// sanitised title can grow past its limit: `Buy <now> & save`, 16 characters, reads
/// `Buy &lt;now&gt; & save`, 22), and which it loads again into the same text. A text built by
/// code ([`From<&str>`](#impl-From%3C%26str%3E-for-Text), [`Text::set`]...) is written as it
/// is, as the reference writes it.
///
/// The processing is applied when the text is first read (and kept): an answer that only
/// writes texts back never pays for it.
///
/// Comparisons (`==`, hashing) look at the processed text only.
///
/// ```
/// use clustaar_schemas::Button;
///
/// let button: Button = serde_json::from_str(
///     r#"{"type": "button", "title": "Buy <now> & save", "action": null}"#,
/// ).unwrap();
/// let title = button.title.as_ref().unwrap();
/// assert_eq!(title, "Buy &lt;now&gt; & save"); // what the handler reads
/// assert_eq!(title.dumped(), "Buy <now> & save"); // what is written back
///
/// let mut button = button;
/// button.title.as_mut().unwrap().set("Buy now");
/// assert_eq!(serde_json::to_value(&button).unwrap()["title"], "Buy now");
/// ```
#[derive(Clone, Default)]
pub struct Text {
    /// The text as received (loaded), or as built.
    raw: String,
    /// How a loaded text is processed; `None` for a built one.
    processing: Option<Processing>,
    /// The processed text, once read: `None` inside when processing leaves it unchanged.
    processed: OnceLock<Option<Box<str>>>,
}

impl Text {
    /// A text built by code: written as it is.
    pub fn new(text: impl Into<String>) -> Self {
        Self {
            raw: text.into(),
            processing: None,
            processed: OnceLock::new(),
        }
    }

    /// A loaded text, received as `raw`, read through `processing`.
    pub(crate) fn loaded(raw: String, processing: Processing) -> Self {
        Self {
            raw,
            processing: Some(processing),
            processed: OnceLock::new(),
        }
    }

    /// The text, as a handler reads it (processed on first read).
    pub fn as_str(&self) -> &str {
        let Some(processing) = self.processing else {
            return &self.raw;
        };
        self.processed
            .get_or_init(|| match processing.apply(&self.raw) {
                Cow::Borrowed(same) if same.len() == self.raw.len() => None,
                changed => Some(changed.into_owned().into_boxed_str()),
            })
            .as_deref()
            .unwrap_or(&self.raw)
    }

    /// The text as it was received, when loading changes it (and it was not replaced since).
    pub fn received(&self) -> Option<&str> {
        (self.processing.is_some() && self.as_str() != self.raw).then_some(self.raw.as_str())
    }

    /// The text written when the model is dumped: as received while it is not replaced,
    /// otherwise as it is. The platform's limits are checked on this form.
    pub fn dumped(&self) -> &str {
        &self.raw
    }

    /// Replaces the text; it is then written as it is.
    pub fn set(&mut self, text: impl Into<String>) {
        *self = Self::new(text);
    }

    /// The text as a handler reads it, to edit in place; it is then written as it is.
    pub fn to_mut(&mut self) -> &mut String {
        if self.processing.is_some() {
            let text = self.as_str().to_owned();
            self.set(text);
        }
        &mut self.raw
    }

    /// The text, as a handler reads it.
    pub fn into_string(self) -> String {
        if self.processing.is_some() && self.as_str() != self.raw {
            return self.as_str().to_owned();
        }
        self.raw
    }
}

impl Deref for Text {
    type Target = str;

    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Text {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl Borrow<str> for Text {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.received() {
            None => fmt::Debug::fmt(self.as_str(), f),
            Some(received) => write!(f, "{:?} (received {:?})", self.as_str(), received),
        }
    }
}

impl PartialEq for Text {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Text {}

impl Hash for Text {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl PartialEq<str> for Text {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Text {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for Text {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<Text> for str {
    fn eq(&self, other: &Text) -> bool {
        self == other.as_str()
    }
}

impl PartialEq<Text> for &str {
    fn eq(&self, other: &Text) -> bool {
        *self == other.as_str()
    }
}

impl From<&str> for Text {
    fn from(text: &str) -> Self {
        Self::new(text)
    }
}

impl From<String> for Text {
    fn from(text: String) -> Self {
        Self::new(text)
    }
}

impl From<&String> for Text {
    fn from(text: &String) -> Self {
        Self::new(text.as_str())
    }
}

impl From<Text> for String {
    fn from(text: Text) -> Self {
        text.into_string()
    }
}

impl Serialize for Text {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if view::processed() {
            serializer.serialize_str(self.as_str())
        } else {
            serializer.serialize_str(self.dumped())
        }
    }
}

impl<'de> Deserialize<'de> for Text {
    /// A text as it is, written back as it is (a field's `deserialize_with` gives the loaded
    /// texts their [`Processing`]).
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Self::new)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_loaded_text_keeps_its_received_form_only_when_processing_changed_it() {
        let same = Text::loaded("plain".to_owned(), Processing::StripHtmlNfkc);
        assert_eq!(same.received(), None);
        assert_eq!(same.dumped(), "plain");
        let changed = Text::loaded(" padded ".to_owned(), Processing::Strip);
        assert_eq!(changed, "padded");
        assert_eq!(changed.received(), Some(" padded "));
        assert_eq!(serde_json::to_string(&changed).unwrap(), r#"" padded ""#);
    }

    #[test]
    fn replacing_or_editing_forgets_the_received_form() {
        let mut text = Text::loaded("<b>".to_owned(), Processing::Html);
        text.to_mut().push('!');
        assert_eq!(text.dumped(), "<b></b>!");
        let mut text = Text::loaded("<b>".to_owned(), Processing::Html);
        text.set("new");
        assert_eq!(serde_json::to_string(&text).unwrap(), r#""new""#);
    }

    #[test]
    fn the_processed_view_writes_the_processed_text() {
        let text = Text::loaded("a<b".to_owned(), Processing::Html);
        assert_eq!(
            view::processed_json(&text).unwrap(),
            serde_json::json!("a&lt;b")
        );
        assert_eq!(serde_json::to_value(&text).unwrap(), "a<b");
    }

    #[test]
    fn comparisons_look_at_the_processed_text() {
        let loaded = Text::loaded("x ".to_owned(), Processing::Strip);
        assert_eq!(loaded, Text::from("x"));
        assert!(loaded == "x");
        assert!("x" == loaded);
        assert_eq!(format!("{loaded}"), "x");
        assert_eq!(format!("{loaded:?}"), r#""x" (received "x ")"#);
    }
}
