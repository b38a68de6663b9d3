//! Operations over real HTTP on 127.0.0.1: probes, metrics, request ids, JSON logs, the drain.

mod common;

use std::process::Command;
use std::time::{Duration, Instant};

use clustaar_webhook::ops::{ServingState, REQUEST_ID_HEADER};
use clustaar_webhook::prelude::*;
use clustaar_webhook::testing::{Signer, TestServer};
use clustaar_webhook::PathConflict;
use common::programs::{example, free_addr, http1, http1_with_body, output_file, Running};
use common::FIXTURE;
use serde_json::{json, Value};

/// The metrics token of the tests that scrape the webhook's own address.
const SCRAPE_TOKEN: &str = "scrape-t0ken";
/// Its `Authorization` header.
const SCRAPE_AUTHORIZATION: &str = "Bearer scrape-t0ken";

fn echo(event: StepReached) -> StepReachedResponse {
    StepReachedResponse::with_actions(event.actions().to_vec())
}

/// The value of the sample `line` (`name{labels}`) in a metrics text, or 0 when absent.
fn metric(text: &str, line: &str) -> f64 {
    text.lines()
        .find_map(|l| l.strip_prefix(line).and_then(|rest| rest.strip_prefix(' ')))
        .map_or(0.0, |value| value.trim().parse().unwrap())
}

/// `GET /metrics` through `client`, with the `authorization` header when given.
async fn get_metrics(
    client: &clustaar_webhook::testing::TestClient,
    authorization: Option<&str>,
) -> clustaar_webhook::testing::TestResponse {
    let mut request = client.request(Method::GET, "/metrics");
    if let Some(value) = authorization {
        request = request.header("authorization", value);
    }
    request.send().await
}

