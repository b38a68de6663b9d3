//! # webhook
//!
//! Write [Clustaar](https://clustaar.com) chatbot webhooks in Rust: the platform posts a
//! notification at each conversation step (`conversation.step_reached`), your handler answers
//! with the actions to run. Other senders' webhooks (Stripe, GitHub, Slack, a cron...) are
//! served on the same server.
//!
//! ```no_run
//! use clustaar_webhook::prelude::*;
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
//!         .await?;
//!     Ok(())
//! }
//! ```
//!
//! ## The guide
//!
//! [`guide`] holds the guide, one topic a module, every example a doctest:
//!
//! - [Your first bot](guide::first_bot): `#[on]`, `main!()` and its options, the builder,
//!   inside your own axum application.
//! - [Handlers and extractors](guide::handlers): arguments, results, state, errors.
//! - [Routing and filters](guide::routing): precedence, JSON paths, CEL filters.
//! - [HTTP senders](guide::http_senders): HTTP routes, signatures, the sender presets, handshakes,
//!   the public URL.
//! - [Durable routes](guide::durable): stored, answered `202`, run with retries; the inbox's
//!   subcommands and web page.
//! - [Security](guide::security): signature, basic auth, max age, ingestion rules,
//!   authenticators.
//! - [Operations](guide::operations): probes, metrics and which port carries what, request ids,
//!   logs, OpenTelemetry, the drain.
//! - [Testing](guide::testing): the test client and server, the signer, captured logs.
//! - [Deployment](guide::deployment): ports, behind a proxy, several replicas on PostgreSQL.
//! - [Configuration reference](guide::configuration): every setting, in [`config`].
//! - [The Clustaar models](guide::models), and the [architecture](guide::architecture) for
//!   contributors.
//!
//! ## The modules
//!
//! - [`Webhook`]: the builder (security options, routes), which becomes an axum `Router`.
//! - [`handler`], [`extract`], [`reply`]: handlers are plain functions, async or not, whose
//!   arguments are axum extractors and whose result is an axum response.
//! - [`routing`] and [`filter`]: how a notification finds its handler.
//! - [`http`](mod@http): generic HTTP webhooks (GitHub, Stripe, a cron...) with CEL filters, on
//!   the same server; [`senders`]: the sender presets.
//! - [`security`]: the signature, basic-auth and max-age checks, as the reference does them.
//! - [`auth`]: authenticator functions and the identity handlers receive.
//! - [`models`]: the Clustaar v1 models, their loading, sanitisation and validation: the
//!   [`clustaar-schemas`](clustaar_schemas) crate, re-exported. It depends on nothing of the
//!   server, so a Clustaar API client or a wasm front end can use the same types without it;
//!   its `axum` feature (on here) makes [`StepReached`] a handler argument and
//!   [`StepReachedResponse`] an answer.
//! - [`testing`]: a test client and a signer (feature `testing`).
//! - [`inbox`]: durable HTTP routes (stored, answered `202`, then run with retries), and the
//!   `inbox` subcommands ([`cli`]).
//! - [`pipeline`]: the stages of a request, and the errors each answers.
//! - [`ops`]: probes, Prometheus metrics, request ids and spans, the graceful drain,
//!   OpenTelemetry (feature `otel`); [`logging`]: the log output, text or JSON.
//! - [`config`]: the settings, from the command line, `main!()` and the environment.
//!
//! ## Features
//!
//! All but `otel` on by default; with `default-features = false`, the Clustaar webhook, its ingestion,
//! security checks and models, and the HTTP routes (without CEL filters) remain.
//!
//! | feature | brings | dependencies |
//! |---|---|---|
//! | `cel` | CEL filters of HTTP routes: [`http::CelFilter`], `#[on(http, filter = "<CEL>")]` | `cel` |
//! | `brotli` | `br` request bodies ([`ContentEncoding::Br`](pipeline::encoding::ContentEncoding::Br)); without it `br` is a `415` like any unsupported coding | `brotli-decompressor` |
//! | `testing` | the [`testing`] module: test client and server, signer, captured logs | `tracing-subscriber`, hyper-util's client |
//! | `logging` | the log output `main!()` installs (`RUST_LOG`, text or JSON): [`logging`]; without it `main!()` installs none | `tracing-subscriber` |
//! | `durable` | durable HTTP routes stored in SQLite or PostgreSQL, then run by workers with retries: [`inbox`]; without it a durable route stops the webhook at start | `sqlx` (SQLite bundled, PostgreSQL, no TLS) |
//! | `otel` (not default) | request spans exported over OTLP (`OTEL_*` variables), the incoming `traceparent` continued: `ops::otel` | `opentelemetry`, `opentelemetry_sdk`, `opentelemetry-otlp`, `tracing-opentelemetry` |

