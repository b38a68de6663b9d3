//! HTTP routes in every form the DSL accepts.
use clustaar_webhook::prelude::*;

#[on(
    http(post),
    path = "/github",
    filter = r#"data.headers["X-GitHub-Event"] == "push""#
)]
async fn on_push(event: HttpEvent) -> impl IntoResponse {
    Json(event.body.json)
}

#[on(
    http,
    path = "/hooks/{slug}",
    filter = r#"data.method in ["GET", "POST"]"#
)]
fn any_hook(event: HttpEvent, Path(slug): Path<String>) -> StatusCode {
    let _ = (event, slug);
    StatusCode::NO_CONTENT
}

#[on(http(get, put), path = "/status", priority = -1)]
fn status(headers: HeaderMap) -> Result<String, ApiError> {
    Ok(format!("{}", headers.len()))
}

#[on(
    http(post),
    path = "/seed",
    filter = r#"data.url.path.matches("^/webhooks/.*/foo$") || data.headers["Content-Type"].startsWith("application/json")"#
)]
async fn seed() -> (StatusCode, Json<serde_json::Value>) {
    (StatusCode::CREATED, Json(serde_json::json!({})))
}

fn github_signature() -> HmacVerifier {
    HmacVerifier::github(std::env::var("GITHUB_WEBHOOK_SECRET").unwrap_or_default())
}

#[on(http(post), path = "/signed", verify = github_signature, filter = "size(data.body.bytes) > 0")]
fn signed(Json(payload): Json<serde_json::Value>) -> Json<serde_json::Value> {
    Json(payload)
}

fn main() {}
