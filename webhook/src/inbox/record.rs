//! The stored event: [`EventRecord`], its [`EventState`], and the [`NewEvent`] a request
//! becomes.

use std::fmt;
use std::str::FromStr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue};
use serde::Serialize;

/// Where an event is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EventState {
    /// Waiting for a worker (its first attempt, or a retry once due).
    Queued,
    /// Taken by a worker, under a lease.
    Running,
    /// Processed.
    Done,
    /// Given up: a permanent failure, or the last attempt failed.
    Dead,
}

impl EventState {
    /// Every state.
    pub const ALL: [EventState; 4] = [Self::Queued, Self::Running, Self::Done, Self::Dead];

    /// `queued`, `running`, `done`, `dead`: the stored value.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Running => "running",
            Self::Done => "done",
            Self::Dead => "dead",
        }
    }
}

impl fmt::Display for EventState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for EventState {
    type Err = String;

    fn from_str(value: &str) -> Result<Self, String> {
        Self::ALL
            .into_iter()
            .find(|state| state.as_str() == value)
            .ok_or_else(|| format!("unknown event state {value:?}"))
    }
}

/// An event to store: a request accepted by a durable route.
#[derive(Debug, Clone)]
pub struct NewEvent {
    /// The route's name (its identity in the store).
    pub route: String,
    /// The request's method.
    pub method: String,
    /// The request's URI (path and query).
    pub uri: String,
    /// The request's headers.
    pub headers: HeaderMap,
    /// The body, decoded.
    pub body: Bytes,
    /// When it was received, in milliseconds since the Unix epoch.
    pub received_at: i64,
    /// Its idempotency key, if the route has one and the request carries it.
    pub idempotency_key: Option<String>,
}

#[cfg(test)]
impl NewEvent {
    /// An empty JSON event of the route `events` (`POST /events`, body `{}`), received now,
    /// with the idempotency key `key`: the stores' and workers' tests.
    pub(crate) fn sample(key: Option<&str>) -> Self {
        Self {
            route: "events".to_owned(),
            method: "POST".to_owned(),
            uri: "/events".to_owned(),
            headers: HeaderMap::new(),
            body: Bytes::from_static(b"{}"),
            received_at: now_ms(),
            idempotency_key: key.map(str::to_owned),
        }
    }
}

/// What storing an event did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Inserted {
    /// Stored as a new event with this id.
    New(i64),
    /// Not stored: the event with this id has the same route and idempotency key.
    Duplicate(i64),
}

impl Inserted {
    /// The id of the stored event.
    pub fn id(self) -> i64 {
        match self {
            Self::New(id) | Self::Duplicate(id) => id,
        }
    }
}

/// An event as stored: the request as it came ([`NewEvent`]), and where it is in its attempts.
#[derive(Debug, Clone)]
pub struct EventRecord {
    /// Its id.
    pub id: i64,
    /// The request, its route and its idempotency key, as stored.
    pub event: NewEvent,
    /// Its state.
    pub state: EventState,
    /// The attempts started (the running one included), replays included: the attempt number
    /// keeps growing across replays.
    pub attempts: u32,
    /// The attempts made before the last replay: a replayed event has the retry policy's
    /// attempts again, counted from here.
    pub attempts_before_replay: u32,
    /// When it may be attempted (ms since the epoch).
    pub run_at: i64,
    /// The worker holding it.
    pub lease_owner: Option<String>,
    /// Until when the worker holds it (ms since the epoch).
    pub lease_until: Option<i64>,
    /// The error of the last failed attempt.
    pub last_error: Option<String>,
    /// When it was done or dead (ms since the epoch).
    pub finished_at: Option<i64>,
}

impl EventRecord {
    /// `event` as a leased insert stored it under `id`: running at its first attempt, its
    /// lease `worker`'s (the lease's end is the database's, and not read here).
    pub(crate) fn leased(event: NewEvent, id: i64, worker: &str) -> Self {
        Self {
            id,
            run_at: event.received_at,
            event,
            state: EventState::Running,
            attempts: 1,
            attempts_before_replay: 0,
            lease_owner: Some(worker.to_owned()),
            lease_until: None,
            last_error: None,
            finished_at: None,
        }
    }

