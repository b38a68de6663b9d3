//! A decompression bomb: 1 GiB of zeros, gzipped to about 1 MiB, posted over HTTP to a webhook
//! with the default 2 MiB limit. The answer is a `413`, and the memory of this process (server
//! and client both) never comes near the gigabyte: its peak resident size (`VmHWM`) stays under
//! 64 MiB. Alone in its file so no other test shares the process.

use std::io::Write;
use std::time::{Duration, Instant};

use clustaar_webhook::prelude::*;
use clustaar_webhook::testing::TestServer;

const GIB: usize = 1024 * 1024 * 1024;

/// The peak resident set size of this process, in bytes (Linux).
fn peak_memory() -> usize {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    let line = status
        .lines()
        .find(|line| line.starts_with("VmHWM:"))
        .expect("a VmHWM line");
    let kib: usize = line
        .trim_start_matches("VmHWM:")
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .expect("a number of kB");
    kib * 1024
}

/// 1 GiB of zeros, gzipped, written 1 MiB at a time so the zeros are never all in memory.
fn gzip_bomb() -> Vec<u8> {
    let zeros = vec![0u8; 1024 * 1024];
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    for _ in 0..GIB / zeros.len() {
        encoder.write_all(&zeros).unwrap();
    }
    encoder.finish().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_gigabyte_of_gzipped_zeros_is_413_without_using_the_memory() {
    let started = Instant::now();
    let bomb = tokio::task::spawn_blocking(gzip_bomb).await.unwrap();
    let compressed_in = started.elapsed();
    // Small enough to pass the limit on received bytes: only decoding can catch it.
    assert!(
        bomb.len() < clustaar_webhook::DEFAULT_BODY_LIMIT,
        "{} bytes",
        bomb.len()
    );
    let server = TestServer::spawn(Webhook::new().request_max_age(None).on(
        topics::STEP_REACHED,
        StepReachedResponse::new,
        (),
    ))
    .await
    .unwrap();
    let sent = Instant::now();
    let response = server
        .client()
        .post(bomb)
        .header("content-type", "application/json")
        .header("content-encoding", "gzip")
        .send()
        .await;
    let answered_in = sent.elapsed();
    assert_eq!(response.status(), 413, "{}", response.text());
    assert_eq!(
        response.json(),
        serde_json::json!({
            "title": "413 Payload Too Large",
            "description": "The decoded request body is larger than the limit of 2097152 bytes."
        })
    );
    server.shutdown().await.unwrap();
    let peak = peak_memory();
    eprintln!(
        "bomb compressed in {compressed_in:?}, answered in {answered_in:?}, peak memory {} MiB",
        peak / (1024 * 1024)
    );
    assert!(peak < 64 * 1024 * 1024, "peak memory {peak} bytes");
    assert!(answered_in < Duration::from_secs(5), "{answered_in:?}");
}
