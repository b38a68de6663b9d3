//! Sender presets: what a provider does when it sends a webhook, bundled so that a route takes
//! Stripe's, Slack's or Twilio's webhooks in one line.
//!
//! A [`Preset`] holds a provider's signature scheme (the headers, what is signed, the encoding,
//! several signatures in one header where the provider sends them), its timestamp tolerance
//! where the scheme signs one, where the event type and the delivery id are read, and its
//! handshake (Slack's `url_verification`, Discord's `PING`, Meta's `GET` challenge...). A
//! [`Sender`] is a preset with its keys (several at once during a rotation): it is the route's
//! signature check ([`Verify`](crate::http::Verify)), answers the handshakes, and gives the
//! handler the request's [`SenderEvent`].
//!
//! ```
//! use webhook::http::HttpRoute;
//! use webhook::senders::{Sender, SenderEvent};
//! use webhook::StatusCode;
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
//! Each preset's scheme, and the SDK that judges it in the tests, is in the README's table.

mod event;
pub mod presets;
pub mod scheme;
pub(crate) mod send;
mod sender;

pub use event::SenderEvent;
pub use scheme::{Key, KeyError, KeyKind, Outgoing, Preset, Reply, SignedRequest, SigningKey};
pub use send::{printed, sign_sample};
pub use sender::{Sender, SenderError};

/// The preset called `name` (`stripe`, `lemon-squeezy`...).
pub fn preset(name: &str) -> Option<&'static Preset> {
    presets::ALL
        .iter()
        .copied()
        .find(|preset| preset.name == name)
}
