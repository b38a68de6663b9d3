//! The log output of `main!()` bots and of the examples (the `logging` feature): human-readable
//! lines by default, one JSON object a line with `WEBHOOK_LOG_FORMAT=json`, filtered by
//! `RUST_LOG` (default `info`); with the `otel` feature, the spans exported over OTLP too.
//!
//! ```no_run
//! use clustaar_webhook::config::{LogFormat, Settings};
//!
//! let settings = Settings::from_env().unwrap();
//! let _logging = clustaar_webhook::logging::init(settings.log_format);
//! tracing::info!("ready");
//! ```
//!
//! **Off the request path.** A line (a request's `answered` line, a handler's event) is
//! formatted by the thread that logs it and appended to a buffer in memory; a thread of its own
//! (`webhook-log`) writes the buffer to standard output in batches: woken by the first line
//! after a pause, it lets the lines gather for [`FLUSH_DELAY`] (10 ms), then writes them in one
//! `write`. A request never waits for the standard output, for a write to a slow pipe, or for
//! the writer thread to wake up. The buffer holds [`QUEUE_BYTES`] (2 MiB) of lines: when the
//! output cannot keep up and it is full, new lines are **dropped** rather than slowing the
//! requests down. The lines dropped are counted by the metric `webhook_log_lines_dropped_total`
//! ([`dropped_lines`]) and said in the log by a warning (target `clustaar_webhook::logging`, at
//! most every [`DROP_REPORT_INTERVAL`]); a count not yet reported when the program ends is
//! written to standard error.
//!
//! **A request's access line** (`answered`, target `clustaar_webhook::access`) is written by the
//! output itself under the subscriber [`init`] installs: the same line as the event's, filtered
//! by `RUST_LOG` as the event is, without the event's way through the subscriber's layers
//! (`access`, ~4 % of a request's cost at default settings). With the OpenTelemetry export, on a
//! terminal (colours), or under a subscriber of the application's own, the event is logged.
//!
//! **Keep the [`Logging`] value until the program ends**: dropping it writes the lines still
//! waiting (the lines of the last requests) and waits up to about a second for them, then stops
//! the writer thread. `main!()` keeps it until the server has shut down; a program calling
//! [`init`] keeps it in `main` (`let _logging = ...`, not `let _ = ...`). A program that ends
//! with `std::process::exit` skips it, and loses what was queued: drop it first.

use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, OnceLock};
use std::thread::JoinHandle;
use std::time::Duration;

use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer};

use crate::config::LogFormat;

pub(crate) mod access;
mod json;
mod json_fields;
mod output;
mod text;

use json_fields::AppendingJsonFields;
#[cfg(test)]
use output::BufferedLines;
use output::Output;
pub use output::{FLUSH_DELAY, QUEUE_BYTES};

/// How often the lines dropped are said in the log, at most.
pub const DROP_REPORT_INTERVAL: Duration = Duration::from_secs(10);

/// The installed output, for the count of lines dropped.
static INSTALLED: OnceLock<Arc<output::Shared>> = OnceLock::new();

/// The log lines dropped so far because the output could not keep up (its buffer was full):
/// `None` when [`init`] has not installed the log output. The metric
/// `webhook_log_lines_dropped_total` is this count.
pub fn dropped_lines() -> Option<usize> {
    INSTALLED.get().map(|shared| shared.dropped())
}

/// The installed log output; dropping it writes the lines still waiting, then stops the writer
/// thread (and flushes the spans not yet exported, with the `otel` feature). Keep it until the
/// program ends.
#[must_use = "dropping it stops the log output (and the OpenTelemetry export)"]
pub struct Logging {
    output: Option<Reported>,
    #[cfg(feature = "otel")]
    provider: Option<opentelemetry_sdk::trace::SdkTracerProvider>,
}

impl std::fmt::Debug for Logging {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut debug = f.debug_struct("Logging");
        debug.field("installed", &self.output.is_some());
        #[cfg(feature = "otel")]
        debug.field("otlp", &self.provider.is_some());
        debug.finish()
    }
}

