use clustaar_webhook::prelude::*;

#[authenticator]
fn auth(request: RequestHead) -> Option<Identity> {
    let _ = request;
    None
}

fn main() {}
