//! The models: load, validate, dump.
//!
//! An input starting like JSON (`{`, `[`, whitespace) is read as JSON bytes; any other is the
//! seed of a structure-aware document: a notification or an answer built from the fixtures and
//! mutated, or any JSON value (`webhook_fuzz::json`). Each document is loaded, as its keys say,
//! as a `WebhookRequest`, a `WebhookRequest<StepReached>` and a `StepReached` (its `data`), a
//! `StepReachedResponse`, an `Action`, as the webhook loads them: from the tree
//! (`models::load::load`, every error with its path) and from the bytes
//! (`models::load::from_json_slice`, the webhook's fast path).
//!
//! Asserted, for each model that loads: no panic (text processing included: the processed
//! view reads every text); loading from the bytes gives the same model as from the tree; the
//! model validates or not without panicking; load ∘ dump is idempotent:
//! `dump(load(dump(load(x)))) == dump(load(x))` (key order included), as trees and through
//! the bytes sent, and the processed view
//! (`models::view::processed_json`) of the reloaded model is the same; and the echo law on
//! this crate's side: a notification that validates, echoed, is an answer that validates.

#![no_main]

use arbitrary::Unstructured;
use clustaar_webhook::models::load::{from_json_slice, load};
use clustaar_webhook::models::validate::Validate;
use clustaar_webhook::models::{
    view, Action, Event, StepReached, StepReachedResponse, WebhookRequest,
};
use libfuzzer_sys::fuzz_target;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use webhook_fuzz::json;

/// Asserts that two texts are the same, showing where they differ.
fn assert_same(left: &str, right: &str, what: &str) {
    if left == right {
        return;
    }
    let at = left
        .char_indices()
        .zip(right.chars())
        .find(|((_, l), r)| l != r)
        .map_or(left.len().min(right.len()), |((at, _), _)| at);
    let from = left.floor_char_boundary(at.saturating_sub(120));
    panic!(
        "{what}, from byte {at}:\n  left:  …{}\n  right: …{}",
        &left[from..left.ceil_char_boundary((at + 120).min(left.len()))],
        &right[right.floor_char_boundary(from.min(right.len()))
            ..right.ceil_char_boundary((at + 120).min(right.len()))],
    );
}

/// Loads `document` as a `T` (from the tree and from its bytes), validates it, and checks that
/// load ∘ dump is idempotent. Returns the model when it loads.
fn round_trip<T>(document: &Value, bytes: Option<&[u8]>, prefix: &str) -> Option<T>
where
    T: DeserializeOwned + Serialize + Validate,
{
    let from_tree = load::<T>(document, prefix);
    // The bytes loaded straight (the webhook's fast path) give the same model, or fail and the
    // webhook falls back to the tree.
    if let Some(bytes) = bytes {
        if let Ok(from_bytes) = from_json_slice::<T>(bytes) {
            let model = from_tree.as_ref().unwrap_or_else(|errors| {
                panic!("loads from the bytes, not from the tree: {errors}")
            });
            // The dumps hold every field, and each text as received (which the processed text
            // is a function of).
            assert_same(
                &serde_json::to_string(&from_bytes).expect("a dump"),
                &serde_json::to_string(model).expect("a dump"),
                "the bytes and the tree load models that dump differently",
            );
        }
    }
    let model = from_tree.ok()?;
    let processed = view::processed_json(&model).expect("a processed view");
    let dumped = serde_json::to_value(&model).expect("a dump");
    let reloaded: T = load(&dumped, prefix)
        .unwrap_or_else(|errors| panic!("its dump does not load: {errors}\n  dump: {dumped}"));
    let redumped = serde_json::to_value(&reloaded).expect("a dump");
    assert_same(
        &serde_json::to_string(&redumped).expect("JSON"),
        &serde_json::to_string(&dumped).expect("JSON"),
        "dump(load(dump(load(x)))) != dump(load(x))",
    );
    // The same on the wire: the dump sent as bytes, loaded back from them.
    let sent = serde_json::to_vec(&model).expect("a dump");
    let received: T = from_json_slice(&sent).unwrap_or_else(|error| {
        panic!(
            "its dump does not load from its bytes: {error}\n  dump: {}",
            String::from_utf8_lossy(&sent)
        )
    });
    assert_same(
        &String::from_utf8_lossy(&serde_json::to_vec(&received).expect("a dump")),
        &String::from_utf8_lossy(&sent),
        "dump(load(dump(load(x)))) != dump(load(x)) through bytes",
    );
    assert_eq!(
        view::processed_json(&reloaded).expect("a processed view"),
        processed,
        "the processed view changes through load ∘ dump"
    );
    // The validation judges what is written: the same verdict on the reloaded model.
    assert_eq!(
        model.validate_at(prefix).is_ok(),
        reloaded.validate_at(prefix).is_ok(),
        "the dump's verdict differs"
    );
    Some(model)
}

/// The models a document is loaded as, chosen by its keys (loading a notification as an
/// action, say, only keeps it raw): a notification when it has a `topic` or a `data`, an answer
/// when it has `actions`, `session` or `interlocutor`, an action when it has a `type`; all of
/// them when it has none of these. Then the echo law.
fn check(document: &Value, bytes: Option<&[u8]>) {
    let has = |keys: &[&str]| keys.iter().any(|key| document.get(key).is_some());
    let none = !has(&[
        "topic",
        "data",
        "actions",
        "session",
        "interlocutor",
        "type",
    ]);
    if none || has(&["topic", "data"]) {
        let notification = round_trip::<WebhookRequest>(document, bytes, "");
        let typed = round_trip::<WebhookRequest<StepReached>>(document, bytes, "");
        if let Some(data) = document.get("data") {
            round_trip::<StepReached>(data, None, "data");
        }
        // The echo law, this crate's side: a valid notification's actions are a valid answer.
        if let Some(notification) = notification {
            if notification.validate().is_ok() {
                if let Event::StepReached(event) = notification.data {
                    let echo = StepReachedResponse::with_actions(event.into_actions());
                    if let Err(errors) = echo.validate() {
                        panic!("a valid step echoed is an invalid answer: {errors}");
                    }
                }
            }
        }
        if let Some(typed) = typed {
            if typed.validate().is_ok() {
                let echo = StepReachedResponse::with_actions(typed.data.into_actions());
                if let Err(errors) = echo.validate() {
                    panic!("a valid step echoed is an invalid answer: {errors}");
                }
            }
        }
    }
    if none || has(&["actions", "session", "interlocutor"]) {
        round_trip::<StepReachedResponse>(document, bytes, "");
    }
    if none || has(&["type"]) {
        round_trip::<Action>(document, bytes, "");
    }
}

fuzz_target!(|data: &[u8]| {
    let looks_like_json = data
        .first()
        .is_some_and(|byte| matches!(byte, b'{' | b'[' | b' ' | b'\n' | b'\t' | b'\r'));
    if looks_like_json {
        if let Ok(document) = serde_json::from_slice::<Value>(data) {
            check(&document, Some(data));
        }
        return;
    }
    let mut u = Unstructured::new(data);
    let build = match u.int_in_range(0..=3u8) {
        Ok(0) => json::answer,
        Ok(1) => |u: &mut Unstructured| json::value(u, 0),
        _ => json::notification,
    };
    let Ok(document) = build(&mut u) else {
        return;
    };
    // The webhook reads the tree and the model from the same bytes.
    let bytes = serde_json::to_vec(&document).expect("JSON");
    let document: Value = serde_json::from_slice(&bytes).expect("JSON");
    check(&document, Some(&bytes));
});
