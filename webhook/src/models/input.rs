//! What the user did that made the conversation reach the step (`data.input`).

use serde::{Deserialize, Serialize};

use super::tagged::tagged_enum;
use super::targets::GoToAction;

tagged_enum! {
    /// A file the user sent with a message.
    pub enum Attachment {
        /// `"type": "image"`
        "image" => Image(Image),
        /// `"type": "video"`
        "video" => Video(Video),
        /// `"type": "audio"`
        "audio" => Audio(Audio),
        /// `"type": "file"`
        "file" => File(File),
    }
}

macro_rules! attachment_kind {
    ($($(#[$meta:meta])* $name:ident),*) => {$(
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
        pub struct $name {
            /// Where it can be downloaded.
            pub url: Option<String>,
        }
    )*};
}

attachment_kind!(
    /// An image the user sent.
    Image,
    /// A video the user sent.
    Video,
    /// A sound the user sent.
    Audio,
    /// Any other file the user sent.
    File
);

/// A message the user typed (`"type": "message"`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Message {
    /// The text.
    pub text: Option<String>,
    /// The files sent with it.
    #[serde(default)]
    pub attachments: Vec<Attachment>,
}

/// The user clicked a legacy "reply with a message" button
/// (`"type": "legacy_reply_to_message_action"`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct LegacyReplyToMessage {
    /// The message the button sends.
    pub message: Option<String>,
}

/// A page of the site hosting the chat was loaded (`"type": "url_loaded_event"`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct UrlLoadedEvent {
    /// The page's URL.
    pub url: Option<String>,
}

/// The site sent a custom JavaScript event (`"type": "custom_event"`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct CustomEvent {
    /// The event's name.
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
