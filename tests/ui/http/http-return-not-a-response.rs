use clustaar_webhook::prelude::*;

struct Nothing;

#[on(http(post), path = "/github")]
fn answer(event: HttpEvent) -> Nothing {
    let _ = event;
    Nothing
}

fn main() {}
