//! The text format without colours (a log file, a collector): the line `tracing-subscriber`'s
//! default format (`Full`, its fields by `DefaultFields`) writes, byte for byte, written without
//! its colour machinery (which formats every field name through a style even when colours are
//! off) and with the timestamp's date and time formatted once a second: about a microsecond
//! less a request (`benches/README.md`).
//!
//! ```text
//! 2026-12-05T19:05:15.779484Z  INFO request{method="POST" route="/" request_id="ee13…"}: clustaar_webhook::access: answered status=200 latency_ms=0.174
//! ```
//!
//! On a terminal, `tracing-subscriber`'s own format writes the coloured lines.

use std::cell::{Cell, RefCell};
use std::fmt::{self, Write as _};
use std::time::{SystemTime, UNIX_EPOCH};

use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_log::NormalizeEvent;
use tracing_subscriber::field::RecordFields;
use tracing_subscriber::fmt::format::{DefaultVisitor, Writer};
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields, FormattedFields};
use tracing_subscriber::registry::{LookupSpan, SpanRef};

/// The text format's lines, as `tracing-subscriber`'s `Full` format writes them without colours.
#[derive(Debug, Default)]
pub(super) struct PlainText;

impl<S, N> FormatEvent<S, N> for PlainText
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    fn format_event(
        &self,
        ctx: &FmtContext<'_, S, N>,
        mut writer: Writer<'_>,
        event: &Event<'_>,
    ) -> fmt::Result {
        // A `log` record's own target and level, not the `log` crate's.
        let normalized = event.normalized_metadata();
        let metadata = normalized.as_ref().unwrap_or_else(|| event.metadata());
        write_timestamp(&mut writer, SystemTime::now())?;
        writer.write_str(level_text(*metadata.level()))?;
        if let Some(scope) = ctx.event_scope() {
            write_scope::<N, _>(&mut writer, scope.from_root())?;
        }
        writer.write_str(metadata.target())?;
        writer.write_str(": ")?;
        ctx.format_fields(writer.by_ref(), event)?;
        writer.write_char('\n')
    }
}

/// Writes an event's spans, from the root, as the `Full` format does: `name{fields}:` each
/// (the name alone when it has no fields), and a space after the last.
pub(super) fn write_scope<'a, N: 'static, R: LookupSpan<'a> + 'a>(
    writer: &mut impl fmt::Write,
    spans: impl Iterator<Item = SpanRef<'a, R>>,
) -> fmt::Result {
    let mut seen = false;
    for span in spans {
        writer.write_str(span.metadata().name())?;
        seen = true;
        let extensions = span.extensions();
        if let Some(fields) = extensions.get::<FormattedFields<N>>()
            && !fields.is_empty()
        {
            writer.write_char('{')?;
            writer.write_str(fields)?;
            writer.write_char('}')?;
        }
        writer.write_char(':')?;
    }
    if seen {
        writer.write_char(' ')?;
    }
    Ok(())
}

/// Writes an access line's fields as [`PlainFields`] writes the `answered` event's:
/// `answered status=200 latency_ms=0.174`.
pub(super) fn write_answered_fields(out: &mut String, status: u16, latency_ms: f64) -> fmt::Result {
    out.push_str("answered status=");
    out.push_str(itoa::Buffer::new().format(status));
    out.push_str(" latency_ms=");
    write_f64(out, latency_ms)
}

/// The fields of the text format's spans and events, as `tracing-subscriber`'s `DefaultFields`
/// writes them without colours: `message` first as it is written, then `name=value` with the
/// value's `Debug`, separated by spaces; the message's terminal control characters escaped
/// (`\x1b`, `\u{9b}`), as `DefaultFields` escapes them.
///
/// The fields are written into a buffer of the thread's, then given to the writer in one
/// piece: a span's fields go into a `String` of their own that starts empty, and written a
/// piece at a time it grew five times a request (1,800 instructions of reallocation).
#[derive(Debug, Default)]
pub(super) struct PlainFields;

thread_local! {
    /// The buffer [`PlainFields`] writes a record's fields into.
    static FIELDS: RefCell<String> = RefCell::new(String::with_capacity(256));
}

