//! The webhook's settings, declared once: [`Settings`] is the table from which the command-line
//! flags, the environment variables, `--help` (through clap's derive) and the `main!()` options
//! (its field names) all come.
//!
//! | field / `main!()` option | flag | variable | default |
//! |---|---|---|---|
//! | `addr` | `--addr` | `WEBHOOK_ADDR` | `127.0.0.1:8000` |
//! | `private_key` | `--private-key` | `WEBHOOK_PRIVATE_KEY` | no signature check |
//! | `auth_username`, `auth_password` | `--auth-username`, `--auth-password` | `WEBHOOK_AUTH_USERNAME`, `WEBHOOK_AUTH_PASSWORD` | no basic auth (both or neither) |
//! | `request_max_age` | `--request-max-age` | `WEBHOOK_REQUEST_MAX_AGE` | `10` seconds (`none` disables) |
//! | `body_limit` | `--body-limit` | `WEBHOOK_BODY_LIMIT` | `2097152` bytes (2 MiB) |
//! | `header_read_timeout` | `--header-read-timeout` | `WEBHOOK_HEADER_READ_TIMEOUT` | `10` seconds (`none`: no timeout) |
//! | `body_read_timeout` | `--body-read-timeout` | `WEBHOOK_BODY_READ_TIMEOUT` | `30` seconds (`none`: no timeout) |
//! | `strict` | `--strict` | `WEBHOOK_STRICT` | off |
//! | `probes` | `--probes` | `WEBHOOK_PROBES` | `true` |
//! | `health_path` | `--health-path` | `WEBHOOK_HEALTH_PATH` | `/healthz` |
//! | `ready_path` | `--ready-path` | `WEBHOOK_READY_PATH` | `/readyz` |
//! | `metrics` | `--metrics` | `WEBHOOK_METRICS` | `true` (counted; served only as the next two say) |
//! | `metrics_path` | `--metrics-path` | `WEBHOOK_METRICS_PATH` | `/metrics` |
//! | `metrics_addr` | `--metrics-addr` | `WEBHOOK_METRICS_ADDR` | none (set: the metrics served there, without credentials) |
//! | `metrics_token` | `--metrics-token` | `WEBHOOK_METRICS_TOKEN` | none (set, without `metrics_addr`: the metrics served on the webhook's address behind `Authorization: Bearer <token>`) |
//! | `request_spans` | `--request-spans` | `WEBHOOK_REQUEST_SPANS` | `true` |
//! | `log_format` | `--log-format` | `WEBHOOK_LOG_FORMAT` | `text` (or `json`) |
//! | `drain_delay` | `--drain-delay` | `WEBHOOK_DRAIN_DELAY` | `0` seconds |
//! | `shutdown_timeout` | `--shutdown-timeout` | `WEBHOOK_SHUTDOWN_TIMEOUT` | `25` seconds (`none`: no limit) |
//! | `store` | `--store` | `WEBHOOK_STORE` | the embedded store (`postgres://…`: PostgreSQL) |
//! | `data_dir` | `--data-dir` | `WEBHOOK_DATA_DIR` | the working directory (the embedded store's file) |
//! | `retry_backoff` | `--retry-backoff` | `WEBHOOK_RETRY_BACKOFF` | `1s` (first retry delay; `50ms`, `2s`, `5m`...) |
//! | `retry_factor` | `--retry-factor` | `WEBHOOK_RETRY_FACTOR` | `2` (each delay over the last, at least 1) |
//! | `retry_max_delay` | `--retry-max-delay` | `WEBHOOK_RETRY_MAX_DELAY` | `1h` |
//! | `max_attempts` | `--max-attempts` | `WEBHOOK_MAX_ATTEMPTS` | `10` (the first attempt included) |
//! | `inbox_lease` | `--inbox-lease` | `WEBHOOK_INBOX_LEASE` | `30s` (renewed every third; at least `1s`) |
//! | `inbox_timeout` | `--inbox-timeout` | `WEBHOOK_INBOX_TIMEOUT` | `60s` (a durable handler's attempt) |
//! | `inbox_workers` | `--inbox-workers` | `WEBHOOK_INBOX_WORKERS` | `8` |
//! | `inbox_batch_size` | `--inbox-batch-size` | `WEBHOOK_INBOX_BATCH_SIZE` | `128` events a transaction |
//! | `inbox_poll_interval` | `--inbox-poll-interval` | `WEBHOOK_INBOX_POLL_INTERVAL` | `500ms` (idle workers' fallback look for events nothing woke them for: expired leases, a lost notice) |
//! | `inbox_retention` | `--inbox-retention` | `WEBHOOK_INBOX_RETENTION` | `7d` (done events and their keys; `none`: forever) |
//! | `inbox_dead_retention` | `--inbox-dead-retention` | `WEBHOOK_INBOX_DEAD_RETENTION` | `30d` (dead letters, from their last attempt; `none`: forever) |
//! | `public_url` | `--public-url` | `WEBHOOK_PUBLIC_URL` | the `Host` header (the URL Twilio, HubSpot and Square sign: `https://hooks.example.com[/prefix]`) |
//! | `trust_forwarded` | `--trust-forwarded` | `WEBHOOK_TRUST_FORWARDED` | `false` (`true`: that URL from `Forwarded` / `X-Forwarded-*`; only behind a proxy that overwrites them) |
//! | `inbox_ui` | `--inbox-ui` | `WEBHOOK_INBOX_UI` | on when its credentials are set (`true` without them: refused at start; `false`: off) |
//! | `inbox_ui_username`, `inbox_ui_password` | `--inbox-ui-username`, `--inbox-ui-password` | `WEBHOOK_INBOX_UI_USERNAME`, `WEBHOOK_INBOX_UI_PASSWORD` | none: the inbox's page is off (both or neither) |
//! | `inbox_ui_path` | `--inbox-ui-path` | `WEBHOOK_INBOX_UI_PATH` | `/inbox` |
//! | `inbox_ui_read_only` | `--inbox-ui-read-only` | `WEBHOOK_INBOX_UI_READ_ONLY` | `false` (`true`: the page shows, and changes nothing) |
//!
//! Precedence, highest first: the command line, `main!(...)`, the environment, the default.

use std::error::Error as _;
use std::ffi::OsString;
use std::fmt;
use std::net::SocketAddr;
use std::time::Duration;

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{CommandFactory, FromArgMatches, Parser};

use crate::inbox::{InboxOptions, RetryPolicy, StoreLocation};
use crate::senders::{PublicUrl, PublicUrlError};
use crate::Webhook;

mod values;

pub use values::{LogFormat, Seconds, Span};

/// What a bot's `--help` says it does when its package has no description.
pub(crate) const DEFAULT_ABOUT: &str = "Serves the bot's webhook.";

