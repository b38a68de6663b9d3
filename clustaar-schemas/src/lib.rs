//! The Clustaar v1 models (clustaar.schemas 1.10.0): the notifications the platform posts and
//! the answers it accepts.
//!
//! JSON names follow the platform (`botID`, `userData`, `sessionValues`, ...); polymorphic
//! objects are tagged on `type`, and an object of a type this crate does not know is kept
//! losslessly as [`UnknownObject`] and sent back unchanged.
//!
//! Loading follows the reference: no validation, a missing field is `None` (written back as
//! `null`), text fields are stripped, normalised and sanitised as the reference does
//! ([`processing`]) when a handler reads them ([`Text`]). Dumping writes the keys the reference
//! writes, in its order, with each loaded text as it was received and, in a loaded object, the
//! absent keys that may not be `null` left out ([`view::Origin`]): so a valid step, echoed, is a
//! valid answer that the platform reads as it sent it. [`view::processed_json`] gives the
//! reference's dump instead. Checking the constraints of the platform is [`validate`]'s job.
//!
//! | family | module |
//! |---|---|
//! | notification, event, step, session | [`WebhookRequest`], [`StepReached`], [`Step`], [`ConversationSession`] |
//! | the person | [`Interlocutor`], [`Coordinates`] |
//! | inputs | [`Input`]: [`Message`] (with [`Attachment`]s), [`LegacyReplyToMessage`], [`UrlLoadedEvent`], [`GoToAction`], [`CustomEvent`] |
//! | actions | [`Action`], the 27 of the reference |
//! | buttons | [`ButtonAction`], [`QuickReply`], [`Button`], [`OpenUrlButton`] |
//! | cards | [`Card`], [`SimpleCard`] |
//! | targets | [`Target`]: [`StepTarget`], [`StoryTarget`], [`ActionsBlockTarget`] |
//! | flow | [`FlowConnection`], [`Predicate`], [`ValueGetter`], [`Condition`] |
//! | choices | [`Choice`], [`Section`] |
//! | AI tasks | [`AiTaskEngine`], [`AiTaskBehavior`] |

#![warn(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]
// The docs link to the `axum` module; a build without the feature has no such module (the docs
// of docs.rs and of the workspace, with it, keep the check).
#![cfg_attr(not(feature = "axum"), allow(rustdoc::broken_intra_doc_links))]

mod actions;
mod ai_task;
#[cfg(feature = "axum")]
#[cfg_attr(docsrs, doc(cfg(feature = "axum")))]
pub mod axum;
mod buttons;
mod cards;
mod choices;
mod envelope;
mod flow;
mod input;
mod interlocutor;
pub mod load;
pub mod processing;
mod response;
mod step_reached;
pub(crate) mod tagged;
mod targets;
mod text;
pub mod validate;
pub mod view;

pub use actions::*;
pub use ai_task::*;
pub use buttons::*;
pub use cards::*;
pub use choices::*;
pub use envelope::{topics, Event, NotificationEventType, WebhookRequest};
pub use flow::*;
pub use input::*;
pub use interlocutor::{Coordinates, Interlocutor};
pub use response::StepReachedResponse;
pub use step_reached::{ConversationSession, Step, StepReached, StepReachedEventType};
pub use tagged::UnknownObject;
pub use targets::*;
pub use text::Text;

#[cfg(test)]
mod tests;
