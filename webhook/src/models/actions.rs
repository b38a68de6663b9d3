//! The actions a step holds and a webhook answers with, tagged on `type`.
//!
//! The complete set of the platform's actions is ported by the schema issue; the ones modelled
//! here are the most used. Any other action round-trips losslessly as
//! [`Action::Unknown`](Action::Unknown).

use serde::{Deserialize, Serialize};
use serde_json::Number;

use super::tagged::tagged_enum;
use super::targets::GoToAction;

/// Pauses the bot: a human takes over the conversation (`pause_bot_action`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct PauseBotAction {}

impl PauseBotAction {
    /// The action.
    pub fn new() -> Self {
        Self {}
    }
}

fn default_wait_duration() -> Number {
    Number::from(WaitAction::DEFAULT_DURATION)
}

/// Waits before the next action, showing a typing indicator (`wait_action`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WaitAction {
    /// Seconds to wait, between 0.5 and 7 (2 when absent). Kept as a JSON number so an integer
    /// stays an integer on the wire.
    #[serde(default = "default_wait_duration")]
    pub duration: Number,
}

impl WaitAction {
    /// The platform's default duration, in seconds.
    pub const DEFAULT_DURATION: u64 = 2;

    /// Waits `seconds` seconds.
    pub fn new(seconds: impl Into<Number>) -> Self {
        Self {
            duration: seconds.into(),
        }
    }
}

impl Default for WaitAction {
    fn default() -> Self {
        Self {
            duration: default_wait_duration(),
        }
    }
}

/// Sends a text message: the platform picks one of the `alternatives` at random
/// (`send_text_action`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct SendTextAction {
    /// The messages to choose from (1 to 10, each 1 to 500 characters).
    #[serde(default)]
    pub alternatives: Vec<String>,
    /// The message the platform picked, when it sends the action (read-only, never sent back).
    #[serde(default, skip_serializing)]
    pub text: Option<String>,
}

impl SendTextAction {
    /// A text action choosing among `alternatives`.
    ///
    /// ```
    /// use webhook::models::SendTextAction;
    /// let action = SendTextAction::new(["hello", "bye"]);
    /// assert_eq!(action.alternatives, ["hello", "bye"]);
    /// ```
    pub fn new<I, T>(alternatives: I) -> Self
    where
        I: IntoIterator<Item = T>,
        T: Into<String>,
    {
        Self {
            alternatives: alternatives.into_iter().map(Into::into).collect(),
            text: None,
        }
    }
}

tagged_enum! {
    /// What a button or a quick reply does when clicked.
    pub enum ButtonAction {
        /// `go_to_action`
        "go_to_action" => GoTo(GoToAction),
    }
}

/// A button shown under a message that disappears once clicked (`quick_reply`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuickReply {
    /// The button's text (1 to 60 characters).
    pub title: Option<String>,
    /// What clicking it does.
    pub action: Option<ButtonAction>,
    /// Always `"quick_reply"`; the reference writes it even when it was absent.
    #[serde(rename = "type", default = "quick_reply_type")]
    pub kind: String,
}

fn quick_reply_type() -> String {
    "quick_reply".to_owned()
}

impl QuickReply {
    /// A quick reply titled `title` that runs `action`.
    pub fn new(title: impl Into<String>, action: impl Into<ButtonAction>) -> Self {
        Self {
            title: Some(title.into()),
            action: Some(action.into()),
            kind: quick_reply_type(),
        }
    }
}

/// Sends a message with quick-reply buttons (`send_quick_replies_action`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct SendQuickRepliesAction {
    /// The message above the buttons (1 to 500 characters).
    pub message: Option<String>,
    /// The buttons (1 to 11).
    #[serde(default)]
    pub buttons: Vec<QuickReply>,
}

impl SendQuickRepliesAction {
    /// A message with quick replies.
    pub fn new(message: impl Into<String>, buttons: impl IntoIterator<Item = QuickReply>) -> Self {
        Self {
            message: Some(message.into()),
            buttons: buttons.into_iter().collect(),
        }
    }
}

tagged_enum! {
    /// An action of a step, or of a webhook's answer.
    pub enum Action {
        /// `pause_bot_action`
        "pause_bot_action" => PauseBot(PauseBotAction),
        /// `wait_action`
        "wait_action" => Wait(WaitAction),
        /// `send_text_action`
        "send_text_action" => SendText(SendTextAction),
        /// `send_quick_replies_action`
        "send_quick_replies_action" => SendQuickReplies(SendQuickRepliesAction),
    }
}
