//! The per-request path, in process (no socket): body buffering, security checks, JSON parse,
//! routing, handler, serialisation, through `Webhook::into_router()` and `tower`'s `oneshot`.
//!
//! ```sh
//! cargo bench --bench pipeline            # measure
//! cargo bench --bench pipeline -- --test  # smoke test: every case once, checked
//! ```
//!
//! The request is `tests/fixtures/step_reached.json` with its step id (`"1234"`) replaced by
//! the 24-hex id of the last registered step-id route, so that it hits the index (656 bytes).
//! It is signed with the key `"test"` by `clustaar_webhook::testing::Signer`, and carries basic-auth
//! credentials and a `Date` of now, so the max-age check passes. The `Date` and signature are
//! recomputed before each batch of iterations, outside the timed section: a batch lasts far
//! less than the 10 s maximum age.
//!
//! Groups:
//! - `route_count`: signature + the max-age check, 1 / 100 / 10,000 routes filtered with
//!   `StepId` (hash index) plus a catch-all echo route; and 100 routes filtered with
//!   `JsonKeyEquals("data.step.id", …)`, which are scanned one after the other.
//! - `stages`: one `StepId` route plus the catch-all, with no security, the signature, the
//!   signature + the max-age check, and the signature + the max-age check + basic auth; then,
//!   each on top of the signature alone, what the ingestion rules and authenticators cost:
//!   the content-type and content-encoding checks turned off (`signature+ingestion_checks_off`,
//!   against `signature` where they are on, as by default), a gzip body decoded
//!   (`signature+gzip`: the 656-byte fixture compressed to about 400 bytes), and a sync and an
//!   async authenticator checking a bearer token and handing an `Identity` to the request.
//! - `load_baseline`: the echo bot against the load test's hand-written axum server
//!   (`benches/load/baseline/src/app.rs`, built here with the workspace's dependencies), in
//!   process: signature, no max-age check, the fixture as it is.
//! - `dsl`: the same bot (one step-id route, one catch-all, signature + the max-age check)
//!   written with `#[on]` and collected by `Webhook::from_registry()`, against the builder.

#[path = "load/baseline/src/app.rs"]
mod baseline_app;

use std::hint::black_box;
use std::io::Write;
use std::time::{Duration, Instant, SystemTime};

use axum::body::Body;
use axum::Router;
use bytes::Bytes;
use clustaar_webhook::pipeline::content_type::ContentTypeCheck;
use clustaar_webhook::prelude::*;
use clustaar_webhook::testing::{http_date, Signer};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use hmac::{Hmac, Mac};
use http::{header, HeaderMap, HeaderValue, Method, Request, StatusCode};
use tokio::runtime::Runtime;
use tower::ServiceExt;

/// The reference's sample request, byte for byte.
const FIXTURE: &str = include_str!("../tests/fixtures/step_reached.json");
/// The fixture's step id, replaced by an indexed one.
const FIXTURE_STEP_ID: &str = r#""id": "1234""#;
const PRIVATE_KEY: &str = "test";
const USERNAME: &str = "bench";
const PASSWORD: &str = "s3cret";

/// The echo bot's handler: the step's actions, and a name in the session.
fn echo(event: StepReached) -> StepReachedResponse {
    StepReachedResponse::with_actions(event.into_actions()).session_value("name", "John")
}

/// The echo bot's other handler.
async fn hello() -> StepReachedResponse {
    StepReachedResponse::new().action(SendTextAction::new(["hello"]))
}

/// The step id of the DSL bot's filtered route (and of the builder's twin).
const DSL_STEP_ID: &str = "507f191e810c19729de860ea";

/// The DSL bot: the echo on one step id…
#[on(step_reached, step_id = "507f191e810c19729de860ea")]
fn dsl_step(event: StepReached) -> StepReachedResponse {
    echo(event)
}

/// …and everywhere else.
#[on(step_reached)]
fn dsl_catch_all(event: StepReached) -> StepReachedResponse {
    echo(event)
}

/// The `n`-th distinct step id, 24 lowercase hex digits like a Mongo ObjectID.
fn step_id(n: usize) -> String {
    format!("507f191e{n:016x}")
}