impl Drop for Logging {
    fn drop(&mut self) {
        #[cfg(feature = "otel")]
        if let Some(provider) = self.provider.take()
            && let Err(error) = provider.shutdown()
        {
            eprintln!("cannot flush the OpenTelemetry spans: {error}");
        }
        if let Some(output) = self.output.take() {
            let unreported = output.close();
            if unreported > 0 {
                eprintln!(
                    "{unreported} log line(s) dropped: the log output could not keep up \
                     (webhook_log_lines_dropped_total)"
                );
            }
        }
    }
}

/// The output, and the thread that says in the log the lines it dropped.
struct Reported {
    output: Output,
    /// The lines dropped already said in the log.
    reported: Arc<AtomicUsize>,
    /// Dropping the sender stops the reporting thread.
    reporter: Option<(mpsc::Sender<()>, JoinHandle<()>)>,
    /// The subscriber the drops are reported through: the one writing to this output.
    dispatch: Option<tracing::Dispatch>,
}

impl Reported {
    fn new(output: Output) -> Self {
        Self {
            output,
            reported: Arc::new(AtomicUsize::new(0)),
            reporter: None,
            dispatch: None,
        }
    }

    /// Starts the thread that says in the log, every `interval`, the lines dropped since it
    /// last did, through `dispatch` (the subscriber writing to this output).
    fn report_drops(&mut self, dispatch: tracing::Dispatch, interval: Duration) {
        let (stop, stopped) = mpsc::channel::<()>();
        let shared = Arc::clone(self.output.shared());
        let reported = Arc::clone(&self.reported);
        self.dispatch = Some(dispatch.clone());
        let thread = std::thread::Builder::new()
            .name("webhook-log-drops".to_owned())
            .spawn(move || {
                while let Err(RecvTimeoutError::Timeout) = stopped.recv_timeout(interval) {
                    tracing::dispatcher::with_default(&dispatch, || {
                        report(shared.dropped(), &reported);
                    });
                }
            });
        match thread {
            Ok(thread) => self.reporter = Some((stop, thread)),
            Err(error) => {
                tracing::warn!(%error, "cannot start the thread that reports dropped log lines");
            }
        }
    }

    /// Stops the reporting thread, says the last drops in the log (when it was started),
    /// writes the lines waiting and stops the writer thread; returns the lines dropped that no
    /// line of the log reports.
    fn close(mut self) -> usize {
        if let Some((stop, thread)) = self.reporter.take() {
            drop(stop);
            let _ = thread.join();
        }
        let shared = Arc::clone(self.output.shared());
        if let Some(dispatch) = &self.dispatch {
            tracing::dispatcher::with_default(dispatch, || {
                report(shared.dropped(), &self.reported);
            });
        }
        self.output.close();
        shared
            .dropped()
            .saturating_sub(self.reported.load(Ordering::Relaxed))
    }
}

/// Warns of the lines dropped since the last warning (`total` dropped so far).
fn report(total: usize, reported: &AtomicUsize) {
    let before = reported.swap(total, Ordering::Relaxed);
    if total > before {
        tracing::warn!(
            target: "clustaar_webhook::logging",
            dropped = total - before,
            total,
            "log lines dropped: the log output could not keep up (it holds {} KiB of lines)",
            QUEUE_BYTES / 1024
        );
    }
}

/// Standard output, locked for each batch of lines.
struct Stdout;

impl Write for Stdout {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        std::io::stdout().lock().write(buf)
    }

    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        std::io::stdout().lock().write_all(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        std::io::stdout().lock().flush()
    }
}

/// The format layer for `format`, writing to `writer` (`ansi`: with colours), boxed so that both
/// formats have one type.
fn format_layer<S, W>(format: LogFormat, writer: W, ansi: bool) -> Box<dyn Layer<S> + Send + Sync>
where
    S: tracing::Subscriber + for<'span> tracing_subscriber::registry::LookupSpan<'span>,
    W: for<'writer> MakeWriter<'writer> + Send + Sync + 'static,
{
    match format {
        LogFormat::Text if ansi => tracing_subscriber::fmt::layer()
            .with_writer(writer)
            .with_ansi(true)
            .boxed(),
        // The same lines without colours, written faster (see `text`).
        LogFormat::Text => tracing_subscriber::fmt::layer()
            .with_writer(writer)
            .with_ansi(false)
            .fmt_fields(text::PlainFields)
            .event_format(text::PlainText)
            .boxed(),
        // The event's fields at the top level; the request's span (its id, route, status...)
        // under "span".
        // (`json::JsonLine` writes what tracing-subscriber's JSON format writes with
        // `flatten_event(true)`, `with_current_span(true)` and `with_span_list(false)`.)
        LogFormat::Json => tracing_subscriber::fmt::layer()
            .with_writer(writer)
            .with_ansi(false)
            .fmt_fields(AppendingJsonFields)
            .event_format(json::JsonLine)
            .boxed(),
    }
}

