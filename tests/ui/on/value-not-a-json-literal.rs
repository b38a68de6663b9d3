use clustaar_webhook::prelude::*;

const VIP: &str = "123";

#[on(step_reached, json_key_equals("data.interlocutor.id", VIP))]
fn greet() -> StepReachedResponse {
    StepReachedResponse::new()
}

#[on(step_reached, json_key_in("data.channel", ["web", 'x']))]
fn hello() -> StepReachedResponse {
    StepReachedResponse::new()
}

fn main() {}
