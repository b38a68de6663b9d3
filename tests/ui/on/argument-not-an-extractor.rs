use clustaar_webhook::prelude::*;

// `String` reads the body: it can only be the last argument.
#[on(step_reached)]
async fn greet(name: String, event: StepReached) -> StepReachedResponse {
    let _ = (event, name);
    StepReachedResponse::new()
}

fn main() {}