#![warn(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]
// The docs link to `CelFilter` and `testing`; a build without their features has no such items
// (the default build, where every link resolves, keeps the check).
#![cfg_attr(
    not(all(feature = "cel", feature = "testing", feature = "logging")),
    allow(rustdoc::broken_intra_doc_links)
)]

// Lets the crate's own tests and doctests use the macros, whose expansions name `::webhook`.
extern crate self as clustaar_webhook;

pub mod auth;
mod builder;
pub mod cli;
pub mod config;
pub mod error;
pub mod extract;
pub mod filter;
pub mod guide;
pub mod handler;
mod handler_checks;
pub mod http;
mod http_server;
pub mod inbox;
#[cfg(feature = "logging")]
#[cfg_attr(docsrs, doc(cfg(feature = "logging")))]
pub mod logging;
#[doc(inline)]
pub use clustaar_schemas as models;
pub mod ops;
pub mod pipeline;
pub mod registry;
pub mod reply;
mod request;
pub mod routing;
mod runner;
pub mod security;
pub mod senders;
mod serve;
mod serve_error;
pub mod state;
#[cfg(feature = "testing")]
#[cfg_attr(docsrs, doc(cfg(feature = "testing")))]
pub mod testing;

pub use crate::builder::{
    Webhook, DEFAULT_BODY_LIMIT, DEFAULT_BODY_READ_TIMEOUT, DEFAULT_HEADER_READ_TIMEOUT,
};
pub use crate::error::ApiError;
pub use crate::extract::RawBody;
pub use crate::handler::Handler;
pub use crate::models::{StepReached, StepReachedResponse};
pub use crate::reply::HandlerError;
pub use crate::request::Request;
pub use crate::routing::Route;
pub use crate::serve::shutdown_signal;
pub use crate::serve_error::{MissingState, PathConflict, ServeError};
pub use ::http::StatusCode;
pub use clustaar_webhook_macros::{authenticator, main, on};

/// What the code generated by `#[on]` and `main!()` refers to. Not a public API: its contents
/// change without notice.
#[doc(hidden)]
pub mod __private {
    pub use crate::auth::{AuthFuture, AuthOutcome, RequestHead};
    pub use crate::config::{SettingValue, Settings};
    pub use crate::filter::{Filter, JsonLiteral, JsonPath, Segment};
    pub use crate::http::{HttpRegistration, HttpRoute, Methods};
    pub use crate::inbox::Durable;
    pub use crate::registry::{AuthenticatorRegistration, Registration, Served};
    pub use crate::routing::Route;
    pub use crate::runner::{run_main, BotPackage, BoxError, MainOptions};
    pub use crate::state::StateMap;
    pub use crate::Request;
    pub use ::http::Method;
    pub use inventory;
    pub use std::borrow::Cow;

    /// A registered authenticator, type-erased.
    pub struct SharedAuthenticator(pub(crate) crate::auth::SharedAuthenticator);

    /// Erases an `#[authenticator]` function; fails to compile at its name when it is not one.
    pub fn share_authenticator<A, M>(authenticator: A) -> SharedAuthenticator
    where
        A: crate::auth::Authenticator<M>,
        M: 'static,
    {
        SharedAuthenticator(crate::auth::share(authenticator))
    }

    /// What an `#[authenticator]` function returned, as a verdict; fails to compile at its
    /// return type when it is not one.
    pub fn auth_outcome<R: crate::auth::IntoAuthOutcome>(result: R) -> AuthOutcome {
        result.into_outcome()
    }

    pub use crate::handler_checks::{
        assert_argument, assert_last_argument, assert_reply, assert_state, state_of,
        state_requirement, StateRequirement, StoredState,
    };

    /// Calls a user's `verify = function`; fails to compile at the path when it does not return
    /// a signature check.
    pub fn call_verify<V: crate::http::Verify>(
        function: fn() -> V,
    ) -> Box<dyn crate::http::Verify> {
        Box::new(function())
    }

    /// `sender = preset(secret = env("VARIABLE"))`: the preset (checked at compile time) with
    /// its key from the environment. A missing or invalid key stops the program at start,
    /// naming the variable (never the key): `Webhook::check_senders`.
    pub fn sender_from_env(
        preset: &str,
        variable: &str,
    ) -> Result<crate::senders::Sender, crate::senders::SenderError> {
        crate::senders::Sender::from_env(preset, variable)
    }

