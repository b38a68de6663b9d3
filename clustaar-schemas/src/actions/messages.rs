//! Actions that send the user something: text, images, buttons, cards, lists, questions.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::buttons::QuickReply;
use crate::cards::{Card, SimpleCard};
use crate::choices::Section;
use crate::tagged::type_tag;
use crate::targets::{GoToAction, Target};
use crate::text::Text;
use crate::text_fields;

type_tag! {
    /// Tag of [`SendTextAction`].
    SendTextActionType = "send_text_action";
    /// Tag of [`SendImageAction`].
    SendImageActionType = "send_image_action";
    /// Tag of [`SendQuickRepliesAction`].
    SendQuickRepliesActionType = "send_quick_replies_action";
    /// Tag of [`SendCardsAction`].
    SendCardsActionType = "send_cards_action";
    /// Tag of [`SendSimpleCardsAction`].
    SendSimpleCardsActionType = "send_simple_cards_action";
    /// Tag of [`SendJsEventAction`].
    SendJsEventActionType = "send_js_event_action";
    /// Tag of [`AskLocationAction`].
    AskLocationActionType = "ask_location_action";
    /// Tag of [`AskedDocument`].
    AskedDocumentType = "asked_document";
    /// Tag of [`AskDocumentAction`].
    AskDocumentActionType = "ask_document_action";
    /// Tag of [`SendChoicesListAction`].
    SendChoicesListActionType = "send_choices_list_action";
}

/// Sends a text message: the platform picks one of the `alternatives` at random
/// (`send_text_action`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct SendTextAction {
    /// `"type"`.
    #[serde(rename = "type", default)]
    pub kind: SendTextActionType,
    /// The messages to choose from (1 to 10, each 1 to 1000 characters; sanitised and
    /// normalised on load).
    #[serde(default, deserialize_with = "text_fields::html_nfkc_list")]
    pub alternatives: Option<Vec<Text>>,
    /// The message the platform picked. Read-only in the reference: never loaded, written only
    /// when set.
    #[serde(default, skip_deserializing, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

impl SendTextAction {
    /// A text action choosing among `alternatives`.
    ///
    /// ```
    /// use clustaar_schemas::SendTextAction;
    /// let action = SendTextAction::new(["hello", "bye"]);
    /// assert_eq!(action.alternatives(), ["hello", "bye"]);
    /// ```
    pub fn new<I, T>(alternatives: I) -> Self
    where
        I: IntoIterator<Item = T>,
        T: Into<String>,
    {
        Self {
            alternatives: Some(alternatives.into_iter().map(Text::new).collect()),
            ..Self::default()
        }
    }

    /// The alternatives (empty when absent).
    pub fn alternatives(&self) -> &[Text] {
        self.alternatives.as_deref().unwrap_or_default()
    }
}

/// Sends an image (`send_image_action`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct SendImageAction {
    /// `"type"`.
    #[serde(rename = "type", default)]
    pub kind: SendImageActionType,
    /// The image's alternative text (up to 500 characters; optional, nullable).
    #[serde(default)]
    pub alt: Option<String>,
    /// The image (an http(s) URL of up to 500 characters; stripped and sanitised on load).
    #[serde(
        rename = "imageURL",
        default,
        deserialize_with = "text_fields::strip_html"
    )]
    pub image_url: Option<Text>,
}

impl SendImageAction {
    /// Sends the image at `url`.
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            image_url: Some(Text::new(url)),
            ..Self::default()
        }
    }

    /// Sets the alternative text.
    pub fn alt(mut self, alt: impl Into<String>) -> Self {
        self.alt = Some(alt.into());
        self
    }
}

/// Sends a message with quick-reply buttons (`send_quick_replies_action`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct SendQuickRepliesAction {
    /// `"type"`.
    #[serde(rename = "type", default)]
    pub kind: SendQuickRepliesActionType,
    /// The message above the buttons (1 to 1000 characters; sanitised and normalised on load).
    #[serde(default, deserialize_with = "text_fields::html_nfkc")]
    pub message: Option<Text>,
    /// The buttons (1 to 11).
    #[serde(default)]
    pub buttons: Option<Vec<QuickReply>>,
}

impl SendQuickRepliesAction {
    /// A message with quick replies.
    pub fn new(message: impl Into<String>, buttons: impl IntoIterator<Item = QuickReply>) -> Self {
        Self {
            message: Some(Text::new(message)),
            buttons: Some(buttons.into_iter().collect()),
            ..Self::default()
        }
    }
}

/// Sends a carousel of cards (`send_cards_action`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct SendCardsAction {
    /// `"type"`.
    #[serde(rename = "type", default)]
    pub kind: SendCardsActionType,
    /// The cards (1 to 25).
    #[serde(default)]
    pub cards: Option<Vec<Card>>,
}

impl SendCardsAction {
    /// A carousel of `cards`.
    pub fn new(cards: impl IntoIterator<Item = Card>) -> Self {
        Self {
            cards: Some(cards.into_iter().collect()),
            ..Self::default()
        }
    }
}

/// Sends a carousel of simple cards, iAdvize's format (`send_simple_cards_action`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct SendSimpleCardsAction {
    /// `"type"`.
    #[serde(rename = "type", default)]
    pub kind: SendSimpleCardsActionType,
    /// The cards (1 to 25).
    #[serde(default)]
    pub cards: Option<Vec<SimpleCard>>,
}

