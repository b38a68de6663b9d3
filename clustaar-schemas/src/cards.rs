//! Cards (a carousel of title, image and buttons) and iAdvize's simple cards.

use serde::{Deserialize, Serialize};

use super::buttons::{Button, OpenUrlButton};
use super::tagged::type_tag;
use super::text::Text;
use super::text_fields;

type_tag! {
    /// Tag of [`Card`].
    CardType = "card";
    /// Tag of [`SimpleCard`].
    SimpleCardType = "simple_card";
}

/// A card of a carousel (`card`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Card {
    /// `"type"`.
    #[serde(rename = "type", default)]
    pub kind: CardType,
    /// The card's title (1 to 80 characters; sanitised and normalised on load).
    #[serde(default, deserialize_with = "text_fields::html_nfkc")]
    pub title: Option<Text>,
    /// The text under the title (up to 80 characters; optional, nullable).
    #[serde(default, deserialize_with = "text_fields::html_nfkc")]
    pub subtitle: Option<Text>,
    /// The image's alternative text (up to 500 characters; optional, nullable).
    #[serde(default)]
    pub alt: Option<String>,
    /// The image (an http(s) URL of up to 500 characters, or `""`; stripped on load).
    #[serde(rename = "imageURL", default, deserialize_with = "text_fields::strip")]
    pub image_url: Option<Text>,
    /// The page opened when the card is clicked (up to 500 characters, or `""`; stripped on
    /// load).
    #[serde(default, deserialize_with = "text_fields::strip")]
    pub url: Option<Text>,
    /// Up to 3 buttons (nullable). Absent on load, they are `None` (the reference fills in
    /// `[]`, which a simple card's validation refuses when it is written back).
    #[serde(default)]
    pub buttons: Option<Vec<Button>>,
}

impl Card {
    /// A card titled `title`.
    pub fn new(title: impl Into<String>) -> Self {
        Self {
            title: Some(Text::new(title)),
            ..Self::default()
        }
    }

    /// Sets the subtitle.
    pub fn subtitle(mut self, subtitle: impl Into<String>) -> Self {
        self.subtitle = Some(Text::new(subtitle));
        self
    }

    /// Sets the image.
    pub fn image_url(mut self, url: impl Into<String>) -> Self {
        self.image_url = Some(Text::new(url));
        self
    }

    /// Sets the page opened on click.
    pub fn url(mut self, url: impl Into<String>) -> Self {
        self.url = Some(Text::new(url));
        self
    }

    /// Adds a button.
    pub fn button(mut self, button: Button) -> Self {
        self.buttons.get_or_insert_with(Vec::new).push(button);
        self
    }
}

/// A card in iAdvize's format: no page of its own, buttons that open pages (`simple_card`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct SimpleCard {
    /// `"type"`.
    #[serde(rename = "type", default)]
    pub kind: SimpleCardType,
    /// The card's title (1 to 80 characters; sanitised and normalised on load).
    #[serde(default, deserialize_with = "text_fields::html_nfkc")]
    pub title: Option<Text>,
    /// The text under the title (up to 80 characters; optional, nullable).
    #[serde(default, deserialize_with = "text_fields::html_nfkc")]
    pub subtitle: Option<Text>,
    /// The image (an http(s) URL of up to 500 characters, or `""`; stripped on load).
    #[serde(rename = "imageURL", default, deserialize_with = "text_fields::strip")]
    pub image_url: Option<Text>,
    /// 1 to 3 buttons (nullable). Absent on load, they are `None` (the reference fills in
    /// `[]`, which the validation refuses when it is written back: a step's own card would
    /// make an invalid answer).
    #[serde(default)]
    pub buttons: Option<Vec<OpenUrlButton>>,
}

impl SimpleCard {
    /// A simple card titled `title`.
    pub fn new(title: impl Into<String>) -> Self {
        Self {
            title: Some(Text::new(title)),
            ..Self::default()
        }
    }

    /// Sets the subtitle.
    pub fn subtitle(mut self, subtitle: impl Into<String>) -> Self {
        self.subtitle = Some(Text::new(subtitle));
        self
    }

    /// Sets the image.
    pub fn image_url(mut self, url: impl Into<String>) -> Self {
        self.image_url = Some(Text::new(url));
        self
    }

    /// Adds a button.
    pub fn button(mut self, button: OpenUrlButton) -> Self {
        self.buttons.get_or_insert_with(Vec::new).push(button);
        self
    }
}
