//! Settings from the environment, shared by the examples and `main!()`.
//!
//! | variable | meaning | default |
//! |---|---|---|
//! | `WEBHOOK_ADDR` | address to listen on | `127.0.0.1:8000` |
//! | `WEBHOOK_PRIVATE_KEY` | key of the `X-Hub-Signature` check | no check |
//! | `WEBHOOK_AUTH_USERNAME`, `WEBHOOK_AUTH_PASSWORD` | basic-auth credentials (both or neither) | no check |
//! | `WEBHOOK_REQUEST_MAX_AGE` | seconds, or `none` to disable replay prevention | `10` |

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
        Ok(settings)
    }

    /// Applies the security settings to `webhook`.
    pub fn apply<S: Send + Sync + 'static>(&self, mut webhook: Webhook<S>) -> Webhook<S> {
        if let Some(key) = &self.private_key {
            webhook = webhook.private_key(key.clone());
        }
        if let Some((username, password)) = &self.credentials {
            webhook = webhook.basic_auth(username.clone(), password.clone());
        }
        webhook.request_max_age(self.request_max_age)
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