/// Installs the log output as the global subscriber: `format` on standard output, written off
/// the request path (see the [module](self)), filtered by `RUST_LOG` (default `info`), and with
/// the `otel` feature the OTLP export the `OTEL_*` variables configure. Does nothing when a
/// global subscriber is already installed.
///
/// Without the OTLP export nothing reads a request span's `status` and `latency_ms` after its
/// `answered` event, which carries them: they are then not recorded in the span too, and each
/// access line holds them once.
pub fn init(format: LogFormat) -> Logging {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let (writer, output) = Output::new(Stdout, QUEUE_BYTES);
    let mut output = Reported::new(output);
    // Colours only on a terminal: a log file or a collector gets plain text (and the escape
    // codes would cost every span and event).
    let ansi = std::io::stdout().is_terminal();
    #[cfg(feature = "otel")]
    let (provider, problem) = match crate::ops::otel::provider_from_env() {
        Ok(provider) => (provider, None),
        Err(error) => (None, Some(error)),
    };
    #[cfg(feature = "otel")]
    let exported = provider.is_some();
    #[cfg(not(feature = "otel"))]
    let exported = false;
    // The access lines written by the output itself when no other layer reads their events
    // (OpenTelemetry's records them in the spans; the coloured format is not ours).
    let answered_directly =
        (!exported && !ansi).then(|| access::AnsweredDirectly::new(format, writer.clone()));
    let registry = tracing_subscriber::registry()
        .with(filter)
        .with(format_layer(format, writer, ansi));
    #[cfg(feature = "otel")]
    let registry = registry.with(provider.as_ref().map(crate::ops::otel::layer));
    let installed = registry.with(answered_directly).try_init().is_ok();
    if installed && !exported {
        crate::ops::layer::answer_not_read_from_span();
    }
    #[cfg(feature = "otel")]
    if let Some(error) = problem {
        tracing::warn!(%error, "the spans are not exported");
    }
    let output = installed.then(|| {
        let _ = INSTALLED.set(Arc::clone(output.output.shared()));
        output.report_drops(
            tracing::dispatcher::get_default(Clone::clone),
            DROP_REPORT_INTERVAL,
        );
        output
    });
    Logging {
        output,
        #[cfg(feature = "otel")]
        provider: provider.filter(|_| installed),
    }
}

/// Lines written to memory, for the formats' tests (`text`, `json`).
#[cfg(test)]
#[derive(Clone, Default)]
struct Memory(Arc<std::sync::Mutex<Vec<u8>>>);

