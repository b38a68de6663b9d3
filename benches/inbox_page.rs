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

use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use criterion::{criterion_group, criterion_main, Criterion};
use http::{HeaderMap, Method, StatusCode};
use webhook::http::HttpRoute;
use webhook::inbox::ui::InboxUi;
use webhook::inbox::{
    open_store, Durable, Failure, Finished, InboxOptions, NewEvent, Resolution, Store,
    StoreLocation,
};
use webhook::testing::{TestClient, TestServer};
use webhook::Webhook;

const ROUTES: [&str; 3] = ["stripe", "github", "shopify"];

/// How many events: `INBOX_PAGE_EVENTS`, 100,000 when measuring, 2,000 for the smoke test.
fn size() -> usize {
    let measuring = std::env::args().any(|arg| arg == "--bench");
    std::env::var("INBOX_PAGE_EVENTS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(if measuring { 100_000 } else { 2_000 })
}

/// Fills `store` with `count` events, in batches, and runs each once.
async fn fill(store: &Arc<dyn Store>, count: usize) {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    let mut headers = HeaderMap::new();
    headers.insert("content-type", "application/json".parse().unwrap());
    headers.insert("x-hub-signature-256", "sha256=00".parse().unwrap());
    let mut made = 0;
    while made < count {
        let batch: Vec<NewEvent> = (made..count.min(made + 1000))
            .map(|n| NewEvent {
                route: ROUTES[n % ROUTES.len()].to_owned(),
                method: "POST".to_owned(),
                uri: format!("/{}", ROUTES[n % ROUTES.len()]),
                headers: headers.clone(),
                body: Bytes::from(format!(r#"{{"id":"evt_{n}","type":"invoice.paid","amount":{n}}}"#)),
                received_at: now - 7_200_000 + (n as i64 * 7_200_000 / count as i64),
                idempotency_key: Some(format!("evt_{n}")),
            })
            .collect();
        made += batch.len();
        store.insert_batch(&batch, None).await.unwrap();
        let claimed = store.claim("bench", Duration::from_secs(60), 1000).await.unwrap();
        let ends: Vec<Finished> = claimed
            .iter()
            .enumerate()
            .filter(|(at, _)| at % 20 != 0)
            .map(|(at, record)| {
                let resolution = if at % 20 == 1 {
                    Resolution::Failed(Failure::Dead {
                        error: "no such customer".to_owned(),
                    })
                } else {
                    Resolution::Done
                };
                Finished::of(record, "bench", now, resolution)
            })
            .collect();
        store.finish(&ends).await.unwrap();
        // The twentieth is given back (queued again).
        let released: Vec<Finished> = claimed
            .iter()
            .step_by(20)
            .map(|record| Finished::of(record, "bench", now, Resolution::Released))
            .collect();
        store.finish(&released).await.unwrap();
    }
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
        fill(&store, count).await;
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
    let authorization = webhook::security::BasicAuth::new("ops", "bench").header_value();
    let middle = (count / 2).to_string();
    let paths = [
        ("overview", "/inbox".to_owned()),
        ("events, newest", "/inbox/events".to_owned()),
        ("events, a middle page", format!("/inbox/events?before={middle}")),
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
