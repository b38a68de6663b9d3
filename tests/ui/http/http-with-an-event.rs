use clustaar_webhook::prelude::*;

#[on(step_reached, http(post), path = "/github")]
fn both() -> StatusCode {
    StatusCode::OK
}

#[on(http(post), path = "/steps", step_id = "507f191e810c19729de860ea")]
fn step() -> StatusCode {
    StatusCode::OK
}

fn main() {}
