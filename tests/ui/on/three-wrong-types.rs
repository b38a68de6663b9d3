use clustaar_webhook::prelude::*;

// Three mistakes, three errors: one at each type, none at the function's name.
#[on(step_reached)]
fn greet(count: u8, name: String, event: StepReached) -> Option<u32> {
    let _ = (count, name, event);
    None
}

fn main() {}
