//! The browser harness (tests/common/browser.rs) against a real server of this project: the
//! echo bot's webhook served in process on loopback, with HTTP routes that answer small HTML
//! pages (a link, a form, a script), some of them behind HTTP basic auth.
//!
//! Skipped (passing, with a message) where chromedriver is not installed, unless `CI` is set.

mod common;

#[allow(dead_code)]
#[path = "../examples/echo_bot.rs"]
mod echo_bot_example;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::response::{Html, IntoResponse, Response};
use base64::Engine as _;
use clustaar_webhook::http::Methods;
use clustaar_webhook::prelude::*;
use clustaar_webhook::testing::TestServer;
use common::browser::{with_credentials, Browser, Window};
use serde_json::json;

const USER: &str = "inbox";
const PASSWORD: &str = "s3cret:é";

/// What the server saw: `METHOD path authorized|anonymous|wrong`, in order.
type Seen = Arc<Mutex<Vec<String>>>;

/// Escapes text for HTML.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn html(title: &str, body: &str) -> String {
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title}</title>\
         <style>body {{ font-family: sans-serif; margin: 2em; }} \
         h1 {{ color: #2a6; }}</style></head><body>{body}</body></html>"
    )
}

/// The pages under `prefix` (`""`, or `"/private"` behind basic auth).
fn page(event: &HttpEvent, prefix: &str) -> String {
    let path = event.url.path.strip_prefix(prefix).unwrap_or_default();
    match (event.method.as_str(), path) {
        ("GET", "/page") => html(
            "Smoke",
            &format!(
                "<h1 id=\"title\">Browser smoke</h1>\
                 <p id=\"js\">no script ran</p>\
                 <p><a id=\"next\" href=\"{prefix}/next\">Next page</a></p>\
                 <form id=\"note-form\" method=\"post\" action=\"{prefix}/submit\">\
                 <label>Note <input id=\"note\" name=\"note\" value=\"draft\"></label>\
                 <button type=\"submit\">Send</button></form>\
                 <script>window.__smoke = {{answer: 42}};\
                 document.getElementById('js').textContent = 'the script ran';</script>"
            ),
        ),
        ("GET", "/next") => html("Next", "<p id=\"arrived\">the next page</p>"),
        ("POST", "/submit") => {
            let note = event
                .body
                .form
                .as_ref()
                .and_then(|form| form.get("note"))
                .unwrap_or("(no note)");
            html(
                "Received",
                &format!("<p id=\"received\">{}</p>", escape(note)),
            )
        }
        _ => html("Not found", "<p id=\"missing\">no such page</p>"),
    }
}

/// The echo bot, with the smoke pages at `/page` (`/next`, `/submit`) and the same pages
/// behind basic auth under `/private`, each request noted in `seen`.
async fn server(seen: &Seen) -> TestServer {
    let expected = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{USER}:{PASSWORD}"))
    );
    let seen_public = Arc::clone(seen);
    let public = move |event: HttpEvent| -> Response {
        seen_public
            .lock()
            .unwrap()
            .push(format!("{} {} public", event.method, event.url.path));
        Html(page(&event, "")).into_response()
    };
    let seen_private = Arc::clone(seen);
    let private = move |event: HttpEvent| -> Response {
        let authorization = event
            .headers
            .get("authorization")
            .and_then(|value| value.to_str().ok());
        let verdict = match authorization {
            None => "anonymous",
            Some(value) if value == expected => "authorized",
            Some(_) => "wrong",
        };
        seen_private
            .lock()
            .unwrap()
            .push(format!("{} {} {verdict}", event.method, event.url.path));
        if verdict == "authorized" {
            Html(page(&event, "/private")).into_response()
        } else {
            (
                StatusCode::UNAUTHORIZED,
                [(
                    "www-authenticate",
                    "Basic realm=\"smoke\", charset=\"UTF-8\"",
                )],
                Html(html("Unauthorized", "<p id=\"denied\">401</p>")),
            )
                .into_response()
        }
    };
    let mut webhook = echo_bot_example::echo_bot();
    for path in ["/page", "/next", "/submit"] {
        webhook = webhook.http(Methods::Any, path, public.clone(), ()).http(
            Methods::Any,
            format!("/private{path}"),
            private.clone(),
            (),
        );
    }
    TestServer::spawn(webhook).await.unwrap()
}

fn seen_since(seen: &Seen, from: usize) -> Vec<String> {
    seen.lock().unwrap()[from..].to_vec()
}

