//! A request's access line (`answered`, target `clustaar_webhook::access`) written by the log
//! output itself, when the subscriber is the one [`init`](super::init) installed: formatted by
//! the formatters of this module's siblings and appended to the output's buffer, without an
//! event going through the subscriber's layers.
//!
//! The line is the one the `answered` event would give, byte for byte (tested against it below,
//! in both formats); it is filtered by `RUST_LOG` as the event is. The event's way through
//! `tracing` (its value set, the dispatch through the filter and the format layer, each field
//! through a visitor, the line copied out of the layer's buffer) cost more than the line's own
//! formatting: about 8,000 of the estimated cycles a request, where this costs ~3,000
//! (`benches/README.md`, issue 23).
//!
//! Only when nothing else reads the event: [`init`](super::init) adds [`AnsweredDirectly`] to the
//! subscriber when it exports no span over OpenTelemetry (whose layer records the event in the
//! span) and its lines have no colours (the terminal's format is `tracing-subscriber`'s own).
//! Under any other subscriber (a test's, an application's own), the event is logged as before.

use std::cell::RefCell;
use std::io::Write as _;
use std::time::SystemTime;

use tracing::{Level, Span};
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::registry::{LookupSpan, SpanRef};
use tracing_subscriber::{Layer, Registry};

use super::json::{level_name, push_json, push_span, Bytes};
use super::json_fields::AppendingJsonFields;
use super::output::BufferedLines;
use super::text::{level_text, write_answered_fields, write_scope, write_timestamp, PlainFields};
use crate::config::LogFormat;
use crate::ops::layer::ACCESS_TARGET as TARGET;

/// The mark [`init`](super::init) leaves in its subscriber: the access lines may be written
/// directly, in `format`, to `lines`. A layer that does nothing else (every `Layer` method's
/// default: it enables everything and leaves the filtering to the others).
pub(super) struct AnsweredDirectly {
    format: LogFormat,
    lines: BufferedLines,
}

impl AnsweredDirectly {
    pub(super) fn new(format: LogFormat, lines: BufferedLines) -> Self {
        Self { format, lines }
    }
}

impl<S: tracing::Subscriber> Layer<S> for AnsweredDirectly {}

thread_local! {
    /// The text line being written (the buffer kept from one line to the next).
    static TEXT: RefCell<String> = RefCell::new(String::with_capacity(256));
    /// The JSON line being written.
    static JSON: RefCell<Vec<u8>> = RefCell::new(Vec::with_capacity(512));
}

/// Writes the access line of the request whose span is `span` (`quiet`: at `DEBUG`, not `INFO`)
/// when the current subscriber is [`init`](super::init)'s with its mark, or when the line is
/// filtered out; `false`, writing nothing, otherwise: the caller then logs the `answered`
/// event.
pub(crate) fn answered(span: &Span, quiet: bool, status: u16, latency_ms: f64) -> bool {
    // Filtered as the event is (its target, level and field names). Checked first: the check
    // asks the current subscriber, which is not reachable from inside `get_default` below.
    let level = if quiet { Level::DEBUG } else { Level::INFO };
    let enabled = if quiet {
        tracing::enabled!(target: TARGET, Level::DEBUG, status, latency_ms)
    } else {
        tracing::enabled!(target: TARGET, Level::INFO, status, latency_ms)
    };
    if !enabled {
        return true;
    }
    let Some(id) = span.id() else {
        return false;
    };
    tracing::dispatcher::get_default(|dispatch| {
        let (Some(mark), Some(registry)) = (
            dispatch.downcast_ref::<AnsweredDirectly>(),
            dispatch.downcast_ref::<Registry>(),
        ) else {
            return false;
        };
        let Some(span) = registry.span(&id) else {
            return false;
        };
        let written = match mark.format {
            LogFormat::Text => TEXT.with(|text| {
                let mut text = text.try_borrow_mut().ok()?;
                text.clear();
                text_line(&mut text, level, &span, status, latency_ms).ok()?;
                Some(mark.lines.make_writer().write_all(text.as_bytes()))
            }),
            LogFormat::Json => JSON.with(|line| {
                let mut line = line.try_borrow_mut().ok()?;
                line.clear();
                json_line(&mut line, level, &span, status, latency_ms).ok()?;
                Some(mark.lines.make_writer().write_all(&line))
            }),
        };
        // (A line is appended whole or dropped and counted, as the format layer's lines are:
        // the writer's result is always `Ok`.)
        written.is_some()
    })
}

/// The text line: what `PlainText` writes for the event.
fn text_line(
    text: &mut String,
    level: Level,
    span: &SpanRef<'_, Registry>,
    status: u16,
    latency_ms: f64,
) -> std::fmt::Result {
    write_timestamp(text, SystemTime::now())?;
    text.push_str(level_text(level));
    write_scope::<PlainFields, _>(text, span.scope().from_root())?;
    text.push_str(TARGET);
    text.push_str(": ");
    write_answered_fields(text, status, latency_ms)?;
    text.push('\n');
    Ok(())
}

/// The JSON line: what `JsonLine` writes for the event.
fn json_line(
    line: &mut Vec<u8>,
    level: Level,
    span: &SpanRef<'_, Registry>,
    status: u16,
    latency_ms: f64,
) -> std::fmt::Result {
    line.extend_from_slice(b"{\"timestamp\":\"");
    write_timestamp(&mut Bytes(line), SystemTime::now())?;
    line.extend_from_slice(b"\",\"level\":\"");
    line.extend_from_slice(level_name(level).as_bytes());
    line.extend_from_slice(b"\",\"message\":\"answered\",\"status\":");
    line.extend_from_slice(itoa::Buffer::new().format(status).as_bytes());
    line.extend_from_slice(b",\"latency_ms\":");
    push_json(line, &latency_ms)?;
    line.extend_from_slice(b",\"target\":\"");
    line.extend_from_slice(TARGET.as_bytes());
    line.push(b'"');
    push_span::<AppendingJsonFields, _>(line, span)?;
    line.extend_from_slice(b"}\n");
    Ok(())
}

