//! The syntax checks shared by the `webhook` runtime and its procedural macros
//! (`clustaar-webhook-macros`): the macros report at compile time exactly what the runtime reports at
//! start, because both call the same functions.
//!
//! - [`json_path`]: JSON paths such as `data.step.actions[0].type`.
//! - `cel`: the static checks of a CEL filter of an HTTP route (feature `cel`, on by
//!   default).
//! - [`object_id`]: the form of the platform's step ids, MongoDB ObjectIDs.
//! - [`route_path`]: HTTP route paths such as `/hooks/{slug}`.
//! - [`senders`]: the sender presets' names, key kinds and event catalogues.
//!
//! Use these through the `clustaar-webhook` crate; this crate is its implementation detail, versioned
//! with it.

#![warn(missing_docs)]

#[cfg(feature = "cel")]
pub mod cel;
pub mod json_path;
pub mod object_id;
pub mod route_path;
pub mod senders;
