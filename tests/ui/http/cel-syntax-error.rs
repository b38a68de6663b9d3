use clustaar_webhook::prelude::*;

#[on(http(post), path = "/github", filter = r#"data.headers["X-GitHub-Event"] == "push" &&"#)]
fn on_push() -> StatusCode {
    StatusCode::OK
}

#[on(http(post), path = "/other", filter = "data.method == 'POST")]
fn unterminated() -> StatusCode {
    StatusCode::OK
}

fn main() {}
