use clustaar_webhook::prelude::*;

#[on(http(post), path = "/github", filter = r#"date.method == "POST""#)]
fn typo() -> StatusCode {
    StatusCode::OK
}

#[on(http(post), path = "/hooks", filter = r#"request.headers["X-Token"] == "t""#)]
fn other_name() -> StatusCode {
    StatusCode::OK
}

fn main() {}
