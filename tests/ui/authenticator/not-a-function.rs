use clustaar_webhook::prelude::*;

#[authenticator]
struct Auth;

fn main() {}
