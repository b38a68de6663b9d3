//! The guide: how to write, test and run a webhook, one topic a module.
//!
//! These modules hold only documentation; every Rust example in them is a doctest, compiled
//! (and, when it does not serve forever, run) by `cargo test --doc -p clustaar-webhook guide::`. Read
//! them in order the first time; each ends with a link to the next.
//!
//! | topic | what it covers |
//! |---|---|
//! | [`first_bot`] | a bot in fifteen lines: `#[on]`, `main!()` and its options, the builder, inside your own axum application |
//! | [`handlers`] | handlers and extractors: arguments, results, state, your own extractor, the errors every refusal answers |
//! | [`routing`] | routing precedence, the filters, JSON paths, CEL filters |
//! | [`http_senders`] | HTTP routes, signatures, the 32 sender presets (Stripe, GitHub, Slack...), handshakes, the public URL |
//! | [`durable`] | durable routes: stored, answered `202`, run with retries and dead letters; the `inbox` subcommands and the inbox's web page |
//! | [`security`] | Clustaar's signature, basic auth, the request's max age, the ingestion rules, authenticators |
//! | [`operations`] | probes, metrics and which port carries what, request ids, logs, OpenTelemetry, the graceful drain |
//! | [`testing`] | the test client and server, the signer, signing as a sender, captured logs, the framework's own tests |
//! | [`deployment`] | ports, behind a proxy, several replicas on PostgreSQL, leases, Kubernetes, the build profile |
//! | [`configuration`] | every setting (flag, variable, `main!()` option), values, subcommands |
//! | [`models`] | the Clustaar v1 models: loading, dumping, validation, the echo round-trip law, the differences from the reference |
//! | [`architecture`] | for contributors: the layout, the path of a request and of a macro, the dependencies |
//!
//! The API reference is the rest of the crate's documentation; start from
//! [`Webhook`](crate::Webhook) and [`prelude`](crate::prelude).

#[doc = include_str!("first_bot.md")]
pub mod first_bot {}

#[doc = include_str!("handlers.md")]
pub mod handlers {}

#[doc = include_str!("routing.md")]
pub mod routing {}

#[doc = include_str!("http_senders.md")]
pub mod http_senders {}

#[doc = include_str!("durable.md")]
pub mod durable {}

#[doc = include_str!("security.md")]
pub mod security {}

#[doc = include_str!("operations.md")]
pub mod operations {}

#[doc = include_str!("testing.md")]
pub mod testing {}

#[doc = include_str!("deployment.md")]
pub mod deployment {}

#[doc = include_str!("configuration.md")]
pub mod configuration {}

#[doc = include_str!("models.md")]
pub mod models {}

#[doc = include_str!("architecture.md")]
pub mod architecture {}
