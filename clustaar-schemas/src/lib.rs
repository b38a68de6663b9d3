//! The Clustaar v1 models: the notifications the [Clustaar](https://clustaar.com) platform posts
//! to a bot's webhook, and the answers it accepts.
//!
//! A port of the Python package [`clustaar.schemas`](https://pypi.org/project/clustaar.schemas/)
//! 1.10.0 (the platform's reference): its models, its loading, its text processing and its
//! validation.
//!
//! It is the models alone: serde types, no HTTP stack, no async runtime, no server. Use it
//! wherever Clustaar's JSON is read or written without a webhook server: a Clustaar API client
//! that builds or reads steps and actions, a wasm front end that edits a bot's answers and checks
//! them before saving, a tool that validates stored answers. The webhook framework (the
//! `clustaar-webhook` crate) builds on it and re-exports it as `clustaar_webhook::models`; there, handlers take
//! [`StepReached`] as an argument and answer [`StepReachedResponse`], through this crate's
//! [`axum`] module (feature `axum`, off by default).
//!
//! ```
//! use clustaar_schemas::load::from_json_slice;
//! use clustaar_schemas::validate::Validate;
//! use clustaar_schemas::{topics, Event, SendTextAction, StepReachedResponse, WebhookRequest};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! // A notification, as the platform posts it.
//! let body = br#"{
//!     "topic": "conversation.step_reached", "botID": "4321", "timestamp": 1514998709,
//!     "data": {"type": "step_reached_event", "session": {"values": {"name": " Tintin "}},
//!              "step": {"id": "1234", "name": "Greeting", "actions": []}}
//! }"#;
//! let notification: WebhookRequest = from_json_slice(body)?;
//! assert_eq!(notification.topic, topics::STEP_REACHED);
//! let Event::StepReached(event) = notification.data else { unreachable!() };
//! assert_eq!(event.step_id(), Some("1234"));
//!
//! // An answer, checked against the platform's rules before it is sent.
//! let name = event.session_value("name").and_then(|v| v.as_str()).unwrap_or("you");
//! let answer = StepReachedResponse::new()
//!     .action(SendTextAction::new([format!("Hello {}!", name.trim())]))
//!     .session_value("greeted", true);
//! answer.validate()?;
//! assert!(serde_json::to_string(&answer)?.starts_with(
//!     r#"{"actions":[{"type":"send_text_action","alternatives":["Hello Tintin!"]}]"#
//! ));
//! # Ok(())
//! # }
//! ```
//!
//! ## How the models behave
//!
//! JSON names follow the platform (`botID`, `userData`, `sessionValues`, ...); polymorphic
//! objects are tagged on `type`, and an object of a type this crate does not know is kept
//! losslessly as [`UnknownObject`] and sent back unchanged.
//!
//! Loading follows the reference: no validation, a missing field is `None` (written back as
//! `null`), a structure read from a JSON object only (not from an array of its fields, which
//! serde_json's derived structures would take: load with [`load::from_json_slice`] or
//! [`load::load`] rather than `serde_json::from_*`), text fields are stripped, normalised and
//! sanitised as the reference does ([`processing`]) when they are read ([`Text`]). Dumping writes the keys the reference
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
//!
//! ## Features
//!
//! | feature | brings | dependencies |
//! |---|---|---|
//! | `axum` (not default) | [`StepReached`] and [`WebhookRequest<E>`] as axum handler arguments, [`StepReachedResponse`] as an axum response, validated: the [`axum`] module | `axum-core`, `http`, `tracing` |
//!
//! Without features the crate builds for `wasm32-unknown-unknown`.

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
mod objects;
pub mod processing;
mod response;
mod step_reached;
pub(crate) mod tagged;
mod targets;
mod text;
mod text_fields;
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
