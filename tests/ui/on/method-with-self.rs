use clustaar_webhook::prelude::*;

struct Bot;

impl Bot {
    #[on(step_reached)]
    fn greet(&self) -> StepReachedResponse {
        StepReachedResponse::new()
    }
}

fn main() {}
