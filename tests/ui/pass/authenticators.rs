//! Every form of `#[authenticator]` and `auth =` that must compile.

use clustaar_webhook::prelude::*;

#[derive(Clone)]
struct Account {
    id: u64,
}

impl User for Account {
    fn is_authenticated(&self) -> bool {
        self.id != 0
    }
}

/// Async, with a custom user and a `Result` whose error is boxed.
#[authenticator]
async fn account(
    request: &RequestHead,
) -> Result<Option<Identity<Account>>, Box<dyn std::error::Error + Send + Sync>> {
    let Some(value) = request.headers().get("x-account") else {
        return Ok(None);
    };
    let id: u64 = value.to_str()?.parse()?;
    Ok(Some(Identity::new(Credentials::default(), Account { id })))
}

/// Sync, returning a tuple, used by one route.
fn token(request: &clustaar_webhook::auth::RequestHead) -> (Credentials, SimpleUser) {
    let _ = request.body();
    (Credentials::new(["read"]), SimpleUser::new("t"))
}

/// Returns nothing: accepts anyone.
fn anyone(_: &RequestHead) {}

mod nested {
    pub async fn check(
        _: &clustaar_webhook::auth::RequestHead,
    ) -> Result<(), clustaar_webhook::ApiError> {
        Ok(())
    }
}

#[on(step_reached, auth = token)]
fn with_token(
    identity: Identity<SimpleUser>,
    account: Option<Identity<Account>>,
) -> StepReachedResponse {
    let _ = (identity, account.map(|a| a.user.id));
    StepReachedResponse::new()
}

#[on(step_reached, step_id = "507f191e810c19729de860ea", auth = nested::check)]
async fn with_path() -> StepReachedResponse {
    StepReachedResponse::new()
}

#[on(step_reached, step_id = "507f191e810c19729de860eb", auth = anyone, priority = 1)]
fn open() -> StepReachedResponse {
    StepReachedResponse::new()
}

/// `main!()` picks the authenticator up; in a module so that this test, which runs the
/// program, does not start a server.
#[allow(dead_code)]
mod program {
    clustaar_webhook::main!();
}

/// The authenticator and the routes were registered.
fn main() {
    let webhook =
        clustaar_webhook::Webhook::from_registry().expect("one authenticator, no conflict");
    assert!(format!("{webhook:?}").contains("authenticator: true"));
    assert_eq!(
        webhook
            .routes()
            .iter()
            .filter(|route| route.has_authenticator())
            .count(),
        3
    );
}
