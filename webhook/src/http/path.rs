//! The [`Path`] extractor for `{param}` segments of HTTP routes: axum's own.
//!
//! `Path<T>` reads the `{param}` segments of the route's path, with axum's rules: `Path<String>`
//! for one, `Path<(String, u32)>` for several in order, a `Deserialize` struct by name. A value
//! that does not deserialise is a `400` (its text in the JSON error). `#[on]` refuses it, at
//! the argument, on a notification handler, which has no path parameters.

pub use axum::extract::Path;
