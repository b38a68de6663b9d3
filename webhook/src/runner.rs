//! What `main!()` runs: settings from the environment and the command line, the registered
//! handlers, logging, and a server that stops gracefully.

use std::future::Future;
use std::process::ExitCode;
use std::time::Duration;

use crate::config::{Command, Overrides, Settings, USAGE};
use crate::state::StateMap;
use crate::Webhook;

/// A boxed error, for the `?` operator in `main!(state = ...)`.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// What `main!(...)` sets in code: settings that override the environment (the command line
/// overrides them in turn), and the state handlers receive.
#[derive(Debug, Default)]
pub struct MainOptions {
    overrides: Overrides,
    state: StateMap,
    invalid: Option<String>,
    strict: bool,
}

impl MainOptions {
    /// Stores a state value, received by handlers as `State<T>`.
    pub fn state<T: Clone + Send + Sync + 'static>(&mut self, value: T) {
        self.state.insert(value);
    }

    /// `main!(private_key = ...)`.
    pub fn private_key(&mut self, key: impl Into<String>) {
        self.overrides.private_key = Some(key.into());
    }

    /// `main!(auth_username = ...)`.
    pub fn auth_username(&mut self, username: impl Into<String>) {
        self.overrides.auth_username = Some(username.into());
    }

    /// `main!(auth_password = ...)`.
    pub fn auth_password(&mut self, password: impl Into<String>) {
        self.overrides.auth_password = Some(password.into());
    }

    /// `main!(request_max_age = ...)`: seconds, a `Duration`, or `None`.
    pub fn request_max_age(&mut self, max_age: impl Into<MaxAge>) {
        self.overrides.request_max_age = Some(max_age.into().0);
    }

    /// `main!(body_limit = ...)`: the largest body, in bytes, received and decoded.
    pub fn body_limit(&mut self, bytes: usize) {
        self.overrides.body_limit = Some(bytes);
    }

    /// `main!(header_read_timeout = ...)`: seconds, a `Duration`, or `None` (no timeout).
    pub fn header_read_timeout(&mut self, timeout: impl Into<MaxAge>) {
        self.overrides.header_read_timeout = Some(timeout.into().0);
    }

    /// `main!(body_read_timeout = ...)`: seconds, a `Duration`, or `None` (no timeout).
    pub fn body_read_timeout(&mut self, timeout: impl Into<MaxAge>) {
        self.overrides.body_read_timeout = Some(timeout.into().0);
    }

    /// `main!(strict = true)`: validate every notification against the platform's rules
    /// ([`Webhook::strict_notifications`]).
    pub fn strict(&mut self, strict: bool) {
        self.strict = strict;
    }

    /// `main!(addr = ...)`: anything that parses as a socket address.
    pub fn addr(&mut self, addr: impl ToString) {
        let addr = addr.to_string();
        match addr.parse() {
            Ok(parsed) => self.overrides.addr = Some(parsed),
            Err(_) => {
                self.invalid = Some(format!(
                    "main!(addr = {addr:?}) is not an address such as 127.0.0.1:8000"
                ));
            }
        }
    }
}

/// A duration given to `main!` (a maximum request age, a read timeout): whole seconds, a
/// `Duration`, or `None` (disabled).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MaxAge(pub Option<Duration>);

impl From<u64> for MaxAge {
    fn from(seconds: u64) -> Self {
        Self(Some(Duration::from_secs(seconds)))
    }
}

impl From<Duration> for MaxAge {
    fn from(duration: Duration) -> Self {
        Self(Some(duration))
    }
}

impl From<Option<Duration>> for MaxAge {
    fn from(duration: Option<Duration>) -> Self {
        Self(duration)
    }
}

/// Installs the log output (the `logging` feature), filtered by `RUST_LOG` (default `info`).
#[cfg(feature = "logging")]
fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt().with_env_filter(filter).try_init();
}

/// Without the `logging` feature, `main!()` installs no subscriber: the program's own, if any,
/// receives the logs.
#[cfg(not(feature = "logging"))]
fn init_logging() {}

/// Runs a bot: the body of the `main` that `main!()` writes.
///
/// Exit codes: `0` after a graceful shutdown or `--help`; `2` for a bad setting, flag or
/// handler conflict; `1` when the state cannot be built or the address cannot be bound.
pub fn run_main<F, Fut>(configure: F) -> ExitCode
where
    F: FnOnce(MainOptions) -> Fut,
    Fut: Future<Output = Result<MainOptions, BoxError>>,
{
    let program = std::env::args()
        .next()
        .and_then(|path| {
            std::path::Path::new(&path)
                .file_name()
                .map(|name| name.to_string_lossy().into_owned())
        })
        .unwrap_or_else(|| "bot".to_owned());
    let flags = match Overrides::from_args(std::env::args().skip(1)) {
        Ok(Command::Serve(flags)) => flags,
        Ok(Command::Help) => {
            println!("usage: {program} [OPTIONS]\n\nServes the bot's webhook.\n\n{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(error) => {
            eprintln!("{program}: {error}");
            return ExitCode::from(2);
        }
    };
    init_logging();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("{program}: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async move {
        let options = match configure(MainOptions::default()).await {
            Ok(options) => options,
            Err(error) => {
                eprintln!("{program}: cannot start: {error}");
                return ExitCode::FAILURE;
            }
        };
        if let Some(invalid) = options.invalid {
            eprintln!("{program}: {invalid}");
            return ExitCode::from(2);
        }
        let settings = Settings::from_env()
            .and_then(|settings| settings.overlay(&options.overrides))
            .and_then(|settings| settings.overlay(&flags));
        let settings = match settings {
            Ok(settings) => settings,
            Err(error) => {
                eprintln!("{program}: {error}");
                return ExitCode::from(2);
            }
        };
        let webhook = match Webhook::from_registry() {
            Ok(webhook) => settings
                .apply(webhook)
                .states(options.state)
                .strict_notifications(options.strict),
            Err(conflict) => {
                eprintln!("{program}: {conflict}");
                return ExitCode::from(2);
            }
        };
        if let Err(missing) = webhook.check_state() {
            eprintln!("{program}: {missing}");
            return ExitCode::from(2);
        }
        if webhook.routes().is_empty() && webhook.http_routes().is_empty() {
            tracing::warn!("no #[on] handler is registered: every notification will be a 404");
        }
        tracing::info!(
            "routes, in precedence order:\n{}",
            webhook.describe_routes()
        );
        match webhook.serve(settings.addr).await {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => {
                eprintln!("{program}: cannot serve on {}: {error}", settings.addr);
                ExitCode::FAILURE
            }
        }
    })
}
