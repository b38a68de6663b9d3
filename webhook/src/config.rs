//! Settings from the environment, shared by the examples and `main!()`.
//!
//! | variable | meaning | default |
//! |---|---|---|
//! | `WEBHOOK_ADDR` | address to listen on | `127.0.0.1:8000` |
//! | `WEBHOOK_PRIVATE_KEY` | key of the `X-Hub-Signature` check | no check |
//! | `WEBHOOK_AUTH_USERNAME`, `WEBHOOK_AUTH_PASSWORD` | basic-auth credentials (both or neither) | no check |
//! | `WEBHOOK_REQUEST_MAX_AGE` | seconds, or `none` to disable replay prevention | `10` |
//! | `WEBHOOK_BODY_LIMIT` | largest body, in bytes, received and decoded | `2097152` (2 MiB) |
//! | `WEBHOOK_HEADER_READ_TIMEOUT` | seconds a client has to send a request's headers, or `none` | `10` |
//! | `WEBHOOK_BODY_READ_TIMEOUT` | seconds a client has to send a request's body, or `none` | `30` |

use std::net::SocketAddr;
use std::time::Duration;

use crate::security::ReplayGuard;
use crate::Webhook;

/// A setting that cannot be used; programs print it and exit with code 2.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    /// `WEBHOOK_ADDR` is not `host:port`.
    #[error("WEBHOOK_ADDR must be an address such as 127.0.0.1:8000, not {0:?}")]
    Addr(String),
    /// A limit or timeout variable is not a whole number (of bytes, of seconds) or `none`.
    #[error("{name} must be {expected}, not {value:?}")]
    Number {
        /// The variable.
        name: &'static str,
        /// What it must be.
        expected: &'static str,
        /// What it is.
        value: String,
    },
    /// `WEBHOOK_REQUEST_MAX_AGE` is neither a number of seconds nor `none`.
    #[error("WEBHOOK_REQUEST_MAX_AGE must be a whole number of seconds or \"none\", not {0:?}")]
    MaxAge(String),
    /// Only one of the credentials is set.
    #[error("WEBHOOK_AUTH_USERNAME and WEBHOOK_AUTH_PASSWORD must be set together")]
    HalfCredentials,
    /// A variable is set but empty.
    #[error("{0} is set but empty; unset it or give it a value")]
    Empty(&'static str),
    /// A variable is not valid Unicode.
    #[error("{0} is not valid Unicode")]
    NotUnicode(&'static str),
}

/// The webhook's settings.
#[derive(Clone, PartialEq, Eq)]
pub struct Settings {
    /// Where to listen.
    pub addr: SocketAddr,
    /// The signature key.
    pub private_key: Option<String>,
    /// Basic-auth username and password.
    pub credentials: Option<(String, String)>,
    /// Replay prevention's maximum age (`None`: disabled).
    pub request_max_age: Option<Duration>,
    /// The body limit, in bytes.
    pub body_limit: usize,
    /// The header read timeout (`None`: none).
    pub header_read_timeout: Option<Duration>,
    /// The body read timeout (`None`: none).
    pub body_read_timeout: Option<Duration>,
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("addr", &self.addr)
            .field(
                "private_key",
                &self.private_key.as_ref().map(|_| "<redacted>"),
            )
            .field(
                "credentials",
                &self
                    .credentials
                    .as_ref()
                    .map(|(user, _)| (user, "<redacted>")),
            )
            .field("request_max_age", &self.request_max_age)
            .field("body_limit", &self.body_limit)
            .field("header_read_timeout", &self.header_read_timeout)
            .field("body_read_timeout", &self.body_read_timeout)
            .finish()
    }
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            addr: SocketAddr::from(([127, 0, 0, 1], 8000)),
            private_key: None,
            credentials: None,
            request_max_age: Some(ReplayGuard::DEFAULT_MAX_AGE),
            body_limit: crate::DEFAULT_BODY_LIMIT,
            header_read_timeout: Some(crate::DEFAULT_HEADER_READ_TIMEOUT),
            body_read_timeout: Some(crate::DEFAULT_BODY_READ_TIMEOUT),
        }
    }
}