fn request_id(response: &clustaar_webhook::testing::TestResponse) -> String {
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
        .metrics_token(SCRAPE_TOKEN)
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
    let metrics = get_metrics(&client, Some(SCRAPE_AUTHORIZATION)).await;
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
    // A port bound and not listening, held for the whole test: every connection to it is
    // refused. (A port merely free a moment ago could be taken by another test running at the
    // same time, whose server then answered the probe: this test failed so in CI.)
    let unreachable = tokio::net::TcpSocket::new_v4().unwrap();
    unreachable.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let store = unreachable.local_addr().unwrap();
    let webhook = Webhook::new()
        .readiness_check("store", move || async move {
            tokio::net::TcpStream::connect(store).await.map(drop)
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
        .metrics_token(SCRAPE_TOKEN)
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
    let scrape = || async { get_metrics(&plain, Some(SCRAPE_AUTHORIZATION)).await.text() };
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
    assert_eq!(get_metrics(&client, None).await.status(), 404);
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
    let client = clustaar_webhook::testing::TestClient::http(&url);
    let deadline = Instant::now() + Duration::from_secs(10);
    while tokio::net::TcpStream::connect(&admin).await.is_err() {
        assert!(
            Instant::now() < deadline,
            "the admin address does not listen"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(client.post(FIXTURE).send().await.status(), 200);
    assert_eq!(get_metrics(&client, None).await.status(), 404);
    let admin_client = clustaar_webhook::testing::TestClient::http(format!("http://{admin}"));
    let scraped = get_metrics(&admin_client, None).await;
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

#[tokio::test]
async fn by_default_the_public_address_serves_the_probes_and_no_metrics() {
    // Served as `serve` serves it (not `TestServer`), the settings' defaults.
    let webhook = clustaar_webhook::config::Settings::default()
        .apply(Webhook::new())
        .request_max_age(None)
        .on(topics::STEP_REACHED, echo, ());
    let counted = webhook.metrics_handle().expect("the metrics are on");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let serving = tokio::spawn(webhook.serve_with_shutdown(listener, async move {
        let _ = stopped.await;
    }));
    let client = clustaar_webhook::testing::TestClient::http(&url);
    let deadline = Instant::now() + Duration::from_secs(10);
    while client.request(Method::GET, "/readyz").send().await.status() != 200 {
        assert!(Instant::now() < deadline, "never ready");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(client.post(FIXTURE).send().await.status(), 200);
    assert_eq!(
        client
            .request(Method::GET, "/healthz")
            .send()
            .await
            .status(),
        200
    );
    // The answer of any unknown path, with or without a token.
    for authorization in [None, Some(SCRAPE_AUTHORIZATION)] {
        let hidden = get_metrics(&client, authorization).await;
        assert_eq!(hidden.status(), 404);
        assert_eq!(
            hidden.json(),
            json!({"title": "404 Not Found", "description": "There is no webhook at /metrics."})
        );
    }
    // Counted all the same.
    assert_eq!(
        metric(
            &counted.render(),
            r#"webhook_requests_total{route="<none>",status="404"}"#
        ),
        2.0
    );
    stop.send(()).unwrap();
    serving.await.unwrap().unwrap();
}

#[tokio::test]
async fn the_metrics_on_the_public_address_need_their_bearer_token() {
    let webhook = Webhook::new()
        .request_max_age(None)
        .basic_auth("user", "password")
        .metrics_token(SCRAPE_TOKEN)
        .on(topics::STEP_REACHED, echo, ());
    let server = TestServer::spawn(webhook).await.unwrap();
    let client = server.client();
    let refusals = [
        None,
        Some("Bearer wrong"),
        Some("Bearer scrape-t0ke"),
        Some("Bearer scrape-t0ken2"),
        Some(SCRAPE_TOKEN),
        Some("Basic c2NyYXBlLXQwa2Vu"),
        // The webhook's own basic-auth credentials do not open the metrics.
        Some("Basic dXNlcjpwYXNzd29yZA=="),
    ];
    for authorization in refusals {
        let refused = get_metrics(&client, authorization).await;
        assert_eq!(refused.status(), 401, "{authorization:?}");
        assert_eq!(
            refused.headers()["www-authenticate"],
            r#"Bearer realm="metrics""#
        );
        assert_eq!(refused.headers()["content-type"], "application/json");
        assert_eq!(
            refused.json(),
            json!({
                "title": "Invalid credentials",
                "description": "The metrics need their bearer token."
            })
        );
        assert!(!refused.text().contains("webhook_"));
    }
    // The probes need nothing.
    for probe in ["/healthz", "/readyz"] {
        let answered = client.request(Method::GET, probe).send().await;
        assert_eq!(answered.status(), 200, "{probe}");
    }
    // The scheme in any case, as Prometheus' `authorization` setting sends it.
    for authorization in [SCRAPE_AUTHORIZATION, "bearer scrape-t0ken"] {
        let scraped = get_metrics(&client, Some(authorization)).await;
        assert_eq!(scraped.status(), 200);
        assert_eq!(
            scraped.headers()["content-type"],
            "text/plain; version=0.0.4; charset=utf-8"
        );
        assert!(scraped.headers().get("www-authenticate").is_none());
        let text = scraped.text();
        // The refused scrapes are counted as answers of the metrics' route, not as rejections
        // of the pipeline.
        assert_eq!(
            metric(
                &text,
                r#"webhook_requests_total{route="/metrics",status="401"}"#
            ),
            refusals.len() as f64,
            "{text}"
        );
        assert_eq!(
            metric(&text, r#"webhook_rejections_total{stage="basic_auth"}"#),
            0.0
        );
    }
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_metrics_address_serves_them_without_credentials_and_the_token_is_not_used() {
    let admin = free_addr();
    let webhook = Webhook::new()
        .request_max_age(None)
        .metrics_token(SCRAPE_TOKEN)
        .metrics_addr(admin.parse::<std::net::SocketAddr>().unwrap())
        .on(topics::STEP_REACHED, echo, ());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let serving = tokio::spawn(webhook.serve_with_shutdown(listener, async move {
        let _ = stopped.await;
    }));
    let deadline = Instant::now() + Duration::from_secs(10);
    while tokio::net::TcpStream::connect(&admin).await.is_err() {
        assert!(
            Instant::now() < deadline,
            "the admin address does not listen"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let public = clustaar_webhook::testing::TestClient::http(&url);
    let not_here = get_metrics(&public, Some(SCRAPE_AUTHORIZATION)).await;
    assert_eq!(not_here.status(), 404);
    let admin_client = clustaar_webhook::testing::TestClient::http(format!("http://{admin}"));
    let scraped = get_metrics(&admin_client, None).await;
    assert_eq!(scraped.status(), 200);
    assert!(scraped
        .text()
        .contains("# TYPE webhook_requests_total counter"));
    stop.send(()).unwrap();
    serving.await.unwrap().unwrap();
}

#[test]
fn a_bot_serves_its_metrics_only_where_its_settings_say_and_logs_where() {
    let scrape = |addr: &str, authorization: Option<&str>| {
        let headers: Vec<(&str, &str)> = authorization
            .map(|value| ("Authorization", value))
            .into_iter()
            .collect();
        let (status, headers, body) = http1(addr, "GET", "/metrics", &headers);
        (status, headers, body)
    };
    let start = |label: &str, variables: &[(&str, &str)]| {
        let addr = free_addr();
        let (stdout, stderr) = (
            output_file(&format!("exposure-{label}.out")),
            output_file(&format!("exposure-{label}.err")),
        );
        let mut bot = Command::new(example("echo_bot"));
        bot.env("WEBHOOK_ADDR", &addr).env("RUST_LOG", "info");
        for (name, value) in variables {
            bot.env(name, value);
        }
        let bot = Running::serving_logged(bot, &addr, &stdout, &stderr);
        (bot, addr, stdout, stderr)
    };
    let stop = |mut bot: Running, stdout: std::path::PathBuf, stderr: std::path::PathBuf| {
        bot.terminate();
        assert!(bot.exit_status(Duration::from_secs(10)).success());
        let logs = std::fs::read_to_string(&stdout).unwrap_or_default()
            + &std::fs::read_to_string(&stderr).unwrap_or_default();
        let _ = std::fs::remove_file(stdout);
        let _ = std::fs::remove_file(stderr);
        logs
    };

    // The defaults: the probes, no metrics, and a line saying which setting serves them.
    let (bot, addr, stdout, stderr) = start("default", &[]);
    assert_eq!(http1(&addr, "GET", "/healthz", &[]).0, 200);
    assert_eq!(http1(&addr, "GET", "/readyz", &[]).0, 200);
    let (status, _, body) = scrape(&addr, None);
    assert_eq!(status, 404, "{body}");
    assert!(!body.contains("webhook_"), "{body}");
    let logs = stop(bot, stdout, stderr);
    assert_eq!(
        logs.matches("the metrics are counted but not served")
            .count(),
        1,
        "{logs}"
    );
    assert!(logs.contains("WEBHOOK_METRICS_ADDR"), "{logs}");
    assert!(logs.contains("WEBHOOK_METRICS_TOKEN"), "{logs}");

    // WEBHOOK_METRICS_TOKEN: on the public address, behind the token.
    let (bot, addr, stdout, stderr) = start("token", &[("WEBHOOK_METRICS_TOKEN", SCRAPE_TOKEN)]);
    for authorization in [None, Some("Bearer nope")] {
        let (status, headers, body) = scrape(&addr, authorization);
        assert_eq!(status, 401, "{body}");
        assert!(headers.contains(&(
            "www-authenticate".to_owned(),
            r#"Bearer realm="metrics""#.to_owned()
        )));
    }
    let (status, _, body) = scrape(&addr, Some(SCRAPE_AUTHORIZATION));
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("# TYPE webhook_requests_total counter"));
    let logs = stop(bot, stdout, stderr);
    assert!(!logs.contains("not served"), "{logs}");
    assert!(!logs.contains(SCRAPE_TOKEN), "{logs}");

    // WEBHOOK_METRICS_ADDR (with a token, which is then not used): there, without credentials.
    let admin = free_addr();
    let (bot, addr, stdout, stderr) = start(
        "addr",
        &[
            ("WEBHOOK_METRICS_ADDR", &admin),
            ("WEBHOOK_METRICS_TOKEN", SCRAPE_TOKEN),
        ],
    );
    let deadline = Instant::now() + Duration::from_secs(10);
    while std::net::TcpStream::connect(&admin).is_err() {
        assert!(Instant::now() < deadline, "{admin} does not listen");
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(scrape(&addr, Some(SCRAPE_AUTHORIZATION)).0, 404);
    let (status, _, body) = scrape(&admin, None);
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("# TYPE webhook_requests_total counter"));
    let logs = stop(bot, stdout, stderr);
    assert!(
        logs.contains("WEBHOOK_METRICS_TOKEN (metrics_token) is not used"),
        "{logs}"
    );
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
    // The metrics' path is taken only where they are served: behind their token.
    assert!(route("/metrics").check_paths().is_ok());
    assert!(route("/metrics")
        .metrics_token(SCRAPE_TOKEN)
        .check_paths()
        .is_err());
    assert!(route("/metrics")
        .metrics_token(SCRAPE_TOKEN)
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
        .env("RUST_LOG", "info,clustaar_webhook::access=debug");
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
        // Once in the line: the span (read by nothing else here) does not repeat them.
        assert_eq!(answered[0]["span"].get("status"), None, "{logs}");
        assert_eq!(answered[0]["span"].get("latency_ms"), None, "{logs}");
    }
    let _ = std::fs::remove_file(stdout);
    let _ = std::fs::remove_file(stderr);
}

#[test]
fn the_last_requests_lines_are_written_at_shutdown() {
    // The log lines are written by a thread of their own (`clustaar_webhook::logging`): those queued when
    // the program stops are written before it exits.
    let addr = free_addr();
    let (stdout, stderr) = (output_file("flush.out"), output_file("flush.err"));
    let mut bot = Command::new(example("echo_bot"));
    bot.env("WEBHOOK_ADDR", &addr)
        .env("WEBHOOK_REQUEST_MAX_AGE", "none")
        .env("WEBHOOK_METRICS_TOKEN", SCRAPE_TOKEN)
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
    let (status, _, metrics) = http1(
        &addr,
        "GET",
        "/metrics",
        &[("Authorization", SCRAPE_AUTHORIZATION)],
    );
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
        let line = format!("request_id=\"{id}\"}}");
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

/// Polls the metrics (behind [`SCRAPE_TOKEN`]) until `count` requests are in flight (10 s at
/// most).
fn wait_in_flight(addr: &str, count: u32) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let (_, _, text) = http1(
            addr,
            "GET",
            "/metrics",
            &[("Authorization", SCRAPE_AUTHORIZATION)],
        );
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
        "--metrics-token",
        SCRAPE_TOKEN,
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
    bot.args([
        "--addr",
        &addr,
        "--shutdown-timeout",
        "1",
        "--metrics-token",
        SCRAPE_TOKEN,
    ])
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
    assert!(
        matches!(error, clustaar_webhook::ServeError::Io(_)),
        "{error:?}"
    );
    assert!(
        error
            .to_string()
            .starts_with(&format!("the metrics address {addr} (metrics_addr): ")),
        "{error}"
    );
}
