use clustaar_webhook::prelude::*;

#[on(
    http(post),
    path = "/stripe",
    sender = stripe(secret = env("STRIPE_WEBHOOK_SECRET")),
    event = "invoice.payed"
)]
fn paid() -> StatusCode {
    StatusCode::OK
}

#[on(http(post), path = "/github", sender = github(secret = env("GITHUB_SECRET")), event = "pul_request")]
fn pull_request() -> StatusCode {
    StatusCode::OK
}

#[on(http(post), path = "/shop", sender = shopfiy(secret = env("SHOPIFY_SECRET")))]
fn shop() -> StatusCode {
    StatusCode::OK
}

fn main() {}
