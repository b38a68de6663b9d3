//! The echo bot written with the DSL: each `#[on]` function is a route, `main!()` is the
//! program. Same routes, answers and variables as `echo_bot.rs`.
//!
//! ```sh
//! cargo run --example bot             # serves on 127.0.0.1:8000
//! cargo run --example bot -- --help   # the flags
//! ```

use clustaar_webhook::prelude::*;

/// Answers every step with its own actions, and stores a name in the session.
#[on(step_reached)]
fn echo(event: StepReached) -> StepReachedResponse {
    StepReachedResponse::with_actions(event.into_actions()).session_value("name", "John")
}

/// Says hello on one step.
#[on(step_reached, step_id = "507f191e810c19729de860ea")]
async fn hello() -> StepReachedResponse {
    StepReachedResponse::new().action(SendTextAction::new(["hello"]))
}

clustaar_webhook::main!();
