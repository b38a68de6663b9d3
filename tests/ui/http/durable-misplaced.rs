use clustaar_webhook::prelude::*;

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

// A number of attempts without `durable`: nothing would be retried.
#[on(http(post), path = "/d", max_attempts = 3)]
fn attempts_without_durable() -> StatusCode {
    StatusCode::OK
}

// At least the first attempt.
#[on(http(post), path = "/e", durable, max_attempts = 0)]
fn no_attempt() -> StatusCode {
    StatusCode::OK
}

// A number, not a string.
#[on(http(post), path = "/f", durable, max_attempts = "3")]
fn attempts_as_text() -> StatusCode {
    StatusCode::OK
}

fn main() {}
