//! Two `#[authenticator]` functions in one program stop it at start, naming both.

use clustaar_webhook::prelude::*;
use clustaar_webhook::registry::RegistryError;

#[authenticator]
fn first(_: &RequestHead) {}

#[authenticator]
async fn second(_: &RequestHead) -> Option<Identity> {
    None
}

#[on(step_reached)]
fn handler() -> StepReachedResponse {
    StepReachedResponse::new()
}

#[test]
fn from_registry_names_both_authenticators() {
    let RegistryError::Authenticators(conflict) = Webhook::from_registry().unwrap_err() else {
        panic!("not an authenticator conflict");
    };
    assert_eq!(
        (conflict.first_name, conflict.second_name),
        ("first", "second")
    );
    assert_eq!(
        conflict.to_string(),
        "the functions `first` (tests/dsl_authenticator_conflict.rs:6) and `second` \
         (tests/dsl_authenticator_conflict.rs:9) are both `#[authenticator]`s; a webhook has \
         one: keep the attribute on one, and give a route its own with \
         `#[on(..., auth = function)]`"
    );
}
