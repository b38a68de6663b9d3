//! The JSON format's lines: what `tracing-subscriber`'s JSON format writes with the event's
//! fields at the top level and the current span under `"span"` (`flatten_event(true)`,
//! `with_current_span(true)`, `with_span_list(false)`), byte for byte, written without its
//! detours: it reads the span's fields back from their JSON text into a map on every line,
//! and writes each piece through an adapter that checks its bytes are UTF-8 (about 30,000
//! instructions a request's line, three times the text line: `benches/README.md`).
//!
//! ```text
//! {"timestamp":"2026-12-05T19:05:15.779484Z","level":"INFO","message":"answered","status":200,"latency_ms":0.174,"target":"clustaar_webhook::access","span":{"method":"POST","request_id":"ee13…","route":"/","name":"request"}}
//! ```
//!
//! The span's fields are kept as the text of a JSON object without repeated keys
//! ([`AppendingJsonFields`](super::json_fields::AppendingJsonFields)), copied into the line as
//! they are.

use std::fmt;
use std::time::SystemTime;

use serde::Serialize;
use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_log::NormalizeEvent;
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields, FormattedFields};
use tracing_subscriber::registry::{LookupSpan, SpanRef};

use super::json_fields::needs_no_escape;
use super::text::write_timestamp;

/// The JSON format's lines, as `tracing-subscriber`'s `Json` format writes them with the
/// settings above.
#[derive(Debug, Default)]
pub(super) struct JsonLine;

/// What a line starts with before its first pieces (most lines are shorter).
const LINE_CAPACITY: usize = 512;

impl<S, N> FormatEvent<S, N> for JsonLine
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
        let mut line = Vec::with_capacity(LINE_CAPACITY);
        line.extend_from_slice(b"{\"timestamp\":\"");
        write_timestamp(&mut Bytes(&mut line), SystemTime::now())?;
        line.extend_from_slice(b"\",\"level\":\"");
        line.extend_from_slice(level_name(*metadata.level()).as_bytes());
        line.push(b'"');
        let mut fields = EventFields {
            line: &mut line,
            result: Ok(()),
        };
        event.record(&mut fields);
        fields.result?;
        line.extend_from_slice(b",\"target\":");
        push_json_str(&mut line, metadata.target())?;
        let span = event
            .parent()
            .and_then(|id| ctx.span(id))
            .or_else(|| ctx.lookup_current());
        if let Some(span) = span {
            push_span::<N, _>(&mut line, &span)?;
        }
        line.extend_from_slice(b"}\n");
        // serde_json writes UTF-8, and so do the formatters: checked once, for the whole line.
        writer.write_str(std::str::from_utf8(&line).map_err(|_| fmt::Error)?)
    }
}

/// Appends `,"span":{…}`: the span's fields (kept as a JSON object's text by
/// [`AppendingJsonFields`](super::json_fields::AppendingJsonFields)) and its name.
pub(super) fn push_span<'a, N: 'static, R: LookupSpan<'a> + 'a>(
    line: &mut Vec<u8>,
    span: &SpanRef<'a, R>,
) -> fmt::Result {
    line.extend_from_slice(b",\"span\":{");
    let extensions = span.extensions();
    let members = extensions
        .get::<FormattedFields<N>>()
        .and_then(|fields| fields.fields.strip_prefix('{'))
        .and_then(|fields| fields.strip_suffix('}'))
        .unwrap_or_default();
    if !members.is_empty() {
        line.extend_from_slice(members.as_bytes());
        line.push(b',');
    }
    line.extend_from_slice(b"\"name\":");
    push_json_str(line, span.metadata().name())?;
    line.push(b'}');
    Ok(())
}

/// The level as `tracing-serde` names it.
pub(super) fn level_name(level: Level) -> &'static str {
    match level {
        Level::TRACE => "TRACE",
        Level::DEBUG => "DEBUG",
        Level::INFO => "INFO",
        Level::WARN => "WARN",
        Level::ERROR => "ERROR",
    }
}

/// Appends `value` as serde_json writes it.
pub(super) fn push_json(line: &mut Vec<u8>, value: &(impl Serialize + ?Sized)) -> fmt::Result {
    serde_json::to_writer(line, value).map_err(|_| fmt::Error)
}

