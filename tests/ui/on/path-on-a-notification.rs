use clustaar_webhook::prelude::*;

#[on(step_reached)]
async fn greet(event: StepReached, Path(slug): Path<String>) -> StepReachedResponse {
    let _ = (event, slug);
    StepReachedResponse::new()
}

fn main() {}
