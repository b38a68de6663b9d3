use clustaar_webhook::prelude::*;

#[on(step_reached, auth = "check_token")]
fn greet() -> StepReachedResponse {
    StepReachedResponse::new()
}

fn main() {}
