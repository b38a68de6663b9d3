//! Operations over real HTTP on 127.0.0.1: probes, metrics, request ids, JSON logs, the drain.

mod common;

use std::process::Command;
use std::time::{Duration, Instant};

use common::programs::{example, free_addr, http1, http1_with_body, output_file, Running};
use common::FIXTURE;
use serde_json::{json, Value};
use webhook::ops::{ServingState, REQUEST_ID_HEADER};
use webhook::prelude::*;
use webhook::testing::{Signer, TestServer};
use webhook::PathConflict;

fn echo(event: StepReached) -> StepReachedResponse {
    StepReachedResponse::with_actions(event.actions().to_vec())
}

/// The value of the sample `line` (`name{labels}`) in a metrics text, or 0 when absent.
fn metric(text: &str, line: &str) -> f64 {
    text.lines()
        .find_map(|l| l.strip_prefix(line).and_then(|rest| rest.strip_prefix(' ')))
        .map_or(0.0, |value| value.trim().parse().unwrap())
}

fn request_id(response: &webhook::testing::TestResponse) -> String {
    response.headers()[&REQUEST_ID_HEADER]
        .to_str()
        .unwrap()
        .to_owned()
}

fn is_uuid_v4(id: &str) -> bool {
    let groups: Vec<&str> = id.split('-').collect();
    groups.iter().map(|g| g.len()).collect::<Vec<_>>() == [8, 4, 4, 4, 12]
        && groups[2].starts_with('4')
        && id.bytes().all(|b| b == b'-' || b.is_ascii_hexdigit())
}

