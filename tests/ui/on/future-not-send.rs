use clustaar_webhook::prelude::*;

// The arguments and the result are right, but the future is not `Send`: the route's own
// `Handler` bound reports it, at the function's name.
#[on(step_reached)]
async fn greet(event: StepReached) -> StepReachedResponse {
    let counter = std::rc::Rc::new(1);
    std::future::ready(()).await;
    let _ = (counter, event);
    StepReachedResponse::new()
}

fn main() {}