/// A setting that cannot be used; programs print it and exit with code 2.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// A value that does not parse: `name` is the variable or the flag it came from.
    #[error("{name} must be {expected}, not {value:?}")]
    Invalid {
        /// The variable or the flag.
        name: String,
        /// What it must be.
        expected: String,
        /// What it is.
        value: String,
    },
    /// The drain delay is not shorter than the shutdown timeout, which counts it.
    #[error("WEBHOOK_DRAIN_DELAY ({delay} s) must be shorter than WEBHOOK_SHUTDOWN_TIMEOUT ({timeout} s), which counts it (--drain-delay, --shutdown-timeout)")]
    DrainLongerThanTimeout {
        /// The drain delay, in seconds.
        delay: u64,
        /// The shutdown timeout, in seconds.
        timeout: u64,
    },
    /// Only one of the credentials is set.
    #[error("WEBHOOK_AUTH_USERNAME and WEBHOOK_AUTH_PASSWORD (--auth-username, --auth-password) must be set together")]
    HalfCredentials,
    /// A variable is set but empty (an empty key would silently disable a check).
    #[error("{0} is set but empty; unset it or give it a value")]
    Empty(String),
    /// The command line cannot be used (an unknown flag, a flag without its value...): clap's
    /// message, with the usage.
    #[error("{0}")]
    Args(String),
    /// The durable routes' settings do not hold together (the lease and the timeout).
    #[error("{0}")]
    Inbox(String),
    /// The inbox's page is asked for without its credentials, or with only one of them.
    #[error("the inbox's page needs WEBHOOK_INBOX_UI_USERNAME and WEBHOOK_INBOX_UI_PASSWORD (--inbox-ui-username, --inbox-ui-password), both set: it shows every stored request")]
    InboxUiCredentials,
}

fn parse_bool(value: &str) -> Result<bool, String> {
    match value.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "on" => Ok(true),
        "false" | "0" | "no" | "off" => Ok(false),
        _ => Err("true or false".to_owned()),
    }
}

fn parse_endpoint_path(value: &str) -> Result<String, String> {
    let path = value.trim();
    if path.starts_with('/') && !path.contains(['{', '}', '?', '#', ' ']) {
        Ok(path.to_owned())
    } else {
        Err("a path such as /healthz".to_owned())
    }
}

fn parse_addr(value: &str) -> Result<SocketAddr, String> {
    value
        .trim()
        .parse()
        .map_err(|_| "an address such as 127.0.0.1:8000".to_owned())
}

/// A bearer token: visible ASCII characters, no spaces (what an `Authorization` header carries).
fn parse_token(value: &str) -> Result<String, String> {
    if !value.is_empty() && value.bytes().all(|byte| byte.is_ascii_graphic()) {
        Ok(value.to_owned())
    } else {
        Err("a token of visible ASCII characters, without spaces".to_owned())
    }
}

fn parse_bytes(value: &str) -> Result<usize, String> {
    value
        .trim()
        .parse()
        .map_err(|_| "a whole number of bytes".to_owned())
}