impl Settings {
    /// Reads the `WEBHOOK_*` variables of the process.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| match std::env::var(name) {
            Ok(value) => Ok(Some(value)),
            Err(std::env::VarError::NotPresent) => Ok(None),
            Err(std::env::VarError::NotUnicode(_)) => Err(ConfigError::NotUnicode(name)),
        })
    }

    /// Reads the settings through `lookup` (a variable's value, `None` when unset).
    ///
    /// ```
    /// use webhook::config::Settings;
    /// let settings = Settings::from_lookup(|name| Ok(match name {
    ///     "WEBHOOK_REQUEST_MAX_AGE" => Some("none".to_owned()),
    ///     _ => None,
    /// })).unwrap();
    /// assert_eq!(settings.request_max_age, None);
    /// ```
    pub fn from_lookup(
        lookup: impl Fn(&'static str) -> Result<Option<String>, ConfigError>,
    ) -> Result<Self, ConfigError> {
        let non_empty = |name: &'static str| -> Result<Option<String>, ConfigError> {
            match lookup(name)? {
                Some(value) if value.is_empty() => Err(ConfigError::Empty(name)),
                other => Ok(other),
            }
        };
        let mut settings = Self::default();
        if let Some(addr) = non_empty("WEBHOOK_ADDR")? {
            settings.addr = addr.trim().parse().map_err(|_| ConfigError::Addr(addr))?;
        }
        settings.private_key = non_empty("WEBHOOK_PRIVATE_KEY")?;
        settings.credentials = match (
            non_empty("WEBHOOK_AUTH_USERNAME")?,
            non_empty("WEBHOOK_AUTH_PASSWORD")?,
        ) {
            (Some(username), Some(password)) => Some((username, password)),
            (None, None) => None,
            _ => return Err(ConfigError::HalfCredentials),
        };
        if let Some(max_age) = non_empty("WEBHOOK_REQUEST_MAX_AGE")? {
            settings.request_max_age = parse_max_age(&max_age)?;
        }
        if let Some(limit) = non_empty("WEBHOOK_BODY_LIMIT")? {
            settings.body_limit = parse_body_limit("WEBHOOK_BODY_LIMIT", &limit)?;
        }
        for (name, timeout) in [
            (
                "WEBHOOK_HEADER_READ_TIMEOUT",
                &mut settings.header_read_timeout,
            ),
            ("WEBHOOK_BODY_READ_TIMEOUT", &mut settings.body_read_timeout),
        ] {
            if let Some(value) = non_empty(name)? {
                *timeout = parse_timeout(name, &value)?;
            }
        }
        Ok(settings)
    }

    /// Applies the security settings, the body limit and the read timeouts to `webhook`.
    pub fn apply<S: Send + Sync + 'static>(&self, mut webhook: Webhook<S>) -> Webhook<S> {
        if let Some(key) = &self.private_key {
            webhook = webhook.private_key(key.clone());
        }
        if let Some((username, password)) = &self.credentials {
            webhook = webhook.basic_auth(username.clone(), password.clone());
        }
        webhook
            .request_max_age(self.request_max_age)
            .body_limit(self.body_limit)
            .header_read_timeout(self.header_read_timeout)
            .body_read_timeout(self.body_read_timeout)
    }
}

/// Settings that override others: given on the command line, or in `main!(...)`.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Overrides {
    /// `--addr`
    pub addr: Option<SocketAddr>,
    /// `--private-key`
    pub private_key: Option<String>,
    /// `--auth-username`
    pub auth_username: Option<String>,
    /// `--auth-password`
    pub auth_password: Option<String>,
    /// `--request-max-age` (`Some(None)`: disabled)
    pub request_max_age: Option<Option<Duration>>,
    /// `--body-limit`, in bytes
    pub body_limit: Option<usize>,
    /// `--header-read-timeout` (`Some(None)`: none)
    pub header_read_timeout: Option<Option<Duration>>,
    /// `--body-read-timeout` (`Some(None)`: none)
    pub body_read_timeout: Option<Option<Duration>>,
}

impl std::fmt::Debug for Overrides {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Overrides")
            .field("addr", &self.addr)
            .field(
                "private_key",
                &self.private_key.as_ref().map(|_| "<redacted>"),
            )
            .field("auth_username", &self.auth_username)
            .field(
                "auth_password",
                &self.auth_password.as_ref().map(|_| "<redacted>"),
            )
            .field("request_max_age", &self.request_max_age)
            .field("body_limit", &self.body_limit)
            .field("header_read_timeout", &self.header_read_timeout)
            .field("body_read_timeout", &self.body_read_timeout)
            .finish()
    }
}

