//! HTTP/2 cleartext with prior knowledge (h2c, the `PRI * HTTP/2.0` preface) over real
//! connections on 127.0.0.1, next to HTTP/1.1 on the same port.

mod common;

#[allow(dead_code)]
#[path = "../examples/echo_bot.rs"]
mod echo_bot_example;

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use clustaar_webhook::prelude::*;
use clustaar_webhook::testing::{http_date, Signer, TestServer};
use common::FIXTURE;
use http::{header, Method, Request, Response, StatusCode, Version};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::client::conn::http2::SendRequest;
use hyper_util::rt::{TokioExecutor, TokioIo};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const KEY: &str = "h2-key";

/// An HTTP/2 connection to `server` with prior knowledge: no upgrade, no ALPN, the client
/// starts with the HTTP/2 preface.
async fn connect_h2(server: &TestServer) -> SendRequest<Full<Bytes>> {
    let stream = TcpStream::connect(server.addr()).await.unwrap();
    let (sender, connection) =
        hyper::client::conn::http2::handshake(TokioExecutor::new(), TokioIo::new(stream))
            .await
            .expect("the HTTP/2 handshake");
    tokio::spawn(async move {
        // Ends when the server closes the connection (or the test ends).
        let _ = connection.await;
    });
    sender
}

/// `POST /` with `body`, dated now and signed with [`KEY`].
fn signed_post(server: &TestServer, body: &'static [u8]) -> Request<Full<Bytes>> {
    let mut request = Request::builder()
        .method(Method::POST)
        .uri(format!("{}/", server.url()))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Full::new(Bytes::from_static(body)))
        .unwrap();
    let date = http_date(SystemTime::now());
    request
        .headers_mut()
        .extend(Signer::new().private_key(KEY).headers(body, Some(&date)));
    request
}

/// Status, protocol version and JSON body of `response`.
async fn read(response: Response<Incoming>) -> (StatusCode, Version, Value) {
    let status = response.status();
    let version = response.version();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    let json = serde_json::from_slice(&body)
        .unwrap_or_else(|_| panic!("not JSON: {}", String::from_utf8_lossy(&body)));
    (status, version, json)
}

fn echo_of_the_fixture() -> Value {
    json!({
        "actions": [{"type": "pause_bot_action"}],
        "session": {"values": {"name": "John"}},
        "interlocutor": null
    })
}

#[tokio::test]
async fn the_echo_bot_answers_the_fixture_over_http2_prior_knowledge() {
    let server = TestServer::spawn(echo_bot_example::echo_bot().private_key(KEY))
        .await
        .unwrap();
    let mut sender = connect_h2(&server).await;
    sender.ready().await.unwrap();
    let response = sender
        .send_request(signed_post(&server, FIXTURE))
        .await
        .unwrap();
    assert_eq!(response.headers()[header::CONTENT_TYPE], "application/json");
    let (status, version, body) = read(response).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(version, Version::HTTP_2);
    assert_eq!(body, echo_of_the_fixture());

    // Two streams at once on the same connection.
    let (first, second) = tokio::join!(
        sender.clone().send_request(signed_post(&server, FIXTURE)),
        sender.send_request(signed_post(&server, FIXTURE)),
    );
    for response in [first.unwrap(), second.unwrap()] {
        assert_eq!(
            read(response).await,
            (StatusCode::OK, Version::HTTP_2, echo_of_the_fixture())
        );
    }

    // A wrong signature is refused over HTTP/2 as over HTTP/1.1.
    let mut forged = signed_post(&server, FIXTURE);
    forged
        .headers_mut()
        .insert("x-hub-signature", "sha1=00".parse().unwrap());
    let (status, _, body) = read(sender.send_request(forged).await.unwrap()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");

    // HTTP/1.1 on the same port.
    let http1 = server
        .client()
        .signer(Signer::new().private_key(KEY))
        .post(FIXTURE)
        .header(header::CONTENT_TYPE, "application/json")
        .send()
        .await;
    assert_eq!(http1.status(), StatusCode::OK);
    assert_eq!(http1.json(), echo_of_the_fixture());
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn graceful_shutdown_lets_an_in_flight_http2_request_finish() {
    let started = Arc::new(tokio::sync::Notify::new());
    let signal = Arc::clone(&started);
    let webhook = Webhook::new().private_key(KEY).on(
        topics::STEP_REACHED,
        move || common::finish_slowly(Arc::clone(&signal)),
        (),
    );
    let server = TestServer::spawn(webhook).await.unwrap();
    let mut sender = connect_h2(&server).await;
    sender.ready().await.unwrap();
    let in_flight = tokio::spawn(sender.send_request(signed_post(&server, FIXTURE)));
    tokio::time::timeout(Duration::from_secs(5), started.notified())
        .await
        .expect("the handler starts");
    tokio::time::timeout(Duration::from_secs(5), server.shutdown())
        .await
        .expect("the server stops")
        .unwrap();
    let (status, version, body) = read(in_flight.await.unwrap().unwrap()).await;
    assert_eq!((status, version), (StatusCode::OK, Version::HTTP_2));
    assert_eq!(body["actions"][0]["alternatives"][0], "finished");
}

/// Reads from `stream` until the server closes it (`true`) or 5 s pass without a byte (`false`).
async fn closed_by_the_server(stream: &mut TcpStream) -> bool {
    let mut buffer = [0u8; 1024];
    loop {
        match tokio::time::timeout(Duration::from_secs(5), stream.read(&mut buffer)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return true,
            Ok(Ok(_)) => {} // the server's SETTINGS, its acknowledgement, a PING, a GOAWAY
            Err(_) => return false,
        }
    }
}

/// A client that starts the HTTP/2 preface and stops, or sends the whole preface and then no
/// request, is disconnected after the header read timeout, as an HTTP/1.1 client that sends no
/// headers is.
#[tokio::test]
async fn an_http2_connection_without_a_request_is_closed() {
    let server = TestServer::spawn(
        echo_bot_example::echo_bot().header_read_timeout(Duration::from_millis(300)),
    )
    .await
    .unwrap();
    let cases: [&[u8]; 2] = [
        // Part of the preface: the protocol is still unknown.
        b"PRI * HTTP/2.0\r\n",
        // The preface and an empty SETTINGS frame.
        b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\x00\x00\x00\x04\x00\x00\x00\x00\x00",
    ];
    for sent in cases {
        let mut stream = TcpStream::connect(server.addr()).await.unwrap();
        stream.write_all(sent).await.unwrap();
        let started = Instant::now();
        let closed = closed_by_the_server(&mut stream).await;
        let waited = started.elapsed();
        let sent = String::from_utf8_lossy(sent);
        assert!(closed, "{sent:?}: the connection is still open");
        assert!(
            waited >= Duration::from_millis(250) && waited < Duration::from_secs(3),
            "{sent:?}: closed after {waited:?}"
        );
    }
    server.shutdown().await.unwrap();
}
