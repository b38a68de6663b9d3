use clustaar_webhook::prelude::*;

#[on(http(post), path = "github")]
fn relative() -> StatusCode {
    StatusCode::OK
}

#[on(http(post), path = "/hooks/a{slug}")]
fn partial_parameter() -> StatusCode {
    StatusCode::OK
}

fn main() {}