/// Appends `text` as a JSON string, as serde_json writes it (between quotes as it is when it
/// needs no escape).
pub(super) fn push_json_str(line: &mut Vec<u8>, text: &str) -> fmt::Result {
    if needs_no_escape(text) {
        line.push(b'"');
        line.extend_from_slice(text.as_bytes());
        line.push(b'"');
        Ok(())
    } else {
        push_json(line, text)
    }
}

/// A line's bytes, written to as text.
pub(super) struct Bytes<'a>(pub(super) &'a mut Vec<u8>);

impl fmt::Write for Bytes<'_> {
    fn write_str(&mut self, text: &str) -> fmt::Result {
        self.0.extend_from_slice(text.as_bytes());
        Ok(())
    }
}

/// The event's fields as members of the line's object, `,"name":value` each, as
/// `tracing-serde`'s `SerdeMapVisitor` writes them: the same methods written, the others left
/// to `Visit`'s defaults, which give them to `record_debug` as it does.
struct EventFields<'a> {
    line: &'a mut Vec<u8>,
    result: fmt::Result,
}

impl EventFields<'_> {
    /// Appends `,"name":` and the value `write` appends.
    fn member_with(&mut self, field: &Field, write: impl FnOnce(&mut Vec<u8>) -> fmt::Result) {
        if self.result.is_err() {
            return;
        }
        self.line.push(b',');
        self.result = push_json_str(self.line, field.name());
        if self.result.is_ok() {
            self.line.push(b':');
            self.result = write(self.line);
        }
    }

    fn member(&mut self, field: &Field, value: &(impl Serialize + ?Sized)) {
        self.member_with(field, |line| push_json(line, value));
    }
}

impl Visit for EventFields<'_> {
    fn record_bool(&mut self, field: &Field, value: bool) {
        self.member(field, &value);
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.member(field, &format_args!("{value:?}"));
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        self.member(field, &value);
    }

    fn record_i64(&mut self, field: &Field, value: i64) {
        self.member(field, &value);
    }

    fn record_f64(&mut self, field: &Field, value: f64) {
        self.member(field, &value);
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        self.member_with(field, |line| push_json_str(line, value));
    }
}

#[cfg(test)]
mod tests {
    use super::super::json_fields::AppendingJsonFields;
    use super::super::{written, Memory};
    use super::*;

    /// Which formatters write the lines.
    #[derive(Clone, Copy)]
    enum Formats {
        /// [`JsonLine`] and [`AppendingJsonFields`].
        Ours,
        /// `tracing-subscriber`'s JSON format with [`AppendingJsonFields`].
        TheirsWithOurFields,
        /// `tracing-subscriber`'s JSON format and its `JsonFields`.
        Theirs,
    }

    /// The lines `log` writes through `formats`, their timestamps cut off.
    fn lines(formats: Formats, log: impl Fn()) -> String {
        use tracing_subscriber::layer::SubscriberExt;
        let subscriber = |memory: Memory| {
            let layer = tracing_subscriber::fmt::layer()
                .with_writer(move || memory.clone())
                .with_ansi(false)
                .json()
                .flatten_event(true)
                .with_current_span(true)
                .with_span_list(false);
            let registry = tracing_subscriber::registry();
            match formats {
                Formats::Ours => tracing::Dispatch::new(
                    registry.with(layer.fmt_fields(AppendingJsonFields).event_format(JsonLine)),
                ),
                Formats::TheirsWithOurFields => {
                    tracing::Dispatch::new(registry.with(layer.fmt_fields(AppendingJsonFields)))
                }
                Formats::Theirs => tracing::Dispatch::new(registry.with(layer)),
            }
        };
        written(subscriber, log, |line| {
            let rest = line
                .strip_prefix("{\"timestamp\":\"")
                .unwrap_or_else(|| panic!("{line}"));
            assert_eq!(rest.as_bytes()[27], b'"', "{line}");
            &rest[28..]
        })
    }

