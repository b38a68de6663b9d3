//! A bot that accepts only requests carrying a bearer token from a set loaded at start:
//! `Authorization: Bearer <token>`. An authenticator function checks it before any handler
//! runs; the handler greets the caller it identified.
//!
//! ```sh
//! WEBHOOK_TOKENS=alpha-token,beta-token cargo run --example token_auth
//! # or one token a line (blank lines and `#` comments skipped):
//! WEBHOOK_TOKENS_FILE=/etc/bot/tokens cargo run --example token_auth
//!
//! curl -s 127.0.0.1:8000 -H 'Authorization: Bearer alpha-token' \
//!   -H 'Content-Type: application/json' -d @tests/fixtures/step_reached.json
//! ```
//!
//! | request | answer |
//! |---|---|
//! | no `Authorization: Bearer …` | `401` `{"title": "Token required", …}` |
//! | a token not in the set | `403` `{"title": "Invalid credentials", …}` |
//! | a token in the set | the handler's answer: `Hello, token #1!` |
//!
//! Starting without any token is refused (exit code 2): such a bot would answer no one.
//! The other `WEBHOOK_*` variables (address, signature key, basic auth, maximum request age) apply as in
//! `echo_bot`; the authenticator runs after those checks.

use std::collections::HashMap;
use std::sync::Arc;

use clustaar_webhook::config::Settings;
use clustaar_webhook::prelude::*;
use clustaar_webhook::ServeError;

/// Who calls: the holder of a known token, or of an unknown one (refused with a `403`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Caller {
    /// A token of the set, by name.
    Known(String),
    /// A token not in the set.
    Unknown,
}

impl User for Caller {
    fn is_authenticated(&self) -> bool {
        matches!(self, Caller::Known(_))
    }
}

/// The accepted tokens, each with the name of the caller it identifies (`token #n`, in the
/// order they were given).
#[derive(Debug, Clone, Default)]
pub(crate) struct Tokens(Arc<HashMap<String, String>>);

/// Why the tokens cannot be loaded.
#[derive(Debug)]
pub(crate) enum TokensError {
    /// No token at all.
    Missing,
    /// The tokens file cannot be read.
    File(String, std::io::Error),
}

impl std::error::Error for TokensError {}

impl std::fmt::Display for TokensError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Missing => f.write_str(
                "no token: set WEBHOOK_TOKENS (comma-separated) or WEBHOOK_TOKENS_FILE (one a line)",
            ),
            Self::File(path, error) => write!(f, "cannot read WEBHOOK_TOKENS_FILE {path:?}: {error}"),
        }
    }
}

impl Tokens {
    /// Tokens from a list (blank entries and `#` comments skipped).
    pub(crate) fn parse<'a>(
        entries: impl IntoIterator<Item = &'a str>,
    ) -> Result<Self, TokensError> {
        let tokens: HashMap<String, String> = entries
            .into_iter()
            .map(str::trim)
            .filter(|entry| !entry.is_empty() && !entry.starts_with('#'))
            .enumerate()
            .map(|(index, token)| (token.to_owned(), format!("token #{}", index + 1)))
            .collect();
        if tokens.is_empty() {
            return Err(TokensError::Missing);
        }
        Ok(Self(Arc::new(tokens)))
    }

    /// Tokens from `WEBHOOK_TOKENS` (comma-separated) or the file `WEBHOOK_TOKENS_FILE`.
    pub(crate) fn from_env() -> Result<Self, TokensError> {
        if let Ok(path) = std::env::var("WEBHOOK_TOKENS_FILE") {
            let text =
                std::fs::read_to_string(&path).map_err(|error| TokensError::File(path, error))?;
            return Self::parse(text.lines());
        }
        Self::parse(
            std::env::var("WEBHOOK_TOKENS")
                .unwrap_or_default()
                .split(','),
        )
    }

    /// The authenticator: who holds the request's bearer token.
    pub(crate) fn authenticate(&self, request: &RequestHead) -> Result<Identity<Caller>, ApiError> {
        let token = request
            .headers()
            .get("authorization")
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.strip_prefix("Bearer "))
            .ok_or_else(|| {
                ApiError::new(
                    StatusCode::UNAUTHORIZED,
                    "Token required",
                    "Send \"Authorization: Bearer <token>\".",
                )
            })?;
        let caller = match self.0.get(token.trim()) {
            Some(name) => Caller::Known(name.clone()),
            None => Caller::Unknown,
        };
        Ok(Identity::new(Credentials::new(["notify"]), caller))
    }
}

/// Greets the caller the authenticator identified.
fn greet(identity: Identity<Caller>) -> StepReachedResponse {
    let name = match &identity.user {
        Caller::Known(name) => name.as_str(),
        Caller::Unknown => "stranger",
    };
    StepReachedResponse::new().action(SendTextAction::new([format!("Hello, {name}!")]))
}

/// The bot's webhook, without its security settings.
pub(crate) fn token_bot(tokens: Tokens) -> Webhook {
    Webhook::new()
        .authenticator(move |request: &RequestHead| tokens.authenticate(request))
        .on(topics::STEP_REACHED, greet, ())
}

#[tokio::main]
async fn main() {
    let (settings, tokens) = match (Settings::from_env(), Tokens::from_env()) {
        (Ok(settings), Ok(tokens)) => (settings, tokens),
        (Err(error), _) => {
            eprintln!("token_auth: {error}");
            std::process::exit(2);
        }
        (_, Err(error)) => {
            eprintln!("token_auth: {error}");
            std::process::exit(2);
        }
    };
    let _logging = clustaar_webhook::logging::init(settings.log_format);
    tracing::info!(tokens = tokens.0.len(), "tokens loaded");
    match settings.apply(token_bot(tokens)).serve(settings.addr).await {
        Ok(()) => {}
        Err(ServeError::Io(error)) => {
            eprintln!("token_auth: cannot serve on {}: {error}", settings.addr);
            std::process::exit(1);
        }
        Err(error) => {
            eprintln!("token_auth: {error}");
            std::process::exit(1);
        }
    }
}