/// Navigation, text, a script's effect, a link, a form posted, an injected script not run, a
/// screenshot, at desktop size.
#[tokio::test]
async fn drives_a_page_of_the_server() {
    let started = Instant::now();
    let Some(browser) = Browser::start("drives_a_page_of_the_server", Window::DESKTOP).await else {
        return;
    };
    let launched = started.elapsed();
    let seen = Seen::default();
    let server = server(&seen).await;

    browser
        .goto(&format!("{}/page", server.url()))
        .await
        .unwrap();
    assert_eq!(browser.text("h1#title").await.unwrap(), "Browser smoke");
    assert_eq!(browser.text("#js").await.unwrap(), "the script ran");
    assert_eq!(
        browser
            .execute("return window.__smoke.answer", vec![])
            .await
            .unwrap(),
        json!(42)
    );
    assert_eq!(
        browser
            .execute("return typeof window.__xss", vec![])
            .await
            .unwrap(),
        json!("undefined")
    );
    let source = browser.source().await.unwrap();
    assert!(source.contains("<title>Smoke</title>"), "{source}");
    assert_eq!(
        browser
            .execute("return [window.innerWidth, window.innerHeight]", vec![])
            .await
            .unwrap(),
        json!([1280, 900])
    );
    let shot = common::programs::output_file("browser-smoke-desktop/page.png");
    browser.screenshot_png(&shot).await.unwrap();
    let png = std::fs::read(&shot).unwrap();
    assert_eq!(png_size(&png), (1280, 900));
    assert!(png.len() > 1000, "a {} bytes PNG", png.len());

    // A link.
    browser.click("a#next").await.unwrap();
    assert_eq!(browser.current_url().await.unwrap().path(), "/next");
    assert_eq!(browser.text("#arrived").await.unwrap(), "the next page");
    browser
        .goto(&format!("{}/page", server.url()))
        .await
        .unwrap();

    // A form posted, with a script in the field: the server escapes it, so it is text.
    let note = "<script>window.__xss = 1</script>héllo & bye";
    browser.fill("#note", note).await.unwrap();
    browser.submit("#note-form").await.unwrap();
    let received = browser
        .wait_for("#received", Duration::from_secs(5))
        .await
        .unwrap();
    assert_eq!(received.text().await.unwrap(), note);
    assert_eq!(browser.current_url().await.unwrap().path(), "/submit");
    assert_eq!(
        browser
            .execute("return typeof window.__xss", vec![])
            .await
            .unwrap(),
        json!("undefined")
    );
    // A form without a submit button: submitted as pressing Enter would.
    browser
        .goto(&format!("{}/page", server.url()))
        .await
        .unwrap();
    browser
        .execute(
            "document.querySelector('#note-form button').remove()",
            vec![],
        )
        .await
        .unwrap();
    browser.fill("#note", "no button").await.unwrap();
    browser.submit("#note-form").await.unwrap();
    let received = browser
        .wait_for("#received", Duration::from_secs(5))
        .await
        .unwrap();
    assert_eq!(received.text().await.unwrap(), "no button");
    assert_eq!(
        seen_since(&seen, 0),
        [
            "GET /page public",
            "GET /next public",
            "GET /page public",
            "POST /submit public",
            "GET /page public",
            "POST /submit public"
        ]
    );

    // A missing element: a clear error, quickly.
    let waited = Instant::now();
    let error = browser
        .wait_for("#never", Duration::from_millis(300))
        .await
        .unwrap_err();
    assert!(error.to_string().contains("#never"), "{error}");
    assert!(waited.elapsed() < Duration::from_secs(3));

    let closing = Instant::now();
    browser.close().await.unwrap();
    let closed = closing.elapsed();
    server.shutdown().await.unwrap();
    let _ = std::fs::remove_dir_all(shot.parent().unwrap());
    eprintln!(
        "drives_a_page_of_the_server: browser up in {launched:?}, closed in {closed:?}, \
         all in {:?}",
        started.elapsed()
    );
}