/// What the command line asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Serve, with these overrides.
    Serve(Overrides),
    /// Print the usage and exit.
    Help,
}

/// The command-line flags, for `--help`.
pub const USAGE: &str = "\
Options (each overrides its environment variable):
  --addr ADDR              address to listen on [WEBHOOK_ADDR, default 127.0.0.1:8000]
  --private-key KEY        key of the X-Hub-Signature check [WEBHOOK_PRIVATE_KEY]
  --auth-username USER     basic-auth username [WEBHOOK_AUTH_USERNAME]
  --auth-password PASS     basic-auth password [WEBHOOK_AUTH_PASSWORD]
  --request-max-age SECS   maximum age of a request, or \"none\" [WEBHOOK_REQUEST_MAX_AGE, default 10]
  --body-limit BYTES       largest body, received and decoded [WEBHOOK_BODY_LIMIT, default 2097152]
  --header-read-timeout SECS
                           time to send a request's headers, or \"none\" [WEBHOOK_HEADER_READ_TIMEOUT, default 10]
  --body-read-timeout SECS time to send a request's body, or \"none\" [WEBHOOK_BODY_READ_TIMEOUT, default 30]
  -h, --help               print this help";

/// A command-line argument that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ArgsError {
    /// A flag this program does not know.
    #[error("unknown argument {0:?} (see --help)")]
    Unknown(String),
    /// A flag without its value.
    #[error("{0} needs a value")]
    MissingValue(&'static str),
    /// A value that cannot be used.
    #[error("{flag}: {error}")]
    Invalid {
        /// The flag.
        flag: &'static str,
        /// Why.
        error: ConfigError,
    },
}

impl Overrides {
    /// Parses command-line arguments (without the program name): `--flag value` or
    /// `--flag=value`.
    ///
    /// ```
    /// use webhook::config::{Command, Overrides};
    /// let Command::Serve(overrides) = Overrides::from_args(["--request-max-age=none"]).unwrap() else {
    ///     unreachable!()
    /// };
    /// assert_eq!(overrides.request_max_age, Some(None));
    /// ```
    pub fn from_args<I, A>(args: I) -> Result<Command, ArgsError>
    where
        I: IntoIterator<Item = A>,
        A: Into<String>,
    {
        let mut overrides = Overrides::default();
        let mut args = args.into_iter().map(Into::into);
        while let Some(arg) = args.next() {
            let (name, inline) = match arg.split_once('=') {
                Some((name, value)) if name.starts_with("--") => {
                    (name.to_owned(), Some(value.to_owned()))
                }
                _ => (arg, None),
            };
            let flag: &'static str = match name.as_str() {
                "-h" | "--help" => return Ok(Command::Help),
                "--addr" => "--addr",
                "--private-key" => "--private-key",
                "--auth-username" => "--auth-username",
                "--auth-password" => "--auth-password",
                "--request-max-age" => "--request-max-age",
                "--body-limit" => "--body-limit",
                "--header-read-timeout" => "--header-read-timeout",
                "--body-read-timeout" => "--body-read-timeout",
                _ => return Err(ArgsError::Unknown(name)),
            };
            let value = inline
                .or_else(|| args.next())
                .ok_or(ArgsError::MissingValue(flag))?;
            let invalid = |error| ArgsError::Invalid { flag, error };
            if value.is_empty() {
                return Err(invalid(ConfigError::Empty(flag)));
            }
            match flag {
                "--addr" => {
                    overrides.addr = Some(
                        value
                            .parse()
                            .map_err(|_| invalid(ConfigError::Addr(value.clone())))?,
                    );
                }
                "--private-key" => overrides.private_key = Some(value),
                "--auth-username" => overrides.auth_username = Some(value),
                "--auth-password" => overrides.auth_password = Some(value),
                "--request-max-age" => {
                    overrides.request_max_age = Some(parse_max_age(&value).map_err(invalid)?);
                }
                "--body-limit" => {
                    overrides.body_limit =
                        Some(parse_body_limit("WEBHOOK_BODY_LIMIT", &value).map_err(invalid)?);
                }
                "--header-read-timeout" => {
                    overrides.header_read_timeout = Some(
                        parse_timeout("WEBHOOK_HEADER_READ_TIMEOUT", &value).map_err(invalid)?,
                    );
                }
                _ => {
                    overrides.body_read_timeout =
                        Some(parse_timeout("WEBHOOK_BODY_READ_TIMEOUT", &value).map_err(invalid)?);
                }
            }
        }
        Ok(Command::Serve(overrides))
    }
}

