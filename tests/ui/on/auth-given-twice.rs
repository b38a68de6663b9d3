use clustaar_webhook::prelude::*;

fn first(_: &RequestHead) {}
fn second(_: &RequestHead) {}

#[on(step_reached, auth = first, auth = second)]
fn greet() -> StepReachedResponse {
    StepReachedResponse::new()
}

fn main() {}
