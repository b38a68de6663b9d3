use clustaar_webhook::prelude::*;

#[on(step_reached)]
fn greet(event: StepReached) -> Result<StepReachedResponse, String> {
    let _ = event;
    Err("the CRM is down".to_owned())
}

fn main() {}
