use webhook::prelude::*;

#[on(step_reached)]
async fn greet(event: StepReached, name: String) -> StepReachedResponse {
    let _ = (event, name);
    StepReachedResponse::new()
}

fn main() {}