impl<'writer> FormatFields<'writer> for PlainFields {
    fn format_fields<R: RecordFields>(
        &self,
        mut writer: Writer<'writer>,
        fields: R,
    ) -> fmt::Result {
        let write = |text: &mut String| {
            let mut visitor = PlainVisitor {
                out: text,
                is_empty: true,
                result: Ok(()),
            };
            fields.record(&mut visitor);
            visitor.result
        };
        FIELDS.with(|buffer| match buffer.try_borrow_mut() {
            Ok(mut text) => {
                text.clear();
                write(&mut text)?;
                writer.write_str(&text)
            }
            // A field's `Debug` that logs, formatted while this thread formats another record.
            Err(_) => {
                let mut text = String::new();
                write(&mut text)?;
                writer.write_str(&text)
            }
        })
    }
}

struct PlainVisitor<'a> {
    out: &'a mut String,
    is_empty: bool,
    result: fmt::Result,
}

impl PlainVisitor<'_> {
    /// Writes the separator and `name=` (nothing for the message); `false` when the field is
    /// not written (a `log` record's metadata, or after an error).
    fn start(&mut self, field: &Field) -> bool {
        let name = field.name();
        if self.result.is_err() || name.starts_with("log.") {
            return false;
        }
        if !self.is_empty {
            self.out.push(' ');
        }
        self.is_empty = false;
        if name != "message" {
            self.out.push_str(name.strip_prefix("r#").unwrap_or(name));
            self.out.push('=');
        }
        true
    }
}

impl Visit for PlainVisitor<'_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        if !self.start(field) {
            return;
        }
        self.result = if field.name() == "message" {
            EscapeControls(self.out).write_str(value)
        } else {
            write_debug_str(self.out, value)
        };
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        if self.start(field) {
            self.out.push_str(itoa::Buffer::new().format(value));
        }
    }

    fn record_i64(&mut self, field: &Field, value: i64) {
        if self.start(field) {
            self.out.push_str(itoa::Buffer::new().format(value));
        }
    }

    fn record_bool(&mut self, field: &Field, value: bool) {
        if self.start(field) {
            self.out.push_str(if value { "true" } else { "false" });
        }
    }

    fn record_f64(&mut self, field: &Field, value: f64) {
        if self.start(field) {
            self.result = write_f64(self.out, value);
        }
    }

    fn record_error(&mut self, field: &Field, value: &(dyn std::error::Error + 'static)) {
        // Rare: as `DefaultFields` writes it (with the error's sources).
        if self.result.is_err() {
            return;
        }
        let mut visitor = DefaultVisitor::new(Writer::new(&mut *self.out), self.is_empty);
        visitor.record_error(field, value);
        self.result = tracing_subscriber::field::VisitOutput::finish(visitor);
        self.is_empty = false;
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        if !self.start(field) {
            return;
        }
        self.result = if field.name() == "message" {
            write!(EscapeControls(self.out), "{value:?}")
        } else {
            write!(self.out, "{value:?}")
        };
    }
}

/// Writes `value` as `{value:?}` does (see [`write_thousandths`]).
fn write_f64(out: &mut String, value: f64) -> fmt::Result {
    if write_thousandths(out, value) {
        Ok(())
    } else {
        write!(out, "{value:?}")
    }
}

/// Writes `value` as `{value:?}` does when it is a whole number of thousandths under 10^12 (a
/// request's `latency_ms`, to the microsecond), from integers; `false`, writing nothing, for
/// any other value. `Debug` writes the shortest decimal that reads back as the same `f64`: for
/// such a value that is its three decimals without their trailing zeros (the values that read
/// back as it are closer together than 10^-4, less than a thousandth), with at least one (`2.0`).
/// About 600 instructions fewer than `Debug`'s float formatting, on every access line.
fn write_thousandths(out: &mut String, value: f64) -> bool {
    if !(0.0..1e12).contains(&value) || value.is_sign_negative() {
        return false;
    }
    let thousandths = (value * 1000.0).round();
    if thousandths / 1000.0 != value {
        return false;
    }
    // Exact: a whole number below 10^15.
    let thousandths = thousandths as u64;
    out.push_str(itoa::Buffer::new().format(thousandths / 1000));
    let fraction = thousandths % 1000;
    let digits = [
        b'.',
        b'0' + (fraction / 100) as u8,
        b'0' + (fraction / 10 % 10) as u8,
        b'0' + (fraction % 10) as u8,
    ];
    let kept = if fraction.is_multiple_of(100) {
        2
    } else if fraction.is_multiple_of(10) {
        3
    } else {
        4
    };
    out.push_str(std::str::from_utf8(&digits[..kept]).unwrap_or_default());
    true
}

