use webhook::prelude::*;

#[on(step_reached)]
fn greet(event: StepReached) -> String {
    format!("{event:?}")
}

fn main() {}
