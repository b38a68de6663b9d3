//! How the page shows what is stored: secret headers masked, a body as JSON, text or hex,
//! times and ages, the curl command that sends an event again, and the times a filter reads.

use std::fmt::Write as _;

use http::HeaderMap;

use crate::inbox::record::rfc3339;
use crate::inbox::EventRecord;

/// The most bytes of a body the page shows (the whole body is a download).
pub(crate) const SHOWN_BODY: usize = 64 * 1024;

/// Header names (lowercase) whose values are secrets, whole.
const SECRET_HEADERS: [&str; 5] = [
    "authorization",
    "proxy-authorization",
    "cookie",
    "set-cookie",
    "x-hook-secret",
];

/// Parts of header names whose values are secrets or signatures (`x-hub-signature-256`,
/// `stripe-signature`, `x-gitlab-token`, `x-shopify-hmac-sha256`, `x-api-key`...).
const SECRET_PARTS: [&str; 7] = [
    "signature",
    "token",
    "secret",
    "hmac",
    "api-key",
    "apikey",
    "password",
];

/// Headers a provider names its delivery with, most specific first.
const DELIVERY_HEADERS: [&str; 7] = [
    "webhook-id",
    "svix-id",
    "x-github-delivery",
    "x-gitlab-event-uuid",
    "x-shopify-webhook-id",
    "linear-delivery",
    "i-twilio-idempotency-token",
];

/// Whether the header `name` (lowercase, as `http` stores it) carries a secret.
pub(crate) fn is_secret(name: &str) -> bool {
    SECRET_HEADERS.contains(&name) || SECRET_PARTS.iter().any(|part| name.contains(part))
}

/// A header as the page shows it: its name, and its value or, for a secret, how long it is.
pub(crate) fn shown_headers(headers: &HeaderMap) -> Vec<(String, String, bool)> {
    headers
        .iter()
        .map(|(name, value)| {
            let name = name.as_str().to_owned();
            if is_secret(&name) {
                let masked = format!("•••• masked ({} bytes)", value.len());
                (name, masked, true)
            } else {
                let text = String::from_utf8_lossy(value.as_bytes()).into_owned();
                (name, text, false)
            }
        })
        .collect()
}

/// The provider's delivery id, when a known header carries it.
pub(crate) fn delivery_id(headers: &HeaderMap) -> Option<(&'static str, String)> {
    DELIVERY_HEADERS.iter().find_map(|name| {
        headers
            .get(*name)
            .and_then(|value| value.to_str().ok())
            .map(|value| (*name, value.to_owned()))
    })
}

/// How a body is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BodyView {
    /// Indented JSON.
    Json,
    /// As text (UTF-8).
    Text,
    /// Offsets, bytes in hexadecimal, and their printable characters.
    Hex,
}

impl BodyView {
    /// Every view, as the page offers them.
    pub(crate) const ALL: [BodyView; 3] = [Self::Json, Self::Text, Self::Hex];

    /// Its name in the page's links.
    pub(crate) const fn as_str(self) -> &'static str {
        match self {
            Self::Json => "json",
            Self::Text => "text",
            Self::Hex => "hex",
        }
    }

    /// The view named `name`.
    pub(crate) fn named(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|view| view.as_str() == name)
    }

    /// The best view of `body`: JSON when it parses, text when it is UTF-8, else hex.
    pub(crate) fn best(body: &[u8]) -> Self {
        if serde_json::from_slice::<serde::de::IgnoredAny>(body).is_ok() {
            Self::Json
        } else if std::str::from_utf8(body).is_ok() {
            Self::Text
        } else {
            Self::Hex
        }
    }
}

/// `body` shown as `view` (its first [`SHOWN_BODY`] bytes for text and hex); `None` when the
/// body is not of that kind (not JSON, not UTF-8).
pub(crate) fn render_body(body: &[u8], view: BodyView) -> Option<String> {
    let shown = &body[..body.len().min(SHOWN_BODY)];
    match view {
        BodyView::Json => {
            let value: serde_json::Value = serde_json::from_slice(body).ok()?;
            serde_json::to_string_pretty(&value).ok()
        }
        BodyView::Text => match std::str::from_utf8(shown) {
            Ok(text) => Some(text.to_owned()),
            // Cut inside a character: the text up to it.
            Err(error) if error.error_len().is_none() => {
                std::str::from_utf8(&shown[..error.valid_up_to()])
                    .ok()
                    .map(str::to_owned)
            }
            Err(_) => None,
        },
        BodyView::Hex => Some(hex_dump(shown)),
    }
}