/// Writes `value` as `{value:?}` does: between quotes, unchanged when every byte is printable
/// ASCII other than `"` and `\` (a request's id, method and route), which `Debug` would write
/// a character at a time through the formatter.
fn write_debug_str(writer: &mut impl fmt::Write, value: &str) -> fmt::Result {
    // A fold, not `all`: without the early exit the compiler checks many bytes at a time (a
    // request span's three fields: 954 → 689 instructions, release build, callgrind).
    let as_is = value.bytes().fold(true, |as_is, byte| {
        as_is & matches!(byte, b' '..=b'~') & (byte != b'"') & (byte != b'\\')
    });
    if as_is {
        writer.write_char('"')?;
        writer.write_str(value)?;
        writer.write_char('"')
    } else {
        write!(writer, "{value:?}")
    }
}

/// Writes through to its writer, the terminal control characters escaped as `DefaultFields`
/// escapes them in messages (ESC, BEL, BS, FF, DEL as `\x..`; C1 controls as `\u{..}`).
struct EscapeControls<'a>(&'a mut String);

impl fmt::Write for EscapeControls<'_> {
    fn write_str(&mut self, text: &str) -> fmt::Result {
        let mut rest = text;
        while let Some((at, control)) = rest.char_indices().find(|(_, c)| {
            matches!(
                c,
                '\x1b' | '\x07' | '\x08' | '\x0c' | '\x7f' | '\u{80}'..='\u{9f}'
            )
        }) {
            self.0.write_str(&rest[..at])?;
            match control {
                '\x1b' => self.0.write_str("\\x1b")?,
                '\x07' => self.0.write_str("\\x07")?,
                '\x08' => self.0.write_str("\\x08")?,
                '\x0c' => self.0.write_str("\\x0c")?,
                '\x7f' => self.0.write_str("\\x7f")?,
                c1 => write!(self.0, "\\u{{{:x}}}", u32::from(c1))?,
            }
            rest = &rest[at + control.len_utf8()..];
        }
        self.0.write_str(rest)
    }
}

/// The level as the `Full` format writes it: right-aligned on five characters, with the spaces
/// around it.
pub(super) fn level_text(level: Level) -> &'static str {
    match level {
        Level::TRACE => " TRACE ",
        Level::DEBUG => " DEBUG ",
        Level::INFO => "  INFO ",
        Level::WARN => "  WARN ",
        Level::ERROR => " ERROR ",
    }
}

thread_local! {
    /// The last second this thread wrote, and its `YYYY-MM-DDTHH:MM:SS.` text.
    static SECOND: Cell<(u64, [u8; 20])> = const { Cell::new((u64::MAX, [0; 20])) };
}

/// Writes `time` as RFC 3339 in UTC to the microsecond (`2026-12-05T19:05:15.779484Z`), as
/// `tracing-subscriber`'s `SystemTime` does; the date and time are formatted once a second by
/// each thread.
pub(super) fn write_timestamp(writer: &mut impl fmt::Write, time: SystemTime) -> fmt::Result {
    let since_epoch = time.duration_since(UNIX_EPOCH).unwrap_or_default();
    let second = since_epoch.as_secs();
    let (cached, mut text) = SECOND.get();
    if cached != second {
        text = second_text(second);
        SECOND.set((second, text));
    }
    // The text is ASCII digits and punctuation.
    writer.write_str(std::str::from_utf8(&text).map_err(|_| fmt::Error)?)?;
    let micros = since_epoch.subsec_micros();
    let mut digits = [b'0'; 6];
    let mut rest = micros;
    for digit in digits.iter_mut().rev() {
        *digit = b'0' + (rest % 10) as u8;
        rest /= 10;
    }
    writer.write_str(std::str::from_utf8(&digits).map_err(|_| fmt::Error)?)?;
    writer.write_char('Z')
}

