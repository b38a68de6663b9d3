//! Slow clients over real connections on 127.0.0.1: senders that trickle their headers do not
//! slow the others down and are cut at the header read timeout; a body trickled within the body
//! read timeout is served.

mod common;

#[allow(dead_code)]
#[path = "../examples/echo_bot.rs"]
mod echo_bot_example;

use std::time::{Duration, Instant, SystemTime};

use clustaar_webhook::testing::{http_date, Signer, TestServer};
use common::FIXTURE;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::task::JoinSet;

const KEY: &str = "slow-key";

/// How many connections trickle their headers.
const SLOW_CONNECTIONS: usize = 200;

/// The header read timeout of the server under test.
const HEADER_TIMEOUT: Duration = Duration::from_secs(3);

/// The median and the slowest of `count` signed requests of a normal client, each on a new
/// connection (as the platform sends them).
async fn latencies(server: &TestServer, count: usize) -> (Duration, Duration) {
    let client = server.client().signer(Signer::new().private_key(KEY));
    let mut times = Vec::with_capacity(count);
    for _ in 0..count {
        let started = Instant::now();
        let response = client.post(FIXTURE).send().await;
        times.push(started.elapsed());
        assert_eq!(response.status(), 200, "{:?}", response.body());
    }
    times.sort();
    (times[count / 2], times[count - 1])
}

/// Sends `GET / HTTP/1.1\r\n...` one byte a second until the server closes the connection;
/// returns how long it stayed open, or `None` if it was still open after `limit`.
async fn trickle_headers(addr: std::net::SocketAddr, limit: Duration) -> Option<Duration> {
    let started = Instant::now();
    let mut stream = TcpStream::connect(addr).await.ok()?;
    let request = b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n";
    for byte in request.iter().cycle() {
        if started.elapsed() > limit {
            return None;
        }
        if stream.write_all(&[*byte]).await.is_err() {
            return Some(started.elapsed());
        }
        // A closed connection reads 0 bytes (or an error) at once.
        let mut buffer = [0u8; 512];
        match tokio::time::timeout(Duration::from_secs(1), stream.read(&mut buffer)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return Some(started.elapsed()),
            // The server may answer a 408 before it closes: keep reading.
            Ok(Ok(_)) | Err(_) => {}
        }
    }
    unreachable!("the request cycles")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_header_tricklers_neither_slow_a_normal_client_nor_stay() {
    let server = TestServer::spawn(
        echo_bot_example::echo_bot()
            .private_key(KEY)
            .header_read_timeout(HEADER_TIMEOUT),
    )
    .await
    .unwrap();
    let (quiet_median, quiet_slowest) = latencies(&server, 30).await;

    let mut tricklers = JoinSet::new();
    for _ in 0..SLOW_CONNECTIONS {
        let addr = server.addr();
        tricklers.spawn(trickle_headers(addr, HEADER_TIMEOUT * 3));
    }
    // Let every trickler connect and start.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let (busy_median, busy_slowest) = latencies(&server, 30).await;

    let mut cut = Vec::with_capacity(SLOW_CONNECTIONS);
    while let Some(held) = tricklers.join_next().await {
        cut.push(held.unwrap());
    }
    server.shutdown().await.unwrap();

    eprintln!(
        "normal client alone: median {quiet_median:?}, slowest {quiet_slowest:?}; \
         next to {SLOW_CONNECTIONS} header tricklers: median {busy_median:?}, slowest {busy_slowest:?}"
    );
    // The usual latency: a request costs about a millisecond here; the bounds leave room for
    // a shared, noisy machine without letting a stalled server pass.
    assert!(
        busy_median <= quiet_median * 5 + Duration::from_millis(20),
        "median {busy_median:?} next to the tricklers, {quiet_median:?} alone"
    );
    assert!(
        busy_slowest < Duration::from_millis(500),
        "slowest {busy_slowest:?}"
    );
    // Every trickler is cut at the header read timeout, not before, not much after.
    let open: Vec<_> = cut.iter().filter(|held| held.is_none()).collect();
    assert!(open.is_empty(), "{} connections still open", open.len());
    for held in cut.into_iter().flatten() {
        assert!(
            held >= HEADER_TIMEOUT - Duration::from_millis(100)
                && held < HEADER_TIMEOUT + Duration::from_secs(2),
            "a trickler was held {held:?} (header read timeout {HEADER_TIMEOUT:?})"
        );
    }
}

#[tokio::test]
async fn a_body_trickled_within_the_body_read_timeout_is_served() {
    let server = TestServer::spawn(
        echo_bot_example::echo_bot()
            .private_key(KEY)
            .body_read_timeout(Duration::from_secs(3)),
    )
    .await
    .unwrap();
    let date = http_date(SystemTime::now());
    let mut head = format!(
        "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n",
        FIXTURE.len()
    );
    for (name, value) in Signer::new().private_key(KEY).headers(FIXTURE, Some(&date)) {
        if let Some(name) = name {
            head.push_str(&format!("{name}: {}\r\n", value.to_str().unwrap()));
        }
    }
    head.push_str("\r\n");
    let mut stream = TcpStream::connect(server.addr()).await.unwrap();
    stream.write_all(head.as_bytes()).await.unwrap();
    // 636 bytes in 20 pieces, 75 ms apart: 1.5 s, half the body read timeout.
    let started = Instant::now();
    for piece in FIXTURE.chunks(FIXTURE.len().div_ceil(20)) {
        stream.write_all(piece).await.unwrap();
        tokio::time::sleep(Duration::from_millis(75)).await;
    }
    let mut answer = String::new();
    tokio::time::timeout(Duration::from_secs(5), stream.read_to_string(&mut answer))
        .await
        .expect("answered within 5 s")
        .unwrap();
    assert!(started.elapsed() >= Duration::from_millis(1400));
    assert!(answer.starts_with("HTTP/1.1 200 OK\r\n"), "{answer}");
    assert!(
        answer.contains(r#""actions":[{"type":"pause_bot_action"}]"#),
        "{answer}"
    );
    server.shutdown().await.unwrap();
}