/// `Browser::basic_auth`: the navigation, a link, a form's POST and a `fetch` all carry the
/// header, with no `401` first; without it the page is refused.
#[tokio::test]
async fn basic_auth_header_on_every_request() {
    let started = Instant::now();
    let Some(browser) = Browser::start("basic_auth_header_on_every_request", Window::DESKTOP).await
    else {
        return;
    };
    let seen = Seen::default();
    let server = server(&seen).await;
    let page = format!("{}/private/page", server.url());
    // Without credentials: refused, and headless Chromium shows neither a login dialog nor
    // the 401 page's body, but an error page (net::ERR_INVALID_AUTH_CREDENTIALS).
    let anonymous = Instant::now();
    browser.goto(&page).await.unwrap();
    let anonymous = anonymous.elapsed();
    assert!(browser
        .find_all("#title, #denied")
        .await
        .unwrap()
        .is_empty());
    assert_eq!(seen_since(&seen, 0), ["GET /private/page anonymous"]);

    browser.basic_auth(USER, PASSWORD).await.unwrap();
    browser.goto(&page).await.unwrap();
    assert_eq!(browser.text("h1#title").await.unwrap(), "Browser smoke");
    browser.click("a#next").await.unwrap();
    assert_eq!(browser.text("#arrived").await.unwrap(), "the next page");
    browser.goto(&page).await.unwrap();
    browser.fill("#note", "posted").await.unwrap();
    browser.submit("#note-form").await.unwrap();
    // The form's submission returns before the next page is there: wait for it.
    let received = browser
        .wait_for("#received", Duration::from_secs(5))
        .await
        .unwrap();
    assert_eq!(received.text().await.unwrap(), "posted");
    let fetched = browser
        .execute(
            "return fetch('/private/next').then(answer => answer.status)",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(fetched, json!(200));
    assert_eq!(
        seen_since(&seen, 1),
        [
            "GET /private/page authorized",
            "GET /private/next authorized",
            "GET /private/page authorized",
            "POST /private/submit authorized",
            "GET /private/next authorized"
        ]
    );
    browser.close().await.unwrap();
    server.shutdown().await.unwrap();
    eprintln!(
        "basic_auth_header_on_every_request: {:?} (the refused page: {anonymous:?})",
        started.elapsed()
    );
}

/// Credentials in the URL (`with_credentials`): Chromium sends them only once challenged,
/// so each request is made twice (anonymous, refused with `401` and `WWW-Authenticate`, then
/// with the header); the page's links and forms inherit them (a relative URL resolves against
/// the page's, credentials included), and `fetch` of a relative URL is refused.
#[tokio::test]
async fn credentials_in_the_url_answer_challenges() {
    let started = Instant::now();
    let Some(browser) =
        Browser::start("credentials_in_the_url_answer_challenges", Window::DESKTOP).await
    else {
        return;
    };
    let seen = Seen::default();
    let server = server(&seen).await;
    let url = with_credentials(&format!("{}/private/page", server.url()), USER, PASSWORD);
    assert!(
        url.starts_with("http://inbox:s3cret%3A%C3%A9@127.0.0.1:"),
        "{url}"
    );
    browser.goto(&url).await.unwrap();
    assert_eq!(browser.text("h1#title").await.unwrap(), "Browser smoke");
    browser.click("a#next").await.unwrap();
    assert_eq!(browser.text("#arrived").await.unwrap(), "the next page");
    assert_eq!(browser.current_url().await.unwrap().username(), USER);
    browser.goto(&url).await.unwrap();
    browser.fill("#note", "posted").await.unwrap();
    browser.submit("#note-form").await.unwrap();
    // The form's submission returns before the next page is there: wait for it.
    let received = browser
        .wait_for("#received", Duration::from_secs(5))
        .await
        .unwrap();
    assert_eq!(received.text().await.unwrap(), "posted");
    let error = browser
        .execute(
            "return fetch('/private/next').then(answer => answer.status)",
            vec![],
        )
        .await
        .unwrap_err();
    assert!(
        error.to_string().contains("includes credentials"),
        "{error}"
    );
    assert_eq!(
        seen_since(&seen, 0),
        [
            "GET /private/page anonymous",
            "GET /private/page authorized",
            "GET /private/next anonymous",
            "GET /private/next authorized",
            "GET /private/page anonymous",
            "GET /private/page authorized",
            "POST /private/submit anonymous",
            "POST /private/submit authorized",
        ]
    );
    browser.close().await.unwrap();
    server.shutdown().await.unwrap();
    eprintln!(
        "credentials_in_the_url_answer_challenges: {:?}",
        started.elapsed()
    );
}

/// The width and height of a PNG (its `IHDR` chunk).
fn png_size(png: &[u8]) -> (u32, u32) {
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
    let number = |at: usize| u32::from_be_bytes(png[at..at + 4].try_into().unwrap());
    (number(16), number(20))
}

/// A phone's viewport: 390×844 CSS pixels, mobile (touch, the page's viewport tag honoured).
#[tokio::test]
async fn phone_width() {
    let started = Instant::now();
    let Some(browser) = Browser::start("phone_width", Window::PHONE).await else {
        return;
    };
    let seen = Seen::default();
    let server = server(&seen).await;
    browser
        .goto(&format!("{}/page", server.url()))
        .await
        .unwrap();
    let viewport = browser
        .execute(
            "return [window.innerWidth, window.innerHeight, \
             matchMedia('(max-width: 400px)').matches, matchMedia('(pointer: coarse)').matches]",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(viewport, json!([390, 844, true, true]));
    let shot = common::programs::output_file("browser-smoke-phone/page.png");
    browser.screenshot_png(&shot).await.unwrap();
    assert_eq!(png_size(&std::fs::read(&shot).unwrap()), (390, 844));
    browser.close().await.unwrap();
    server.shutdown().await.unwrap();
    let _ = std::fs::remove_dir_all(shot.parent().unwrap());
    eprintln!("phone_width: {:?}", started.elapsed());
}
