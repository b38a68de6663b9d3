use clustaar_webhook::prelude::*;

#[on(step_reached, filter = r#"data.method == "POST""#)]
fn greet() -> StepReachedResponse {
    StepReachedResponse::new()
}

fn main() {}