#[cfg(test)]
mod tests {
    use tracing::field::Empty;
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::EnvFilter;

    use super::super::output::tests::Gated;
    use super::super::output::Output;
    use super::super::{format_layer, QUEUE_BYTES};
    use super::*;

    /// How a request's access line is logged.
    #[derive(Clone, Copy, PartialEq, Debug)]
    enum Way {
        /// `init`'s subscriber, with its mark: written by [`answered`].
        Directly,
        /// The same subscriber without the mark: the `answered` event, as the observe layer logs
        /// it when [`answered`] declines.
        Event,
    }

    /// The lines `log` writes under `init`'s subscriber (in `format`, filtered by `filter`) with
    /// or without its mark, their timestamps cut off.
    fn lines(format: LogFormat, filter: &str, way: Way, log: impl Fn(Way)) -> String {
        let gated = Gated::default();
        let (writer, output) = Output::new(gated.clone(), QUEUE_BYTES);
        let mark = (way == Way::Directly).then(|| AnsweredDirectly::new(format, writer.clone()));
        let subscriber = tracing_subscriber::registry()
            .with(EnvFilter::new(filter))
            .with(format_layer(format, writer, false))
            .with(mark);
        tracing::dispatcher::with_default(&tracing::Dispatch::new(subscriber), || log(way));
        output.close();
        gated
            .text()
            .lines()
            .map(|line| match format {
                LogFormat::Text => format!("{}\n", &line[27..]),
                // `{"timestamp":"` and the 27 characters of the time.
                LogFormat::Json => format!("{}{}\n", &line[..14], &line[41..]),
            })
            .collect()
    }

    /// Logs a request's access line as the observe layer does, in a request span (in
    /// `outer`'s when given).
    fn request(way: Way, outer: bool, quiet: bool, status: u16, latency_ms: f64) {
        let outer = outer.then(|| tracing::info_span!("server", port = 8000u16).entered());
        let span = tracing::info_span!(
            target: "clustaar_webhook::request",
            "request",
            method = "POST",
            route = "/hooks/{id}",
            request_id = "0b5e\"quoted\"",
            status = Empty,
            latency_ms = Empty,
        );
        tracing::info!(parent: &span, "in the handler");
        // (The observe layer writes no access line for a disabled span.)
        if span.is_disabled() {
            return;
        }
        let written = answered(&span, quiet, status, latency_ms);
        if way == Way::Directly {
            assert!(written, "the line is the log output's to write");
            return;
        }
        if !written && quiet {
            tracing::debug!(target: TARGET, parent: &span, status, latency_ms, "answered");
        } else if !written {
            tracing::info!(target: TARGET, parent: &span, status, latency_ms, "answered");
        }
        drop(outer);
    }

    #[test]
    fn the_line_written_directly_is_the_event_s_line() {
        let cases = [
            (false, false, 200, 0.174),
            (false, true, 503, 12.0),
            (true, false, 404, 1.0 / 3.0),
            (true, true, 200, 1e13),
        ];
        for format in [LogFormat::Text, LogFormat::Json] {
            let log = |way| {
                for (outer, quiet, status, latency_ms) in cases {
                    request(way, outer, quiet, status, latency_ms);
                }
            };
            let event = lines(format, "debug", Way::Event, log);
            let directly = lines(format, "debug", Way::Directly, log);
            assert_eq!(directly, event, "{format:?}");
            // Each case's handler line and access line.
            assert_eq!(event.lines().count(), 2 * cases.len(), "{event}");
            assert!(event.contains("answered"), "{event}");
        }
    }

    #[test]
    fn the_line_is_filtered_as_the_event_is() {
        for format in [LogFormat::Text, LogFormat::Json] {
            for filter in [
                "info",
                "warn",
                "debug,clustaar_webhook::access=off",
                "clustaar_webhook=debug,warn",
                "info,clustaar_webhook::access=debug",
            ] {
                let log = |way| {
                    request(way, false, false, 200, 0.5);
                    request(way, false, true, 200, 0.25);
                };
                let event = lines(format, filter, Way::Event, log);
                let directly = lines(format, filter, Way::Directly, log);
                assert_eq!(directly, event, "{format:?}, RUST_LOG={filter}");
                let answered = event.matches("answered").count();
                let expected = match filter {
                    "info" => 1,
                    "clustaar_webhook=debug,warn" | "info,clustaar_webhook::access=debug" => 2,
                    _ => 0,
                };
                assert_eq!(
                    answered, expected,
                    "{format:?}, RUST_LOG={filter}:\n{event}"
                );
            }
        }
    }

    #[test]
    fn another_subscriber_gets_the_event() {
        let span = tracing::info_span!("request");
        // No subscriber at all: the span is disabled, and so is the line.
        assert!(answered(&span, false, 200, 1.0));
        let subscriber = tracing_subscriber::registry().with(tracing_subscriber::fmt::layer());
        tracing::dispatcher::with_default(&tracing::Dispatch::new(subscriber), || {
            let span = tracing::info_span!("request");
            assert!(!answered(&span, false, 200, 1.0));
        });
    }
}