impl Settings {
    /// These settings with `overrides` applied on top.
    pub fn overlay(mut self, overrides: &Overrides) -> Result<Self, ConfigError> {
        if let Some(addr) = overrides.addr {
            self.addr = addr;
        }
        if let Some(key) = &overrides.private_key {
            self.private_key = Some(key.clone());
        }
        match (&overrides.auth_username, &overrides.auth_password) {
            (Some(username), Some(password)) => {
                self.credentials = Some((username.clone(), password.clone()));
            }
            (None, None) => {}
            (Some(username), None) => match &mut self.credentials {
                Some((current, _)) => *current = username.clone(),
                None => return Err(ConfigError::HalfCredentials),
            },
            (None, Some(password)) => match &mut self.credentials {
                Some((_, current)) => *current = password.clone(),
                None => return Err(ConfigError::HalfCredentials),
            },
        }
        if let Some(max_age) = overrides.request_max_age {
            self.request_max_age = max_age;
        }
        if let Some(limit) = overrides.body_limit {
            self.body_limit = limit;
        }
        if let Some(timeout) = overrides.header_read_timeout {
            self.header_read_timeout = timeout;
        }
        if let Some(timeout) = overrides.body_read_timeout {
            self.body_read_timeout = timeout;
        }
        Ok(self)
    }
}

/// Parses a maximum age: whole seconds, or `none`.
pub fn parse_max_age(value: &str) -> Result<Option<Duration>, ConfigError> {
    let trimmed = value.trim();
    if trimmed.eq_ignore_ascii_case("none") {
        return Ok(None);
    }
    trimmed
        .parse::<u64>()
        .map(|seconds| Some(Duration::from_secs(seconds)))
        .map_err(|_| ConfigError::MaxAge(value.to_owned()))
}

/// Parses a body limit: whole bytes. `name` is the variable or flag, for the error.
pub fn parse_body_limit(name: &'static str, value: &str) -> Result<usize, ConfigError> {
    value.trim().parse().map_err(|_| ConfigError::Number {
        name,
        expected: "a whole number of bytes",
        value: value.to_owned(),
    })
}

