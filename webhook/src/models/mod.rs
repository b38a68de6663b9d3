//! The Clustaar v1 models: the notifications the platform posts and the answers it accepts.
//!
//! JSON names follow the platform (`botID`, `userData`, `sessionValues`, ...); polymorphic
//! objects are tagged on `type`, and an object of a type this crate does not know is kept
//! losslessly as [`UnknownObject`] and sent back unchanged.

mod actions;
mod envelope;
mod input;
mod response;
mod step_reached;
pub(crate) mod tagged;
mod targets;

pub use actions::{
    Action, ButtonAction, PauseBotAction, QuickReply, SendQuickRepliesAction, SendTextAction,
    WaitAction,
};
pub use envelope::{topics, Event, WebhookRequest};
pub use input::{
    Attachment, Audio, CustomEvent, File, Image, Input, LegacyReplyToMessage, Message,
    UrlLoadedEvent, Video,
};
pub use response::StepReachedResponse;
pub use step_reached::{ConversationSession, Coordinates, Interlocutor, Step, StepReached};
pub use tagged::UnknownObject;
pub use targets::{GoToAction, StepTarget, StoryTarget, Target};

#[cfg(test)]
mod tests;