/// The webhook's settings. Each field is a flag (`--body-limit`), an environment variable
/// (`WEBHOOK_BODY_LIMIT`) and a `main!()` option (`body_limit = ...`).
///
/// ```
/// use clustaar_webhook::config::Settings;
///
/// let settings = Settings::from_args(["bot", "--request-max-age", "none", "--body-limit=1024"]).unwrap();
/// assert_eq!(settings.request_max_age.0, None);
/// assert_eq!(settings.body_limit, 1024);
/// ```
#[derive(Clone, PartialEq, Eq, Parser)]
// `long_about = None`: clap would take this doc comment, doctest and all, as the program's
// `--help` description; a bot's `--help` opens with its package's (`runner::command`).
#[command(
    about = DEFAULT_ABOUT,
    long_about = None,
    after_help = "Each flag overrides its environment variable; RUST_LOG sets the log level.",
    disable_version_flag = true
)]
pub struct Settings {
    /// Address to listen on
    #[arg(long, env = "WEBHOOK_ADDR", value_name = "ADDR", default_value = "127.0.0.1:8000", value_parser = parse_addr)]
    pub addr: SocketAddr,
    /// Key of the X-Hub-Signature check (none: no check)
    #[arg(
        long,
        env = "WEBHOOK_PRIVATE_KEY",
        value_name = "KEY",
        hide_env_values = true
    )]
    pub private_key: Option<String>,
    /// Basic-auth username, with --auth-password
    #[arg(long, env = "WEBHOOK_AUTH_USERNAME", value_name = "USER")]
    pub auth_username: Option<String>,
    /// Basic-auth password, with --auth-username
    #[arg(
        long,
        env = "WEBHOOK_AUTH_PASSWORD",
        value_name = "PASS",
        hide_env_values = true
    )]
    pub auth_password: Option<String>,
    /// Maximum age of a request (its Date), in seconds, or "none"
    #[arg(
        long,
        env = "WEBHOOK_REQUEST_MAX_AGE",
        value_name = "SECS",
        default_value = "10"
    )]
    pub request_max_age: Seconds,
    /// Largest body, in bytes, received and decoded
    #[arg(long, env = "WEBHOOK_BODY_LIMIT", value_name = "BYTES", default_value = "2097152", value_parser = parse_bytes)]
    pub body_limit: usize,
    /// Time a client has to send a request's headers, in seconds, or "none"
    #[arg(
        long,
        env = "WEBHOOK_HEADER_READ_TIMEOUT",
        value_name = "SECS",
        default_value = "10"
    )]
    pub header_read_timeout: Seconds,
    /// Time a client has to send a request's body, in seconds, or "none"
    #[arg(
        long,
        env = "WEBHOOK_BODY_READ_TIMEOUT",
        value_name = "SECS",
        default_value = "30"
    )]
    pub body_read_timeout: Seconds,
    /// Validate every notification against the platform's rules
    #[arg(long, env = "WEBHOOK_STRICT")]
    pub strict: bool,
    /// Serve the liveness and readiness probes (true or false)
    #[arg(long, env = "WEBHOOK_PROBES", value_name = "BOOL", default_value = "true", value_parser = parse_bool, action = clap::ArgAction::Set)]
    pub probes: bool,
    /// Path of the liveness probe
    #[arg(long, env = "WEBHOOK_HEALTH_PATH", value_name = "PATH", default_value = crate::ops::DEFAULT_HEALTH_PATH, value_parser = parse_endpoint_path)]
    pub health_path: String,
    /// Path of the readiness probe (503 while starting, draining, or when a check fails)
    #[arg(long, env = "WEBHOOK_READY_PATH", value_name = "PATH", default_value = crate::ops::DEFAULT_READY_PATH, value_parser = parse_endpoint_path)]
    pub ready_path: String,
    /// Count Prometheus metrics (true or false); served on --metrics-addr or behind --metrics-token
    #[arg(long, env = "WEBHOOK_METRICS", value_name = "BOOL", default_value = "true", value_parser = parse_bool, action = clap::ArgAction::Set)]
    pub metrics: bool,
    /// Path of the metrics
    #[arg(long, env = "WEBHOOK_METRICS_PATH", value_name = "PATH", default_value = crate::ops::DEFAULT_METRICS_PATH, value_parser = parse_endpoint_path)]
    pub metrics_path: String,
    /// Serve the metrics on this address (an admin port, no credentials), not on the webhook's
    #[arg(long, env = "WEBHOOK_METRICS_ADDR", value_name = "ADDR", value_parser = parse_addr)]
    pub metrics_addr: Option<SocketAddr>,
    /// Serve the metrics on the webhook's address to requests with this bearer token
    #[arg(long, env = "WEBHOOK_METRICS_TOKEN", value_name = "TOKEN", hide_env_values = true, value_parser = parse_token)]
    pub metrics_token: Option<String>,
    /// Open a tracing span a request and log its answer (true or false)
    #[arg(long, env = "WEBHOOK_REQUEST_SPANS", value_name = "BOOL", default_value = "true", value_parser = parse_bool, action = clap::ArgAction::Set)]
    pub request_spans: bool,
    /// Format of the log lines: text or json
    #[arg(
        long,
        env = "WEBHOOK_LOG_FORMAT",
        value_name = "FORMAT",
        default_value = "text"
    )]
    pub log_format: LogFormat,
    /// Seconds to keep accepting connections after SIGTERM, /readyz answering 503
    #[arg(
        long,
        env = "WEBHOOK_DRAIN_DELAY",
        value_name = "SECS",
        default_value = "0"
    )]
    pub drain_delay: Seconds,
    /// Seconds to stop after SIGTERM (drain delay included), or "none"; past it, exit code 1
    #[arg(
        long,
        env = "WEBHOOK_SHUTDOWN_TIMEOUT",
        value_name = "SECS",
        default_value = "25"
    )]
    pub shutdown_timeout: Seconds,
    /// Store of the durable routes: a postgres:// URL (unset: the embedded SQLite file)
    #[arg(
        long,
        env = "WEBHOOK_STORE",
        value_name = "URL",
        hide_env_values = true
    )]
    pub store: Option<String>,
    /// Directory of the embedded store's file (default: the working directory)
    #[arg(long, env = "WEBHOOK_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<std::path::PathBuf>,
    /// Delay before a durable event's first retry (50ms, 2s...); it doubles at each retry
    #[arg(
        long,
        env = "WEBHOOK_RETRY_BACKOFF",
        value_name = "DURATION",
        default_value = "1s"
    )]
    pub retry_backoff: Span,
    /// Factor between a retry's delay and the next one's (at least 1; 1 keeps the first delay)
    #[arg(long, env = "WEBHOOK_RETRY_FACTOR", value_name = "FACTOR", default_value = "2", value_parser = parse_factor)]
    pub retry_factor: Factor,
    /// Longest delay between two attempts of a durable event
    #[arg(
        long,
        env = "WEBHOOK_RETRY_MAX_DELAY",
        value_name = "DURATION",
        default_value = "1h"
    )]
    pub retry_max_delay: Span,
    /// Attempts of a durable event (the first included) before it is dead-lettered
    #[arg(long, env = "WEBHOOK_MAX_ATTEMPTS", value_name = "N", default_value = "10", value_parser = parse_attempts)]
    pub max_attempts: u32,
    /// How long a worker holds a durable event unless renewed (every third of it; at least 1s)
    #[arg(
        long,
        env = "WEBHOOK_INBOX_LEASE",
        value_name = "DURATION",
        default_value = "30s"
    )]
    pub inbox_lease: Span,
    /// How long a durable handler's attempt may run
    #[arg(
        long,
        env = "WEBHOOK_INBOX_TIMEOUT",
        value_name = "DURATION",
        default_value = "60s"
    )]
    pub inbox_timeout: Span,
    /// Workers running durable events in this process
    #[arg(long, env = "WEBHOOK_INBOX_WORKERS", value_name = "N", default_value = "8", value_parser = parse_count)]
    pub inbox_workers: usize,
    /// Most events stored in one transaction (group commit)
    #[arg(long, env = "WEBHOOK_INBOX_BATCH_SIZE", value_name = "N", default_value = "128", value_parser = parse_count)]
    pub inbox_batch_size: usize,
    /// How often idle workers look for events nothing woke them for (the fallback: expired
    /// leases of a dead replica, a lost notice)
    #[arg(
        long,
        env = "WEBHOOK_INBOX_POLL_INTERVAL",
        value_name = "DURATION",
        default_value = "500ms"
    )]
    pub inbox_poll_interval: Span,
    /// How long done events (and their idempotency keys) are kept, or "none"
    #[arg(
        long,
        env = "WEBHOOK_INBOX_RETENTION",
        value_name = "DURATION",
        default_value = "7d"
    )]
    pub inbox_retention: Span,
    /// How long dead letters (and their keys and attempts) are kept after their last attempt,
    /// or "none"
    #[arg(
        long,
        env = "WEBHOOK_INBOX_DEAD_RETENTION",
        value_name = "DURATION",
        default_value = "30d"
    )]
    pub inbox_dead_retention: Span,
    /// Public base URL senders address (`https://hooks.example.com[/prefix]`), for the signed URL
    #[arg(long, env = "WEBHOOK_PUBLIC_URL", value_name = "URL", value_parser = parse_public_url)]
    pub public_url: Option<PublicUrl>,
    /// Take that URL from the proxy's Forwarded / X-Forwarded-* headers (only behind a proxy
    /// that overwrites them)
    #[arg(long, env = "WEBHOOK_TRUST_FORWARDED", value_name = "BOOL", default_value = "false", value_parser = parse_bool, action = clap::ArgAction::Set)]
    pub trust_forwarded: bool,
    /// Serve the inbox's web page (true or false; default: when its credentials are set)
    #[arg(long, env = "WEBHOOK_INBOX_UI", value_name = "BOOL", value_parser = parse_bool)]
    pub inbox_ui: Option<bool>,
    /// Username of the inbox's web page (basic auth), with --inbox-ui-password
    #[arg(long, env = "WEBHOOK_INBOX_UI_USERNAME", value_name = "USER")]
    pub inbox_ui_username: Option<String>,
    /// Password of the inbox's web page, with --inbox-ui-username
    #[arg(
        long,
        env = "WEBHOOK_INBOX_UI_PASSWORD",
        value_name = "PASS",
        hide_env_values = true
    )]
    pub inbox_ui_password: Option<String>,
    /// Path of the inbox's web page
    #[arg(long, env = "WEBHOOK_INBOX_UI_PATH", value_name = "PATH", default_value = crate::inbox::DEFAULT_INBOX_UI_PATH, value_parser = parse_endpoint_path)]
    pub inbox_ui_path: String,
    /// Show the inbox's web page without its actions (true or false)
    #[arg(long, env = "WEBHOOK_INBOX_UI_READ_ONLY", value_name = "BOOL", default_value = "false", value_parser = parse_bool, action = clap::ArgAction::Set)]
    pub inbox_ui_read_only: bool,
    /// A command instead of serving (`inbox ...`: the durable routes' events)
    #[command(subcommand)]
    pub command: Option<crate::cli::BotCommand>,
}

