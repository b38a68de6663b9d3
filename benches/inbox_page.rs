//! What the inbox's web page costs on a full inbox: each page over HTTP on loopback, on the
//! embedded store holding 100,000 events (three routes, received over the last two hours; 90 %
//! done, 5 % dead, 5 % queued; an attempt each in the history). Target: the events page in
//! < 200 ms with 100,000 events (issue 26).
//!
//! ```sh
//! cargo bench --bench inbox_page                            # measure (100,000 events)
//! INBOX_PAGE_EVENTS=1000000 cargo bench --bench inbox_page  # another size
//! cargo bench --bench inbox_page -- --test                  # smoke test: 2,000 events, once
//! ```

use std::time::Instant;

use clustaar_webhook::http::HttpRoute;
use clustaar_webhook::inbox::ui::InboxUi;
use clustaar_webhook::inbox::{open_store, Durable, InboxOptions, StoreLocation};
use clustaar_webhook::testing::{TestClient, TestServer};
use clustaar_webhook::Webhook;
use criterion::{criterion_group, criterion_main, Criterion};
use http::{Method, StatusCode};

#[allow(dead_code)]
#[path = "../tests/common/inbox_fill.rs"]
mod inbox_fill;

/// How many events: `INBOX_PAGE_EVENTS`, 100,000 when measuring, 2,000 for the smoke test.
fn size() -> usize {
    let measuring = std::env::args().any(|arg| arg == "--bench");
    std::env::var("INBOX_PAGE_EVENTS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(if measuring { 100_000 } else { 2_000 })
}

fn pages(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let count = size();
    let dir = std::env::temp_dir().join(format!("webhook-inbox-page-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let location = StoreLocation::Embedded(Some(dir.clone()));
    let (server, client) = runtime.block_on(async {
        let store = open_store(&location, 4).await.unwrap();
        let started = Instant::now();
        inbox_fill::fill(&store, count).await;
        eprintln!("{count} events stored in {:.1?}", started.elapsed());
        let route = HttpRoute::new(Method::POST, "/stripe", || async { StatusCode::OK })
            .durable(Durable::new());
        let webhook = Webhook::new()
            .http_route(route)
            .inbox(InboxOptions {
                store: location.clone(),
                ..InboxOptions::default()
            })
            .inbox_ui(InboxUi::basic_auth("ops", "bench"));
        let server = TestServer::spawn(webhook).await.unwrap();
        let client = TestClient::http(server.url());
        (server, client)
    });
    let authorization = clustaar_webhook::security::BasicAuth::new("ops", "bench").header_value();
    let middle = (count / 2).to_string();
    let paths = [
        ("overview", "/inbox".to_owned()),
        ("events, newest", "/inbox/events".to_owned()),
        (
            "events, a middle page",
            format!("/inbox/events?before={middle}"),
        ),
        ("events, dead", "/inbox/events?state=dead".to_owned()),
        ("events, one route", "/inbox/events?route=github".to_owned()),
        ("events, by key", format!("/inbox/events?key=evt_{middle}")),
        ("dead letters", "/inbox/dead".to_owned()),
        ("one event", format!("/inbox/events/{middle}")),
    ];
    let mut group = c.benchmark_group(format!("inbox page, {count} events"));
    group.sample_size(20);
    for (name, path) in &paths {
        group.bench_function(*name, |b| {
            b.iter(|| {
                runtime.block_on(async {
                    let page = client
                        .request(Method::GET, path)
                        .header("authorization", authorization.clone())
                        .send()
                        .await;
                    assert_eq!(page.status(), StatusCode::OK, "{path}: {}", page.text());
                    page
                })
            });
        });
    }
    group.finish();
    runtime.block_on(server.shutdown()).unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}

criterion_group!(benches, pages);
criterion_main!(benches);
