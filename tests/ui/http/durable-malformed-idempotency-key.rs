use webhook::prelude::*;

// The key is a header, written `header("...")`, not a bare string.
#[on(http(post), path = "/a", durable, idempotency_key = "Webhook-Id")]
fn bare_string() -> StatusCode {
    StatusCode::OK
}

// `header` is the only source of a key.
#[on(http(post), path = "/b", durable, idempotency_key = body("id"))]
fn from_the_body() -> StatusCode {
    StatusCode::OK
}

// A header name has no space.
#[on(http(post), path = "/c", durable, idempotency_key = header("Webhook Id"))]
fn not_a_header_name() -> StatusCode {
    StatusCode::OK
}

// One header.
#[on(http(post), path = "/d", durable, idempotency_key = header("A", "B"))]
fn two_headers() -> StatusCode {
    StatusCode::OK
}

fn main() {}