/// `bytes` as `hexdump -C` shows them.
pub(crate) fn hex_dump(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 4 + 16);
    for (line, chunk) in bytes.chunks(16).enumerate() {
        let _ = write!(out, "{:08x}  ", line * 16);
        for at in 0..16 {
            match chunk.get(at) {
                Some(byte) => {
                    let _ = write!(out, "{byte:02x} ");
                }
                None => out.push_str("   "),
            }
            if at == 7 {
                out.push(' ');
            }
        }
        out.push_str(" |");
        for byte in chunk {
            out.push(if byte.is_ascii_graphic() || *byte == b' ' {
                char::from(*byte)
            } else {
                '.'
            });
        }
        out.push_str("|\n");
    }
    out
}

/// The curl command that sends `event` again to `origin` (`http://host:port`, or the host its
/// request named): its method, URI, headers and body, secrets (signatures, credentials,
/// cookies) left out and named in a comment; a body that is not UTF-8 is read from a file
/// (the page's download).
pub(crate) fn curl_command(record: &EventRecord, origin: &str) -> String {
    const LEFT_OUT: [&str; 6] = [
        "host",
        "content-length",
        "content-encoding",
        "transfer-encoding",
        "connection",
        "accept-encoding",
    ];
    let mut command = String::new();
    let mut secrets = Vec::new();
    let _ = write!(
        command,
        "curl -X {} {}",
        record.event.method,
        quote(&format!("{origin}{}", record.event.uri))
    );
    for (name, value) in &record.event.headers {
        let name = name.as_str();
        if LEFT_OUT.contains(&name) {
            continue;
        }
        if is_secret(name) {
            secrets.push(name);
            continue;
        }
        let value = String::from_utf8_lossy(value.as_bytes());
        let _ = write!(command, " \\\n  -H {}", quote(&format!("{name}: {value}")));
    }
    if !record.event.body.is_empty() {
        match std::str::from_utf8(&record.event.body) {
            Ok(text) => {
                let _ = write!(command, " \\\n  --data-binary {}", quote(text));
            }
            Err(_) => {
                let _ = write!(
                    command,
                    " \\\n  --data-binary @event-{}.body   # the body is binary: download it",
                    record.id
                );
            }
        }
    }
    if !secrets.is_empty() {
        command = format!(
            "# left out (secrets; the receiver will want them): {}\n{command}",
            secrets.join(", ")
        );
    }
    command
}

/// `text` as one shell word, in single quotes.
fn quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// A time (ms since the epoch) as the page shows it: RFC 3339, UTC, to the second.
pub(crate) fn time(ms: i64) -> String {
    let full = rfc3339(ms);
    // `YYYY-MM-DDTHH:MM:SS.mmmZ` → `YYYY-MM-DD HH:MM:SS`
    full.get(..19).unwrap_or(&full).replacen('T', " ", 1)
}

/// A duration in milliseconds, short (`850 ms`, `12.3 s`, `4 min 5 s`, `3 h 20 min`,
/// `2 d 4 h`).
pub(crate) fn duration(ms: i64) -> String {
    let ms = ms.max(0);
    match ms {
        0..1000 => format!("{ms} ms"),
        1000..60_000 => format!("{:.1} s", ms as f64 / 1000.0),
        60_000..3_600_000 => format!("{} min {} s", ms / 60_000, ms % 60_000 / 1000),
        3_600_000..86_400_000 => format!("{} h {} min", ms / 3_600_000, ms % 3_600_000 / 60_000),
        _ => format!("{} d {} h", ms / 86_400_000, ms % 86_400_000 / 3_600_000),
    }
}

/// A filter's time: `YYYY-MM-DDTHH:MM` (a `datetime-local` input), seconds optional, or a
/// date alone, in UTC, as ms since the epoch.
pub(crate) fn parse_time(text: &str) -> Option<i64> {
    let text = text.trim();
    let (date, clock) = text.split_once(['T', ' ']).unwrap_or((text, "00:00"));
    let mut date = date.splitn(3, '-').map(str::parse::<i64>);
    let (year, month, day) = (date.next()?.ok()?, date.next()?.ok()?, date.next()?.ok()?);
    let mut clock = clock.trim_end_matches('Z').splitn(3, ':');
    let hour: i64 = clock.next()?.parse().ok()?;
    let minute: i64 = clock.next()?.parse().ok()?;
    let second: f64 = clock.next().map_or(Some(0.0), |s| s.parse().ok())?;
    let valid = (1..=12).contains(&month)
        && (1..=31).contains(&day)
        && (0..24).contains(&hour)
        && (0..60).contains(&minute)
        && (0.0..60.0).contains(&second);
    if !valid {
        return None;
    }
    let days = days_from_civil(year, month, day);
    let seconds = days * 86_400 + hour * 3600 + minute * 60;
    Some(seconds * 1000 + (second * 1000.0) as i64)
}

