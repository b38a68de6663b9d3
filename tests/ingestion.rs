//! The ingestion rules over real HTTP: content types, content encodings (bodies compressed here
//! with the crates the server decodes with), the body limit on decoded bytes, the signature over
//! the bytes received, and the read timeouts.

mod common;

use std::io::Write;
use std::time::{Duration, Instant};

use clustaar_webhook::pipeline::content_type::ContentTypeCheck;
use clustaar_webhook::pipeline::encoding::ContentEncoding;
use clustaar_webhook::prelude::*;
use clustaar_webhook::testing::{Signer, TestServer};
use common::FIXTURE;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

fn echo(event: StepReached) -> StepReachedResponse {
    StepReachedResponse::with_actions(event.into_actions())
}

fn bot() -> Webhook {
    Webhook::new()
        .on(topics::STEP_REACHED, echo, ())
        .request_max_age(None)
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(data).unwrap();
    encoder.finish().unwrap()
}

fn deflate(data: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(data).unwrap();
    encoder.finish().unwrap()
}

fn brotli(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut encoder = brotli::CompressorWriter::new(&mut out, 4096, 9, 22);
        encoder.write_all(data).unwrap();
    }
    out
}

fn assert_echo(response: &clustaar_webhook::testing::TestResponse) {
    assert_eq!(response.status(), 200, "{}", response.text());
    assert_eq!(
        response.json()["actions"],
        json!([{"type": "pause_bot_action"}])
    );
}

