use clustaar_webhook::prelude::*;

#[on(step_reached, step_id = "507F191E810C19729DE860EA")]
fn greet() -> StepReachedResponse {
    StepReachedResponse::new()
}

fn main() {}