impl SendSimpleCardsAction {
    /// A carousel of simple `cards`.
    pub fn new(cards: impl IntoIterator<Item = SimpleCard>) -> Self {
        Self {
            cards: Some(cards.into_iter().collect()),
            ..Self::default()
        }
    }
}

/// Sends a JavaScript event to the page hosting the web chat (`send_js_event_action`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct SendJsEventAction {
    /// `"type"`.
    #[serde(rename = "type", default)]
    pub kind: SendJsEventActionType,
    /// The event's name (1 to 200 characters; stripped on load).
    #[serde(default, deserialize_with = "text_fields::strip")]
    pub event: Option<Text>,
    /// The event's data (optional, nullable).
    #[serde(default)]
    pub payload: Option<Map<String, Value>>,
}

impl SendJsEventAction {
    /// Sends the event `event` without payload.
    pub fn new(event: impl Into<String>) -> Self {
        Self {
            event: Some(Text::new(event)),
            ..Self::default()
        }
    }

    /// Sets the payload.
    pub fn payload(mut self, payload: Map<String, Value>) -> Self {
        self.payload = Some(payload);
        self
    }
}

/// Asks the user to share their location, then runs `action` (`ask_location_action`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct AskLocationAction {
    /// `"type"`.
    #[serde(rename = "type", default)]
    pub kind: AskLocationActionType,
    /// The question (1 to 1000 characters; sanitised on load).
    #[serde(default, deserialize_with = "text_fields::html")]
    pub message: Option<Text>,
    /// Where to go once the location is shared.
    #[serde(rename = "action", default)]
    pub callback_action: Option<GoToAction>,
}

impl AskLocationAction {
    /// Asks `message`, then goes to `target`.
    pub fn new(message: impl Into<String>, target: impl Into<Target>) -> Self {
        Self {
            message: Some(Text::new(message)),
            callback_action: Some(GoToAction::new(target)),
            ..Self::default()
        }
    }
}

/// A document asked by an [`AskDocumentAction`] (`asked_document`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct AskedDocument {
    /// `"type"`.
    #[serde(rename = "type", default)]
    pub kind: AskedDocumentType,
    /// The request shown to the user (up to 300 characters).
    #[serde(default)]
    pub message: Option<String>,
    /// The document's name, the key of the attachment (1 to 150 characters).
    #[serde(default)]
    pub name: Option<String>,
    /// The accepted content types (`application/pdf`, `image/`, `image/png`, ...).
    #[serde(rename = "authorizedFileTypes", default)]
    pub authorized_file_types: Option<Vec<String>>,
}

impl AskedDocument {
    /// Asks for the document `name` with `message`, accepting `types`.
    pub fn new<I, T>(name: impl Into<String>, message: impl Into<String>, types: I) -> Self
    where
        I: IntoIterator<Item = T>,
        T: Into<String>,
    {
        Self {
            message: Some(message.into()),
            name: Some(name.into()),
            authorized_file_types: Some(types.into_iter().map(Into::into).collect()),
            ..Self::default()
        }
    }
}

/// Asks the user to upload documents (`ask_document_action`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct AskDocumentAction {
    /// `"type"`.
    #[serde(rename = "type", default)]
    pub kind: AskDocumentActionType,
    /// The request (up to 300 characters).
    #[serde(default)]
    pub message: Option<String>,
    /// The documents asked (1 to 20).
    #[serde(default)]
    pub documents: Option<Vec<AskedDocument>>,
}

impl AskDocumentAction {
    /// Asks `documents` with `message`.
    pub fn new(
        message: impl Into<String>,
        documents: impl IntoIterator<Item = AskedDocument>,
    ) -> Self {
        Self {
            message: Some(message.into()),
            documents: Some(documents.into_iter().collect()),
            ..Self::default()
        }
    }
}

/// Sends a drop-down list of choices, in sections, then runs `action`
/// (`send_choices_list_action`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct SendChoicesListAction {
    /// `"type"`.
    #[serde(rename = "type", default)]
    pub kind: SendChoicesListActionType,
    /// The message above the list (1 to 500 characters; optional, nullable; sanitised and
    /// normalised on load).
    #[serde(default, deserialize_with = "text_fields::html_nfkc")]
    pub message: Option<Text>,
    /// The list's placeholder (1 to 45 characters; sanitised and normalised on load).
    #[serde(default, deserialize_with = "text_fields::html_nfkc")]
    pub placeholder: Option<Text>,
    /// The sections (1 to 50; each titled when there are several).
    #[serde(default)]
    pub sections: Option<Vec<Section>>,
    /// Where to go once the user picked (a `go_to_action`).
    #[serde(default)]
    pub action: Option<ChoicesListAction>,
}

crate::tagged::tagged_enum! {
    /// What a choices list does once the user picked: go somewhere.
    pub enum ChoicesListAction {
        /// `go_to_action`
        "go_to_action" => GoTo(GoToAction),
    }
}

impl SendChoicesListAction {
    /// A list with `placeholder` and `sections`, then `action`.
    pub fn new(
        placeholder: impl Into<String>,
        sections: impl IntoIterator<Item = Section>,
        action: GoToAction,
    ) -> Self {
        Self {
            placeholder: Some(Text::new(placeholder)),
            sections: Some(sections.into_iter().collect()),
            action: Some(action.into()),
            ..Self::default()
        }
    }

    /// Sets the message.
    pub fn message(mut self, message: impl Into<String>) -> Self {
        self.message = Some(Text::new(message));
        self
    }
}
