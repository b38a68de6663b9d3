use clustaar_webhook::prelude::*;

// An authenticator reads the whole request (`&RequestHead`), not a part of it.
#[authenticator]
fn auth(headers: &HeaderMap) -> Option<Identity> {
    let _ = headers;
    None
}

fn main() {}