    /// The record as one JSON object: its fields, times as RFC 3339, the body as text when it is
    /// UTF-8 (`body`), else base64 (`body_base64`).
    pub fn to_json(&self) -> serde_json::Value {
        use base64::Engine as _;
        let mut object = serde_json::json!({
            "id": self.id,
            "route": self.event.route,
            "method": self.event.method,
            "uri": self.event.uri,
            "idempotency_key": self.event.idempotency_key,
            "state": self.state,
            "attempts": self.attempts,
            "last_error": self.last_error,
            "received_at": rfc3339(self.event.received_at),
            "run_at": rfc3339(self.run_at),
            "finished_at": self.finished_at.map(rfc3339),
            "lease_owner": self.lease_owner,
        });
        let body = match std::str::from_utf8(&self.event.body) {
            Ok(text) => ("body", serde_json::Value::from(text)),
            Err(_) => (
                "body_base64",
                serde_json::Value::from(
                    base64::engine::general_purpose::STANDARD.encode(&self.event.body),
                ),
            ),
        };
        object
            .as_object_mut()
            .map(|fields| fields.insert(body.0.to_owned(), body.1));
        object
    }
}

/// Now, in milliseconds since the Unix epoch.
pub(crate) fn now_ms() -> i64 {
    to_ms(SystemTime::now())
}

/// `time` in milliseconds since the Unix epoch.
pub(crate) fn to_ms(time: SystemTime) -> i64 {
    time.duration_since(UNIX_EPOCH).map_or(0, |elapsed| {
        i64::try_from(elapsed.as_millis()).unwrap_or(i64::MAX)
    })
}

/// Milliseconds since the Unix epoch as a time.
pub(crate) fn from_ms(ms: i64) -> SystemTime {
    UNIX_EPOCH + Duration::from_millis(u64::try_from(ms).unwrap_or(0))
}

/// A duration in milliseconds, saturated.
pub(crate) fn duration_ms(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}

/// Milliseconds since the epoch as RFC 3339 (UTC, milliseconds).
pub(crate) fn rfc3339(ms: i64) -> String {
    let seconds = ms.div_euclid(1000);
    let millis = ms.rem_euclid(1000);
    let days = seconds.div_euclid(86_400);
    let of_day = seconds.rem_euclid(86_400);
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{millis:03}Z",
        of_day / 3600,
        of_day % 3600 / 60,
        of_day % 60
    )
}

/// Headers as stored: `name: value\r\n` lines, the values byte for byte.
pub(crate) fn encode_headers(headers: &HeaderMap) -> Vec<u8> {
    // Sized at once: grown line by line, it was reallocated five or six times an event.
    let size = headers
        .iter()
        .map(|(name, value)| name.as_str().len() + value.len() + 4)
        .sum();
    let mut bytes = Vec::with_capacity(size);
    for (name, value) in headers {
        bytes.extend_from_slice(name.as_str().as_bytes());
        bytes.extend_from_slice(b": ");
        bytes.extend_from_slice(value.as_bytes());
        bytes.extend_from_slice(b"\r\n");
    }
    bytes
}

/// Headers as [`encode_headers`] stored them; a line that is not a header is skipped.
pub(crate) fn decode_headers(bytes: &[u8]) -> HeaderMap {
    let mut headers = HeaderMap::new();
    for line in bytes.split(|byte| *byte == b'\n') {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let Some(colon) = line.iter().position(|byte| *byte == b':') else {
            continue;
        };
        let (name, value) = (&line[..colon], &line[colon + 1..]);
        let value = value.strip_prefix(b" ").unwrap_or(value);
        if let (Ok(name), Ok(value)) =
            (HeaderName::from_bytes(name), HeaderValue::from_bytes(value))
        {
            headers.append(name, value);
        }
    }
    headers
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_round_trip_byte_for_byte() {
        let mut headers = HeaderMap::new();
        headers.append("webhook-id", HeaderValue::from_static("msg_1"));
        headers.append("x-many", HeaderValue::from_static("a"));
        headers.append("x-many", HeaderValue::from_static("b: c"));
        headers.append("x-latin", HeaderValue::from_bytes(b"caf\xe9").unwrap());
        assert_eq!(decode_headers(&encode_headers(&headers)), headers);
    }

    #[test]
    fn times_are_rfc3339() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(rfc3339(1_764_504_000_123), "2025-11-30T12:00:00.123Z");
        assert_eq!(to_ms(from_ms(1234)), 1234);
    }

    #[test]
    fn states_parse_back() {
        for state in EventState::ALL {
            assert_eq!(state.as_str().parse::<EventState>(), Ok(state));
        }
        assert!("gone".parse::<EventState>().is_err());
    }
}
