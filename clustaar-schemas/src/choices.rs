//! The choices of a `send_choices_list_action`: a drop-down list of sections of choices.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::tagged::type_tag;
use super::text::Text;
use super::text_fields;

type_tag! {
    /// Tag of [`Choice`].
    ChoiceType = "choice";
    /// Tag of [`Section`].
    SectionType = "section";
}

/// One entry of a choices list (`choice`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Choice {
    /// `"type"`.
    #[serde(rename = "type", default)]
    pub kind: ChoiceType,
    /// An image shown with the entry (a URL of 1 to 500 characters; optional, nullable;
    /// stripped and sanitised on load).
    #[serde(
        rename = "imageUrl",
        default,
        deserialize_with = "text_fields::strip_html"
    )]
    pub image_url: Option<Text>,
    /// The entry's text (1 to 500 characters; sanitised and normalised on load).
    #[serde(default, deserialize_with = "text_fields::html_nfkc")]
    pub title: Option<Text>,
    /// Session values set when the user picks it (optional, nullable).
    #[serde(rename = "sessionValues", default)]
    pub session_values: Option<Map<String, Value>>,
}

impl Choice {
    /// A choice titled `title`.
    pub fn new(title: impl Into<String>) -> Self {
        Self {
            title: Some(Text::new(title)),
            ..Self::default()
        }
    }

    /// Sets the image.
    pub fn image_url(mut self, url: impl Into<String>) -> Self {
        self.image_url = Some(Text::new(url));
        self
    }

    /// Adds a session value set when the choice is picked.
    pub fn session_value(mut self, key: impl Into<String>, value: impl Into<Value>) -> Self {
        self.session_values
            .get_or_insert_with(Map::new)
            .insert(key.into(), value.into());
        self
    }
}

/// A titled group of choices (`section`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Section {
    /// `"type"`.
    #[serde(rename = "type", default)]
    pub kind: SectionType,
    /// The section's title (up to 500 characters; optional, nullable; required and non-empty
    /// when the list has more than one section).
    #[serde(default, deserialize_with = "text_fields::html_nfkc")]
    pub title: Option<Text>,
    /// The choices (1 to 100).
    #[serde(default)]
    pub choices: Option<Vec<Choice>>,
}

impl Section {
    /// A section of `choices`, without title.
    pub fn new(choices: impl IntoIterator<Item = Choice>) -> Self {
        Self {
            choices: Some(choices.into_iter().collect()),
            ..Self::default()
        }
    }

    /// Sets the title.
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.title = Some(Text::new(title));
        self
    }
}
