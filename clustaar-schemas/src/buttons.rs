//! Buttons and quick replies, and the actions they run when clicked.

use serde::{Deserialize, Serialize};

use super::tagged::{tagged_enum, type_tag};
use super::targets::{GoToAction, Target};
use super::text::Text;
use super::text_fields;

type_tag! {
    /// Tag of [`LegacyReplyToMessageAction`].
    LegacyReplyToMessageActionType = "legacy_reply_to_message_action";
    /// Tag of [`OpenUrlAction`].
    OpenUrlActionType = "open_url_action";
    /// Tag of [`ShareAction`].
    ShareActionType = "share_action";
    /// Tag of [`CustomerSatisfactionCallbackAction`].
    CustomerSatisfactionCallbackActionType = "customer_satisfaction_callback_action";
    /// Tag of [`QuickReply`].
    QuickReplyType = "quick_reply";
    /// Tag of [`Button`].
    ButtonType = "button";
    /// Tag of [`OpenUrlButton`].
    OpenUrlButtonType = "open_url_button";
}

/// A document attached to a legacy reply button (`{"name": …, "url": …}`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct DocumentAttachment {
    /// The document's name (1 to 150 word characters).
    #[serde(default)]
    pub name: Option<String>,
    /// Where the document can be downloaded.
    #[serde(default)]
    pub url: Option<String>,
}

/// A legacy button that sends a message as if the user typed it
/// (`legacy_reply_to_message_action`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct LegacyReplyToMessageAction {
    /// `"type"`.
    #[serde(rename = "type", default)]
    pub kind: LegacyReplyToMessageActionType,
    /// The message sent (1 to 1000 characters; HTML-sanitised on load).
    #[serde(default, deserialize_with = "text_fields::html")]
    pub message: Option<Text>,
    /// Documents sent with the message (optional; not written when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attachments: Option<Vec<DocumentAttachment>>,
}

impl LegacyReplyToMessageAction {
    /// A button sending `message`.
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: Some(Text::new(message)),
            ..Self::default()
        }
    }
}

/// Opens a web page (`open_url_action`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct OpenUrlAction {
    /// `"type"`.
    #[serde(rename = "type", default)]
    pub kind: OpenUrlActionType,
    /// The page (a URL, 1 to 500 characters; stripped and HTML-sanitised on load).
    #[serde(default, deserialize_with = "text_fields::strip_html")]
    pub url: Option<Text>,
}

impl OpenUrlAction {
    /// Opens `url`.
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            url: Some(Text::new(url)),
            ..Self::default()
        }
    }
}

/// Shares the message (`share_action`).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct ShareAction {
    /// `"type"`.
    #[serde(rename = "type", default)]
    pub kind: ShareActionType,
}

/// The user's answer to a satisfaction survey (`customer_satisfaction_callback_action`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct CustomerSatisfactionCallbackAction {
    /// `"type"`.
    #[serde(rename = "type", default)]
    pub kind: CustomerSatisfactionCallbackActionType,
    /// Where the conversation goes next (a step or a story; nullable).
    #[serde(default)]
    pub target: Option<Target>,
    /// `positive`, `neutral` or `negative`.
    #[serde(rename = "kind", default)]
    pub satisfaction: Option<String>,
}

tagged_enum! {
    /// What a button or a quick reply does when clicked.
    pub enum ButtonAction {
        /// `go_to_action`
        "go_to_action" => GoTo(GoToAction),
        /// `legacy_reply_to_message_action`
        "legacy_reply_to_message_action" => LegacyReplyToMessage(LegacyReplyToMessageAction),
        /// `open_url_action`
        "open_url_action" => OpenUrl(OpenUrlAction),
        /// `share_action`
        "share_action" => Share(ShareAction),
        /// `customer_satisfaction_callback_action`
        "customer_satisfaction_callback_action" => CustomerSatisfactionCallback(CustomerSatisfactionCallbackAction),
    }
}

/// A button shown under a message that disappears once clicked (`quick_reply`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct QuickReply {
    /// The button's text (1 to 60 characters; sanitised and normalised on load).
    #[serde(default, deserialize_with = "text_fields::html_nfkc")]
    pub title: Option<Text>,
    /// What clicking it does.
    #[serde(default)]
    pub action: Option<ButtonAction>,
    /// `"type"`: always written, even when it was absent on load (as the reference does).
    #[serde(rename = "type", default)]
    pub kind: QuickReplyType,
}

impl QuickReply {
    /// A quick reply titled `title` that runs `action`.
    pub fn new(title: impl Into<String>, action: impl Into<ButtonAction>) -> Self {
        Self {
            title: Some(Text::new(title)),
            action: Some(action.into()),
            kind: QuickReplyType,
        }
    }
}

/// A button of a card (`button`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Button {
    /// `"type"`.
    #[serde(rename = "type", default)]
    pub kind: ButtonType,
    /// The button's text (1 to 20 characters; sanitised and normalised on load).
    #[serde(default, deserialize_with = "text_fields::html_nfkc")]
    pub title: Option<Text>,
    /// What clicking it does.
    #[serde(default)]
    pub action: Option<ButtonAction>,
}

impl Button {
    /// A button titled `title` that runs `action`.
    pub fn new(title: impl Into<String>, action: impl Into<ButtonAction>) -> Self {
        Self {
            title: Some(Text::new(title)),
            action: Some(action.into()),
            ..Self::default()
        }
    }
}

/// A button of a simple card that opens a page (`open_url_button`, iAdvize's links).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct OpenUrlButton {
    /// `"type"`.
    #[serde(rename = "type", default)]
    pub kind: OpenUrlButtonType,
    /// The button's text (1 to 20 characters; sanitised and normalised on load).
    #[serde(default, deserialize_with = "text_fields::html_nfkc")]
    pub title: Option<Text>,
    /// The page it opens.
    #[serde(default)]
    pub action: Option<OpenUrlAction>,
}

impl OpenUrlButton {
    /// A button titled `title` opening `url`.
    pub fn new(title: impl Into<String>, url: impl Into<String>) -> Self {
        Self {
            title: Some(Text::new(title)),
            action: Some(OpenUrlAction::new(url)),
            ..Self::default()
        }
    }
}

/// A button or a quick reply to a step goes there: `QuickReply::new("Home", StepTarget::new(id))`.
impl From<crate::StepTarget> for ButtonAction {
    fn from(target: crate::StepTarget) -> Self {
        Self::GoTo(GoToAction::new(target))
    }
}

/// A button or a quick reply to a story goes there.
impl From<crate::StoryTarget> for ButtonAction {
    fn from(target: crate::StoryTarget) -> Self {
        Self::GoTo(GoToAction::new(target))
    }
}
