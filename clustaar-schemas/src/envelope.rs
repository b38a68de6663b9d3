//! The notification envelope the platform posts: `topic`, `botID`, `timestamp`, `type`, `data`.

use serde::{Deserialize, Serialize};

use super::step_reached::StepReached;
use super::tagged::{tagged_enum, type_tag};

/// The topics (event names) the platform sends.
pub mod topics {
    /// A conversation reached a step whose webhook is on.
    pub const STEP_REACHED: &str = "conversation.step_reached";
}

type_tag! {
    /// Tag of [`WebhookRequest`].
    NotificationEventType = "notification_event";
}

tagged_enum! {
    /// The event a notification carries (`data`), tagged on its `type`.
    pub enum Event {
        /// `step_reached_event`
        "step_reached_event" => StepReached(StepReached),
    }
}

/// One notification, as posted by the platform (the reference's `WebhookRequest`).
///
/// `E` is the type of `data`: [`Event`] (any event), or a specific event such as
/// [`StepReached`] when a handler only serves one topic. The `type` is written
/// `notification_event` and ignored on load, as the reference does.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WebhookRequest<E = Event> {
    /// The event's name, e.g. `conversation.step_reached`.
    pub topic: String,
    /// The bot's id.
    #[serde(rename = "botID", default)]
    pub bot_id: Option<String>,
    /// When the event happened, in seconds since the Unix epoch.
    #[serde(default)]
    pub timestamp: Option<i64>,
    /// `"type"`.
    #[serde(rename = "type", default)]
    pub kind: NotificationEventType,
    /// The event.
    pub data: E,
}