/// The fixture, with its step id replaced by `id`.
fn body_for(id: &str) -> Bytes {
    assert!(FIXTURE.contains(FIXTURE_STEP_ID), "the fixture changed");
    Bytes::from(FIXTURE.replace(FIXTURE_STEP_ID, &format!(r#""id": "{id}""#)))
}

/// How a route is filtered.
#[derive(Clone, Copy)]
enum Filtering {
    /// `StepId::new(id)`: indexed.
    StepId,
    /// `JsonKeyEquals::new("data.step.id", id)`: scanned.
    JsonKeyEquals,
}

/// `routes` routes filtered on distinct step ids, then one catch-all route, all echoing.
/// Returns the webhook and the step id of the last filtered route.
fn webhook_with_routes(routes: usize, filtering: Filtering) -> (Webhook, String) {
    let mut webhook = Webhook::new();
    for n in 0..routes {
        let id = step_id(n);
        webhook = match filtering {
            Filtering::StepId => webhook.on(topics::STEP_REACHED, echo, StepId::new(id)),
            Filtering::JsonKeyEquals => webhook.on(
                topics::STEP_REACHED,
                echo,
                JsonKeyEquals::new("data.step.id", id).expect("a valid path"),
            ),
        };
    }
    let webhook = webhook.on(topics::STEP_REACHED, echo, ());
    (webhook, step_id(routes - 1))
}

/// One case: a router, the body it is sent and headers added to the signer's.
struct Case {
    router: Router,
    body: Bytes,
    signer: Signer,
    extra: HeaderMap,
}

impl Case {
    fn new<S: Send + Sync + 'static>(webhook: Webhook<S>, last_step_id: &str) -> Self {
        Self::from_router(webhook.into_router(), body_for(last_step_id))
    }

    /// A case sending `body` to any router.
    fn from_router(router: Router, body: Bytes) -> Self {
        Self {
            router,
            body,
            signer: Signer::new()
                .private_key(PRIVATE_KEY)
                .basic_auth(USERNAME, PASSWORD),
            extra: HeaderMap::new(),
        }
    }

    /// The same case, sending `body` (gzipped when `gzip`) and the header `extra`.
    fn with(mut self, gzip: bool, extra: Option<(&'static str, &'static str)>) -> Self {
        if gzip {
            let mut encoder =
                flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
            encoder.write_all(&self.body).expect("in memory");
            self.body = Bytes::from(encoder.finish().expect("in memory"));
            self.extra
                .insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
        }
        if let Some((name, value)) = extra {
            self.extra.insert(name, HeaderValue::from_static(value));
        }
        self
    }

    /// The headers of the request: content type, `Date` of now, signature, basic auth.
    fn headers(&self) -> HeaderMap {
        let date = http_date(SystemTime::now());
        let mut headers = self.signer.headers(&self.body, Some(&date));
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        headers.extend(self.extra.clone());
        headers
    }

    /// Sends the request once and reads the whole answer.
    async fn send(&self, headers: &HeaderMap) -> (StatusCode, Bytes) {
        let mut request = Request::builder()
            .method(Method::POST)
            .uri("/")
            .body(Body::from(self.body.clone()))
            .expect("a valid request");
        *request.headers_mut() = headers.clone();
        let response = self
            .router
            .clone()
            .oneshot(request)
            .await
            .expect("the router is infallible");
        let status = response.status();
        let body = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .expect("the answer is in memory");
        (status, body)
    }

    /// Checks the case answers the echo (once, before measuring).
    fn check(&self, runtime: &Runtime) {
        let (status, body) = runtime.block_on(self.send(&self.headers()));
        assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
        assert_eq!(
            body,
            r#"{"actions":[{"type":"pause_bot_action"}],"session":{"values":{"name":"John"}},"interlocutor":null}"#,
        );
    }

    /// Sends `iters` requests and returns the time they took; the headers are signed before
    /// the clock starts.
    fn run(&self, runtime: &Runtime, iters: u64) -> Duration {
        let headers = self.headers();
        runtime.block_on(async {
            let start = Instant::now();
            for _ in 0..iters {
                let (status, body) = self.send(black_box(&headers)).await;
                assert_eq!(status, StatusCode::OK);
                black_box(body);
            }
            start.elapsed()
        })
    }
}

fn runtime() -> Runtime {
    // Timers on, as in any server: the body stage bounds the read with a timeout.
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("a tokio runtime")
}

fn route_count(c: &mut Criterion) {
    let runtime = runtime();
    let mut group = c.benchmark_group("route_count");
    group.throughput(Throughput::Elements(1));
    let cases = [
        ("step_id", 1, Filtering::StepId),
        ("step_id", 100, Filtering::StepId),
        ("step_id", 10_000, Filtering::StepId),
        ("json_key_equals", 100, Filtering::JsonKeyEquals),
    ];
    for (name, routes, filtering) in cases {
        let (webhook, last) = webhook_with_routes(routes, filtering);
        let case = Case::new(webhook.private_key(PRIVATE_KEY), &last);
        case.check(&runtime);
        group.bench_function(BenchmarkId::new(name, routes), |b| {
            b.iter_custom(|iters| case.run(&runtime, iters));
        });
    }
    group.finish();
}

/// Adds security options to a webhook.
type Security = fn(Webhook) -> Webhook;

/// The bearer token the benchmark's authenticators accept.
const TOKEN: &str = "Bearer bench-token";

/// A sync authenticator: the bearer of `TOKEN` is "bench".
fn token_auth(request: &RequestHead) -> Option<Identity> {
    (request.headers().get(header::AUTHORIZATION)? == TOKEN)
        .then(|| Identity::new(Credentials::new(["notify"]), SimpleUser::new("bench")))
}

/// The same, async.
async fn async_token_auth(request: &RequestHead) -> Option<Identity> {
    token_auth(request)
}

fn stages(c: &mut Criterion) {
    let runtime = runtime();
    let mut group = c.benchmark_group("stages");
    group.throughput(Throughput::Elements(1));
    let cases: [(&str, Security); 4] = [
        ("none", |webhook| webhook.request_max_age(None)),
        ("signature", |webhook| {
            webhook.private_key(PRIVATE_KEY).request_max_age(None)
        }),
        ("signature+max_age", |webhook| {
            webhook.private_key(PRIVATE_KEY)
        }),
        ("signature+max_age+basic_auth", |webhook| {
            webhook
                .private_key(PRIVATE_KEY)
                .basic_auth(USERNAME, PASSWORD)
        }),
    ];
    for (name, security) in cases {
        let (webhook, last) = webhook_with_routes(1, Filtering::StepId);
        let case = Case::new(security(webhook), &last);
        case.check(&runtime);
        group.bench_function(name, |b| {
            b.iter_custom(|iters| case.run(&runtime, iters));
        });
    }
    // The ingestion rules and authenticators, each on top of the signature alone. The basic-auth
    // header the signer adds is replaced by the bearer token where an authenticator runs.
    type Ingestion = (
        &'static str,
        Security,
        bool,
        Option<(&'static str, &'static str)>,
    );
    let ingestion: [Ingestion; 4] = [
        (
            "signature+ingestion_checks_off",
            |webhook| {
                webhook
                    .private_key(PRIVATE_KEY)
                    .request_max_age(None)
                    .content_type_check(ContentTypeCheck::Off)
                    .content_encodings([])
            },
            false,
            None,
        ),
        (
            "signature+gzip",
            |webhook| webhook.private_key(PRIVATE_KEY).request_max_age(None),
            true,
            None,
        ),
        (
            "signature+authenticator",
            |webhook| {
                webhook
                    .private_key(PRIVATE_KEY)
                    .request_max_age(None)
                    .authenticator(token_auth)
            },
            false,
            Some(("authorization", TOKEN)),
        ),
        (
            "signature+async_authenticator",
            |webhook| {
                webhook
                    .private_key(PRIVATE_KEY)
                    .request_max_age(None)
                    .authenticator(async_token_auth)
            },
            false,
            Some(("authorization", TOKEN)),
        ),
    ];
    for (name, security, gzip, extra) in ingestion {
        let (webhook, last) = webhook_with_routes(1, Filtering::StepId);
        let case = Case::new(security(webhook), &last).with(gzip, extra);
        case.check(&runtime);
        group.bench_function(name, |b| {
            b.iter_custom(|iters| case.run(&runtime, iters));
        });
    }
    group.finish();
}

/// The load benchmark's pair, in process: the echo bot (`examples/echo_bot.rs`: its step-id
/// route and its catch-all) against the hand-written axum server of `benches/load/`, both with
/// the signature and without the max-age check, as `benches/load/run.sh` runs them, sent the
/// fixture as it is (its step id reaches the catch-all). What the framework adds a request is
/// the difference; the socket, hyper and the client, which the load test adds to both, are left
/// out.
fn load_baseline(c: &mut Criterion) {
    let runtime = runtime();
    let mut group = c.benchmark_group("load_baseline");
    group.throughput(Throughput::Elements(1));
    let body = Bytes::from_static(FIXTURE.as_bytes());
    let baseline = baseline_app::router(baseline_app::Config {
        mac: Some(Hmac::new_from_slice(PRIVATE_KEY.as_bytes()).expect("any key length")),
        max_age: None,
    });
    let echo_bot = Webhook::new()
        .on(topics::STEP_REACHED, echo, ())
        .on(topics::STEP_REACHED, hello, StepId::new(DSL_STEP_ID))
        .private_key(PRIVATE_KEY)
        .request_max_age(None);
    let cases = [
        ("baseline", Case::from_router(baseline, body.clone())),
        ("echo_bot", Case::from_router(echo_bot.into_router(), body)),
    ];
    for (name, case) in cases {
        case.check(&runtime);
        group.bench_function(name, |b| {
            b.iter_custom(|iters| case.run(&runtime, iters));
        });
    }
    group.finish();
}

fn dsl(c: &mut Criterion) {
    let runtime = runtime();
    let mut group = c.benchmark_group("dsl");
    group.throughput(Throughput::Elements(1));
    let builder = Webhook::new()
        .on(topics::STEP_REACHED, echo, StepId::new(DSL_STEP_ID))
        .on(topics::STEP_REACHED, echo, ())
        .private_key(PRIVATE_KEY);
    let case = Case::new(builder, DSL_STEP_ID);
    case.check(&runtime);
    group.bench_function("builder", |b| {
        b.iter_custom(|iters| case.run(&runtime, iters));
    });
    let registry = Webhook::from_registry()
        .expect("no conflicting registrations")
        .private_key(PRIVATE_KEY);
    let case = Case::new(registry, DSL_STEP_ID);
    case.check(&runtime);
    group.bench_function("from_registry", |b| {
        b.iter_custom(|iters| case.run(&runtime, iters));
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(30)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = load_baseline, route_count, stages, dsl
}
criterion_main!(benches);