#[cfg(test)]
impl Write for Memory {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// What `log` writes through the subscriber `subscriber` makes with the writer it is given, each
/// line through `cut` (which cuts its timestamp off), for the formats' tests.
#[cfg(test)]
fn written(
    subscriber: impl FnOnce(Memory) -> tracing::Dispatch,
    log: impl Fn(),
    cut: impl Fn(&str) -> &str,
) -> String {
    let memory = Memory::default();
    tracing::dispatcher::with_default(&subscriber(memory.clone()), log);
    let text = String::from_utf8(memory.0.lock().unwrap().clone()).unwrap();
    text.lines()
        .map(|line| format!("{}\n", cut(line)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::output::tests::Gated;
    use super::*;

    fn subscriber(format: LogFormat, writer: BufferedLines) -> tracing::Dispatch {
        tracing::Dispatch::new(
            tracing_subscriber::registry().with(format_layer(format, writer, false)),
        )
    }

    #[test]
    fn the_waiting_lines_are_written_when_the_output_closes() {
        for format in [LogFormat::Text, LogFormat::Json] {
            let gated = Gated::closed();
            let (writer, output) = Output::new(gated.clone(), QUEUE_BYTES);
            let output = Reported::new(output);
            tracing::dispatcher::with_default(&subscriber(format, writer), || {
                for request in 0..500 {
                    tracing::info!(target: "clustaar_webhook::access", request, "answered");
                }
            });
            // Nothing written yet: the writer thread waits on the output.
            assert_eq!(gated.text(), "");
            gated.open();
            assert_eq!(output.close(), 0);
            let text = gated.text();
            assert_eq!(text.lines().count(), 500, "{format:?}:\n{text}");
            for request in [0, 1, 250, 498, 499] {
                let field = match format {
                    LogFormat::Text => format!("request={request}\n"),
                    LogFormat::Json => format!("\"request\":{request},"),
                };
                assert!(text.contains(&field), "{field} in {format:?}:\n{text}");
            }
        }
    }

    #[test]
    fn a_full_output_drops_lines_counts_them_and_says_so() {
        let gated = Gated::closed();
        // Room for a few lines only.
        let (writer, output) = Output::new(gated.clone(), 1024);
        let mut output = Reported::new(output);
        let dispatch = subscriber(LogFormat::Json, writer);
        tracing::dispatcher::with_default(&dispatch, || {
            for request in 0..100 {
                tracing::info!(request, "answered");
            }
        });
        let dropped = output.output.shared().dropped();
        assert!((80..100).contains(&dropped), "{dropped} dropped");
        gated.open();
        // The lines kept written first: a warning logged while the buffer is still full would
        // be dropped too, and the next one would report that drop alone.
        gated.wait_for_lines(100 - dropped);
        output.report_drops(dispatch, Duration::from_millis(20));
        let text = gated.wait_for("log lines dropped");
        let warning: serde_json::Value = text
            .lines()
            .map(|line| serde_json::from_str(line).unwrap())
            .find(|line: &serde_json::Value| line["target"] == "clustaar_webhook::logging")
            .unwrap_or_else(|| panic!("no warning in\n{text}"));
        assert_eq!(warning["level"], "WARN");
        assert_eq!(warning["dropped"], dropped);
        assert_eq!(warning["total"], dropped);
        // Every drop is reported: none left for standard error.
        assert_eq!(output.close(), 0);
        // The lines kept are whole lines.
        let kept = gated.text();
        assert_eq!(kept.lines().count(), 100 - dropped + 1, "{kept}");
    }

    #[test]
    fn json_span_fields_recorded_later_are_in_the_line_once_with_their_last_value() {
        let gated = Gated::default();
        let (writer, output) = Output::new(gated.clone(), QUEUE_BYTES);
        let output = Reported::new(output);
        tracing::dispatcher::with_default(&subscriber(LogFormat::Json, writer), || {
            let span = tracing::info_span!(
                "request",
                method = "POST",
                id = "a\"b",
                status = tracing::field::Empty,
                latency_ms = tracing::field::Empty,
                again = 1,
            );
            span.record("status", 200);
            span.record("latency_ms", 1.5);
            span.record("again", 2);
            tracing::info!(parent: &span, status = 200, "answered");
        });
        assert_eq!(output.close(), 0);
        let line: serde_json::Value = serde_json::from_str(gated.text().trim()).unwrap();
        assert_eq!(
            line["span"],
            serde_json::json!({
                "method": "POST", "id": "a\"b", "status": 200, "latency_ms": 1.5, "again": 2,
                "name": "request",
            })
        );
        assert_eq!(line["status"], 200);
    }

    #[test]
    fn drops_not_yet_reported_are_counted_at_close() {
        let gated = Gated::closed();
        let (writer, output) = Output::new(gated.clone(), 64);
        let output = Reported::new(output);
        tracing::dispatcher::with_default(&subscriber(LogFormat::Text, writer), || {
            for request in 0..20 {
                tracing::info!(request, "answered");
            }
        });
        let dropped = output.output.shared().dropped();
        assert!(dropped >= 17, "{dropped} dropped");
        gated.open();
        // No reporting thread, so no warning: the count is returned, for standard error.
        assert_eq!(output.close(), dropped);
    }
}
