//! Test support: send notifications to a [`Webhook`](crate::Webhook) in process or over HTTP,
//! signed and dated as the platform does.
//!
//! Available with the `testing` feature (on by default); it brings `tracing-subscriber` (for
//! [`CapturedLogs`]) and hyper-util's HTTP client. A crate that turns the default features off
//! can enable it for its tests only: `[dev-dependencies] webhook = { ..., features = ["testing"] }`.
//!
//! ```
//! use clustaar_webhook::prelude::*;
//! use clustaar_webhook::testing::{sample_notification, Signer, TestClient};
//!
//! # #[tokio::main(flavor = "current_thread")] async fn main() {
//! let webhook = Webhook::new()
//!     .private_key("secret")
//!     .on(topics::STEP_REACHED, |event: StepReached| {
//!         StepReachedResponse::with_actions(event.into_actions())
//!     }, ());
//! let client = TestClient::new(webhook).signer(Signer::new().private_key("secret"));
//! let response = client.notify(&sample_notification("507f191e810c19729de860ea")).await;
//! assert_eq!(response.status(), 200);
//! assert_eq!(response.json()["actions"][0]["type"], "pause_bot_action");
//! # }
//! ```

mod client;
mod logs;
#[cfg(feature = "durable")]
pub mod postgres;
mod server;
mod signer;

pub use client::{SendError, TestClient, TestRequest, TestResponse};
pub use logs::CapturedLogs;
pub use server::TestServer;
pub use signer::{http_date, Signer};

use serde_json::{json, Value};

/// A `conversation.step_reached` notification like the reference's sample, for the step
/// `step_id`.
pub fn sample_notification(step_id: &str) -> Value {
    json!({
        "botID": "4321",
        "timestamp": 1514998709,
        "topic": "conversation.step_reached",
        "type": "notification_event",
        "data": {
            "type": "step_reached_event",
            "channel": "facebook",
            "interlocutor": {"id": "123", "location": {"lat": 1.0, "long": 2.4}},
            "session": {"values": {"name": "tintin"}},
            "step": {
                "actions": [{"type": "pause_bot_action"}],
                "id": step_id,
                "name": "A step",
                "userData": "{}"
            }
        }
    })
}
