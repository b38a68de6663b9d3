//! The models: load + validate + dump of a notification whose step carries one action of each
//! of the 27 types of the reference (the fixtures of `clustaar-schemas/tests/fixtures/v1/`).
//!
//! ```sh
//! cargo bench --bench models            # measure
//! cargo bench --bench models -- --test  # smoke test
//! ```
//!
//! Groups (`models`, the 27-action fixture, 5.4 kB):
//! - `load`: bytes to `WebhookRequest<StepReached>` (with sanitising and normalisation);
//! - `validate`: every rule of the notification;
//! - `dump`: the echo answer to bytes;
//! - `load_validate_dump`: the three, as the echo bot does them per request;
//! - `echo`: load + validation of the echo answer + dump (`to_checked_json`, what the webhook
//!   sends), what a validating echo bot does
//!   (the measure of `benches/models_vs_reference.sh`, against the reference).
//!
//! Group `models_rich`: the rich step `tests/fixtures/step_reached_rich.json` (33 kB, 34
//! actions, text full of markup, entities, full-width and decomposed characters, padded URLs,
//! `match_regexp` conditions; written by `scripts/rich_step.py`, valid by the reference):
//! - `value_parse`: the bytes to a `serde_json::Value` (for scale);
//! - `load`, `validate_notification` (what `strict` adds), `validate_answer`, `dump`;
//! - `echo`: load + validation of the echo answer + dump, what a validating echo bot does;
//! - `read_every_text`: load + every text read (processed), what a handler reading the whole
//!   step pays: texts are processed when first read.

use std::hint::black_box;

use clustaar_webhook::models::validate::Validate;
use clustaar_webhook::models::{StepReached, StepReachedResponse, WebhookRequest};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use serde_json::json;

#[path = "../tests/common/every_action.rs"]
mod every_action;

use every_action::{every_action, fixture};

/// The notification: the 25 `_action` fixtures plus a `choice` and a `section`.
fn notification() -> Vec<u8> {
    let actions = every_action("load");
    let mut interlocutor = fixture("webhook_interlocutor.data.load.json");
    interlocutor["customAttributes"] = json!({"age": "21"});
    serde_json::to_vec(&json!({
        "topic": "conversation.step_reached",
        "botID": "4321",
        "timestamp": 1514998709,
        "type": "notification_event",
        "data": {
            "type": "step_reached_event",
            "channel": "web",
            "interlocutor": interlocutor,
            "session": {"values": {"name": "tintin"}},
            "step": {"id": "5a1b2c3d4e5f6a7b8c9d0e1f", "name": "all", "userData": "{}", "actions": actions},
            "input": {"type": "message", "text": "hello", "attachments": []},
        }
    }))
    .expect("serialisable")
}

/// As the framework's extractors read a notification (`serde_json::from_slice`'s result, the
/// bytes checked as UTF-8 once).
fn load(body: &[u8]) -> WebhookRequest<StepReached> {
    clustaar_webhook::models::load::from_json_slice(body).expect("loads")
}

/// The echo bot's answer: the step's own actions (moved, as a handler owning the event does).
fn echo(request: WebhookRequest<StepReached>) -> StepReachedResponse {
    StepReachedResponse::with_actions(request.data.into_actions()).session_value("name", "John")
}

fn models(c: &mut Criterion) {
    let body = notification();
    if let Some(path) = std::env::var_os("MODELS_WRITE_NOTIFICATION") {
        // benches/models_vs_reference.sh: the reference is timed on the very same bytes.
        std::fs::write(path, &body).expect("writes the notification");
    }
    let request = load(&body);
    assert_eq!(request.data.actions().len(), 27);
    request.validate().expect("the fixtures are valid");
    let answer = echo(request.clone());
    answer.validate().expect("the answer is valid");

    let mut group = c.benchmark_group("models");
    group.throughput(Throughput::Bytes(body.len() as u64));
    group.bench_function("load", |b| b.iter(|| load(black_box(&body))));
    group.bench_function("validate", |b| {
        b.iter(|| black_box(&request).validate().is_ok())
    });
    group.bench_function("dump", |b| {
        b.iter(|| serde_json::to_vec(black_box(&answer)).expect("dumps"))
    });
    group.bench_function("load_validate_dump", |b| {
        b.iter(|| {
            let request = load(black_box(&body));
            let valid = request.validate().is_ok();
            let answer = echo(request);
            (
                valid,
                answer.validate().is_ok(),
                serde_json::to_vec(&answer).expect("dumps"),
            )
        })
    });
    group.bench_function("echo", |b| {
        b.iter(|| {
            echo(load(black_box(&body)))
                .to_checked_json()
                .expect("a valid echo")
        })
    });
    group.finish();
}

fn models_rich(c: &mut Criterion) {
    let body = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/step_reached_rich.json"
    ))
    .expect("the rich fixture");
    let request = load(&body);
    assert_eq!(request.data.actions().len(), 34);
    request.validate().expect("the rich step is valid");
    let answer = echo(request.clone());
    answer.validate().expect("its echo is valid");

    let mut group = c.benchmark_group("models_rich");
    group.throughput(Throughput::Bytes(body.len() as u64));
    group.bench_function("value_parse", |b| {
        b.iter(|| serde_json::from_slice::<serde_json::Value>(black_box(&body)).expect("JSON"))
    });
    group.bench_function("load", |b| b.iter(|| load(black_box(&body))));
    group.bench_function("validate_notification", |b| {
        b.iter(|| black_box(&request).validate().is_ok())
    });
    group.bench_function("validate_answer", |b| {
        b.iter(|| black_box(&answer).validate().is_ok())
    });
    group.bench_function("dump", |b| {
        b.iter(|| serde_json::to_vec(black_box(&answer)).expect("dumps"))
    });
    group.bench_function("read_every_text", |b| {
        b.iter(|| {
            clustaar_webhook::models::view::processed_json(&load(black_box(&body))).expect("dumps")
        })
    });
    group.bench_function("echo", |b| {
        b.iter(|| {
            echo(load(black_box(&body)))
                .to_checked_json()
                .expect("a valid echo")
        })
    });
    group.finish();
}

criterion_group!(benches, models, models_rich);
criterion_main!(benches);
