use clustaar_webhook::prelude::*;

#[authenticator]
async fn auth(request: &RequestHead, token: String) -> Option<Identity> {
    let _ = (request, token);
    None
}

fn main() {}
