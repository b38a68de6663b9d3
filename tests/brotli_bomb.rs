//! A Brotli bomb: 52 bytes declaring a 16 MiB window, that decode to 64 MiB of zeros. The
//! decoder fills its window before its first output, so before the window cap it took 16 MiB
//! of memory to refuse them (found by the `decode` fuzz target): this process's peak resident
//! size reached 32 MiB. Now the window is refused before it is allocated (`413`), and the peak
//! stays under 24 MiB (14 MiB measured: the test binary, its runtime and its server).
//! Alone in its file so no other test shares the process.

use clustaar_webhook::prelude::*;
use clustaar_webhook::testing::TestServer;

/// 64 MiB of zeros, Brotli quality 5, `lgwin` 24 (a 16 MiB window), in meta-blocks of 16 MiB.
const BOMB: &str = "cfffff7f002400e2b14072effff9ffff0f8004401c1680eefd3fffffff01900088c302d0bdffe7ffff3f001200715800baf7ff03";

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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sixteen_mebibyte_brotli_window_is_413_without_the_memory() {
    let bomb = hex::decode(BOMB).unwrap();
    let server = TestServer::spawn(Webhook::new().request_max_age(None).on(
        topics::STEP_REACHED,
        StepReachedResponse::new,
        (),
    ))
    .await
    .unwrap();
    for _ in 0..4 {
        let response = server
            .client()
            .post(bomb.clone())
            .header("content-type", "application/json")
            .header("content-encoding", "br")
            .send()
            .await;
        assert_eq!(response.status(), 413, "{}", response.text());
        assert_eq!(
            response.json()["description"],
            "The request body's Brotli stream needs a window of 16777216 bytes; this webhook \
             decodes windows of at most 4194304 bytes."
        );
    }
    server.shutdown().await.unwrap();
    let peak = peak_memory();
    eprintln!("peak memory {} MiB", peak / (1024 * 1024));
    // 14 MiB here with the cap (the test binary, its runtime and server); 32 MiB without it.
    assert!(peak < 24 * 1024 * 1024, "peak memory {peak} bytes");
}
