use clustaar_webhook::prelude::*;

#[on(step_id = "507f191e810c19729de860ea")]
fn greet() -> StepReachedResponse {
    StepReachedResponse::new()
}

fn main() {}