fn parse_public_url(value: &str) -> Result<PublicUrl, PublicUrlError> {
    PublicUrl::parse(value)
}

fn parse_attempts(value: &str) -> Result<u32, String> {
    match value.trim().parse::<u32>() {
        Ok(attempts) if attempts >= 1 => Ok(attempts),
        _ => Err("a whole number of attempts, at least 1".to_owned()),
    }
}

/// A growth factor of retry delays: a finite number, at least 1 (so never NaN, hence `Eq`).
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct Factor(pub f64);

impl Eq for Factor {}

fn parse_factor(value: &str) -> Result<Factor, String> {
    match value.trim().parse::<f64>() {
        Ok(factor) if factor.is_finite() && factor >= 1.0 => Ok(Factor(factor)),
        _ => Err("a number at least 1, such as 2 or 1.5".to_owned()),
    }
}

fn parse_count(value: &str) -> Result<usize, String> {
    match value.trim().parse::<usize>() {
        Ok(count) if count >= 1 => Ok(count),
        _ => Err("a whole number, at least 1".to_owned()),
    }
}

impl fmt::Debug for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let redacted = |value: &Option<String>| value.as_ref().map(|_| "<redacted>");
        f.debug_struct("Settings")
            .field("addr", &self.addr)
            .field("private_key", &redacted(&self.private_key))
            .field("auth_username", &self.auth_username)
            .field("auth_password", &redacted(&self.auth_password))
            .field("request_max_age", &self.request_max_age)
            .field("body_limit", &self.body_limit)
            .field("header_read_timeout", &self.header_read_timeout)
            .field("body_read_timeout", &self.body_read_timeout)
            .field("strict", &self.strict)
            .field("probes", &self.probes)
            .field("health_path", &self.health_path)
            .field("ready_path", &self.ready_path)
            .field("metrics", &self.metrics)
            .field("metrics_path", &self.metrics_path)
            .field("metrics_addr", &self.metrics_addr)
            .field("metrics_token", &redacted(&self.metrics_token))
            .field("request_spans", &self.request_spans)
            .field("log_format", &self.log_format)
            .field("drain_delay", &self.drain_delay)
            .field("shutdown_timeout", &self.shutdown_timeout)
            .field("store", &redacted(&self.store))
            .field("data_dir", &self.data_dir)
            .field("retry_backoff", &self.retry_backoff)
            .field("retry_factor", &self.retry_factor)
            .field("retry_max_delay", &self.retry_max_delay)
            .field("max_attempts", &self.max_attempts)
            .field("inbox_lease", &self.inbox_lease)
            .field("inbox_timeout", &self.inbox_timeout)
            .field("inbox_workers", &self.inbox_workers)
            .field("inbox_batch_size", &self.inbox_batch_size)
            .field("inbox_poll_interval", &self.inbox_poll_interval)
            .field("inbox_retention", &self.inbox_retention)
            .field("inbox_dead_retention", &self.inbox_dead_retention)
            .field("public_url", &self.public_url)
            .field("trust_forwarded", &self.trust_forwarded)
            .field("inbox_ui", &self.inbox_ui)
            .field("inbox_ui_username", &self.inbox_ui_username)
            .field("inbox_ui_password", &redacted(&self.inbox_ui_password))
            .field("inbox_ui_path", &self.inbox_ui_path)
            .field("inbox_ui_read_only", &self.inbox_ui_read_only)
            .field("command", &self.command)
            .finish()
    }
}

impl Default for Settings {
    /// The table's defaults, whatever the environment (a test checks that clap's agree).
    fn default() -> Self {
        Self {
            addr: SocketAddr::from(([127, 0, 0, 1], 8000)),
            private_key: None,
            auth_username: None,
            auth_password: None,
            request_max_age: Seconds(Some(crate::security::MaxAgeGuard::DEFAULT_MAX_AGE)),
            body_limit: crate::DEFAULT_BODY_LIMIT,
            header_read_timeout: Seconds(Some(crate::DEFAULT_HEADER_READ_TIMEOUT)),
            body_read_timeout: Seconds(Some(crate::DEFAULT_BODY_READ_TIMEOUT)),
            strict: false,
            probes: true,
            health_path: crate::ops::DEFAULT_HEALTH_PATH.to_owned(),
            ready_path: crate::ops::DEFAULT_READY_PATH.to_owned(),
            metrics: true,
            metrics_path: crate::ops::DEFAULT_METRICS_PATH.to_owned(),
            metrics_addr: None,
            metrics_token: None,
            request_spans: true,
            log_format: LogFormat::Text,
            drain_delay: Seconds(Some(Duration::ZERO)),
            shutdown_timeout: Seconds(Some(crate::ops::DEFAULT_SHUTDOWN_TIMEOUT)),
            store: None,
            data_dir: None,
            retry_backoff: Span(Some(RetryPolicy::DEFAULT_FIRST_DELAY)),
            retry_factor: Factor(RetryPolicy::DEFAULT_FACTOR),
            retry_max_delay: Span(Some(RetryPolicy::DEFAULT_MAX_DELAY)),
            max_attempts: RetryPolicy::DEFAULT_MAX_ATTEMPTS,
            inbox_lease: Span(Some(InboxOptions::DEFAULT_LEASE)),
            inbox_timeout: Span(Some(InboxOptions::DEFAULT_TIMEOUT)),
            inbox_workers: InboxOptions::DEFAULT_WORKERS,
            inbox_batch_size: InboxOptions::DEFAULT_BATCH_SIZE,
            inbox_poll_interval: Span(Some(InboxOptions::DEFAULT_POLL_INTERVAL)),
            inbox_retention: Span(Some(InboxOptions::DEFAULT_RETENTION)),
            inbox_dead_retention: Span(Some(InboxOptions::DEFAULT_DEAD_RETENTION)),
            public_url: None,
            trust_forwarded: false,
            inbox_ui: None,
            inbox_ui_username: None,
            inbox_ui_password: None,
            inbox_ui_path: crate::inbox::DEFAULT_INBOX_UI_PATH.to_owned(),
            inbox_ui_read_only: false,
            command: None,
        }
    }
}

