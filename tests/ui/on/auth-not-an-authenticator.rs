use clustaar_webhook::prelude::*;

fn check_token(token: &str) -> bool {
    token == "secret"
}

#[on(step_reached, auth = check_token)]
fn greet() -> StepReachedResponse {
    StepReachedResponse::new()
}

fn main() {}