    /// What `#[on(http, filter = "<CEL>")]` is: a CEL source that becomes a filter. Implemented
    /// only with the `cel` feature, so that without it a CEL filter is a compile error saying so.
    #[diagnostic::on_unimplemented(
        message = "a CEL filter (`filter = \"<CEL>\"`) needs the `cel` feature of the `clustaar-webhook` crate",
        label = "CEL filters are off: the `clustaar-webhook` crate's `cel` feature is disabled",
        note = "enable it: `clustaar-webhook = {{ version = \"...\", features = [\"cel\"] }}` (a default feature), or write the filter as a function (`filter = my_filter`)"
    )]
    pub trait CelSource {
        /// The filter it becomes.
        type Filter: Filter;
        /// Builds the filter.
        fn into_filter(self) -> Self::Filter;
    }

    #[cfg(feature = "cel")]
    impl CelSource for &'static str {
        type Filter = crate::http::CelFilter;

        fn into_filter(self) -> crate::http::CelFilter {
            crate::http::CelFilter::new(self).unwrap_or_else(|error| panic!("{error}"))
        }
    }

    /// A CEL filter that `#[on]` already checked at compile time (the `cel` feature).
    pub fn cel_filter<S: CelSource>(source: S) -> S::Filter {
        source.into_filter()
    }

    /// Calls a user's filter function; fails to compile at the path when it is not one.
    pub fn call_filter<F: Fn(&Request) -> bool>(filter: F, request: &Request) -> bool {
        filter(request)
    }

    /// The envelope scan that routing reads (`topic`, then `data.step.id` when it is a
    /// string), straight from a body's bytes; `None` when the scan leaves the body to the full
    /// parse. For the differential fuzz target (`fuzz/fuzz_targets/envelope.rs`), which checks
    /// it against `serde_json`'s tree.
    pub fn scan_envelope(body: &[u8]) -> Option<(String, Option<String>)> {
        crate::pipeline::envelope::scan(body)
            .map(|envelope| (envelope.topic.into_owned(), envelope.step_id))
    }

    /// The topic and the step id as the one-pass load of a `conversation.step_reached`
    /// notification reads them (with its `data`), or `None` when it leaves the body to the scan.
    /// For the same fuzz target: whatever the load accepts, the tree accepts, with the same
    /// topic and step id.
    pub fn load_step_reached_envelope(body: &[u8]) -> Option<(String, Option<String>)> {
        crate::pipeline::envelope::load_step_reached(body)
            .map(|(envelope, _)| (envelope.topic.into_owned(), envelope.step_id))
    }

    /// Whether the request's `data.step.id` is one of `ids`.
    pub fn step_id_in(request: &Request, ids: &[&str]) -> bool {
        request.step_id().is_some_and(|found| ids.contains(&found))
    }
}

/// The README's examples, compiled and run as doctests so they stay true.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;

/// What handlers commonly name, in one `use clustaar_webhook::prelude::*;`.
pub mod prelude {
    pub use crate::auth::{
        Credentials, Identity, RequestHead, SimpleUser, UnauthenticatedUser, User,
    };
    pub use crate::filter::{
        all, any, filter_fn, not, Filter, JsonKeyEquals, JsonKeyExists, JsonKeyIn, StepId,
    };
    #[cfg(feature = "cel")]
    pub use crate::http::CelFilter;
    pub use crate::http::{HmacVerifier, HttpEvent, HttpRoute, Path, StandardWebhooks};
    pub use crate::models::validate::Validate;
    pub use crate::models::{
        topics, Action, Button, Card, Choice, ConversationSession, GoToAction, Input, Interlocutor,
        JumpToAction, OpenUrlAction, PauseBotAction, QuickReply, Section, SendCardsAction,
        SendChoicesListAction, SendImageAction, SendQuickRepliesAction, SendTextAction,
        SetUserAttributeAction, Step, StepReached, StepReachedResponse, StepTarget,
        StoreSessionValueAction, StoryTarget, Target, WaitAction, WebhookRequest,
    };
    pub use crate::state::StateMap;
    pub use crate::{
        authenticator, on, ApiError, HandlerError, RawBody, Request, Route, StatusCode, Webhook,
    };
    pub use axum::extract::FromRef;
    pub use axum::extract::State;
    pub use axum::http::{HeaderMap, Method};
    pub use axum::response::IntoResponse;
    pub use axum::Json;
}