fn assert_refusal(
    response: &clustaar_webhook::testing::TestResponse,
    status: u16,
    title: &str,
) -> String {
    assert_eq!(response.status(), status, "{}", response.text());
    assert_eq!(response.headers()["content-type"], "application/json");
    let body = response.json();
    assert_eq!(body["title"], title, "{body}");
    body["description"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn json_content_types_are_accepted_with_parameters_in_any_case() {
    let server = TestServer::spawn(bot()).await.unwrap();
    let client = server.client();
    for content_type in [
        "application/json",
        "application/json; charset=utf-8",
        "Application/JSON;Charset=UTF-8",
        "application/vnd.clustaar+json",
        "model/gltf+json",
        "application/calendar+JSON; version=2",
    ] {
        let response = client
            .post(FIXTURE)
            .header("content-type", content_type)
            .send()
            .await;
        assert_echo(&response);
    }
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_missing_content_type_is_read_as_json() {
    let server = TestServer::spawn(bot()).await.unwrap();
    let response = server.client().post(FIXTURE).send().await;
    assert_echo(&response);
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn other_content_types_are_415_naming_what_is_accepted() {
    let server = TestServer::spawn(bot()).await.unwrap();
    let client = server.client();
    for content_type in [
        "text/plain",
        "application/x-www-form-urlencoded",
        "application/jsonp",
        "multipart/form-data; boundary=x",
        "application/json+xml",
    ] {
        let response = client
            .post(FIXTURE)
            .header("content-type", content_type)
            .send()
            .await;
        let description = assert_refusal(&response, 415, "415 Unsupported Media Type");
        assert_eq!(
            description,
            format!(
                "The request's Content-Type is \"{content_type}\"; this webhook accepts \
                 \"application/json\" or a type ending in \"+json\" (such as \
                 \"application/vnd.api+json\")."
            )
        );
    }
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn the_content_type_rule_is_configurable() {
    let strict = TestServer::spawn(bot().content_type_check(ContentTypeCheck::JsonRequired))
        .await
        .unwrap();
    let response = strict.client().post(FIXTURE).send().await;
    let description = assert_refusal(&response, 415, "415 Unsupported Media Type");
    assert!(description.starts_with("The request has no Content-Type;"));
    strict.shutdown().await.unwrap();

    let lax = TestServer::spawn(bot().content_type_check(ContentTypeCheck::Off))
        .await
        .unwrap();
    let response = lax
        .client()
        .post(FIXTURE)
        .header("content-type", "text/plain")
        .send()
        .await;
    assert_echo(&response);
    lax.shutdown().await.unwrap();
}

#[tokio::test]
async fn gzip_deflate_br_and_identity_bodies_are_decoded() {
    let server = TestServer::spawn(bot()).await.unwrap();
    let client = server.client();
    let cases: [(&str, Vec<u8>); 7] = [
        ("gzip", gzip(FIXTURE)),
        ("x-gzip", gzip(FIXTURE)),
        ("deflate", deflate(FIXTURE)),
        ("br", brotli(FIXTURE)),
        ("identity", FIXTURE.to_vec()),
        ("GZIP", gzip(FIXTURE)),
        ("deflate, br", brotli(&deflate(FIXTURE))),
    ];
    for (coding, body) in cases {
        let response = client
            .post(body)
            .header("content-type", "application/json")
            .header("content-encoding", coding)
            .send()
            .await;
        assert_echo(&response);
    }
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn handlers_see_the_decoded_body() {
    let bot = Webhook::new().request_max_age(None).on(
        topics::STEP_REACHED,
        |body: RawBody, headers: HeaderMap| {
            assert_eq!(body.0, FIXTURE);
            assert!(headers.get("content-encoding").is_none());
            StepReachedResponse::new()
        },
        (),
    );
    let server = TestServer::spawn(bot).await.unwrap();
    let response = server
        .client()
        .post(gzip(FIXTURE))
        .header("content-encoding", "gzip")
        .send()
        .await;
    assert_eq!(response.status(), 200, "{}", response.text());
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn unknown_encodings_are_415_and_refused_ones_too() {
    let server = TestServer::spawn(bot()).await.unwrap();
    let client = server.client();
    for coding in ["zstd", "compress", "gzip, zstd"] {
        let response = client
            .post(FIXTURE)
            .header("content-encoding", coding)
            .send()
            .await;
        let description = assert_refusal(&response, 415, "415 Unsupported Media Type");
        assert!(
            description.ends_with("this webhook accepts gzip, deflate, br or identity."),
            "{description}"
        );
    }
    server.shutdown().await.unwrap();

    let gzip_only = TestServer::spawn(bot().content_encodings([ContentEncoding::Gzip]))
        .await
        .unwrap();
    let response = gzip_only
        .client()
        .post(brotli(FIXTURE))
        .header("content-encoding", "br")
        .send()
        .await;
    let description = assert_refusal(&response, 415, "415 Unsupported Media Type");
    assert_eq!(
        description,
        "The request's Content-Encoding \"br\" is not supported; this webhook accepts gzip or \
         identity."
    );
    let response = gzip_only
        .client()
        .post(gzip(FIXTURE))
        .header("content-encoding", "gzip")
        .send()
        .await;
    assert_echo(&response);
    gzip_only.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_body_that_does_not_decode_as_declared_is_400() {
    let server = TestServer::spawn(bot()).await.unwrap();
    let client = server.client();
    let truncated = gzip(FIXTURE)[..40].to_vec();
    for (coding, body) in [
        ("gzip", FIXTURE.to_vec()),
        ("deflate", FIXTURE.to_vec()),
        ("br", FIXTURE.to_vec()),
        ("gzip", truncated),
    ] {
        let response = client
            .post(body)
            .header("content-encoding", coding)
            .send()
            .await;
        let description = assert_refusal(&response, 400, "Undecodable body");
        assert!(
            description.starts_with(&format!("The request body is not valid {coding} data: ")),
            "{description}"
        );
    }
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn the_signature_covers_the_bytes_received_not_the_decoded_ones() {
    let server = TestServer::spawn(bot().private_key("test")).await.unwrap();
    let compressed = gzip(FIXTURE);
    // The test client signs the bytes it sends: the compressed ones.
    let signed = server.client().signer(Signer::new().private_key("test"));
    let response = signed
        .post(compressed.clone())
        .header("content-encoding", "gzip")
        .send()
        .await;
    assert_echo(&response);
    // A signature over the decoded bytes does not match what was received.
    let over_decoded = Signer::new()
        .private_key("test")
        .signature(FIXTURE, None)
        .unwrap();
    let response = server
        .client()
        .post(compressed)
        .header("content-encoding", "gzip")
        .header("x-hub-signature", over_decoded)
        .without_date()
        .send()
        .await;
    let description = assert_refusal(&response, 400, "Invalid header value");
    assert!(description.ends_with("The request's signature is invalid."));
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn the_body_limit_applies_to_decoded_bytes() {
    // The fixture is 636 bytes; gzipped, far less.
    let compressed = gzip(FIXTURE);
    assert!(compressed.len() < 600);
    let server = TestServer::spawn(bot().body_limit(600)).await.unwrap();
    let response = server
        .client()
        .post(compressed)
        .header("content-encoding", "gzip")
        .send()
        .await;
    let description = assert_refusal(&response, 413, "413 Payload Too Large");
    assert_eq!(
        description,
        "The decoded request body is larger than the limit of 600 bytes."
    );
    // Exactly at the limit passes, compressed or not.
    server.shutdown().await.unwrap();
    let server = TestServer::spawn(bot().body_limit(FIXTURE.len()))
        .await
        .unwrap();
    for (coding, body) in [("identity", FIXTURE.to_vec()), ("gzip", gzip(FIXTURE))] {
        let response = server
            .client()
            .post(body)
            .header("content-encoding", coding)
            .send()
            .await;
        assert_echo(&response);
    }
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn unsupported_media_is_refused_before_the_security_checks() {
    // No signature, wrong type: the 415 comes first, without reading the body.
    let server = TestServer::spawn(bot().private_key("test")).await.unwrap();
    let response = server
        .client()
        .post(FIXTURE)
        .header("content-type", "text/plain")
        .send()
        .await;
    assert_refusal(&response, 415, "415 Unsupported Media Type");
    server.shutdown().await.unwrap();
}

/// Reads from `stream` until the server closes it or `within` passes; returns what was read
/// and whether the server closed the connection.
async fn read_until_closed(stream: &mut TcpStream, within: Duration) -> (String, bool) {
    let mut received = Vec::new();
    let deadline = Instant::now() + within;
    let mut buffer = [0u8; 1024];
    while Instant::now() < deadline {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, stream.read(&mut buffer)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return (String::from_utf8_lossy(&received).into(), true),
            Ok(Ok(read)) => received.extend_from_slice(&buffer[..read]),
            Err(_) => break,
        }
    }
    (String::from_utf8_lossy(&received).into(), false)
}

#[tokio::test]
async fn a_sender_slow_to_send_its_headers_is_disconnected() {
    let server = TestServer::spawn(bot().header_read_timeout(Duration::from_millis(300)))
        .await
        .unwrap();
    let mut stream = TcpStream::connect(server.addr()).await.unwrap();
    stream
        .write_all(b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        .await
        .unwrap();
    let started = Instant::now();
    let (_, closed) = read_until_closed(&mut stream, Duration::from_secs(5)).await;
    assert!(closed, "the connection is still open after 5 s");
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(250) && waited < Duration::from_secs(3),
        "closed after {waited:?}"
    );
    // An idle connection that never sends anything is closed too.
    let mut idle = TcpStream::connect(server.addr()).await.unwrap();
    let (_, closed) = read_until_closed(&mut idle, Duration::from_secs(5)).await;
    assert!(closed, "the idle connection is still open after 5 s");
    server.shutdown().await.unwrap();
}

/// The header read timeout counts from the end of the previous answer, and never cuts a request
/// in progress, even one whose handler takes longer than two timeouts.
#[tokio::test]
async fn the_header_read_timeout_counts_from_the_last_answer_and_spares_slow_handlers() {
    async fn slow(event: StepReached) -> StepReachedResponse {
        tokio::time::sleep(Duration::from_millis(800)).await;
        echo(event)
    }
    let webhook = Webhook::new()
        .request_max_age(None)
        .header_read_timeout(Duration::from_millis(300))
        .on(topics::STEP_REACHED, slow, ());
    let server = TestServer::spawn(webhook).await.unwrap();
    let mut stream = TcpStream::connect(server.addr()).await.unwrap();
    let head = format!(
        "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\n\r\n",
        FIXTURE.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(FIXTURE).await.unwrap();
    // The answer arrives although the handler takes more than two timeouts.
    let mut answer = Vec::new();
    let mut buffer = [0u8; 1024];
    while !answer.ends_with(b"}") {
        let read = tokio::time::timeout(Duration::from_secs(5), stream.read(&mut buffer))
            .await
            .expect("an answer within 5 s")
            .unwrap();
        assert_ne!(read, 0, "closed before the answer");
        answer.extend_from_slice(&buffer[..read]);
    }
    let answered = Instant::now();
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 200 OK\r\n"), "{answer}");
    // Then the idle connection has one timeout (300 ms) to start its next request.
    let (_, closed) = read_until_closed(&mut stream, Duration::from_secs(5)).await;
    let waited = answered.elapsed();
    assert!(closed, "the idle connection is still open after 5 s");
    assert!(
        waited >= Duration::from_millis(250) && waited < Duration::from_millis(1_500),
        "closed {waited:?} after the answer"
    );
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_sender_slow_to_send_its_body_gets_408_and_is_disconnected() {
    let server = TestServer::spawn(bot().body_read_timeout(Duration::from_millis(300)))
        .await
        .unwrap();
    let mut stream = TcpStream::connect(server.addr()).await.unwrap();
    stream
        .write_all(
            b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n\
              Content-Length: 636\r\n\r\n{\"topic\": ",
        )
        .await
        .unwrap();
    let started = Instant::now();
    let (answer, closed) = read_until_closed(&mut stream, Duration::from_secs(5)).await;
    let waited = started.elapsed();
    assert!(closed, "the connection is still open after 5 s: {answer}");
    assert!(
        answer.starts_with("HTTP/1.1 408 Request Timeout\r\n"),
        "{answer}"
    );
    assert!(
        answer.to_ascii_lowercase().contains("connection: close"),
        "{answer}"
    );
    assert!(
        answer.ends_with(
            r#"{"title":"408 Request Timeout","description":"The request body did not arrive within 0.3 seconds."}"#
        ),
        "{answer}"
    );
    assert!(
        waited >= Duration::from_millis(250) && waited < Duration::from_secs(3),
        "answered after {waited:?}"
    );
    server.shutdown().await.unwrap();
}
