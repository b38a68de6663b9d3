//! What the user did that made the conversation reach the step (`data.input`).

use serde::{Deserialize, Serialize};

use super::tagged::{tagged_enum, type_tag};
use super::targets::GoToAction;
use super::text::Text;
use super::text_fields;

type_tag! {
    /// Tag of [`Image`].
    ImageType = "image";
    /// Tag of [`Video`].
    VideoType = "video";
    /// Tag of [`Audio`].
    AudioType = "audio";
    /// Tag of [`File`].
    FileType = "file";
    /// Tag of [`Message`].
    MessageType = "message";
    /// Tag of [`LegacyReplyToMessage`].
    LegacyReplyToMessageType = "legacy_reply_to_message_action";
    /// Tag of [`UrlLoadedEvent`].
    UrlLoadedEventType = "url_loaded_event";
    /// Tag of [`CustomEvent`].
    CustomEventType = "custom_event";
}

macro_rules! attachment_kind {
    ($($(#[$meta:meta])* $name:ident($tag:ident)),*) => {$(
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
        pub struct $name {
            /// `"type"`.
            #[serde(rename = "type", default)]
            pub kind: $tag,
            /// Where it can be downloaded.
            #[serde(default)]
            pub url: Option<String>,
        }
    )*};
}

attachment_kind!(
    /// An image the user sent (`image`).
    Image(ImageType),
    /// A video the user sent (`video`).
    Video(VideoType),
    /// A sound the user sent (`audio`).
    Audio(AudioType),
    /// Any other file the user sent (`file`).
    File(FileType)
);

tagged_enum! {
    /// A file the user sent with a message.
    pub enum Attachment {
        /// `"type": "file"`
        "file" => File(File),
        /// `"type": "audio"`
        "audio" => Audio(Audio),
        /// `"type": "video"`
        "video" => Video(Video),
        /// `"type": "image"`
        "image" => Image(Image),
    }
}

/// A message the user typed (`"type": "message"`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Message {
    /// `"type"`.
    #[serde(rename = "type", default)]
    pub kind: MessageType,
    /// The text (sanitised and normalised on load).
    #[serde(default, deserialize_with = "text_fields::html_nfkc")]
    pub text: Option<Text>,
    /// The files sent with it.
    #[serde(default)]
    pub attachments: Option<Vec<Attachment>>,
}

impl Message {
    /// The attachments (empty when absent).
    pub fn attachments(&self) -> &[Attachment] {
        self.attachments.as_deref().unwrap_or_default()
    }
}

/// The user clicked a legacy "reply with a message" button
/// (`"type": "legacy_reply_to_message_action"`): a message, whose text is in `text`.
///
/// The reference reads it as a message and crashes while doing so (a `500`); it loads here.
/// `message` is accepted too, as the button itself names the text.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct LegacyReplyToMessage {
    /// `"type"`.
    #[serde(rename = "type", default)]
    pub kind: LegacyReplyToMessageType,
    /// The text sent (sanitised and normalised on load).
    #[serde(default, deserialize_with = "text_fields::html_nfkc")]
    pub text: Option<Text>,
    /// The text, under the button's own name (sanitised and normalised on load; written only
    /// when present).
    #[serde(
        default,
        deserialize_with = "text_fields::html_nfkc",
        skip_serializing_if = "Option::is_none"
    )]
    pub message: Option<Text>,
}

impl LegacyReplyToMessage {
    /// The text sent, whichever key holds it.
    pub fn text(&self) -> Option<&str> {
        self.text.as_deref().or(self.message.as_deref())
    }
}

/// A page of the site hosting the chat was loaded (`"type": "url_loaded_event"`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct UrlLoadedEvent {
    /// The page's URL (stripped on load).
    #[serde(default, deserialize_with = "text_fields::strip")]
    pub url: Option<Text>,
    /// `"type"` (written after `url`, as the reference does).
    #[serde(rename = "type", default)]
    pub kind: UrlLoadedEventType,
}

/// The site sent a custom JavaScript event (`"type": "custom_event"`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct CustomEvent {
    /// `"type"`.
    #[serde(rename = "type", default)]
    pub kind: CustomEventType,
    /// The event's name.
    #[serde(default)]
    pub name: Option<String>,
}

tagged_enum! {
    /// What made the conversation reach the step.
    pub enum Input {
        /// `message`
        "message" => Message(Message),
        /// `legacy_reply_to_message_action`
        "legacy_reply_to_message_action" => LegacyReplyToMessage(LegacyReplyToMessage),
        /// `url_loaded_event`
        "url_loaded_event" => UrlLoaded(UrlLoadedEvent),
        /// `go_to_action`: the user clicked a button or a quick reply.
        "go_to_action" => GoTo(GoToAction),
        /// `custom_event`
        "custom_event" => Custom(CustomEvent),
    }
}
