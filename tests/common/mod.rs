//! What the integration tests share: the reference's sample request and its signatures.

#![allow(dead_code)]

pub mod browser;
pub mod inbox_fill;
pub mod programs;

/// The reference's sample request, byte for byte (636 bytes, ends with a newline).
pub const FIXTURE: &[u8] = include_bytes!("../fixtures/step_reached.json");

/// The date of SPEC's test vectors.
pub const VECTOR_DATE: &str = "Thu, 13 Sep 2018 11:48:13 GMT";

/// A step id of the ObjectID form.
pub const STEP_ID: &str = "507f191e810c19729de860ea";

/// A handler for the graceful-shutdown tests: says it started, takes 300 ms, answers
/// "finished".
pub async fn finish_slowly(
    started: std::sync::Arc<tokio::sync::Notify>,
) -> clustaar_webhook::StepReachedResponse {
    started.notify_one();
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    clustaar_webhook::StepReachedResponse::new()
        .action(clustaar_webhook::models::SendTextAction::new(["finished"]))
}

/// `value` without the keys holding `null` or `[]`: the reference writes absent values as
/// those, and the echo of a step writes them back as received (absent), so an echo is compared
/// with what was sent modulo those keys.
pub fn without_empty(value: &serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(_, item)| {
                    !item.is_null() && item.as_array().is_none_or(|items| !items.is_empty())
                })
                .map(|(key, item)| (key.clone(), without_empty(item)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(without_empty).collect()),
        other => other.clone(),
    }
}
