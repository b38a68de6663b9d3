use clustaar_webhook::prelude::*;

#[on(http(post), path = "/github", filter = r#"data.metod == "POST""#)]
fn typo() -> StatusCode {
    StatusCode::OK
}

#[on(http, path = "/hooks", filter = r#"data.url.pth.endsWith("/foo") || has(data.body.jsn.ref)"#)]
fn nested() -> StatusCode {
    StatusCode::OK
}

fn main() {}
