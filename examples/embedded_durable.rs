//! Durable routes inside an application's own axum server: the webhook's router is nested under
//! `/hooks` next to the application's routes, and its inbox (store and workers) is started by
//! `Webhook::into_router_with_inbox`, then shut down after the server.
//!
//! `POST /hooks/shopify/orders` is durable and deduplicated on a key made of two fields, a CEL
//! expression checked at compile time: the shop (the `X-Shopify-Shop-Domain` header) and the
//! order's id in the body. Each processed order appends `SHOP/ID ATTEMPT` to the file named by
//! `PROCESSED_LOG` (when set).
//!
//! ```sh
//! WEBHOOK_DATA_DIR=/tmp/shop PROCESSED_LOG=orders.log cargo run --example embedded_durable
//! # in another terminal (the second is a duplicate: 200, not processed again):
//! for i in 1 2; do
//!   curl -i localhost:8000/hooks/shopify/orders -H 'X-Shopify-Shop-Domain: acme.example' \
//!     -H 'Content-Type: application/json' -d '{"id": 820982911946154508}'
//! done
//! curl localhost:8000/version
//! ```
//!
//! Settings: `WEBHOOK_ADDR` (default `127.0.0.1:8000`), `WEBHOOK_DATA_DIR` (the embedded
//! store's directory; default the working directory) or `WEBHOOK_STORE` (`postgres://...`).

use std::io::Write as _;
use std::time::Duration;

use clustaar_webhook::inbox::{Delivery, InboxOptions};
use clustaar_webhook::prelude::*;
use serde::Deserialize;

/// The part of a Shopify order this example reads.
#[derive(Debug, Deserialize)]
struct Order {
    id: u64,
}

/// Stored, then run by the workers, once per shop and order id.
#[on(
    http(post),
    path = "/shopify/orders",
    durable,
    idempotency_key = cel(r#"data.headers["X-Shopify-Shop-Domain"] + "/" + string(data.body.json.id)"#)
)]
async fn order_created(
    delivery: Delivery,
    headers: HeaderMap,
    Json(order): Json<Order>,
) -> Result<StatusCode, HandlerError> {
    let shop = headers
        .get("x-shopify-shop-domain")
        .and_then(|value| value.to_str().ok())
        .unwrap_or("unknown");
    if let Some(path) = std::env::var_os("PROCESSED_LOG") {
        let mut log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)?;
        log.write_all(format!("{shop}/{} {}\n", order.id, delivery.attempt).as_bytes())?;
    }
    Ok(StatusCode::OK)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt().with_env_filter("info").init();
    let store = std::env::var("WEBHOOK_STORE").ok();
    let data_dir = std::env::var_os("WEBHOOK_DATA_DIR").map(Into::into);
    let options = InboxOptions {
        store: clustaar_webhook::inbox::StoreLocation::from_settings(store.as_deref(), data_dir)?,
        ..InboxOptions::default()
    };
    let webhook = Webhook::from_registry()?.inbox(options);
    let readiness = webhook.readiness();
    let (hooks, workers) = webhook.into_router_with_inbox().await?;
    let app = axum::Router::new()
        .route("/version", axum::routing::get(|| async { "1.0" }))
        .nest_service("/hooks", hooks);
    let addr = std::env::var("WEBHOOK_ADDR").unwrap_or_else(|_| "127.0.0.1:8000".to_owned());
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    tracing::info!(address = %listener.local_addr()?, "listening");
    axum::serve(listener, app)
        .with_graceful_shutdown(async move {
            clustaar_webhook::shutdown_signal().await;
            readiness.drain();
        })
        .await?;
    // The server answered its last request: let the running attempts finish (or release them).
    let finished = workers.shutdown(Some(Duration::from_secs(25))).await;
    tracing::info!(finished, "inbox workers stopped");
    Ok(())
}
