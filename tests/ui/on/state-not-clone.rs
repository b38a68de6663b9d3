use clustaar_webhook::prelude::*;

// Each request gets a clone of the state: `State<T>` needs `T: Clone`.
struct Db;

#[on(step_reached)]
fn greet(State(db): State<Db>, event: StepReached) -> StepReachedResponse {
    let _ = (db, event);
    StepReachedResponse::new()
}

fn main() {}
