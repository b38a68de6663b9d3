use clustaar_webhook::prelude::*;

fn is_vip(id: &str) -> bool {
    id == "vip"
}

#[on(step_reached, filter = is_vip)]
fn greet() -> StepReachedResponse {
    StepReachedResponse::new()
}

fn main() {}