/// Parses a read timeout: whole seconds, or `none`. `name` is the variable or flag, for the
/// error.
pub fn parse_timeout(name: &'static str, value: &str) -> Result<Option<Duration>, ConfigError> {
    parse_max_age(value).map_err(|_| ConfigError::Number {
        name,
        expected: "a whole number of seconds or \"none\"",
        value: value.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(vars: &[(&'static str, &str)]) -> Result<Settings, ConfigError> {
        Settings::from_lookup(|name| {
            Ok(vars
                .iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| (*value).to_owned()))
        })
    }

    #[test]
    fn defaults() {
        assert_eq!(settings(&[]).unwrap(), Settings::default());
    }

    #[test]
    fn reads_every_variable() {
        let read = settings(&[
            ("WEBHOOK_ADDR", "127.0.0.1:9000"),
            ("WEBHOOK_PRIVATE_KEY", "key"),
            ("WEBHOOK_AUTH_USERNAME", "u"),
            ("WEBHOOK_AUTH_PASSWORD", "p"),
            ("WEBHOOK_REQUEST_MAX_AGE", "30"),
        ])
        .unwrap();
        assert_eq!(read.addr.port(), 9000);
        assert_eq!(read.private_key.as_deref(), Some("key"));
        assert_eq!(read.credentials, Some(("u".into(), "p".into())));
        assert_eq!(read.request_max_age, Some(Duration::from_secs(30)));
        let limits = settings(&[
            ("WEBHOOK_BODY_LIMIT", "1024"),
            ("WEBHOOK_HEADER_READ_TIMEOUT", "none"),
            ("WEBHOOK_BODY_READ_TIMEOUT", "5"),
        ])
        .unwrap();
        assert_eq!(limits.body_limit, 1024);
        assert_eq!(limits.header_read_timeout, None);
        assert_eq!(limits.body_read_timeout, Some(Duration::from_secs(5)));
        let webhook = limits.apply(crate::Webhook::new());
        assert_eq!(webhook.header_read_timeout_value(), None);
        assert!(format!("{webhook:?}").contains("body_limit: 1024"));
    }

    #[test]
    fn bad_limits_are_clear_errors() {
        assert_eq!(
            settings(&[("WEBHOOK_BODY_LIMIT", "2MiB")])
                .unwrap_err()
                .to_string(),
            "WEBHOOK_BODY_LIMIT must be a whole number of bytes, not \"2MiB\""
        );
        assert_eq!(
            settings(&[("WEBHOOK_BODY_READ_TIMEOUT", "soon")])
                .unwrap_err()
                .to_string(),
            "WEBHOOK_BODY_READ_TIMEOUT must be a whole number of seconds or \"none\", not \"soon\""
        );
    }

    #[test]
    fn flags_override_the_environment() {
        let Command::Serve(overrides) = Overrides::from_args([
            "--addr",
            "127.0.0.1:9001",
            "--private-key=k",
            "--auth-username",
            "u",
            "--auth-password=p:w",
        ])
        .unwrap() else {
            panic!("not help")
        };
        let merged = settings(&[("WEBHOOK_PRIVATE_KEY", "env")])
            .unwrap()
            .overlay(&overrides)
            .unwrap();
        assert_eq!(merged.addr.port(), 9001);
        assert_eq!(merged.private_key.as_deref(), Some("k"));
        assert_eq!(merged.credentials, Some(("u".into(), "p:w".into())));
        assert_eq!(Overrides::from_args(["-h"]).unwrap(), Command::Help);
        let Command::Serve(limits) = Overrides::from_args([
            "--body-limit=1024",
            "--header-read-timeout",
            "none",
            "--body-read-timeout=5",
        ])
        .unwrap() else {
            panic!("not help")
        };
        let merged = settings(&[
            ("WEBHOOK_BODY_LIMIT", "99"),
            ("WEBHOOK_HEADER_READ_TIMEOUT", "3"),
        ])
        .unwrap()
        .overlay(&limits)
        .unwrap();
        assert_eq!(merged.body_limit, 1024);
        assert_eq!(merged.header_read_timeout, None);
        assert_eq!(merged.body_read_timeout, Some(Duration::from_secs(5)));
    }

    #[test]
    fn bad_flags_are_clear_errors() {
        assert_eq!(
            Overrides::from_args(["--port", "1"])
                .unwrap_err()
                .to_string(),
            "unknown argument \"--port\" (see --help)"
        );
        assert_eq!(
            Overrides::from_args(["--addr"]).unwrap_err(),
            ArgsError::MissingValue("--addr")
        );
        assert_eq!(
            Overrides::from_args(["--request-max-age", "soon"]).unwrap_err().to_string(),
            "--request-max-age: WEBHOOK_REQUEST_MAX_AGE must be a whole number of seconds or \"none\", not \"soon\""
        );
        assert_eq!(
            Overrides::from_args(["--body-limit", "2MiB"])
                .unwrap_err()
                .to_string(),
            "--body-limit: WEBHOOK_BODY_LIMIT must be a whole number of bytes, not \"2MiB\""
        );
        assert_eq!(
            Overrides::from_args(["--body-read-timeout=soon"]).unwrap_err().to_string(),
            "--body-read-timeout: WEBHOOK_BODY_READ_TIMEOUT must be a whole number of seconds or \"none\", not \"soon\""
        );
        let half = Overrides {
            auth_username: Some("u".into()),
            ..Overrides::default()
        };
        assert_eq!(
            Settings::default().overlay(&half).unwrap_err(),
            ConfigError::HalfCredentials
        );
    }

    #[test]
    fn bad_values_are_clear_errors() {
        assert_eq!(
            settings(&[("WEBHOOK_ADDR", "localhost")]).unwrap_err(),
            ConfigError::Addr("localhost".into())
        );
        assert_eq!(
            settings(&[("WEBHOOK_REQUEST_MAX_AGE", "10s")]).unwrap_err(),
            ConfigError::MaxAge("10s".into())
        );
        assert_eq!(
            settings(&[("WEBHOOK_AUTH_USERNAME", "u")]).unwrap_err(),
            ConfigError::HalfCredentials
        );
        assert_eq!(
            settings(&[("WEBHOOK_PRIVATE_KEY", "")]).unwrap_err(),
            ConfigError::Empty("WEBHOOK_PRIVATE_KEY")
        );
        assert_eq!(
            settings(&[("WEBHOOK_REQUEST_MAX_AGE", "NONE")])
                .unwrap()
                .request_max_age,
            None
        );
    }
}
