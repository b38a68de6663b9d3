use clustaar_webhook::prelude::*;

#[on(http(pots), path = "/github")]
fn typo() -> StatusCode {
    StatusCode::OK
}

#[on(http(get, get), path = "/twice")]
fn twice() -> StatusCode {
    StatusCode::OK
}

fn main() {}
