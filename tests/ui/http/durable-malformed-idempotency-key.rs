use clustaar_webhook::prelude::*;

// The key is a header, written `header("...")`, not a bare string.
#[on(http(post), path = "/a", durable, idempotency_key = "Webhook-Id")]
fn bare_string() -> StatusCode {
    StatusCode::OK
}

// A key comes from a header or the JSON body.
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

// A JSON path of the body, malformed.
#[on(http(post), path = "/e", durable, idempotency_key = json("data..id"))]
fn bad_json_path() -> StatusCode {
    StatusCode::OK
}

// A CEL key is checked as a filter is: `data` has no field `hedaers`.
#[on(http(post), path = "/f", durable, idempotency_key = cel(r#"data.hedaers["Webhook-Id"]"#))]
fn bad_cel_key() -> StatusCode {
    StatusCode::OK
}

fn main() {}
