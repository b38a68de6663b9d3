//! Sender presets: how a given provider (Stripe, GitHub, Slack, Discord...) sends its webhooks.
//!
//! A [`Preset`] is a provider's way of sending webhooks, written as plain functions:
//!
//! - its **signature scheme**: which header (or body field) carries the signature, what is signed
//!   (the body, a timestamp, the URL, a message id) and how (HMAC-SHA256 or SHA-1, hex or base64,
//!   Ed25519, ECDSA P-256), and what kind of key is configured ([`KeyKind`]); `verify` accepts a
//!   request when any of the configured keys (rotation) matches any of the signatures it carries,
//!   and `sign` signs a request as the provider would (for tests and for sending samples);
//! - its **tolerance**: how far a signed timestamp may be from now, for the schemes that sign one
//!   (`Stripe-Signature`'s `t=`, `webhook-timestamp`...); a route may set its own;
//! - its **event type** (`invoice.paid`, `push`) and **delivery id** (for idempotency), read from
//!   a header or the body, and the signed timestamp;
//! - its **handshake**, where the provider has one: answered before the signature check (Meta's
//!   `hub.challenge`, Dropbox's `challenge`, Asana's `X-Hook-Secret`) or after it (Slack's
//!   `url_verification`, Discord's `PING`, Zoom's `endpoint.url_validation`, Twitch's
//!   `webhook_callback_verification`).
//!
//! [`presets::ALL`] lists every preset; [`preset`] finds one by name.
//!
//! A [`Sender`] is a preset with its keys (several at once during a rotation): it is the route's
//! signature check ([`Verify`](crate::http::Verify)), answers the handshakes, and gives the
//! handler the request's [`SenderEvent`].
//!
//! ```
//! use clustaar_webhook::http::HttpRoute;
//! use clustaar_webhook::senders::{Sender, SenderEvent};
//! use clustaar_webhook::StatusCode;
//! use http::Method;
//!
//! let stripe = Sender::new("stripe", ["whsec_test_secret"]).unwrap();
//! let route: HttpRoute = HttpRoute::new(Method::POST, "/stripe", |event: SenderEvent| async move {
//!     assert_eq!(event.sender, "stripe");
//!     StatusCode::OK
//! })
//! .sender(stripe)
//! .event("invoice.paid");
//! assert_eq!(route.event_name(), Some("invoice.paid"));
//! ```
//!
//! Each preset's scheme, and the SDK that judges it in the tests, is in the table of
//! [the guide's senders page](crate::guide::http_senders).

mod event;
pub mod presets;
mod public_url;
pub mod scheme;
pub(crate) mod send;
mod sender;

pub use event::SenderEvent;
pub(crate) use public_url::Addressing;
pub use public_url::{PublicUrl, PublicUrlError};
pub use scheme::{Key, KeyError, KeyKind, Outgoing, Preset, Reply, SignedRequest, SigningKey};
pub use send::{printed, sign_sample};
pub use sender::{Sender, SenderError};

/// The preset named `name` (lowercase, with dashes: `stripe`, `lemon-squeezy`,
/// `standard-webhooks`, `coinbase-commerce`), if there is one.
pub fn preset(name: &str) -> Option<&'static Preset> {
    presets::ALL
        .iter()
        .copied()
        .find(|preset| preset.name == name)
}