/// `YYYY-MM-DDTHH:MM:SS.` of the second `second` after the Unix epoch (UTC; years up to 9999).
fn second_text(second: u64) -> [u8; 20] {
    let days = second / 86_400;
    let in_day = second % 86_400;
    let (year, month, day) = civil_date(days);
    let mut text = *b"0000-00-00T00:00:00.";
    let mut put = |at: usize, width: usize, mut value: u64| {
        for index in (at..at + width).rev() {
            text[index] = b'0' + (value % 10) as u8;
            value /= 10;
        }
    };
    put(0, 4, year);
    put(5, 2, month);
    put(8, 2, day);
    put(11, 2, in_day / 3600);
    put(14, 2, in_day / 60 % 60);
    put(17, 2, in_day % 60);
    text
}

/// The proleptic Gregorian date (year, month, day) `days` days after 1970-01-01 (Howard
/// Hinnant's `civil_from_days`, for days on or after the epoch).
fn civil_date(days: u64) -> (u64, u64, u64) {
    let shifted = days + 719_468; // days since 0000-03-01
    let era = shifted / 146_097;
    let day_of_era = shifted % 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
    let month = if month_from_march < 10 {
        month_from_march + 3
    } else {
        month_from_march - 9
    };
    let year = era * 400 + year_of_era + u64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::super::{written, Memory};
    use super::*;

    #[test]
    fn thousandths_are_written_as_debug_writes_them() {
        let check = |value: f64| {
            let mut text = String::new();
            if write_thousandths(&mut text, value) {
                assert_eq!(text, format!("{value:?}"), "{value:e}");
                true
            } else {
                assert!(text.is_empty());
                false
            }
        };
        // Every latency to the microsecond up to 3 s, then samples up to the bound.
        for micros in 0..3_000_000_u64 {
            assert!(check(micros as f64 / 1000.0));
        }
        let mut micros: u64 = 3_000_000;
        while micros < 1_000_000_000_000_000 {
            for nearby in [micros - 1, micros, micros + 1, micros + 999, micros + 500] {
                assert!(check(nearby as f64 / 1000.0));
            }
            micros = micros * 7 / 5 + 13;
        }
        // Others fall back to `Debug`.
        for value in [
            -0.0,
            -1.5,
            1e12,
            1e16,
            0.0001,
            0.1234,
            1.0 / 3.0,
            f64::NAN,
            f64::INFINITY,
            f64::MIN_POSITIVE,
            123_456.789_5,
        ] {
            assert!(!check(value), "{value:e}");
        }
    }

    fn timestamp(time: SystemTime) -> String {
        let mut text = String::new();
        write_timestamp(&mut text, time).unwrap();
        text
    }

    /// The lines `log` writes through `format`, their timestamps cut off.
    fn lines(plain: bool, log: impl Fn()) -> String {
        use tracing_subscriber::layer::SubscriberExt;
        let subscriber = |memory: Memory| {
            let layer = tracing_subscriber::fmt::layer()
                .with_writer(move || memory.clone())
                .with_ansi(false);
            let registry = tracing_subscriber::registry();
            if plain {
                tracing::Dispatch::new(
                    registry.with(layer.fmt_fields(PlainFields).event_format(PlainText)),
                )
            } else {
                tracing::Dispatch::new(registry.with(layer))
            }
        };
        written(subscriber, log, |line| {
            let (timestamp, rest) = line.split_once(' ').unwrap();
            assert_eq!(timestamp.len(), 27, "{line}");
            rest
        })
    }

    #[test]
    fn lines_are_those_of_tracing_subscribers_full_format() {
        let log = || {
            tracing::info!("no span");
            let outer = tracing::info_span!(
                "request",
                method = "POST",
                id = "a\"b c",
                status = tracing::field::Empty
            );
            let _outer = outer.enter();
            outer.record("status", 200);
            tracing::warn!(target: "clustaar_webhook::access", status = 200, latency_ms = 0.174, "answered");
            let inner = tracing::debug_span!("empty");
            let _inner = inner.enter();
            tracing::error!(error = %"boom", "in two spans");
            tracing::debug!(value = ?Some(1));
            tracing::trace!("a trace");
            let io = std::io::Error::other("disk\x1b[31m");
            let error: &(dyn std::error::Error + 'static) = &io;
            tracing::warn!(
                r#type = "x",
                big = -7i64,
                ok = true,
                ratio = 1e21,
                error,
                "after"
            );
            tracing::info!("bell\x07 esc\x1b[2J c1\u{9b} del\x7f é \"quoted\"");
            tracing::info!(message = "a message field", other = "tab\t");
            tracing::info!(nested = ?("tuple", 2), "{} {}", 1, "two");
            let span = tracing::info_span!("later", a = 1, b = tracing::field::Empty);
            let _span = span.enter();
            span.record("b", "x");
            span.record("a", 2);
            tracing::info!("recorded later");
        };
        let ours = lines(true, log);
        assert_eq!(ours, lines(false, log));
        assert!(ours.contains(
            "WARN request{method=\"POST\" id=\"a\\\"b c\" status=200}: clustaar_webhook::access: answered status=200 latency_ms=0.174\n"
        ), "{ours}");
        assert!(ours.contains("in two spans error=boom\n"), "{ours}");
        assert!(ours.contains(r#"c1\u{9b} del\x7f é"#), "{ours}");
        assert_eq!(ours.lines().count(), 10, "{ours}");
    }

    /// A record formatted while the thread's buffer is taken (a field's `Debug` that logs)
    /// is written all the same.
    #[test]
    fn fields_are_written_while_the_buffer_is_taken() {
        let log = || {
            let span = tracing::info_span!("request", method = "GET");
            FIELDS.with(|buffer| {
                let _taken = buffer.borrow_mut();
                let _span = span.enter();
                tracing::info!(status = 200, "held");
            });
        };
        let ours = lines(true, log);
        assert_eq!(ours, lines(false, log));
        assert!(
            ours.ends_with("request{method=\"GET\"}: clustaar_webhook::logging::text::tests: held status=200\n"),
            "{ours}"
        );
    }

    #[test]
    fn strings_are_written_as_debug_writes_them() {
        let mut samples: Vec<String> = (0u8..=0x7f)
            .map(|byte| char::from(byte).to_string())
            .collect();
        samples.extend(
            [
                "",
                "POST",
                "/hooks/{id}",
                "0193a5c4-7d5e-7c1b-9a3e-3f1f6d2b8a10",
                "it's",
                "a\"b",
                "back\\slash",
                "tab\t",
                "é",
                "e\u{301}",
                "zero\u{200b}width",
                "\u{9b}",
                "~ ",
            ]
            .map(String::from),
        );
        for sample in samples {
            let mut ours = String::new();
            write_debug_str(&mut ours, &sample).unwrap();
            assert_eq!(ours, format!("{sample:?}"), "{sample:?}");
        }
    }

    #[test]
    fn timestamps_are_rfc_3339_to_the_microsecond() {
        let at = |seconds: u64, micros: u64| {
            timestamp(UNIX_EPOCH + Duration::from_secs(seconds) + Duration::from_micros(micros))
        };
        assert_eq!(at(0, 0), "1970-01-01T00:00:00.000000Z");
        assert_eq!(at(951_782_400, 7), "2000-02-29T00:00:00.000007Z");
        assert_eq!(at(1_764_961_515, 779_484), "2025-12-05T19:05:15.779484Z");
        assert_eq!(at(4_107_542_399, 999_999), "2100-02-28T23:59:59.999999Z");
        assert_eq!(at(4_107_542_400, 0), "2100-03-01T00:00:00.000000Z");
        assert_eq!(at(253_402_300_799, 0), "9999-12-31T23:59:59.000000Z");
        // The same second twice (the cached text), then the next.
        assert_eq!(at(86_399, 1), "1970-01-01T23:59:59.000001Z");
        assert_eq!(at(86_399, 2), "1970-01-01T23:59:59.000002Z");
        assert_eq!(at(86_400, 3), "1970-01-02T00:00:00.000003Z");
    }

    #[test]
    fn dates_agree_with_httpdate_over_four_centuries() {
        const MONTHS: [&str; 12] = [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ];
        // Every 13th day and a second from 1970 to 9999 (httpdate: `Sun, 06 Nov 1994 08:49:37 GMT`).
        for day in (0..2_932_896).step_by(13) {
            let second = day * 86_400 + day % 86_400;
            let ours = timestamp(UNIX_EPOCH + Duration::from_secs(second));
            let theirs = httpdate::fmt_http_date(UNIX_EPOCH + Duration::from_secs(second));
            let parts: Vec<&str> = theirs.split(' ').collect();
            let month = MONTHS.iter().position(|name| *name == parts[2]).unwrap() + 1;
            let expected = format!("{}-{month:02}-{}T{}.000000Z", parts[3], parts[1], parts[4]);
            assert_eq!(ours, expected, "day {day}");
        }
    }
}