impl Settings {
    /// Reads the `WEBHOOK_*` variables of the process (no command line).
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_args(["webhook"])
    }

    /// Reads the command line `args` (the program's name first) over the environment.
    pub fn from_args<I, A>(args: I) -> Result<Self, ConfigError>
    where
        I: IntoIterator<Item = A>,
        A: Into<OsString> + Clone,
    {
        let (settings, _) = Self::parse_matches(args)?;
        Ok(settings)
    }

    /// Parses `args` over the environment, with where each value came from (for `main!()`'s
    /// options, which the command line overrides and which override the environment).
    pub(crate) fn parse_matches<I, A>(args: I) -> Result<(Self, clap::ArgMatches), ConfigError>
    where
        I: IntoIterator<Item = A>,
        A: Into<OsString> + Clone,
    {
        let matches = Self::command()
            .try_get_matches_from(args)
            .map_err(explain)?;
        let (settings, matches) = Self::from_matches(matches)?;
        settings.check()?;
        Ok((settings, matches))
    }

    /// The settings of parsed `matches` (the credentials are checked once every layer is on).
    pub(crate) fn from_matches(
        matches: clap::ArgMatches,
    ) -> Result<(Self, clap::ArgMatches), ConfigError> {
        check_no_empty_variable()?;
        let settings = Self::from_arg_matches(&matches).map_err(explain)?;
        Ok((settings, matches))
    }

    /// Checks what no single value can: the credentials go together, and the drain delay is
    /// shorter than the shutdown timeout.
    pub fn check(&self) -> Result<(), ConfigError> {
        if let (Some(delay), Some(timeout)) = (self.drain_delay.0, self.shutdown_timeout.0)
            && !delay.is_zero()
            && delay >= timeout
        {
            return Err(ConfigError::DrainLongerThanTimeout {
                delay: delay.as_secs(),
                timeout: timeout.as_secs(),
            });
        }
        match (&self.auth_username, &self.auth_password) {
            (Some(_), None) | (None, Some(_)) => return Err(ConfigError::HalfCredentials),
            _ => {}
        }
        let ui_credentials = (&self.inbox_ui_username, &self.inbox_ui_password);
        match (self.inbox_ui, ui_credentials) {
            (Some(false), _) | (None, (None, None)) | (_, (Some(_), Some(_))) => {}
            _ => return Err(ConfigError::InboxUiCredentials),
        }
        self.inbox_options()?.check().map_err(ConfigError::Inbox)
    }

    /// The durable routes' settings.
    ///
    /// # Errors
    ///
    /// A `WEBHOOK_STORE` that is not a PostgreSQL URL.
    pub fn inbox_options(&self) -> Result<InboxOptions, ConfigError> {
        let store = StoreLocation::from_settings(self.store.as_deref(), self.data_dir.clone())
            .map_err(|expected| ConfigError::Invalid {
                name: "WEBHOOK_STORE".to_owned(),
                expected,
                value: "(hidden)".to_owned(),
            })?;
        Ok(InboxOptions {
            store,
            retry: RetryPolicy::default()
                .first_delay(self.retry_backoff.or(RetryPolicy::DEFAULT_FIRST_DELAY))
                .factor(self.retry_factor.0)
                .max_delay(self.retry_max_delay.or(RetryPolicy::DEFAULT_MAX_DELAY))
                .max_attempts(self.max_attempts),
            lease: self.inbox_lease.or(InboxOptions::DEFAULT_LEASE),
            timeout: self.inbox_timeout.or(InboxOptions::DEFAULT_TIMEOUT),
            workers: self.inbox_workers,
            batch_size: self.inbox_batch_size,
            poll_interval: self
                .inbox_poll_interval
                .or(InboxOptions::DEFAULT_POLL_INTERVAL),
            retention: self.inbox_retention.0,
            dead_retention: self.inbox_dead_retention.0,
            ..InboxOptions::default()
        })
    }

    /// The inbox's web page, when it is on (its credentials set, `inbox_ui` not `false`).
    #[cfg(feature = "durable")]
    #[cfg_attr(docsrs, doc(cfg(feature = "durable")))]
    pub fn inbox_ui_page(&self) -> Option<crate::inbox::ui::InboxUi> {
        if self.inbox_ui == Some(false) {
            return None;
        }
        let (username, password) = self
            .inbox_ui_username
            .as_deref()
            .zip(self.inbox_ui_password.as_deref())?;
        Some(
            crate::inbox::ui::InboxUi::basic_auth(username, password)
                .path(self.inbox_ui_path.clone())
                .read_only(self.inbox_ui_read_only),
        )
    }

    /// The basic-auth username and password, when both are set.
    pub fn credentials(&self) -> Option<(&str, &str)> {
        self.auth_username
            .as_deref()
            .zip(self.auth_password.as_deref())
    }

    /// Applies the security settings, the body limit, the read timeouts, strict validation and
    /// the operations settings (probes, metrics, spans, drain) to `webhook`. The log format is
    /// the log output's: [`logging::init`](crate::logging::init).
    pub fn apply<S: Send + Sync + 'static>(&self, mut webhook: Webhook<S>) -> Webhook<S> {
        if let Some(key) = &self.private_key {
            webhook = webhook.private_key(key.clone());
        }
        if let Some((username, password)) = self.credentials() {
            webhook = webhook.basic_auth(username, password);
        }
        if let Some(token) = &self.metrics_token {
            webhook = webhook.metrics_token(token.clone());
        }
        let webhook = webhook
            .request_max_age(self.request_max_age.0)
            .body_limit(self.body_limit)
            .header_read_timeout(self.header_read_timeout.0)
            .body_read_timeout(self.body_read_timeout.0)
            .strict_notifications(self.strict)
            .probes(self.probes)
            .health_path(self.health_path.clone())
            .ready_path(self.ready_path.clone())
            .metrics(self.metrics)
            .metrics_path(self.metrics_path.clone())
            .metrics_addr(self.metrics_addr)
            .request_spans(self.request_spans)
            .drain_delay(self.drain_delay.0.unwrap_or_default())
            .shutdown_timeout(self.shutdown_timeout.0)
            .inbox(self.inbox_options().unwrap_or_default())
            .public_url(self.public_url.clone())
            .trust_forwarded(self.trust_forwarded);
        #[cfg(feature = "durable")]
        let webhook = webhook.inbox_ui(self.inbox_ui_page());
        webhook
    }
}

/// Refuses a variable of the table that is set but empty: clap would read it as unset, which
/// for `WEBHOOK_PRIVATE_KEY` would silently disable the signature check.
fn check_no_empty_variable() -> Result<(), ConfigError> {
    let command = Settings::command();
    for argument in command.get_arguments() {
        let Some(name) = argument.get_env() else {
            continue;
        };
        if std::env::var_os(name).is_some_and(|value| value.is_empty()) {
            return Err(ConfigError::Empty(name.to_string_lossy().into_owned()));
        }
    }
    Ok(())
}

