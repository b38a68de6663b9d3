//! # webhook
//!
//! Write [Clustaar](https://clustaar.com) chatbot webhooks in Rust: the platform posts a
//! notification at each conversation step (`conversation.step_reached`), your handler answers
//! with the actions to run.
//!
//! ```no_run
//! use webhook::prelude::*;
//!
//! async fn greet(event: StepReached) -> StepReachedResponse {
//!     let name = event.session_value("name").and_then(|v| v.as_str()).unwrap_or("you");
//!     StepReachedResponse::new().action(SendTextAction::new([format!("Hello {name}!")]))
//! }
//!
//! #[tokio::main]
//! async fn main() -> std::io::Result<()> {
//!     Webhook::new()
//!         .private_key("the key set in the bot's webhook configuration")
//!         .on(topics::STEP_REACHED, greet, StepId::new("507f191e810c19729de860ea"))
//!         .serve("127.0.0.1:8000")
//!         .await
//! }
//! ```
//!
//! - [`Webhook`]: the builder (security options, routes), which becomes an axum `Router`.
//! - [`handler`], [`extract`], [`reply`]: handlers are plain functions, async or not, whose
//!   arguments are extractors.
//! - [`routing`] and [`filter`]: how a notification finds its handler.
//! - [`security`]: the signature, basic-auth and replay checks, as the reference does them.
//! - [`models`]: the Clustaar v1 models.
//! - [`testing`]: a test client and a signer.
//! - [`pipeline`]: the stages of a request, and the errors each answers.

#![warn(missing_docs)]

pub mod config;
pub mod error;
pub mod extract;
pub mod filter;
pub mod handler;
pub mod models;
pub mod pipeline;
pub mod reply;
mod request;
pub mod routing;
pub mod security;
mod serve;
pub mod testing;
mod webhook;

pub use crate::error::ApiError;
pub use crate::extract::{Extract, RawBody};
pub use crate::handler::Handler;
pub use crate::models::{StepReached, StepReachedResponse};
pub use crate::reply::IntoReply;
pub use crate::request::Request;
pub use crate::routing::Route;
pub use crate::serve::shutdown_signal;
pub use crate::webhook::{Webhook, DEFAULT_BODY_LIMIT};
pub use http::StatusCode;

/// The README's examples, compiled and run as doctests so they stay true.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;

/// What handlers commonly name, in one `use webhook::prelude::*;`.
pub mod prelude {
    pub use crate::filter::{
        all, any, filter_fn, not, Filter, JsonKeyEquals, JsonKeyExists, JsonKeyIn, StepId,
    };
    pub use crate::models::{
        topics, Action, ConversationSession, GoToAction, Interlocutor, PauseBotAction, QuickReply,
        SendQuickRepliesAction, SendTextAction, Step, StepReached, StepReachedResponse, StepTarget,
        WaitAction, WebhookRequest,
    };
    pub use crate::{ApiError, RawBody, Request, Route, StatusCode, Webhook};
    pub use axum::extract::State;
    pub use axum::http::HeaderMap;
    pub use axum::Json;
}
