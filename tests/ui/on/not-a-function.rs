use clustaar_webhook::prelude::*;

#[on(step_reached)]
struct Greeter;

fn main() {}
