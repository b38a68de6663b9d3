use clustaar_webhook::prelude::*;

#[on(step_reached, json_key_equals("data..step", "x"))]
fn greet() -> StepReachedResponse {
    StepReachedResponse::new()
}

#[on(step_reached, json_key_exists("data.step.actions[first]"))]
fn hello() -> StepReachedResponse {
    StepReachedResponse::new()
}

fn main() {}
