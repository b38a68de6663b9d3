use webhook::prelude::*;

// An idempotency key without `durable`: nothing would be deduplicated.
#[on(http(post), path = "/a", idempotency_key = header("Webhook-Id"))]
fn key_without_durable() -> StatusCode {
    StatusCode::OK
}

// `durable` is a word, not an assignment.
#[on(http(post), path = "/b", durable = true)]
fn durable_assigned() -> StatusCode {
    StatusCode::OK
}

// Twice.
#[on(http(post), path = "/c", durable, durable)]
fn durable_twice() -> StatusCode {
    StatusCode::OK
}

fn main() {}
