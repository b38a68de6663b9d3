use clustaar_webhook::prelude::*;

fn check(_request: &RequestHead) -> Option<Identity> {
    None
}

#[on(http(post), path = "/hook", auth = check)]
fn hook() -> StatusCode {
    StatusCode::NO_CONTENT
}

fn main() {}