/// A clap error as a [`ConfigError`]: a value that does not parse names the variable it came
/// from when it came from the environment (`WEBHOOK_REQUEST_MAX_AGE must be ...`), the flag
/// otherwise.
pub(crate) fn explain(error: clap::Error) -> ConfigError {
    if matches!(
        error.kind(),
        ErrorKind::ValueValidation | ErrorKind::InvalidValue
    ) {
        let context = |kind| match error.get(kind) {
            Some(ContextValue::String(text)) => Some(text.clone()),
            _ => None,
        };
        if let (Some(argument), Some(value), Some(expected)) = (
            context(ContextKind::InvalidArg),
            context(ContextKind::InvalidValue),
            error.source().map(ToString::to_string),
        ) {
            let flag = argument.split_whitespace().next().unwrap_or(&argument);
            let command = Settings::command();
            let known = command.get_arguments().find(|known| {
                known
                    .get_long()
                    .is_some_and(|long| flag == format!("--{long}"))
            });
            let variable = known
                .and_then(|known| known.get_env())
                .filter(|name| {
                    std::env::var_os(name).is_some_and(|set| set.to_string_lossy() == value)
                })
                .map(|name| name.to_string_lossy().into_owned());
            // A secret's value stays out of the message (it goes to logs).
            let hidden = known.is_some_and(|known| known.is_hide_env_values_set());
            return ConfigError::Invalid {
                name: variable.unwrap_or_else(|| flag.to_owned()),
                expected,
                value: if hidden { "(hidden)".to_owned() } else { value },
            };
        }
    }
    ConfigError::Args(error.render().to_string().trim_end().to_owned())
}

/// A value `main!(name = value)` gives a setting: each setting takes the forms that make sense
/// for it (seconds, a `Duration` or `None` for a timeout; text for a key...).
#[diagnostic::on_unimplemented(
    message = "`{V}` cannot set this setting",
    label = "not a value of this setting",
    note = "timeouts, delays and the request's maximum age take whole seconds (`30`), a `Duration` or `None`; `addr` and `metrics_addr` take an address (`\"127.0.0.1:8000\"`); keys and credentials take text; paths take text (`\"/healthz\"`); `log_format` takes `\"text\"`, `\"json\"` or a `LogFormat`; `body_limit` a number of bytes; `strict`, `probes`, `metrics` and `request_spans` a `bool`; the inbox's durations take a `Duration` or text (`\"50ms\"`, `\"5m\"`), `retry_factor` a number (`2.0`), `store` a URL, `data_dir` a path, `max_attempts` and the inbox's counts a number"
)]
pub trait SettingValue<V> {
    /// Sets the setting to `value`; an error says why it cannot be.
    fn set(&mut self, value: V) -> Result<(), String>;
}

impl SettingValue<u64> for Seconds {
    fn set(&mut self, seconds: u64) -> Result<(), String> {
        self.0 = Some(Duration::from_secs(seconds));
        Ok(())
    }
}

impl SettingValue<Duration> for Seconds {
    fn set(&mut self, duration: Duration) -> Result<(), String> {
        self.0 = Some(duration);
        Ok(())
    }
}

impl SettingValue<Option<Duration>> for Seconds {
    fn set(&mut self, duration: Option<Duration>) -> Result<(), String> {
        self.0 = duration;
        Ok(())
    }
}

impl SettingValue<usize> for usize {
    fn set(&mut self, value: usize) -> Result<(), String> {
        *self = value;
        Ok(())
    }
}

impl SettingValue<bool> for bool {
    fn set(&mut self, value: bool) -> Result<(), String> {
        *self = value;
        Ok(())
    }
}

impl SettingValue<&str> for Option<String> {
    fn set(&mut self, value: &str) -> Result<(), String> {
        *self = Some(value.to_owned());
        Ok(())
    }
}

impl SettingValue<String> for Option<String> {
    fn set(&mut self, value: String) -> Result<(), String> {
        *self = Some(value);
        Ok(())
    }
}

impl SettingValue<&str> for String {
    fn set(&mut self, value: &str) -> Result<(), String> {
        *self = parse_endpoint_path(value)
            .map_err(|expected| format!("must be {expected}, not {value:?}"))?;
        Ok(())
    }
}

impl SettingValue<String> for String {
    fn set(&mut self, value: String) -> Result<(), String> {
        self.set(value.as_str())
    }
}

impl SettingValue<LogFormat> for LogFormat {
    fn set(&mut self, value: LogFormat) -> Result<(), String> {
        *self = value;
        Ok(())
    }
}

impl SettingValue<&str> for LogFormat {
    fn set(&mut self, value: &str) -> Result<(), String> {
        *self = value
            .parse()
            .map_err(|expected| format!("must be {expected}, not {value:?}"))?;
        Ok(())
    }
}

impl SettingValue<&str> for Option<SocketAddr> {
    fn set(&mut self, value: &str) -> Result<(), String> {
        *self = Some(
            parse_addr(value).map_err(|expected| format!("must be {expected}, not {value:?}"))?,
        );
        Ok(())
    }
}

impl SettingValue<SocketAddr> for Option<SocketAddr> {
    fn set(&mut self, value: SocketAddr) -> Result<(), String> {
        *self = Some(value);
        Ok(())
    }
}

impl SettingValue<Option<SocketAddr>> for Option<SocketAddr> {
    fn set(&mut self, value: Option<SocketAddr>) -> Result<(), String> {
        *self = value;
        Ok(())
    }
}

impl SettingValue<u32> for u32 {
    fn set(&mut self, value: u32) -> Result<(), String> {
        *self = value;
        Ok(())
    }
}

impl SettingValue<f64> for Factor {
    fn set(&mut self, value: f64) -> Result<(), String> {
        if value.is_finite() && value >= 1.0 {
            *self = Factor(value);
            Ok(())
        } else {
            Err(format!("must be a number at least 1, not {value}"))
        }
    }
}

impl SettingValue<Duration> for Span {
    fn set(&mut self, value: Duration) -> Result<(), String> {
        self.0 = Some(value);
        Ok(())
    }
}

impl SettingValue<Option<Duration>> for Span {
    fn set(&mut self, value: Option<Duration>) -> Result<(), String> {
        self.0 = value;
        Ok(())
    }
}

impl SettingValue<&str> for Span {
    fn set(&mut self, value: &str) -> Result<(), String> {
        *self = value
            .parse()
            .map_err(|expected| format!("must be {expected}, not {value:?}"))?;
        Ok(())
    }
}

impl SettingValue<&str> for Option<std::path::PathBuf> {
    fn set(&mut self, value: &str) -> Result<(), String> {
        *self = Some(value.into());
        Ok(())
    }
}

impl SettingValue<std::path::PathBuf> for Option<std::path::PathBuf> {
    fn set(&mut self, value: std::path::PathBuf) -> Result<(), String> {
        *self = Some(value);
        Ok(())
    }
}

impl SettingValue<SocketAddr> for SocketAddr {
    fn set(&mut self, value: SocketAddr) -> Result<(), String> {
        *self = value;
        Ok(())
    }
}

