use clustaar_webhook::prelude::*;

// Discord signs with a private key: the route is given its public key.
#[on(http(post), path = "/discord", sender = discord(secret = env("DISCORD_SECRET")))]
fn interaction() -> StatusCode {
    StatusCode::OK
}

// Stripe signs with a shared secret.
#[on(http(post), path = "/stripe", sender = stripe(public_key = env("STRIPE_KEY")))]
fn stripe_event() -> StatusCode {
    StatusCode::OK
}

// Secrets are read from the environment, never written in the code.
#[on(http(post), path = "/slack", sender = slack(secret = "8f742231b10e8888abcd99yyyzzz85a5"))]
fn slack_event() -> StatusCode {
    StatusCode::OK
}

fn main() {}
