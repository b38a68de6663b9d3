use clustaar_webhook::prelude::*;

fn secret() -> String {
    "It's a Secret to Everybody".to_owned()
}

#[on(http(post), path = "/github", verify = secret)]
fn signed() -> StatusCode {
    StatusCode::OK
}

#[on(step_reached, verify = secret)]
fn greet() -> StepReachedResponse {
    StepReachedResponse::new()
}

fn main() {}
