use clustaar_webhook::prelude::*;

#[on(step_reahced)]
fn greet() -> StepReachedResponse {
    StepReachedResponse::new()
}

fn main() {}
