//! [`AttemptRecord`]: one attempt of a stored event, as its history keeps it.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

use super::record::rfc3339;

/// How an attempt ended, in the attempts' history.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AttemptEnd {
    /// The handler succeeded: the event is done.
    Done,
    /// The handler failed: the event was queued again.
    Retry,
    /// The handler failed for good (its last attempt, or a permanent failure): dead letter.
    Dead,
    /// Cut by the shutdown: the event was queued again, the attempt not counted.
    Released,
    /// The attempt lost its lease (it could not be renewed, or a newer claim took the event):
    /// stopped, or its outcome not applied.
    Lost,
}

impl AttemptEnd {
    /// Every end.
    pub const ALL: [AttemptEnd; 5] = [
        Self::Done,
        Self::Retry,
        Self::Dead,
        Self::Released,
        Self::Lost,
    ];

    /// The name stored and printed.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Done => "done",
            Self::Retry => "retry",
            Self::Dead => "dead",
            Self::Released => "released",
            Self::Lost => "lost",
        }
    }
}

impl fmt::Display for AttemptEnd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for AttemptEnd {
    type Err = String;

    fn from_str(value: &str) -> Result<Self, String> {
        Self::ALL
            .into_iter()
            .find(|end| end.as_str() == value)
            .ok_or_else(|| format!("unknown attempt end {value:?}"))
    }
}

/// One attempt of an event, as the history keeps it (`inbox show ID` prints them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttemptRecord {
    /// The event.
    pub event_id: i64,
    /// The attempt's number (a released attempt's number is used again by the next one).
    pub attempt: u32,
    /// The worker (replica) that ran it.
    pub worker: String,
    /// When it started (ms since the epoch, the replica's clock).
    pub started_at: i64,
    /// When its end was recorded (ms since the epoch, the database's clock).
    pub finished_at: i64,
    /// How it ended.
    pub end: AttemptEnd,
    /// The handler's error, for a failed or lost attempt.
    pub error: Option<String>,
}

impl AttemptRecord {
    /// How long it ran, in milliseconds (0 when the clocks disagree).
    pub fn duration_ms(&self) -> i64 {
        (self.finished_at - self.started_at).max(0)
    }

    /// The attempt as one JSON object, times as RFC 3339.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "attempt": self.attempt,
            "worker": self.worker,
            "started_at": rfc3339(self.started_at),
            "finished_at": rfc3339(self.finished_at),
            "duration_ms": self.duration_ms(),
            "end": self.end,
            "error": self.error,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ends_parse_back() {
        for end in AttemptEnd::ALL {
            assert_eq!(end.as_str().parse::<AttemptEnd>(), Ok(end));
        }
        assert!("finished".parse::<AttemptEnd>().is_err());
    }

    #[test]
    fn an_attempt_prints_its_duration_and_end() {
        let record = AttemptRecord {
            event_id: 7,
            attempt: 2,
            worker: "12-ab".to_owned(),
            started_at: 1_000,
            finished_at: 1_250,
            end: AttemptEnd::Retry,
            error: Some("boom".to_owned()),
        };
        let json = record.to_json();
        assert_eq!(json["duration_ms"], 250);
        assert_eq!(json["end"], "retry");
        assert_eq!(json["error"], "boom");
        assert_eq!(json["started_at"], "1970-01-01T00:00:01.000Z");
    }
}