/// The `datetime-local` value of a time (ms since the epoch), UTC.
pub(crate) fn time_input(ms: i64) -> String {
    let full = rfc3339(ms);
    full.get(..16).unwrap_or(&full).to_owned()
}

/// Days since 1970-01-01 of a date of the proleptic Gregorian calendar (Howard Hinnant's
/// `days_from_civil`).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let yoe = year - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// At most `chars` characters of `text`, an ellipsis after a cut.
pub(crate) fn shorten(text: &str, chars: usize) -> String {
    match text.char_indices().nth(chars) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    #[test]
    fn secrets_and_signatures_are_masked() {
        for name in [
            "authorization",
            "cookie",
            "x-hub-signature-256",
            "stripe-signature",
            "x-gitlab-token",
            "x-shopify-hmac-sha256",
            "x-api-key",
            "webhook-signature",
        ] {
            assert!(is_secret(name), "{name}");
        }
        for name in ["content-type", "user-agent", "webhook-id", "x-github-event"] {
            assert!(!is_secret(name), "{name}");
        }
        let mut headers = HeaderMap::new();
        headers.insert("authorization", HeaderValue::from_static("Basic abc"));
        headers.insert("content-type", HeaderValue::from_static("text/plain"));
        let shown = shown_headers(&headers);
        assert_eq!(shown[0].1, "•••• masked (9 bytes)");
        assert!(shown[0].2);
        assert_eq!(shown[1].1, "text/plain");
    }

    #[test]
    fn bodies_show_as_json_text_or_hex() {
        assert_eq!(BodyView::best(br#"{"a":1}"#), BodyView::Json);
        assert_eq!(BodyView::best(b"a=1&b=2"), BodyView::Text);
        assert_eq!(BodyView::best(b"\xff\x00"), BodyView::Hex);
        assert_eq!(
            render_body(br#"{"b":1,"a":[2]}"#, BodyView::Json).unwrap(),
            "{\n  \"b\": 1,\n  \"a\": [\n    2\n  ]\n}"
        );
        assert_eq!(render_body(b"\xff", BodyView::Text), None);
        assert_eq!(
            hex_dump(b"Hello, world!\n\x00\x01\x02"),
            "00000000  48 65 6c 6c 6f 2c 20 77  6f 72 6c 64 21 0a 00 01  |Hello, world!...|\n\
             00000010  02                                                |.|\n"
        );
    }

    #[test]
    fn the_curl_command_leaves_secrets_out() {
        let mut headers = HeaderMap::new();
        headers.insert("content-type", HeaderValue::from_static("application/json"));
        headers.insert("x-hub-signature-256", HeaderValue::from_static("sha256=ab"));
        headers.insert("host", HeaderValue::from_static("bot.example"));
        let event = EventRecord {
            id: 7,
            event: crate::inbox::NewEvent {
                route: "github".to_owned(),
                method: "POST".to_owned(),
                uri: "/github?x=1".to_owned(),
                headers,
                body: bytes::Bytes::from_static(b"{\"it's\":1}"),
                received_at: 0,
                idempotency_key: None,
            },
            state: crate::inbox::EventState::Dead,
            attempts: 1,
            attempts_before_replay: 0,
            run_at: 0,
            lease_owner: None,
            lease_until: None,
            last_error: None,
            finished_at: None,
        };
        assert_eq!(
            curl_command(&event, "http://127.0.0.1:8000"),
            "# left out (secrets; the receiver will want them): x-hub-signature-256\n\
             curl -X POST 'http://127.0.0.1:8000/github?x=1' \\\n  \
             -H 'content-type: application/json' \\\n  \
             --data-binary '{\"it'\\''s\":1}'"
        );
    }

    #[test]
    fn times_read_and_show_in_utc() {
        assert_eq!(parse_time("1970-01-01T00:00"), Some(0));
        assert_eq!(
            parse_time("2025-11-30T12:00:00.123"),
            Some(1_764_504_000_123)
        );
        assert_eq!(parse_time("2025-11-30"), Some(1_764_460_800_000));
        assert_eq!(parse_time("2025-13-01T00:00"), None);
        assert_eq!(parse_time("yesterday"), None);
        assert_eq!(time(1_764_504_000_123), "2025-11-30 12:00:00");
        assert_eq!(time_input(1_764_504_000_123), "2025-11-30T12:00");
        assert_eq!(duration(850), "850 ms");
        assert_eq!(duration(12_345), "12.3 s");
        assert_eq!(duration(245_000), "4 min 5 s");
        assert_eq!(duration(12_000_000), "3 h 20 min");
        assert_eq!(duration(187_200_000), "2 d 4 h");
        assert_eq!(shorten("abcdef", 3), "abc…");
        assert_eq!(shorten("abc", 3), "abc");
    }
}
