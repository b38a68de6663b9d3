use clustaar_webhook::prelude::*;

// Clustaar notifications are answered in the request: they cannot be durable.
#[on(step_reached, durable, idempotency_key = header("X-Id"))]
fn greet(_: StepReached) -> StepReachedResponse {
    StepReachedResponse::new()
}

fn main() {}
