use clustaar_webhook::prelude::*;

#[authenticator]
fn auth() -> Option<Identity> {
    None
}

fn main() {}
