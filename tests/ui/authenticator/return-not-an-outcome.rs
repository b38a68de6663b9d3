use clustaar_webhook::prelude::*;

#[authenticator]
async fn auth(request: &RequestHead) -> bool {
    request.headers().contains_key("authorization")
}

fn main() {}
