use clustaar_webhook::prelude::*;

#[authenticator(step_id = "507f191e810c19729de860ea")]
fn auth(_request: &RequestHead) {}

fn main() {}
