use clustaar_webhook::prelude::*;

#[on(http(post), filter = r#"data.method == "POST""#)]
fn no_path() -> StatusCode {
    StatusCode::OK
}

#[on(step_reached, path = "/github")]
fn path_without_http() -> StepReachedResponse {
    StepReachedResponse::new()
}

fn main() {}
