use webhook::prelude::*;

#[authenticator]
struct Auth;

fn main() {}
