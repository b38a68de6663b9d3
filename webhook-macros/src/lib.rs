//! Procedural macros of the `webhook` crate. The `#[on]` DSL lands with its own issue.
