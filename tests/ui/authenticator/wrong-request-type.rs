use webhook::prelude::*;

#[authenticator]
fn auth(request: &Request) -> Option<Identity> {
    let _ = request;
    None
}

fn main() {}
