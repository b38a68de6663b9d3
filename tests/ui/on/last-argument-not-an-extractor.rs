use clustaar_webhook::prelude::*;

#[on(step_reached)]
async fn greet(event: StepReached, count: u32) -> StepReachedResponse {
    let _ = (event, count);
    StepReachedResponse::new()
}

fn main() {}
