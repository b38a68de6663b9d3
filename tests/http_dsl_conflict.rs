//! Two `#[on(http ...)]` handlers on one path whose methods meet, with nothing else to tell
//! them apart, stop the program at start, naming both and the methods they share.

use clustaar_webhook::prelude::*;

#[on(http(get, post), path = "/hooks")]
fn reads_and_writes() -> StatusCode {
    StatusCode::OK
}

// Disjoint methods on the same path: no conflict.
#[on(http(delete), path = "/hooks")]
fn deletes() -> StatusCode {
    StatusCode::OK
}

#[on(http, path = "/hooks")]
fn anything() -> StatusCode {
    StatusCode::OK
}

#[test]
fn from_registry_names_both_handlers_and_the_methods_they_share() {
    let clustaar_webhook::registry::RegistryError::Handlers(conflict) =
        Webhook::from_registry().unwrap_err()
    else {
        panic!("not a handler conflict");
    };
    assert_eq!(
        (conflict.first_name, conflict.second_name),
        ("reads_and_writes", "anything")
    );
    assert_eq!(conflict.event, "GET,POST,HEAD /hooks");
    let message = conflict.to_string();
    assert!(
        message.contains("tests/http_dsl_conflict.rs:6"),
        "{message}"
    );
    assert!(
        message.contains("tests/http_dsl_conflict.rs:17"),
        "{message}"
    );
}
