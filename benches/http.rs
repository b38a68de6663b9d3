//! Generic HTTP webhooks, in process (no socket), through `Webhook::into_router()` and
//! `tower`'s `oneshot`: what a CEL filter costs a request.
//!
//! ```sh
//! cargo bench --bench http            # measure
//! cargo bench --bench http -- --test  # smoke test: every case once, checked
//! ```
//!
//! The request is a GitHub-like `push` (`POST /github`, `X-GitHub-Event: push`, a JSON payload
//! of about 2 KB with ten commits). The handler answers `204` without reading anything, so the
//! cases differ only by routing.
//!
//! Groups:
//! - `routing`: the route matched by its path and method alone; by a CEL filter on a header
//!   (`data.headers["X-GitHub-Event"] == "push"`); by a CEL filter on the JSON body
//!   (`data.body.json.ref == "refs/heads/main"`, which converts the payload to CEL values);
//!   and by a header filter after nine routes whose filters refuse it.
//! - `cel`: `CelFilter::evaluate` alone on the parsed request, for the two filters above.

use std::hint::black_box;
use std::time::Instant;

use axum::body::Body;
use axum::Router;
use bytes::Bytes;
use clustaar_webhook::prelude::*;
use criterion::{criterion_group, criterion_main, Criterion};
use http::{Method, Request, StatusCode};
use serde_json::json;
use tokio::runtime::Runtime;
use tower::ServiceExt;

const HEADER_FILTER: &str = r#"data.headers["X-GitHub-Event"] == "push""#;
const JSON_FILTER: &str = r#"data.body.json.ref == "refs/heads/main""#;

/// A push payload of about 2 KB.
fn payload() -> Bytes {
    let commits: Vec<_> = (0..10)
        .map(|n| {
            json!({
                "id": format!("{n:040x}"),
                "message": format!("Commit number {n}, with a message of a few words"),
                "author": {"name": "Octo Cat", "email": "octocat@example.com"},
                "added": [], "removed": [], "modified": ["README.md"]
            })
        })
        .collect();
    Bytes::from(
        serde_json::to_vec(&json!({
            "ref": "refs/heads/main",
            "before": "0".repeat(40),
            "after": "1".repeat(40),
            "repository": {"id": 1, "full_name": "octo/hello", "private": false},
            "pusher": {"name": "octocat"},
            "commits": commits,
        }))
        .unwrap(),
    )
}

fn request(body: &Bytes) -> Request<Body> {
    Request::builder()
        .method(Method::POST)
        .uri("/github")
        .header("Content-Type", "application/json")
        .header("X-GitHub-Event", "push")
        .header("User-Agent", "GitHub-Hookshot/abc")
        .body(Body::from(body.clone()))
        .unwrap()
}

fn no_content() -> StatusCode {
    StatusCode::NO_CONTENT
}

fn routers() -> Vec<(&'static str, Router)> {
    let cel = |source: &str| CelFilter::new(source).unwrap();
    let mut nine_refusals = Webhook::new();
    for event in [
        "issues",
        "fork",
        "star",
        "watch",
        "release",
        "member",
        "label",
        "milestone",
        "page_build",
    ] {
        nine_refusals = nine_refusals.http(
            Method::POST,
            "/github",
            no_content,
            cel(&format!(r#"data.headers["X-GitHub-Event"] == "{event}""#)),
        );
    }
    vec![
        (
            "path_only",
            Webhook::new()
                .http(Method::POST, "/github", no_content, ())
                .into_router(),
        ),
        (
            "cel_header",
            Webhook::new()
                .http(Method::POST, "/github", no_content, cel(HEADER_FILTER))
                .into_router(),
        ),
        (
            "cel_json_body",
            Webhook::new()
                .http(Method::POST, "/github", no_content, cel(JSON_FILTER))
                .into_router(),
        ),
        (
            "cel_header_after_9_refusals",
            nine_refusals
                .http(Method::POST, "/github", no_content, cel(HEADER_FILTER))
                .into_router(),
        ),
    ]
}

fn routing(c: &mut Criterion) {
    let runtime = Runtime::new().unwrap();
    let body = payload();
    let mut group = c.benchmark_group("routing");
    for (name, router) in routers() {
        // Checked once: every case is answered by the handler.
        let status = runtime
            .block_on(router.clone().oneshot(request(&body)))
            .unwrap()
            .status();
        assert_eq!(status, StatusCode::NO_CONTENT, "{name}");
        group.bench_function(name, |b| {
            b.iter_custom(|iters| {
                runtime.block_on(async {
                    let start = Instant::now();
                    for _ in 0..iters {
                        let response = router.clone().oneshot(request(&body)).await.unwrap();
                        black_box(response.status());
                    }
                    start.elapsed()
                })
            });
        });
    }
    group.finish();
}

fn cel(c: &mut Criterion) {
    let body = payload();
    let (head, ()) = Request::builder()
        .method(Method::POST)
        .uri("/github")
        .header("Content-Type", "application/json")
        .header("X-GitHub-Event", "push")
        .body(())
        .unwrap()
        .into_parts();
    let json = serde_json::from_slice(&body).unwrap();
    let parsed = clustaar_webhook::Request::from_parts(head, body, json);
    let mut group = c.benchmark_group("cel");
    for (name, source) in [("header", HEADER_FILTER), ("json_body", JSON_FILTER)] {
        let filter = CelFilter::new(source).unwrap();
        assert_eq!(filter.evaluate(&parsed), Ok(true));
        group.bench_function(name, |b| {
            b.iter(|| black_box(filter.evaluate(black_box(&parsed))))
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(std::time::Duration::from_secs(1))
        .measurement_time(std::time::Duration::from_secs(3));
    targets = routing, cel
}
criterion_main!(benches);