#[tokio::test]
async fn probes_and_metrics_answer_outside_every_check() {
    let refuse_all = |_: &RequestHead| -> Result<Option<Identity>, ApiError> {
        Err(ApiError::new(StatusCode::UNAUTHORIZED, "No", "nobody"))
    };
    let webhook = Webhook::new()
        .private_key("k")
        .basic_auth("user", "password")
        .authenticator(refuse_all)
        .on(topics::STEP_REACHED, echo, ());
    let server = TestServer::spawn(webhook).await.unwrap();
    let client = server.client();

    let health = client.request(Method::GET, "/healthz").send().await;
    assert_eq!(health.status(), 200);
    assert_eq!(health.json(), json!({"status": "alive"}));
    let ready = client.request(Method::GET, "/readyz").send().await;
    assert_eq!(ready.status(), 200);
    assert_eq!(ready.json(), json!({"status": "ready"}));
    let head = client.request(Method::HEAD, "/healthz").send().await;
    assert_eq!(head.status(), 200);
    let metrics = client.request(Method::GET, "/metrics").send().await;
    assert_eq!(metrics.status(), 200);
    assert_eq!(
        metrics.headers()["content-type"],
        "text/plain; version=0.0.4; charset=utf-8"
    );
    assert!(metrics
        .text()
        .contains("# TYPE webhook_requests_total counter"));
    // The notifications are still guarded.
    let refused = client.post(FIXTURE).send().await;
    assert_eq!(refused.status(), 400);
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn readiness_is_503_while_a_store_is_unreachable_or_while_draining() {
    // A port that was free a moment ago: nothing listens there.
    let store = free_addr();
    let webhook = Webhook::new()
        .readiness_check("store", move || {
            let store = store.clone();
            async move { tokio::net::TcpStream::connect(store).await.map(drop) }
        })
        .on(topics::STEP_REACHED, echo, ());
    let readiness = webhook.readiness();
    let server = TestServer::spawn(webhook).await.unwrap();
    let client = server.client();
    let ready = client.request(Method::GET, "/readyz").send().await;
    assert_eq!(ready.status(), 503);
    assert_eq!(ready.json()["status"], "unavailable");
    let reason = ready.json()["reason"].as_str().unwrap().to_owned();
    assert!(reason.starts_with("store: "), "{reason}");
    assert!(reason.to_lowercase().contains("refused"), "{reason}");
    // Alive all the same.
    let health = client.request(Method::GET, "/healthz").send().await;
    assert_eq!(health.status(), 200);
    assert_eq!(readiness.state(), ServingState::Ready);
    readiness.drain();
    let draining = client.request(Method::GET, "/readyz").send().await;
    assert_eq!(draining.status(), 503);
    assert_eq!(
        draining.json(),
        json!({"status": "draining", "reason": "the server is shutting down"})
    );
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn metric_values_move_with_answers_and_refusals() {
    let webhook = Webhook::new()
        .private_key("k")
        .on(topics::STEP_REACHED, echo, ())
        .http(
            Method::POST,
            "/hooks/{slug}",
            |Path(slug): Path<String>| async move { slug },
            (),
        );
    let server = TestServer::spawn(webhook).await.unwrap();
    let signed = server.client().signer(Signer::new().private_key("k"));
    let plain = server.client();
    let scrape = || async { plain.request(Method::GET, "/metrics").send().await.text() };
    let before = scrape().await;
    assert_eq!(
        metric(&before, r#"webhook_requests_total{route="/",status="200"}"#),
        0.0
    );

    for _ in 0..2 {
        assert_eq!(signed.post(FIXTURE).send().await.status(), 200);
    }
    assert_eq!(plain.post(FIXTURE).send().await.status(), 400);
    let not_json = signed
        .post(FIXTURE)
        .header("content-type", "text/plain")
        .send()
        .await;
    assert_eq!(not_json.status(), 415);
    assert_eq!(plain.request(Method::GET, "/").send().await.status(), 405);
    assert_eq!(
        plain
            .request(Method::POST, "/nowhere")
            .send()
            .await
            .status(),
        404
    );
    let hook = plain
        .request(Method::POST, "/hooks/abc")
        .body("x")
        .send()
        .await;
    assert_eq!(hook.status(), 200);

    let after = scrape().await;
    for (line, value) in [
        (r#"webhook_requests_total{route="/",status="200"}"#, 2.0),
        (r#"webhook_requests_total{route="/",status="400"}"#, 1.0),
        (r#"webhook_requests_total{route="/",status="415"}"#, 1.0),
        (r#"webhook_requests_total{route="/",status="405"}"#, 1.0),
        (
            r#"webhook_requests_total{route="<none>",status="404"}"#,
            1.0,
        ),
        (
            r#"webhook_requests_total{route="/hooks/{slug}",status="200"}"#,
            1.0,
        ),
        (
            r#"webhook_requests_total{route="/metrics",status="200"}"#,
            1.0,
        ),
        (r#"webhook_request_duration_seconds_count{route="/"}"#, 5.0),
        (r#"webhook_rejections_total{stage="signature"}"#, 1.0),
        (r#"webhook_rejections_total{stage="content_type"}"#, 1.0),
        (r#"webhook_rejections_total{stage="method"}"#, 1.0),
        (r#"webhook_rejections_total{stage="no_route"}"#, 1.0),
        ("webhook_requests_in_flight", 1.0),
    ] {
        assert_eq!(metric(&after, line), value, "{line} in\n{after}");
    }
    // The declared pattern, never the raw path.
    assert!(!after.contains("/hooks/abc"), "{after}");
    assert!(!after.contains("/nowhere"), "{after}");
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn request_ids_are_echoed_or_made_on_every_answer() {
    let webhook = Webhook::new()
        .private_key("k")
        .on(topics::STEP_REACHED, echo, ());
    let server = TestServer::spawn(webhook).await.unwrap();
    let signed = server.client().signer(Signer::new().private_key("k"));

    let kept = signed
        .post(FIXTURE)
        .header("x-request-id", "req-42.abc_~")
        .send()
        .await;
    assert_eq!(kept.status(), 200);
    assert_eq!(request_id(&kept), "req-42.abc_~");

    let refused = server
        .client()
        .post(FIXTURE)
        .header("x-request-id", "refused-1")
        .send()
        .await;
    assert_eq!(refused.status(), 400);
    assert_eq!(request_id(&refused), "refused-1");

    let made = signed.post(FIXTURE).send().await;
    let other = signed.post(FIXTURE).send().await;
    assert!(is_uuid_v4(&request_id(&made)), "{}", request_id(&made));
    assert_ne!(request_id(&made), request_id(&other));

    for unusable in ["two words", &"x".repeat(129)] {
        let replaced = signed
            .post(FIXTURE)
            .header("x-request-id", unusable)
            .send()
            .await;
        assert!(is_uuid_v4(&request_id(&replaced)), "{unusable}");
    }
    let unknown = server
        .client()
        .request(Method::GET, "/nowhere")
        .header("x-request-id", "lost-1")
        .send()
        .await;
    assert_eq!(unknown.status(), 404);
    assert_eq!(request_id(&unknown), "lost-1");
    let probe = server
        .client()
        .request(Method::GET, "/healthz")
        .send()
        .await;
    assert!(is_uuid_v4(&request_id(&probe)));
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn metrics_and_spans_can_be_moved_or_turned_off() {
    // Off: no /metrics, request ids all the same.
    let quiet = Webhook::new()
        .metrics(false)
        .request_spans(false)
        .probes(false)
        .request_max_age(None)
        .on(topics::STEP_REACHED, echo, ());
    let server = TestServer::spawn(quiet).await.unwrap();
    let client = server.client();
    assert_eq!(
        client
            .request(Method::GET, "/metrics")
            .send()
            .await
            .status(),
        404
    );
    assert_eq!(
        client
            .request(Method::GET, "/healthz")
            .send()
            .await
            .status(),
        404
    );
    let answered = client.post(FIXTURE).send().await;
    assert_eq!(answered.status(), 200);
    assert!(is_uuid_v4(&request_id(&answered)));
    server.shutdown().await.unwrap();

    // On an admin address, served by `serve_with_shutdown`.
    let admin = free_addr();
    let webhook = Webhook::new()
        .request_max_age(None)
        .metrics_addr(admin.parse::<std::net::SocketAddr>().unwrap())
        .on(topics::STEP_REACHED, echo, ());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let serving = tokio::spawn(webhook.serve_with_shutdown(listener, async move {
        let _ = stopped.await;
    }));
    let client = webhook::testing::TestClient::http(&url);
    let deadline = Instant::now() + Duration::from_secs(10);
    while tokio::net::TcpStream::connect(&admin).await.is_err() {
        assert!(
            Instant::now() < deadline,
            "the admin address does not listen"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(client.post(FIXTURE).send().await.status(), 200);
    assert_eq!(
        client
            .request(Method::GET, "/metrics")
            .send()
            .await
            .status(),
        404
    );
    let scraped = webhook::testing::TestClient::http(format!("http://{admin}"))
        .request(Method::GET, "/metrics")
        .send()
        .await;
    assert_eq!(scraped.status(), 200);
    assert_eq!(
        metric(
            &scraped.text(),
            r#"webhook_requests_total{route="/",status="200"}"#
        ),
        1.0
    );
    stop.send(()).unwrap();
    serving.await.unwrap().unwrap();
}

#[test]
fn an_endpoint_on_a_probe_path_is_a_conflict_at_start() {
    let route =
        |path: &'static str| Webhook::new().http(Method::GET, path, || async { "mine" }, ());
    let conflict = route("/healthz").check_paths().unwrap_err();
    assert!(
        matches!(&conflict, PathConflict::Taken { path, .. } if path == "/healthz"),
        "{conflict}"
    );
    let message = conflict.to_string();
    assert!(
        message.starts_with(
            "the liveness probe (health_path) is on \"/healthz\", and so is the HTTP route"
        ),
        "{message}"
    );
    assert!(message.contains("`probes = false`"), "{message}");
    // A pattern that takes the probe's requests.
    assert!(route("/{slug}").check_paths().is_err());
    assert!(route("/{slug}/x").check_paths().is_ok());
    assert!(route("/healthz").probes(false).check_paths().is_ok());
    assert!(route("/metrics").check_paths().is_err());
    assert!(route("/metrics")
        .metrics_addr("127.0.0.1:9464".parse::<std::net::SocketAddr>().unwrap())
        .check_paths()
        .is_ok());
    assert!(Webhook::new().path("/readyz").check_paths().is_err());
    assert!(Webhook::new().ready_path("/healthz").check_paths().is_err());
    assert!(matches!(
        Webhook::new().health_path("/x/{a}").check_paths(),
        Err(PathConflict::InvalidPath { .. })
    ));

    // A `main!()` bot prints it and exits with code 2.
    let output = Command::new(example("ops_bot"))
        .args(["--addr", &free_addr(), "--ready-path", "/work"])
        .env("RUST_LOG", "warn")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr
            .contains("the readiness probe (ready_path) is on \"/work\", and so is the HTTP route"),
        "{stderr}"
    );
}

#[test]
fn json_logs_have_a_line_per_request_holding_its_id() {
    let addr = free_addr();
    let (stdout, stderr) = (output_file("json.out"), output_file("json.err"));
    let mut bot = Command::new(example("echo_bot"));
    bot.env("WEBHOOK_ADDR", &addr)
        .env("WEBHOOK_REQUEST_MAX_AGE", "none")
        .env("WEBHOOK_LOG_FORMAT", "json")
        .env("RUST_LOG", "info,webhook::access=debug");
    let mut bot = Running::serving_logged(bot, &addr, &stdout, &stderr);
    let (status, headers, _) = http1(&addr, "GET", "/healthz", &[("X-Request-Id", "json-log-1")]);
    assert_eq!(status, 200);
    assert!(headers.contains(&("x-request-id".to_owned(), "json-log-1".to_owned())));
    let (status, _, _) = http1(&addr, "POST", "/nowhere", &[("X-Request-Id", "json-log-2")]);
    assert_eq!(status, 404);
    let (status, _, body) = http1_with_body(
        &addr,
        "POST",
        "/",
        &[
            ("X-Request-Id", "json-log-3"),
            ("Content-Type", "application/json"),
        ],
        FIXTURE,
    );
    assert_eq!(status, 200, "{body}");
    bot.terminate();
    assert!(bot.exit_status(Duration::from_secs(10)).success());
    let logs = std::fs::read_to_string(&stdout).unwrap();
    let lines: Vec<Value> = logs
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect();
    // The probes' lines are at the debug level; the others at info.
    for (id, status, route, level) in [
        ("json-log-1", 200, "/healthz", "DEBUG"),
        ("json-log-2", 404, "<none>", "INFO"),
        ("json-log-3", 200, "/", "INFO"),
    ] {
        let answered: Vec<&Value> = lines
            .iter()
            .filter(|line| line["span"]["request_id"] == id && line["message"] == "answered")
            .collect();
        assert_eq!(answered.len(), 1, "{id} in\n{logs}");
        assert_eq!(answered[0]["status"], status);
        assert_eq!(answered[0]["span"]["route"], route);
        assert_eq!(answered[0]["level"], level);
        assert!(answered[0]["latency_ms"].as_f64().is_some());
    }
    let _ = std::fs::remove_file(stdout);
    let _ = std::fs::remove_file(stderr);
}

#[test]
fn the_last_requests_lines_are_written_at_shutdown() {
    // The log lines are written by a thread of their own (`webhook::logging`): those queued when
    // the program stops are written before it exits.
    let addr = free_addr();
    let (stdout, stderr) = (output_file("flush.out"), output_file("flush.err"));
    let mut bot = Command::new(example("echo_bot"));
    bot.env("WEBHOOK_ADDR", &addr)
        .env("WEBHOOK_REQUEST_MAX_AGE", "none")
        .env("RUST_LOG", "info");
    let mut bot = Running::serving_logged(bot, &addr, &stdout, &stderr);
    let ids: Vec<String> = (0..200).map(|n| format!("flush-{n}")).collect();
    for id in &ids {
        let (status, _, body) = http1_with_body(
            &addr,
            "POST",
            "/",
            &[("X-Request-Id", id), ("Content-Type", "application/json")],
            FIXTURE,
        );
        assert_eq!(status, 200, "{body}");
    }
    let (status, _, metrics) = http1(&addr, "GET", "/metrics", &[]);
    assert_eq!(status, 200);
    assert!(
        metrics
            .lines()
            .any(|l| l == "webhook_log_lines_dropped_total 0"),
        "{metrics}"
    );
    bot.terminate();
    assert!(bot.exit_status(Duration::from_secs(10)).success());
    let logs = std::fs::read_to_string(&stdout).unwrap();
    for id in &ids {
        let line = format!("request_id=\"{id}\" ");
        assert_eq!(
            logs.lines()
                .filter(|l| l.contains(&line) && l.contains("answered"))
                .count(),
            1,
            "{id} in\n{logs}"
        );
    }
    let errors = std::fs::read_to_string(&stderr).unwrap();
    assert!(!errors.contains("dropped"), "{errors}");
    let _ = std::fs::remove_file(stdout);
    let _ = std::fs::remove_file(stderr);
}

/// Polls the metrics until `count` requests are in flight (10 s at most).
fn wait_in_flight(addr: &str, count: u32) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let (_, _, text) = http1(addr, "GET", "/metrics", &[]);
        // The scrape itself is in flight too.
        if metric(&text, "webhook_requests_in_flight") >= f64::from(count + 1) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "never {count} in flight:\n{text}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn the_drain_answers_the_requests_in_flight_then_exits_0() {
    let addr = free_addr();
    let (stdout, stderr) = (output_file("drain.out"), output_file("drain.err"));
    let mut bot = Command::new(example("ops_bot"));
    bot.args([
        "--addr",
        &addr,
        "--drain-delay",
        "1",
        "--shutdown-timeout",
        "20",
    ])
    .env("RUST_LOG", "info");
    let mut bot = Running::serving_logged(bot, &addr, &stdout, &stderr);
    let slow: Vec<_> = (0..3)
        .map(|n| {
            let addr = addr.clone();
            std::thread::spawn(move || {
                let id = format!("slow-{n}");
                http1(
                    &addr,
                    "POST",
                    "/work?sleep_ms=2500",
                    &[("X-Request-Id", &id)],
                )
            })
        })
        .collect();
    wait_in_flight(&addr, 3);
    let signalled = Instant::now();
    bot.terminate();
    // Within the drain delay: still accepting, and not ready.
    let deadline = Instant::now() + Duration::from_secs(5);
    let (status, _, body) = loop {
        let (status, headers, body) = http1(&addr, "GET", "/readyz", &[]);
        if status == 503 || Instant::now() > deadline {
            break (status, headers, body);
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    assert_eq!(status, 503, "{body}");
    assert!(body.contains(r#""status":"draining""#), "{body}");
    assert!(signalled.elapsed() < Duration::from_secs(1));
    for (n, request) in slow.into_iter().enumerate() {
        let (status, headers, body) = request.join().unwrap();
        assert_eq!(status, 200, "{body}");
        assert!(body.contains(r#""slept_ms":2500"#), "{body}");
        assert!(headers.contains(&("x-request-id".to_owned(), format!("slow-{n}"))));
    }
    let exit = bot.exit_status(Duration::from_secs(15));
    let log =
        std::fs::read_to_string(&stderr).unwrap() + &std::fs::read_to_string(&stdout).unwrap();
    assert!(exit.success(), "{exit}: {log}");
    assert!(log.contains("every request answered"), "{log}");
    // Stopped: nothing listens any more.
    assert!(std::net::TcpStream::connect(&addr).is_err());
    let _ = std::fs::remove_file(stdout);
    let _ = std::fs::remove_file(stderr);
}

#[test]
fn a_drain_past_the_shutdown_timeout_exits_1_naming_what_was_cut() {
    let addr = free_addr();
    let (stdout, stderr) = (output_file("cut.out"), output_file("cut.err"));
    let mut bot = Command::new(example("ops_bot"));
    bot.args(["--addr", &addr, "--shutdown-timeout", "1"])
        .env("RUST_LOG", "warn");
    let mut bot = Running::serving_logged(bot, &addr, &stdout, &stderr);
    let slow = {
        let addr = addr.clone();
        std::thread::spawn(move || {
            // The connection is cut: whatever comes back (or not) is not an answer.
            let _ = std::panic::catch_unwind(|| {
                http1(
                    &addr,
                    "POST",
                    "/work?sleep_ms=20000",
                    &[("X-Request-Id", "cut-me")],
                )
            });
        })
    };
    wait_in_flight(&addr, 1);
    bot.terminate();
    let exit = bot.exit_status(Duration::from_secs(10));
    let message = std::fs::read_to_string(&stderr).unwrap();
    assert_eq!(exit.code(), Some(1), "{message}");
    assert!(
        message.contains("the shutdown timeout (1 s) passed with 1 connection(s) open and 1 request(s) in flight, cut: POST /work (request id cut-me, running for"),
        "{message}"
    );
    slow.join().unwrap();
    let _ = std::fs::remove_file(stdout);
    let _ = std::fs::remove_file(stderr);
}

#[tokio::test]
async fn a_metrics_address_in_use_is_an_error_naming_it() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let error = Webhook::new()
        .metrics_addr(addr)
        .serve_with_shutdown(listener, async {})
        .await
        .unwrap_err();
    assert!(matches!(error, webhook::ServeError::Io(_)), "{error:?}");
    assert!(
        error
            .to_string()
            .starts_with(&format!("the metrics address {addr} (metrics_addr): ")),
        "{error}"
    );
}
