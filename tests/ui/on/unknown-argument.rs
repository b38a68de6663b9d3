use clustaar_webhook::prelude::*;

#[on(step_reached, stepid = "507f191e810c19729de860ea")]
fn greet() -> StepReachedResponse {
    StepReachedResponse::new()
}

fn main() {}
