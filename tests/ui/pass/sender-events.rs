use clustaar_webhook::prelude::*;
use clustaar_webhook::senders::SenderEvent;

#[on(http(post), path = "/stripe", sender = stripe(secret = env("STRIPE_WEBHOOK_SECRET")), event = "invoice.paid")]
async fn paid(event: SenderEvent) -> StatusCode {
    let _ = event.id;
    StatusCode::OK
}

#[on(http(post), path = "/stripe", sender = stripe(secret = env("STRIPE_WEBHOOK_SECRET")))]
async fn other() -> StatusCode {
    StatusCode::OK
}

#[on(http(post), path = "/discord", sender = discord(public_key = env("DISCORD_PUBLIC_KEY")))]
async fn interaction() -> StatusCode {
    StatusCode::OK
}

#[on(http(post), path = "/lemon", sender = lemon_squeezy(secret = env("LEMON_SQUEEZY_SECRET")), event = "order_created")]
async fn order() -> StatusCode {
    StatusCode::OK
}

fn main() {}
