use clustaar_webhook::prelude::*;

#[on(step_reached)]
fn greet(event: StepReached) -> Option<StepReachedResponse> {
    let _ = event;
    None
}

fn main() {}
