use clustaar_webhook::prelude::*;

#[on(step_reached, priority = 1, priority = 2)]
fn greet() -> StepReachedResponse {
    StepReachedResponse::new()
}

#[on(step_reached, step_id = "507f191e810c19729de860ea", step_id = "507f191e810c19729de860eb")]
fn hello() -> StepReachedResponse {
    StepReachedResponse::new()
}

fn main() {}
