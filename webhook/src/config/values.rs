//! The types of the settings' values that parse with a unit or a keyword: [`Seconds`],
//! [`Span`], [`LogFormat`]. A module of their own, which the settings, the subcommands
//! ([`cli`](crate::cli)) and the log output read without depending on each other.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

/// A duration in whole seconds, or `none`: a maximum request age, a read timeout.
///
/// ```
/// use std::time::Duration;
/// use clustaar_webhook::config::Seconds;
///
/// assert_eq!("30".parse::<Seconds>().unwrap(), Seconds(Some(Duration::from_secs(30))));
/// assert_eq!("None".parse::<Seconds>().unwrap(), Seconds(None));
/// assert!("10s".parse::<Seconds>().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Seconds(pub Option<Duration>);

impl FromStr for Seconds {
    type Err = String;

    fn from_str(value: &str) -> Result<Self, String> {
        let trimmed = value.trim();
        if trimmed.eq_ignore_ascii_case("none") {
            return Ok(Self(None));
        }
        trimmed
            .parse::<u64>()
            .map(|seconds| Self(Some(Duration::from_secs(seconds))))
            .map_err(|_| "a whole number of seconds or \"none\"".to_owned())
    }
}

impl fmt::Display for Seconds {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(duration) => write!(f, "{}", duration.as_secs()),
            None => f.write_str("none"),
        }
    }
}

/// The format of the log lines: `text` (human-readable, the default) or `json` (one JSON
/// object a line, tracing-subscriber's).
///
/// ```
/// use clustaar_webhook::config::LogFormat;
///
/// assert_eq!("JSON".parse::<LogFormat>(), Ok(LogFormat::Json));
/// assert!("yaml".parse::<LogFormat>().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LogFormat {
    /// Human-readable lines.
    #[default]
    Text,
    /// One JSON object a line.
    Json,
}

impl FromStr for LogFormat {
    type Err = String;

    fn from_str(value: &str) -> Result<Self, String> {
        match value.trim().to_ascii_lowercase().as_str() {
            "text" => Ok(Self::Text),
            "json" => Ok(Self::Json),
            _ => Err("\"text\" or \"json\"".to_owned()),
        }
    }
}

impl fmt::Display for LogFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Text => "text",
            Self::Json => "json",
        })
    }
}

/// A duration with its unit: `50ms`, `2s`, `5m`, `1h`, `7d` (a bare number is seconds), or
/// `none` where the setting allows it (`None`).
///
/// ```
/// use std::time::Duration;
/// use clustaar_webhook::config::Span;
///
/// assert_eq!("50ms".parse::<Span>().unwrap(), Span(Some(Duration::from_millis(50))));
/// assert_eq!("2".parse::<Span>().unwrap(), Span(Some(Duration::from_secs(2))));
/// assert_eq!("7d".parse::<Span>().unwrap(), Span(Some(Duration::from_secs(7 * 86_400))));
/// assert_eq!("none".parse::<Span>().unwrap(), Span(None));
/// assert!("soon".parse::<Span>().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span(pub Option<Duration>);

impl Span {
    /// The duration; `none` is `default`.
    pub fn or(self, default: Duration) -> Duration {
        self.0.unwrap_or(default)
    }
}

impl FromStr for Span {
    type Err = String;

    fn from_str(value: &str) -> Result<Self, String> {
        let expected = || "a duration such as 50ms, 2s, 5m, 1h, 7d, or \"none\"".to_owned();
        let trimmed = value.trim();
        if trimmed.eq_ignore_ascii_case("none") {
            return Ok(Self(None));
        }
        let digits = trimmed
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(trimmed.len());
        let (number, unit) = trimmed.split_at(digits);
        let number: u64 = number.parse().map_err(|_| expected())?;
        let millis = match unit.trim() {
            "ms" => 1,
            "" | "s" => 1000,
            "m" | "min" => 60_000,
            "h" => 3_600_000,
            "d" => 86_400_000,
            _ => return Err(expected()),
        };
        Ok(Self(Some(Duration::from_millis(
            number.checked_mul(millis).ok_or_else(expected)?,
        ))))
    }
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(duration) => write!(f, "{}ms", duration.as_millis()),
            None => f.write_str("none"),
        }
    }
}
