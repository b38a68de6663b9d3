use webhook::prelude::*;

#[on(step_reached)]
struct Greeter;

fn main() {}
