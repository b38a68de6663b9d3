use clustaar_webhook::prelude::*;

#[on(step_reached, json_key_exists("data.input"), json_key_exists("data.input"))]
fn greet() -> StepReachedResponse {
    StepReachedResponse::new()
}

fn main() {}
