//! Two `#[on]` handlers that nothing tells apart stop the program at start, naming both.

use clustaar_webhook::prelude::*;

#[on(step_reached, step_id = "507f191e810c19729de860ea", priority = 1)]
fn first() -> StepReachedResponse {
    StepReachedResponse::new()
}

#[on(step_reached, step_id = "507f191e810c19729de860ea", priority = 1)]
fn second() -> StepReachedResponse {
    StepReachedResponse::new()
}

// Same filters, another priority: no conflict.
#[on(step_reached, step_id = "507f191e810c19729de860ea", priority = 2)]
fn third() -> StepReachedResponse {
    StepReachedResponse::new()
}

#[test]
fn from_registry_names_both_handlers_and_their_locations() {
    let clustaar_webhook::registry::RegistryError::Handlers(conflict) =
        Webhook::from_registry().unwrap_err()
    else {
        panic!("not a handler conflict");
    };
    assert_eq!(conflict.first_name, "first");
    assert_eq!(conflict.second_name, "second");
    let message = conflict.to_string();
    assert!(message.contains("tests/dsl_conflict.rs:5"), "{message}");
    assert!(message.contains("tests/dsl_conflict.rs:10"), "{message}");
    assert!(
        message.contains(r#"same filters (step_id = "507f191e810c19729de860ea")"#),
        "{message}"
    );
}
