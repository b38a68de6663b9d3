use clustaar_webhook::prelude::*;

#[authenticator]
fn auth<U: User>(_request: &RequestHead) -> Option<Identity<U>> {
    None
}

fn main() {}
