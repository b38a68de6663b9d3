//! SIGTERM under load: the echo bot, as a program, kept busy by 32 keep-alive connections (the
//! load test's set-up) when SIGTERM arrives. No request gets a 5xx or a truncated answer; the
//! process exits 0 within its shutdown timeout. Requests refused or cut at the socket after the
//! drain are fine, and counted.

mod common;

use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use clustaar_webhook::testing::{http_date, Signer};
use common::programs::{example, free_addr, Running};
use common::FIXTURE;
use http::{header, Method, Request};
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioIo;
use serde_json::{json, Value};
use tokio::net::TcpStream;

const KEY: &str = "sigterm-key";
const CONNECTIONS: usize = 32;

#[derive(Default)]
struct Tally {
    /// Answered 200 with the whole, expected answer.
    answered: AtomicUsize,
    /// Answered with a 5xx, another status, or a body that is cut or not the expected answer.
    wrong: AtomicUsize,
    /// A request sent on a connection that the server closed (after the drain).
    cut_at_the_socket: AtomicUsize,
    /// A new connection refused (the listener is closed).
    refused: AtomicUsize,
}

fn signed(addr: &str) -> Request<Full<Bytes>> {
    let mut request = Request::builder()
        .method(Method::POST)
        .uri(format!("http://{addr}/"))
        .header(header::HOST, addr)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Full::new(Bytes::from_static(FIXTURE)))
        .unwrap();
    let date = http_date(SystemTime::now());
    request
        .headers_mut()
        .extend(Signer::new().private_key(KEY).headers(FIXTURE, Some(&date)));
    request
}

/// One client connection after another until `stop`: each sends requests until it is closed.
async fn client(addr: String, stop: Arc<AtomicBool>, tally: Arc<Tally>, expected: Value) {
    while !stop.load(Ordering::Relaxed) {
        let Ok(stream) = TcpStream::connect(&addr).await else {
            tally.refused.fetch_add(1, Ordering::Relaxed);
            tokio::time::sleep(Duration::from_millis(20)).await;
            continue;
        };
        let Ok((mut sender, connection)) =
            hyper::client::conn::http1::handshake(TokioIo::new(stream)).await
        else {
            tally.cut_at_the_socket.fetch_add(1, Ordering::Relaxed);
            continue;
        };
        tokio::spawn(connection);
        while !stop.load(Ordering::Relaxed) {
            if sender.ready().await.is_err() {
                tally.cut_at_the_socket.fetch_add(1, Ordering::Relaxed);
                break;
            }
            let response = match sender.send_request(signed(&addr)).await {
                Ok(response) => response,
                Err(_) => {
                    // No answer began: the connection was closed under the request.
                    tally.cut_at_the_socket.fetch_add(1, Ordering::Relaxed);
                    break;
                }
            };
            let status = response.status();
            // A head was sent: the body must come whole.
            let body = response.into_body().collect().await.map(|b| b.to_bytes());
            let whole = body
                .ok()
                .and_then(|body| serde_json::from_slice::<Value>(&body).ok());
            if status == 200 && whole.as_ref() == Some(&expected) {
                tally.answered.fetch_add(1, Ordering::Relaxed);
            } else {
                eprintln!("wrong answer: {status} {whole:?}");
                tally.wrong.fetch_add(1, Ordering::Relaxed);
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_under_load_answers_every_request_whole_and_exits_0() {
    let addr = free_addr();
    let mut bot = Command::new(example("echo_bot"));
    bot.envs([
        ("WEBHOOK_ADDR", addr.as_str()),
        ("WEBHOOK_PRIVATE_KEY", KEY),
        ("WEBHOOK_SHUTDOWN_TIMEOUT", "10"),
        ("RUST_LOG", "warn"),
    ]);
    let mut bot = Running::serving(bot, &addr);
    let expected = json!({
        "actions": [{"type": "pause_bot_action"}],
        "session": {"values": {"name": "John"}},
        "interlocutor": null
    });

    let stop = Arc::new(AtomicBool::new(false));
    let tally = Arc::new(Tally::default());
    let clients: Vec<_> = (0..CONNECTIONS)
        .map(|_| {
            tokio::spawn(client(
                addr.clone(),
                Arc::clone(&stop),
                Arc::clone(&tally),
                expected.clone(),
            ))
        })
        .collect();

    tokio::time::sleep(Duration::from_millis(1500)).await;
    let before = tally.answered.load(Ordering::Relaxed);
    bot.terminate();
    let signalled = Instant::now();
    let status = tokio::task::spawn_blocking(move || bot.exit_status(Duration::from_secs(15)))
        .await
        .unwrap();
    let exited_after = signalled.elapsed();
    // The clients go on a moment after the exit: every later attempt is refused.
    tokio::time::sleep(Duration::from_millis(200)).await;
    stop.store(true, Ordering::Relaxed);
    for client in clients {
        client.await.unwrap();
    }

    let answered = tally.answered.load(Ordering::Relaxed);
    let wrong = tally.wrong.load(Ordering::Relaxed);
    let cut = tally.cut_at_the_socket.load(Ordering::Relaxed);
    let refused = tally.refused.load(Ordering::Relaxed);
    eprintln!(
        "{CONNECTIONS} connections: {before} answered before SIGTERM, {answered} in all; \
         {wrong} wrong; {cut} cut at the socket after the drain, {refused} connections refused; \
         exit {status} {exited_after:?} after SIGTERM"
    );
    assert!(before > 100, "the bot was not under load: {before} answers");
    assert_eq!(wrong, 0, "answers that were 5xx, cut or not the echo");
    assert!(status.success(), "exit status {status}");
    assert!(
        exited_after < Duration::from_secs(10),
        "exited {exited_after:?} after SIGTERM (shutdown timeout 10 s)"
    );
}
