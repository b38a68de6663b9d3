use clustaar_webhook::prelude::*;

#[on(step_reached, step_id = "1234")]
fn greet() -> StepReachedResponse {
    StepReachedResponse::new()
}

#[on(step_reached, step_id = ["507f191e810c19729de860ea", "507f191e810c19729de860eZ"])]
fn hello() -> StepReachedResponse {
    StepReachedResponse::new()
}

fn main() {}
