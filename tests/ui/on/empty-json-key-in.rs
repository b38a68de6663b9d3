use clustaar_webhook::prelude::*;

#[on(step_reached, json_key_in("data.channel", []))]
fn greet() -> StepReachedResponse {
    StepReachedResponse::new()
}

fn main() {}
