//! A full inbox for the page's timings (`benches/inbox_page.rs`, `tests/inbox_browser.rs`):
//! events of three routes received over the last two hours, each run once: 90 % done, 5 % dead,
//! 5 % queued again, an attempt each in the history.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use clustaar_webhook::inbox::{Failure, Finished, NewEvent, Resolution, Store};
use http::HeaderMap;

/// The routes the events are spread over.
pub const ROUTES: [&str; 3] = ["stripe", "github", "shopify"];

/// Stores `count` events in `store`, in batches of 1,000, and ends an attempt of each.
pub async fn fill(store: &Arc<dyn Store>, count: usize) {
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
                body: Bytes::from(format!(
                    r#"{{"id":"evt_{n}","type":"invoice.paid","amount":{n}}}"#
                )),
                received_at: now - 7_200_000 + (n as i64 * 7_200_000 / count as i64),
                idempotency_key: Some(format!("evt_{n}")),
            })
            .collect();
        made += batch.len();
        store.insert_batch(&batch, None).await.unwrap();
        let claimed = store
            .claim("filler", Duration::from_secs(60), 1000)
            .await
            .unwrap();
        let ends: Vec<Finished> = claimed
            .iter()
            .enumerate()
            .map(|(at, record)| {
                let resolution = match at % 20 {
                    // Given back: queued again.
                    0 => Resolution::Released,
                    1 => Resolution::Failed(Failure::Dead {
                        error: "no such customer".to_owned(),
                    }),
                    _ => Resolution::Done,
                };
                Finished::of(record, "filler", now, resolution)
            })
            .collect();
        store.finish(&ends).await.unwrap();
    }
}