impl SettingValue<&str> for SocketAddr {
    fn set(&mut self, value: &str) -> Result<(), String> {
        *self =
            parse_addr(value).map_err(|expected| format!("must be {expected}, not {value:?}"))?;
        Ok(())
    }
}

impl SettingValue<String> for SocketAddr {
    fn set(&mut self, value: String) -> Result<(), String> {
        self.set(value.as_str())
    }
}

impl SettingValue<&str> for Option<PublicUrl> {
    fn set(&mut self, value: &str) -> Result<(), String> {
        *self = Some(
            PublicUrl::parse(value)
                .map_err(|expected| format!("must be {expected}, not {value:?}"))?,
        );
        Ok(())
    }
}

impl SettingValue<String> for Option<PublicUrl> {
    fn set(&mut self, value: String) -> Result<(), String> {
        self.set(value.as_str())
    }
}

impl SettingValue<PublicUrl> for Option<PublicUrl> {
    fn set(&mut self, value: PublicUrl) -> Result<(), String> {
        *self = Some(value);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_are_the_tables() {
        let settings = Settings::default();
        assert_eq!(settings.addr, SocketAddr::from(([127, 0, 0, 1], 8000)));
        assert_eq!(settings.request_max_age, "10".parse().unwrap());
        assert_eq!(settings.body_limit, crate::DEFAULT_BODY_LIMIT);
        assert_eq!(
            settings.header_read_timeout.0,
            Some(crate::DEFAULT_HEADER_READ_TIMEOUT)
        );
        assert_eq!(
            settings.body_read_timeout.0,
            Some(crate::DEFAULT_BODY_READ_TIMEOUT)
        );
        // The clap defaults say the same as the constants.
        let parsed = Settings::try_parse_from(["bot"]);
        if std::env::vars().all(|(name, _)| !name.starts_with("WEBHOOK_")) {
            assert_eq!(parsed.unwrap(), settings);
        }
    }

    #[test]
    fn reads_every_flag() {
        let settings = Settings::from_args([
            "bot",
            "--addr",
            "127.0.0.1:9001",
            "--private-key=k",
            "--auth-username",
            "u",
            "--auth-password=p:w",
            "--request-max-age",
            "none",
            "--body-limit=1024",
            "--header-read-timeout",
            "none",
            "--body-read-timeout=5",
            "--strict",
        ])
        .unwrap();
        assert_eq!(settings.addr.port(), 9001);
        assert_eq!(settings.private_key.as_deref(), Some("k"));
        assert_eq!(settings.credentials(), Some(("u", "p:w")));
        assert_eq!(settings.request_max_age.0, None);
        assert_eq!(settings.body_limit, 1024);
        assert_eq!(settings.header_read_timeout.0, None);
        assert_eq!(settings.body_read_timeout.0, Some(Duration::from_secs(5)));
        assert!(settings.strict);
        let webhook = settings.apply(crate::Webhook::new());
        assert_eq!(webhook.header_read_timeout_value(), None);
        assert!(format!("{webhook:?}").contains("body_limit: 1024"));
        assert!(!format!("{settings:?}").contains("p:w"));
    }

    #[test]
    fn bad_flags_are_clear_errors() {
        let error = |args: &[&str]| {
            let mut all = vec!["bot"];
            all.extend_from_slice(args);
            Settings::from_args(all).unwrap_err()
        };
        assert!(error(&["--port", "1"])
            .to_string()
            .contains("unexpected argument '--port'"));
        let missing = error(&["--addr"]).to_string();
        assert!(
            missing.contains("a value is required for '--addr <ADDR>'"),
            "{missing}"
        );
        assert_eq!(
            error(&["--request-max-age", "soon"]).to_string(),
            "--request-max-age must be a whole number of seconds or \"none\", not \"soon\""
        );
        assert_eq!(
            error(&["--body-limit", "2MiB"]).to_string(),
            "--body-limit must be a whole number of bytes, not \"2MiB\""
        );
        assert_eq!(
            error(&["--addr", "nowhere"]).to_string(),
            "--addr must be an address such as 127.0.0.1:8000, not \"nowhere\""
        );
        assert_eq!(
            error(&["--auth-username", "u"]),
            ConfigError::HalfCredentials
        );
    }

    #[test]
    #[cfg(feature = "durable")]
    fn the_inbox_page_is_on_with_both_credentials_and_refused_without() {
        let on = Settings::from_args([
            "bot",
            "--inbox-ui-username",
            "ops",
            "--inbox-ui-password",
            "pw",
            "--inbox-ui-path",
            "/admin/inbox",
            "--inbox-ui-read-only",
            "true",
        ])
        .unwrap();
        let page = on.inbox_ui_page().expect("on with its credentials");
        assert_eq!(page.path_value(), "/admin/inbox");
        assert!(page.is_read_only());
        assert!(
            !format!("{on:?}").contains("\"pw\""),
            "the password is redacted"
        );
        let off = Settings::from_args(["bot"]).unwrap();
        assert!(off.inbox_ui_page().is_none(), "off by default");
        let turned_off = Settings::from_args([
            "bot",
            "--inbox-ui",
            "false",
            "--inbox-ui-username",
            "ops",
            "--inbox-ui-password",
            "pw",
        ])
        .unwrap();
        assert!(turned_off.inbox_ui_page().is_none());
        for args in [
            &["bot", "--inbox-ui", "true"][..],
            &["bot", "--inbox-ui-username", "ops"][..],
            &["bot", "--inbox-ui", "true", "--inbox-ui-password", "pw"][..],
        ] {
            assert_eq!(
                Settings::from_args(args.iter().copied()).unwrap_err(),
                ConfigError::InboxUiCredentials,
                "{args:?}"
            );
        }
    }

    #[test]
    fn reads_the_public_url_and_the_forwarded_headers_trust() {
        let settings = Settings::from_args([
            "bot",
            "--public-url",
            "https://hooks.example.com/bot/",
            "--trust-forwarded=1",
        ])
        .unwrap();
        assert_eq!(
            settings.public_url.as_ref().map(PublicUrl::as_str),
            Some("https://hooks.example.com/bot")
        );
        assert!(settings.trust_forwarded);
        let described = format!("{:?}", settings.apply(crate::Webhook::new()));
        assert!(
            described.contains("public_url: Some(PublicUrl(\"https://hooks.example.com/bot\"))"),
            "{described}"
        );
        assert!(described.contains("trust_forwarded: true"), "{described}");
        let error = Settings::from_args(["bot", "--public-url", "hooks.example.com"]).unwrap_err();
        assert!(
            matches!(&error, ConfigError::Invalid { name, .. } if name == "--public-url"),
            "{error:?}"
        );
        assert!(
            error.to_string().starts_with(
                "--public-url must be an absolute URL such as https://hooks.example.com"
            ),
            "{error}"
        );
        let mut option: Option<PublicUrl> = None;
        assert_eq!(
            option.set("ftp://example.com"),
            Err(
                "must be an http:// or https:// URL (not ftp://), not \"ftp://example.com\""
                    .to_owned()
            )
        );
        option.set("http://127.0.0.1:8000").unwrap();
        assert_eq!(option.unwrap().as_str(), "http://127.0.0.1:8000");
    }

    #[test]
    fn reads_the_operations_settings() {
        let settings = Settings::from_args([
            "bot",
            "--probes=false",
            "--health-path",
            "/live",
            "--ready-path=/ready",
            "--metrics",
            "off",
            "--metrics-path=/prom",
            "--metrics-addr",
            "127.0.0.1:9464",
            "--request-spans=0",
            "--log-format",
            "JSON",
            "--drain-delay=5",
            "--shutdown-timeout",
            "none",
        ])
        .unwrap();
        assert!(!settings.probes);
        assert_eq!(settings.health_path, "/live");
        assert_eq!(settings.ready_path, "/ready");
        assert!(!settings.metrics);
        assert_eq!(settings.metrics_path, "/prom");
        assert_eq!(
            settings.metrics_addr,
            Some(SocketAddr::from(([127, 0, 0, 1], 9464)))
        );
        assert!(!settings.request_spans);
        assert_eq!(settings.log_format, LogFormat::Json);
        assert_eq!(settings.drain_delay.0, Some(Duration::from_secs(5)));
        assert_eq!(settings.shutdown_timeout.0, None);
        let webhook = settings.apply(crate::Webhook::new());
        let described = format!("{webhook:?}");
        assert!(described.contains("probes: false"), "{described}");
        assert!(described.contains("drain_delay: 5s"), "{described}");
        assert!(webhook.metrics_handle().is_none());

        let error = |args: &[&str]| {
            let mut all = vec!["bot"];
            all.extend_from_slice(args);
            Settings::from_args(all).unwrap_err().to_string()
        };
        assert_eq!(
            error(&["--metrics", "maybe"]),
            "--metrics must be true or false, not \"maybe\""
        );
        assert_eq!(
            error(&["--health-path", "healthz"]),
            "--health-path must be a path such as /healthz, not \"healthz\""
        );
        assert_eq!(
            error(&["--log-format", "yaml"]),
            "--log-format must be \"text\" or \"json\", not \"yaml\""
        );
        assert_eq!(
            error(&["--drain-delay", "30", "--shutdown-timeout", "30"]),
            "WEBHOOK_DRAIN_DELAY (30 s) must be shorter than WEBHOOK_SHUTDOWN_TIMEOUT (30 s), \
             which counts it (--drain-delay, --shutdown-timeout)"
        );
        let mut settings = Settings::default();
        settings.ready_path.set("/up").unwrap();
        assert_eq!(settings.ready_path, "/up");
        assert!(settings.metrics_path.set("metrics").is_err());
        settings.log_format.set("json").unwrap();
        assert_eq!(settings.log_format, LogFormat::Json);
        settings.metrics_addr.set("127.0.0.1:9464").unwrap();
        assert_eq!(settings.metrics_addr.map(|a| a.port()), Some(9464));
        settings.metrics_addr.set(None).unwrap();
        assert_eq!(settings.metrics_addr, None);
    }

    #[test]
    fn reads_the_metrics_token_and_hides_it() {
        let settings = Settings::from_args(["bot", "--metrics-token", "s3cret-Token_1"]).unwrap();
        assert_eq!(settings.metrics_token.as_deref(), Some("s3cret-Token_1"));
        let described = format!("{settings:?}");
        assert!(
            described.contains("metrics_token: Some(\"<redacted>\")"),
            "{described}"
        );
        assert!(!described.contains("s3cret"), "{described}");
        let webhook = settings.apply(crate::Webhook::new());
        let described = format!("{webhook:?}");
        assert!(
            described.contains("metrics_token: Some(MetricsToken(<redacted>))"),
            "{described}"
        );
        assert!(!described.contains("s3cret"), "{described}");
        // Served on the webhook's address: its path is taken.
        let taken = webhook
            .http(http::Method::GET, "/metrics", || async { "mine" }, ())
            .check_paths();
        assert!(taken.is_err(), "{taken:?}");
        // Not set: nothing is served, nothing is taken.
        let untaken = Settings::default()
            .apply(crate::Webhook::new())
            .http(http::Method::GET, "/metrics", || async { "mine" }, ())
            .check_paths();
        assert_eq!(untaken, Ok(()));
        for unusable in ["two words", "tab\there", "caf\u{e9}"] {
            let error = Settings::from_args(["bot", "--metrics-token", unusable]).unwrap_err();
            // The refused value, a secret, is not in the message.
            assert_eq!(
                error.to_string(),
                "--metrics-token must be a token of visible ASCII characters, without spaces, \
                 not \"(hidden)\""
            );
        }
        assert!(Settings::from_args(["bot", "--metrics-token="]).is_err());
    }

    #[test]
    fn main_values_take_their_forms() {
        let mut settings = Settings::default();
        settings.request_max_age.set(30).unwrap();
        assert_eq!(settings.request_max_age.0, Some(Duration::from_secs(30)));
        settings.header_read_timeout.set(None).unwrap();
        assert_eq!(settings.header_read_timeout.0, None);
        settings
            .body_read_timeout
            .set(Duration::from_millis(1500))
            .unwrap();
        assert_eq!(
            settings.body_read_timeout.0,
            Some(Duration::from_millis(1500))
        );
        settings.addr.set("127.0.0.1:0").unwrap();
        assert_eq!(settings.addr.port(), 0);
        assert_eq!(
            settings.addr.set("nowhere").unwrap_err(),
            "must be an address such as 127.0.0.1:8000, not \"nowhere\""
        );
        settings.private_key.set("key").unwrap();
        assert_eq!(settings.private_key.as_deref(), Some("key"));
        settings.retry_factor.set(1.5).unwrap();
        assert!(settings.retry_factor.set(0.5).is_err());
        assert_eq!(settings.retry_factor, Factor(1.5));
    }

    #[test]
    fn the_retry_factor_reaches_the_inbox_policy() {
        let settings =
            Settings::from_args(["bot", "--retry-factor", "3", "--retry-backoff", "1s"]).unwrap();
        let retry = settings.inbox_options().unwrap().retry;
        // After the third attempt: 1 s × 3², less its jitter (up to half).
        let delay = retry.delay(3);
        assert!(
            delay > Duration::from_millis(4_499) && delay <= Duration::from_secs(9),
            "{delay:?}"
        );
        assert!(Settings::from_args(["bot", "--retry-factor", "0.5"]).is_err());
        assert!(Settings::from_args(["bot", "--retry-factor", "NaN"]).is_err());
    }
}
