//! Keep-alive connections between requests, over raw TCP on 127.0.0.1: the server frees hyper's
//! buffers while a connection is idle and gives the socket to a new hyper connection when the
//! client sends again (`webhook/src/http_server/idle.rs`). Whatever the client does across that
//! gap is served as before: requests after a pause, pipelined requests (whole, or one cut in
//! two around the pause), a request whose body the handler did not read, `Connection: close`;
//! and the header read timeout still counts from the end of the previous answer, for every
//! request of a busy connection too.

mod common;

use std::time::{Duration, Instant};

use axum::routing::post;
use clustaar_webhook::prelude::*;
use clustaar_webhook::testing::TestServer;
use common::FIXTURE;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

fn echo(event: StepReached) -> StepReachedResponse {
    StepReachedResponse::with_actions(event.actions().to_vec())
}

/// The step notification, unsigned, as one HTTP/1.1 request.
fn step_request() -> Vec<u8> {
    let mut request = format!(
        "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        FIXTURE.len()
    )
    .into_bytes();
    request.extend_from_slice(FIXTURE);
    request
}

/// A POST of `body` to `path`.
fn post_request(path: &str, body: &str) -> Vec<u8> {
    format!(
        "POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// An answer as read off the connection.
#[derive(Debug)]
struct Answer {
    status: u16,
    headers: String,
    body: Vec<u8>,
}

/// Reads one answer (with a `Content-Length`) from `stream`; the bytes read past it stay in
/// `pending`. Fails after 5 s.
async fn read_answer(stream: &mut TcpStream, pending: &mut Vec<u8>) -> Answer {
    tokio::time::timeout(Duration::from_secs(5), async {
        let head_end = loop {
            if let Some(end) = pending.windows(4).position(|w| w == b"\r\n\r\n") {
                break end + 4;
            }
            read_more(stream, pending).await;
        };
        let headers = String::from_utf8(pending[..head_end].to_vec()).unwrap();
        let status = headers[9..12].parse().unwrap();
        let length: usize = headers
            .lines()
            .find_map(|line| {
                let (name, value) = line.split_once(':')?;
                name.eq_ignore_ascii_case("content-length")
                    .then(|| value.trim().parse().unwrap())
            })
            .expect("a content-length");
        while pending.len() < head_end + length {
            read_more(stream, pending).await;
        }
        let body = pending[head_end..head_end + length].to_vec();
        pending.drain(..head_end + length);
        Answer {
            status,
            headers,
            body,
        }
    })
    .await
    .expect("an answer within 5 s")
}

async fn read_more(stream: &mut TcpStream, pending: &mut Vec<u8>) {
    let mut buffer = [0; 4096];
    let n = stream.read(&mut buffer).await.unwrap();
    assert!(n > 0, "the server closed the connection");
    pending.extend_from_slice(&buffer[..n]);
}

/// Whether the server closes `stream` within `limit` (reads give nothing more).
async fn closed_within(stream: &mut TcpStream, limit: Duration) -> bool {
    let mut buffer = [0; 512];
    matches!(
        tokio::time::timeout(limit, stream.read(&mut buffer)).await,
        Ok(Ok(0) | Err(_))
    )
}

/// `POST /echo` answers its body; `POST /ignore` answers without reading it.
async fn routes_server() -> TestServer {
    let app = axum::Router::new()
        .route("/echo", post(|body: String| async move { body }))
        .route("/ignore", post(|| async { "ignored" }));
    TestServer::spawn_router(app).await.unwrap()
}

#[tokio::test]
async fn a_connection_idle_between_requests_is_served_each_time() {
    let server = TestServer::spawn(Webhook::new().request_max_age(None).on(
        topics::STEP_REACHED,
        echo,
        (),
    ))
    .await
    .unwrap();
    let mut stream = TcpStream::connect(server.addr()).await.unwrap();
    let mut pending = Vec::new();
    let mut answers = Vec::new();
    for pause in [0, 50, 300, 0, 150] {
        tokio::time::sleep(Duration::from_millis(pause)).await;
        stream.write_all(&step_request()).await.unwrap();
        let answer = read_answer(&mut stream, &mut pending).await;
        assert_eq!(answer.status, 200, "{answer:?}");
        answers.push(answer.body);
    }
    assert!(answers.windows(2).all(|pair| pair[0] == pair[1]));
    let actions: serde_json::Value = serde_json::from_slice(&answers[0]).unwrap();
    assert!(actions["actions"].is_array(), "{actions}");
    assert!(pending.is_empty());
}

#[tokio::test]
async fn pipelined_requests_are_answered_in_order() {
    let server = routes_server().await;
    let mut stream = TcpStream::connect(server.addr()).await.unwrap();
    let mut requests = post_request("/echo", "first");
    requests.extend(post_request("/ignore", "second"));
    requests.extend(post_request("/echo", "third"));
    stream.write_all(&requests).await.unwrap();
    let mut pending = Vec::new();
    let mut bodies = Vec::new();
    for _ in 0..3 {
        let answer = read_answer(&mut stream, &mut pending).await;
        assert_eq!(answer.status, 200, "{answer:?}");
        bodies.push(String::from_utf8(answer.body).unwrap());
    }
    assert_eq!(bodies, ["first", "ignored", "third"]);
}

#[tokio::test]
async fn a_pipelined_request_cut_around_a_pause_is_answered() {
    let server = routes_server().await;
    let mut stream = TcpStream::connect(server.addr()).await.unwrap();
    let second = post_request("/echo", "the second request's body");
    for cut in [5, 40, second.len() - 3] {
        // The first request, and the beginning of the second in the same write: the server
        // reads part of the second while the first is answered.
        let mut bytes = post_request("/echo", "first");
        bytes.extend_from_slice(&second[..cut]);
        stream.write_all(&bytes).await.unwrap();
        let mut pending = Vec::new();
        let first = read_answer(&mut stream, &mut pending).await;
        assert_eq!(first.body, b"first", "{first:?}");
        // Idle: the server has let go of its hyper connection, and of the bytes it read.
        tokio::time::sleep(Duration::from_millis(200)).await;
        stream.write_all(&second[cut..]).await.unwrap();
        let answer = read_answer(&mut stream, &mut pending).await;
        assert_eq!(answer.status, 200, "cut at {cut}: {answer:?}");
        assert_eq!(answer.body, b"the second request's body", "cut at {cut}");
    }
}

#[tokio::test]
async fn a_pipelined_request_cut_anywhere_is_answered() {
    let server = routes_server().await;
    let mut stream = TcpStream::connect(server.addr()).await.unwrap();
    let second = post_request("/echo", "second");
    let mut pending = Vec::new();
    for cut in 1..second.len() {
        let mut bytes = post_request("/echo", "first");
        bytes.extend_from_slice(&second[..cut]);
        stream.write_all(&bytes).await.unwrap();
        assert_eq!(read_answer(&mut stream, &mut pending).await.body, b"first");
        // Past the 10 ms after which an idle connection is released.
        tokio::time::sleep(Duration::from_millis(15)).await;
        stream.write_all(&second[cut..]).await.unwrap();
        let answer = read_answer(&mut stream, &mut pending).await;
        assert_eq!(answer.body, b"second", "cut at {cut}: {answer:?}");
    }
}

#[tokio::test]
async fn a_request_trickled_byte_by_byte_after_an_answer_is_answered() {
    let server = routes_server().await;
    let mut stream = TcpStream::connect(server.addr()).await.unwrap();
    let mut pending = Vec::new();
    stream
        .write_all(&post_request("/echo", "one"))
        .await
        .unwrap();
    assert_eq!(read_answer(&mut stream, &mut pending).await.body, b"one");
    for byte in post_request("/echo", "two") {
        tokio::time::sleep(Duration::from_millis(12)).await;
        stream.write_all(&[byte]).await.unwrap();
    }
    assert_eq!(read_answer(&mut stream, &mut pending).await.body, b"two");
}

#[tokio::test]
async fn a_request_whose_body_is_not_read_leaves_the_connection_usable() {
    let server = routes_server().await;
    let mut stream = TcpStream::connect(server.addr()).await.unwrap();
    let mut pending = Vec::new();
    for round in 0..3 {
        stream
            .write_all(&post_request("/ignore", &"x".repeat(3000)))
            .await
            .unwrap();
        let answer = read_answer(&mut stream, &mut pending).await;
        assert_eq!(answer.body, b"ignored", "round {round}");
        tokio::time::sleep(Duration::from_millis(100)).await;
        stream
            .write_all(&post_request("/echo", "still here"))
            .await
            .unwrap();
        let answer = read_answer(&mut stream, &mut pending).await;
        assert_eq!(answer.body, b"still here", "round {round}: {answer:?}");
    }
}

#[tokio::test]
async fn connection_close_still_closes() {
    let server = routes_server().await;
    let mut stream = TcpStream::connect(server.addr()).await.unwrap();
    stream
        .write_all(b"POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: 3\r\n\r\nbye")
        .await
        .unwrap();
    let mut pending = Vec::new();
    let answer = read_answer(&mut stream, &mut pending).await;
    assert_eq!(answer.body, b"bye");
    assert!(
        answer
            .headers
            .to_ascii_lowercase()
            .contains("connection: close"),
        "{}",
        answer.headers
    );
    assert!(closed_within(&mut stream, Duration::from_secs(2)).await);
}

/// The echo bot with the given header read timeout (`None`: none).
async fn echo_server_with_header_read_timeout(timeout: impl Into<Option<Duration>>) -> TestServer {
    TestServer::spawn(
        Webhook::new()
            .request_max_age(None)
            .header_read_timeout(timeout)
            .on(topics::STEP_REACHED, echo, ()),
    )
    .await
    .unwrap()
}

#[tokio::test]
async fn the_header_read_timeout_counts_from_the_end_of_the_previous_answer() {
    const TIMEOUT: Duration = Duration::from_secs(2);
    let server = echo_server_with_header_read_timeout(TIMEOUT).await;

    // Idle after an answer: closed at the timeout.
    let mut idle = TcpStream::connect(server.addr()).await.unwrap();
    idle.write_all(&step_request()).await.unwrap();
    read_answer(&mut idle, &mut Vec::new()).await;
    let answered = Instant::now();
    assert!(closed_within(&mut idle, TIMEOUT * 2).await);
    let closed_after = answered.elapsed();
    assert!(
        closed_after > TIMEOUT - Duration::from_millis(200),
        "{closed_after:?}"
    );

    // Part of a request's headers well into the timeout, then a little more, and no more: the
    // client's time ran from the end of the answer, not from those bytes (which would give it
    // 3.2 s or 3.4 s).
    let mut slow = TcpStream::connect(server.addr()).await.unwrap();
    slow.write_all(&step_request()).await.unwrap();
    read_answer(&mut slow, &mut Vec::new()).await;
    let answered = Instant::now();
    tokio::time::sleep(Duration::from_millis(1200)).await;
    slow.write_all(b"POST / HTTP/1.1\r\n").await.unwrap();
    // A second piece: the server now waits in hyper, on hyper's timer.
    tokio::time::sleep(Duration::from_millis(200)).await;
    slow.write_all(b"Host: 127").await.unwrap();
    assert!(closed_within(&mut slow, TIMEOUT * 2).await);
    let closed_after = answered.elapsed();
    assert!(
        closed_after < TIMEOUT + Duration::from_millis(800),
        "closed {closed_after:?} after the answer"
    );

    // A client that sends its next request within the timeout is served.
    let mut prompt = TcpStream::connect(server.addr()).await.unwrap();
    let mut pending = Vec::new();
    prompt.write_all(&step_request()).await.unwrap();
    read_answer(&mut prompt, &mut pending).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    prompt.write_all(&step_request()).await.unwrap();
    assert_eq!(read_answer(&mut prompt, &mut pending).await.status, 200);
}

/// A client that keeps its connection busy (each request within the idle grace of the previous
/// answer, so one hyper connection serves them all, on one kept timer: `http_server/timer.rs`)
/// still has the whole timeout for each request's headers, counted from its previous answer:
/// not cut at a deadline of an earlier request, nor let trickle forever.
#[tokio::test]
async fn each_request_of_a_busy_connection_has_its_whole_header_read_timeout() {
    const TIMEOUT: Duration = Duration::from_secs(1);
    let server = echo_server_with_header_read_timeout(TIMEOUT).await;
    let mut stream = TcpStream::connect(server.addr()).await.unwrap();
    let mut pending = Vec::new();
    let started = Instant::now();
    // Past the first requests' deadlines (at most 1,000 requests).
    for _ in 0..1000 {
        if started.elapsed() > TIMEOUT * 3 / 2 {
            break;
        }
        stream.write_all(&step_request()).await.unwrap();
        assert_eq!(read_answer(&mut stream, &mut pending).await.status, 200);
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert!(
        started.elapsed() > TIMEOUT * 3 / 2,
        "the requests took too little time"
    );
    stream
        .write_all(b"POST / HTTP/1.1\r\nHost: 127")
        .await
        .unwrap();
    let answered = Instant::now();
    assert!(closed_within(&mut stream, TIMEOUT * 3).await);
    let closed_after = answered.elapsed();
    assert!(
        closed_after > TIMEOUT - Duration::from_millis(200)
            && closed_after < TIMEOUT + Duration::from_millis(800),
        "closed {closed_after:?} after the last answer"
    );
}

/// Without a header read timeout (no timer at all), a connection is served request after
/// request, back to back and after a pause past the idle grace.
#[tokio::test]
async fn without_a_header_read_timeout_a_connection_is_served_as_usual() {
    let server = echo_server_with_header_read_timeout(None).await;
    let mut stream = TcpStream::connect(server.addr()).await.unwrap();
    let mut pending = Vec::new();
    for pause in [0, 0, 50, 0] {
        tokio::time::sleep(Duration::from_millis(pause)).await;
        stream.write_all(&step_request()).await.unwrap();
        assert_eq!(read_answer(&mut stream, &mut pending).await.status, 200);
    }
}

/// The value of the metric line starting with `name ` in the Prometheus text `text`.
fn gauge(text: &str, name: &str) -> f64 {
    text.lines()
        .find_map(|line| line.strip_prefix(name)?.strip_prefix(' '))
        .unwrap_or_else(|| panic!("no {name} in\n{text}"))
        .trim()
        .parse()
        .unwrap()
}

#[tokio::test]
async fn the_metrics_count_open_and_idle_connections() {
    let server = TestServer::spawn(
        Webhook::new()
            .request_max_age(None)
            .metrics_token("scrape")
            .on(topics::STEP_REACHED, echo, ()),
    )
    .await
    .unwrap();
    let scrape_request =
        b"GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer scrape\r\n\r\n";
    let mut idle = Vec::new();
    for _ in 0..3 {
        let mut stream = TcpStream::connect(server.addr()).await.unwrap();
        stream.write_all(&step_request()).await.unwrap();
        assert_eq!(read_answer(&mut stream, &mut Vec::new()).await.status, 200);
        idle.push(stream);
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    // Three idle connections, and the scrape's own, busy.
    let mut scraper = TcpStream::connect(server.addr()).await.unwrap();
    let mut pending = Vec::new();
    scraper.write_all(scrape_request).await.unwrap();
    let answer = read_answer(&mut scraper, &mut pending).await;
    let text = String::from_utf8(answer.body).unwrap();
    assert_eq!(gauge(&text, "webhook_connections"), 4.0, "{text}");
    assert_eq!(gauge(&text, "webhook_connections_idle"), 3.0, "{text}");

    drop(idle);
    tokio::time::sleep(Duration::from_millis(100)).await;
    scraper.write_all(scrape_request).await.unwrap();
    let answer = read_answer(&mut scraper, &mut pending).await;
    let text = String::from_utf8(answer.body).unwrap();
    assert_eq!(gauge(&text, "webhook_connections"), 1.0, "{text}");
    assert_eq!(gauge(&text, "webhook_connections_idle"), 0.0, "{text}");
}
