//! The load benchmark's reference: the echo bot written by hand on axum, with the same
//! security and the same answer, and no framework in between.
//!
//! It does all the work the echo bot does (the max-age check, the `X-Hub-Signature` HMAC over
//! the raw body, a full JSON parse, the echo answer serialised) and nothing more: no routing
//! table, no filters, no typed models, no logging.
//!
//! ```sh
//! WEBHOOK_PRIVATE_KEY=bench WEBHOOK_REQUEST_MAX_AGE=none \
//!     cargo run --manifest-path benches/load/baseline/Cargo.toml --locked --profile release-lto
//! ```
//!
//! A workspace of its own, with the dependencies' default features, as a user writes it (see
//! its `Cargo.toml`).
//!
//! Configured from the environment: `WEBHOOK_ADDR` (default `127.0.0.1:8001`),
//! `WEBHOOK_PRIVATE_KEY` (no check when unset), `WEBHOOK_REQUEST_MAX_AGE` (seconds, `none`
//! disables; default 10).
//!
//! The server itself is in `app.rs`, shared with the in-process benchmark
//! (`benches/pipeline.rs`, built there with the root workspace's dependencies).

mod app;

use std::time::Duration;

use app::Config;
use hmac::{Hmac, Mac};
use sha1::Sha1;

/// Reads the configuration, or says what is wrong with it and exits with code 2.
fn config() -> (String, Config) {
    let fail = |message: String| -> ! {
        eprintln!("load_baseline: {message}");
        std::process::exit(2)
    };
    let var = |name: &str| std::env::var(name).ok().filter(|value| !value.is_empty());
    let addr = var("WEBHOOK_ADDR").unwrap_or_else(|| "127.0.0.1:8001".to_owned());
    let mac = var("WEBHOOK_PRIVATE_KEY").map(|key| {
        Hmac::<Sha1>::new_from_slice(key.as_bytes()).expect("HMAC accepts keys of any length")
    });
    let max_age = match var("WEBHOOK_REQUEST_MAX_AGE") {
        None => Some(Duration::from_secs(10)),
        Some(value) if value.trim().eq_ignore_ascii_case("none") => None,
        Some(value) => match value.trim().parse::<u64>() {
            Ok(seconds) => Some(Duration::from_secs(seconds)),
            Err(_) => fail(format!(
                "WEBHOOK_REQUEST_MAX_AGE must be a whole number of seconds or \"none\", not {value:?}"
            )),
        },
    };
    (addr, Config { mac, max_age })
}

#[tokio::main]
async fn main() {
    let (addr, config) = config();
    let app = app::router(config);
    let listener = match tokio::net::TcpListener::bind(&addr).await {
        Ok(listener) => listener,
        Err(bind_error) => {
            eprintln!("load_baseline: cannot listen on {addr}: {bind_error}");
            std::process::exit(1);
        }
    };
    if let Err(serve_error) = axum::serve(listener, app).await {
        eprintln!("load_baseline: {serve_error}");
        std::process::exit(1);
    }
}
