//! The guide: how to write, test and run a webhook, one topic a module.
//!
//! These modules hold only documentation, and every Rust example in them is a doctest (`cargo
//! test --doc -p webhook guide::`). Read them in order the first time:
//!
//! 1. [`first_bot`]: a bot in fifteen lines, `#[on]`, `main!()`, the builder, your own axum app.
//! 2. [`handlers`]: handlers and extractors, what they return, state, errors.
//! 3. [`routing`]: routing precedence, filters, JSON paths, CEL filters.

#[doc = include_str!("first_bot.md")]
pub mod first_bot {}

#[doc = include_str!("handlers.md")]
pub mod handlers {}

#[doc = include_str!("routing.md")]
pub mod routing {}
