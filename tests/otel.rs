//! OpenTelemetry (the `otel` feature): the request's span continues the incoming W3C trace, and
//! the handler's spans nest in it. Run with `cargo test --features otel --test otel`.

mod common;

use clustaar_webhook::prelude::*;
use clustaar_webhook::testing::TestServer;
use common::FIXTURE;
use opentelemetry::trace::{SpanId, SpanKind, Status, TraceId};
use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider, SpanData};
use tracing_subscriber::layer::SubscriberExt;

const TRACE_ID: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
const PARENT_ID: &str = "00f067aa0ba902b7";

fn echo(event: StepReached) -> StepReachedResponse {
    tracing::info_span!("handler work")
        .in_scope(|| StepReachedResponse::with_actions(event.actions().to_vec()))
}

fn attribute(span: &SpanData, key: &str) -> Option<String> {
    span.attributes
        .iter()
        .find(|kv| kv.key.as_str() == key)
        .map(|kv| kv.value.to_string())
}

// A current-thread runtime: the server's tasks run on the test's thread, under its subscriber.
#[tokio::test(flavor = "current_thread")]
async fn the_request_span_continues_the_incoming_trace() {
    let exporter = InMemorySpanExporter::default();
    let provider = SdkTracerProvider::builder()
        .with_simple_exporter(exporter.clone())
        .build();
    let subscriber =
        tracing_subscriber::registry().with(clustaar_webhook::ops::otel::layer(&provider));
    let _guard = tracing::subscriber::set_default(subscriber);

    let webhook = Webhook::new()
        .request_max_age(None)
        .on(topics::STEP_REACHED, echo, ())
        .http(
            Method::POST,
            "/fail",
            || async { StatusCode::INTERNAL_SERVER_ERROR },
            (),
        );
    let server = TestServer::spawn(webhook).await.unwrap();
    let continued = server
        .client()
        .post(FIXTURE)
        .header("traceparent", format!("00-{TRACE_ID}-{PARENT_ID}-01"))
        .header("x-request-id", "otel-1")
        .send()
        .await;
    assert_eq!(continued.status(), 200);
    let fresh = server.client().post(FIXTURE).send().await;
    assert_eq!(fresh.status(), 200);
    let failed = server.client().request(Method::POST, "/fail").send().await;
    assert_eq!(failed.status(), 500);
    server.shutdown().await.unwrap();
    provider.force_flush().unwrap();

    let spans = exporter.get_finished_spans().unwrap();
    let requests: Vec<&SpanData> = spans.iter().filter(|s| s.name == "POST /").collect();
    assert_eq!(requests.len(), 2, "{spans:#?}");
    let request = requests
        .iter()
        .find(|s| attribute(s, "request_id").as_deref() == Some("otel-1"))
        .unwrap();
    assert_eq!(
        request.span_context.trace_id(),
        TraceId::from_hex(TRACE_ID).unwrap()
    );
    assert_eq!(request.parent_span_id, SpanId::from_hex(PARENT_ID).unwrap());
    assert!(request.parent_span_is_remote);
    assert_eq!(request.span_kind, SpanKind::Server);
    assert_eq!(attribute(request, "route").as_deref(), Some("/"));
    assert_eq!(attribute(request, "status").as_deref(), Some("200"));

    // The handler's span is the request's child.
    let work = spans
        .iter()
        .find(|s| {
            s.name == "handler work" && s.span_context.trace_id() == request.span_context.trace_id()
        })
        .unwrap();
    assert_eq!(work.parent_span_id, request.span_context.span_id());

    // Without a traceparent, a new trace.
    let other = requests
        .iter()
        .find(|s| attribute(s, "request_id").as_deref() != Some("otel-1"))
        .unwrap();
    assert_ne!(
        other.span_context.trace_id(),
        TraceId::from_hex(TRACE_ID).unwrap()
    );
    assert_eq!(other.parent_span_id, SpanId::INVALID);
    assert_eq!(other.status, Status::Unset);

    // A 5xx is an error of the server span (OpenTelemetry's HTTP conventions).
    let failed = spans.iter().find(|s| s.name == "POST /fail").unwrap();
    assert!(
        matches!(failed.status, Status::Error { .. }),
        "{:?}",
        failed.status
    );
}