    #[test]
    fn span_fields_are_those_of_tracing_subscribers_json_fields() {
        let log = || {
            let span = tracing::info_span!(
                "request",
                route = "/hooks/{id}",
                method = "POST",
                r#type = "raw",
                id = %"0193a5c4",
                quoted = "a\"b\\c\u{1}é",
                count = 3u64,
                delta = -2i64,
                ratio = 0.174,
                infinite = f64::INFINITY,
                yes = true,
                wide = 1u128 << 70,
                bytes = &b"ab"[..],
                debug = ?Some("x"),
                empty = tracing::field::Empty,
            );
            let _span = span.enter();
            tracing::info!("in the span");
            let nested = tracing::info_span!("nested");
            let _nested = nested.enter();
            tracing::info!("in a span without fields");
        };
        let ours = lines(Formats::Ours, log);
        assert_eq!(ours, lines(Formats::Theirs, log));
        assert!(
            ours.contains(r#""span":{"bytes":[97,98],"count":3,"debug":"Some(\"x\")","delta":-2,"id":"0193a5c4","infinite":null,"method":"POST","quoted":"a\"b\\c\u0001é","ratio":0.174,"route":"/hooks/{id}","type":"raw","wide":"1180591620717411303424","yes":true,"name":"request"}"#),
            "{ours}"
        );
    }

    /// Span fields recorded while the thread's visitor is taken (a field's `Debug` that logs)
    /// are written all the same.
    #[test]
    fn span_fields_are_written_while_the_visitor_is_taken() {
        let log = || {
            super::super::json_fields::with_visitor_taken(|| {
                let span =
                    tracing::info_span!("request", method = "GET", status = tracing::field::Empty);
                let _span = span.enter();
                span.record("status", 200);
                tracing::info!("held");
            })
        };
        let ours = lines(Formats::Ours, log);
        assert_eq!(ours, lines(Formats::TheirsWithOurFields, log));
        assert!(
            ours.contains(r#""span":{"method":"GET","status":200,"name":"request"}"#),
            "{ours}"
        );
    }

    #[test]
    fn lines_are_those_of_tracing_subscribers_json_format() {
        let log = || {
            tracing::info!("no span");
            let outer = tracing::info_span!(
                "request",
                method = "POST",
                id = "a\"b c",
                status = tracing::field::Empty,
                latency_ms = tracing::field::Empty,
                again = 1,
            );
            let _outer = outer.enter();
            outer.record("status", 200);
            outer.record("latency_ms", 0.174);
            tracing::warn!(target: "clustaar_webhook::access", status = 200, latency_ms = 0.174, "answered");
            // A field recorded again: in its place, with its last value.
            outer.record("again", "two");
            outer.record("status", 404);
            tracing::info!("after the records");
            let inner = tracing::debug_span!("empty");
            let _inner = inner.enter();
            tracing::error!(error = %"boom", "in two spans");
            tracing::debug!(value = ?Some("quoted \"x\""));
            tracing::trace!("a trace");
            let io = std::io::Error::other("disk\x1b[31m");
            let error: &(dyn std::error::Error + 'static) = &io;
            tracing::warn!(
                r#type = "x",
                big = -7i64,
                huge = u64::MAX,
                wide = 1u128 << 100,
                ok = true,
                ratio = 1e21,
                not_a_number = f64::NAN,
                error,
                "after"
            );
            tracing::info!("bell\x07 esc\x1b[2J c1\u{9b} del\x7f é \"quoted\" \\ \n");
            tracing::info!(message = "a message field", other = "tab\t");
            tracing::info!(nested = ?("tuple", 2), "{} {}", 1, "two");
            tracing::info!(parent: None, "no parent, though a span is current");
            let explicit = tracing::info_span!("explicit", r#type = "t", n = 1.5);
            tracing::info!(parent: &explicit, "an explicit parent");
            let span = tracing::info_span!("later", a = 1, b = tracing::field::Empty);
            let _span = span.enter();
            span.record("b", "x");
            span.record("a", 2);
            tracing::info!("recorded later");
        };
        let ours = lines(Formats::Ours, log);
        assert_eq!(ours, lines(Formats::TheirsWithOurFields, log));
        assert!(ours.contains(
            r#""level":"WARN","message":"answered","status":200,"latency_ms":0.174,"target":"clustaar_webhook::access","span":{"again":1,"id":"a\"b c","method":"POST","status":200,"latency_ms":0.174,"name":"request"}}"#
        ), "{ours}");
        assert!(
            ours.contains(r#"{"again":"two","id":"a\"b c","method":"POST","status":404,"latency_ms":0.174,"name":"request"}"#),
            "{ours}"
        );
        assert_eq!(ours.lines().count(), 13, "{ours}");
    }
}
