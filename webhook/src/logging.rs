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
//! formatted by the thread that logs it, then queued; a thread of its own (`webhook-log`)
//! writes the queued lines to standard output, in batches. A request never waits for the
//! standard output's lock or for a write to a slow pipe. The queue holds [`QUEUE_LINES`] lines:
//! when the output cannot keep up and the queue is full, new lines are **dropped** rather than
//! slowing the requests down. The lines dropped are counted by the metric
//! `webhook_log_lines_dropped_total` ([`dropped_lines`]) and said in the log by a warning
//! (target `clustaar_webhook::logging`, at most every [`DROP_REPORT_INTERVAL`]); a count not yet
//! reported when the program ends is written to standard error.
//!
//! **Keep the [`Logging`] value until the program ends**: dropping it writes the lines still
//! queued (the lines of the last requests) and waits up to about a second for them, then stops
//! the writer thread. `main!()` keeps it until the server has shut down; a program calling
//! [`init`] keeps it in `main` (`let _logging = ...`, not `let _ = ...`). A program that ends
//! with `std::process::exit` skips it, and loses what was queued: drop it first.

use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, OnceLock};
use std::thread::JoinHandle;
use std::time::Duration;

use tracing_appender::non_blocking::{ErrorCounter, NonBlocking, NonBlockingBuilder, WorkerGuard};
use tracing_subscriber::field::{RecordFields, VisitOutput};
use tracing_subscriber::fmt::format::{JsonVisitor, Writer};
use tracing_subscriber::fmt::{FormatFields, FormattedFields, MakeWriter};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer};

use crate::config::LogFormat;

/// How many formatted lines the queue between the logging threads and the writer thread holds;
/// past it, lines are dropped (and counted). 8,192 lines are about 0.1 s of a busy server's
/// access lines; the queue's slots take 256 KiB, the lines in it what they hold.
pub const QUEUE_LINES: usize = 8192;

/// How often the lines dropped are said in the log, at most.
pub const DROP_REPORT_INTERVAL: Duration = Duration::from_secs(10);

/// The installed output's count of lines dropped, for the metrics.
static DROPPED: OnceLock<ErrorCounter> = OnceLock::new();

/// The log lines dropped so far because the output could not keep up (the queue was full):
/// `None` when [`init`] has not installed the log output. The metric
/// `webhook_log_lines_dropped_total` is this count.
pub fn dropped_lines() -> Option<usize> {
    DROPPED.get().map(ErrorCounter::dropped_lines)
}

/// The installed log output; dropping it writes the lines still queued, then stops the writer
/// thread (and flushes the spans not yet exported, with the `otel` feature). Keep it until the
/// program ends.
#[must_use = "dropping it stops the log output (and the OpenTelemetry export)"]
pub struct Logging {
    output: Option<Output>,
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
        if let Some(provider) = self.provider.take() {
            if let Err(error) = provider.shutdown() {
                eprintln!("cannot flush the OpenTelemetry spans: {error}");
            }
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

/// The non-blocking writer's worker, and the thread that reports the lines it dropped.
struct Output {
    /// Dropping it writes the queued lines and stops the writer thread.
    worker: WorkerGuard,
    dropped: ErrorCounter,
    /// The lines dropped already said in the log.
    reported: Arc<AtomicUsize>,
    /// Dropping the sender stops the reporting thread.
    reporter: Option<(mpsc::Sender<()>, JoinHandle<()>)>,
    /// The subscriber the drops are reported through: the one writing to this output.
    dispatch: Option<tracing::Dispatch>,
}

impl Output {
    /// A non-blocking writer to `writer` (a queue of `queue_lines` lines, lossy, drained by a
    /// thread of its own), and what keeps it.
    fn new<W: Write + Send + 'static>(writer: W, queue_lines: usize) -> (NonBlocking, Self) {
        let (non_blocking, worker) = NonBlockingBuilder::default()
            .lossy(true)
            .buffered_lines_limit(queue_lines)
            .thread_name("webhook-log")
            .finish(writer);
        let output = Self {
            worker,
            dropped: non_blocking.error_counter(),
            reported: Arc::new(AtomicUsize::new(0)),
            reporter: None,
            dispatch: None,
        };
        (non_blocking, output)
    }

    /// Starts the thread that says in the log, every `interval`, the lines dropped since it
    /// last did, through `dispatch` (the subscriber writing to this output).
    fn report_drops(&mut self, dispatch: tracing::Dispatch, interval: Duration) {
        let (stop, stopped) = mpsc::channel::<()>();
        let dropped = self.dropped.clone();
        let reported = Arc::clone(&self.reported);
        self.dispatch = Some(dispatch.clone());
        let thread = std::thread::Builder::new()
            .name("webhook-log-drops".to_owned())
            .spawn(move || {
                while let Err(RecvTimeoutError::Timeout) = stopped.recv_timeout(interval) {
                    tracing::dispatcher::with_default(&dispatch, || {
                        report(&dropped, &reported);
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
    /// writes the queued lines and stops the writer thread; returns the lines dropped that no
    /// line of the log reports.
    fn close(mut self) -> usize {
        if let Some((stop, thread)) = self.reporter.take() {
            drop(stop);
            let _ = thread.join();
        }
        if let Some(dispatch) = &self.dispatch {
            tracing::dispatcher::with_default(dispatch, || report(&self.dropped, &self.reported));
        }
        let Self {
            worker,
            dropped,
            reported,
            ..
        } = self;
        drop(worker);
        dropped
            .dropped_lines()
            .saturating_sub(reported.load(Ordering::Relaxed))
    }
}

/// Warns of the lines dropped since the last warning.
fn report(dropped: &ErrorCounter, reported: &AtomicUsize) {
    let total = dropped.dropped_lines();
    let before = reported.swap(total, Ordering::Relaxed);
    if total > before {
        tracing::warn!(
            target: "clustaar_webhook::logging",
            dropped = total - before,
            total,
            "log lines dropped: the log output could not keep up (its queue holds {QUEUE_LINES} lines)"
        );
    }
}

/// Standard output, written in batches by the writer thread (one `write` a batch of lines).
fn stdout() -> impl Write + Send + 'static {
    std::io::BufWriter::with_capacity(64 * 1024, std::io::stdout())
}

/// The format layer for `format`, writing to `writer` (`ansi`: with colours), boxed so that both
/// formats have one type.
fn format_layer<S, W>(format: LogFormat, writer: W, ansi: bool) -> Box<dyn Layer<S> + Send + Sync>
where
    S: tracing::Subscriber + for<'span> tracing_subscriber::registry::LookupSpan<'span>,
    W: for<'writer> MakeWriter<'writer> + Send + Sync + 'static,
{
    match format {
        LogFormat::Text => tracing_subscriber::fmt::layer()
            .with_writer(writer)
            .with_ansi(ansi)
            .boxed(),
        // The event's fields at the top level; the request's span (its id, route, status...)
        // under "span".
        LogFormat::Json => tracing_subscriber::fmt::layer()
            .with_writer(writer)
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .with_span_list(false)
            .fmt_fields(AppendingJsonFields)
            .boxed(),
    }
}

/// The JSON format's span fields: a JSON object, as `tracing-subscriber`'s `JsonFields` writes
/// it, except that fields recorded later (a request's `status` and `latency_ms`) are appended
/// to the object's text, where `JsonFields` parses the object and writes it again (about a
/// microsecond a request: `benches/load/log_cost`). A field recorded twice is in the text
/// twice; the line written has it once, with its last value (the JSON format reads the object
/// into a map before writing the span).
#[derive(Debug, Default)]
struct AppendingJsonFields;

impl<'writer> FormatFields<'writer> for AppendingJsonFields {
    fn format_fields<R: RecordFields>(
        &self,
        mut writer: Writer<'writer>,
        fields: R,
    ) -> std::fmt::Result {
        let mut visitor = JsonVisitor::new(&mut writer);
        fields.record(&mut visitor);
        visitor.finish()
    }

    fn add_fields(
        &self,
        current: &'writer mut FormattedFields<Self>,
        fields: &tracing::span::Record<'_>,
    ) -> std::fmt::Result {
        if current.fields.is_empty() {
            let mut writer = current.as_writer();
            let mut visitor = JsonVisitor::new(&mut writer);
            fields.record(&mut visitor);
            return visitor.finish();
        }
        let mut added = String::new();
        let mut visitor = JsonVisitor::new(&mut added);
        fields.record(&mut visitor);
        visitor.finish()?;
        append_to_object(&mut current.fields, &added);
        Ok(())
    }
}

/// Appends the members of the JSON object `added` to the JSON object `object` (both as
/// `JsonVisitor` writes them: `{...}`).
fn append_to_object(object: &mut String, added: &str) {
    let Some(members) = added
        .strip_prefix('{')
        .and_then(|added| added.strip_suffix('}'))
        .filter(|members| !members.is_empty())
    else {
        return;
    };
    if object.pop() != Some('}') {
        // Not an object (no field formatter writes that): start again from the new fields.
        object.clear();
        object.push_str(added);
        return;
    }
    if !object.ends_with('{') {
        object.push(',');
    }
    object.push_str(members);
    object.push('}');
}

/// Installs the log output as the global subscriber: `format` on standard output, written off
/// the request path (see the [module](self)), filtered by `RUST_LOG` (default `info`), and with
/// the `otel` feature the OTLP export the `OTEL_*` variables configure. Does nothing when a
/// global subscriber is already installed.
pub fn init(format: LogFormat) -> Logging {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let (writer, mut output) = Output::new(stdout(), QUEUE_LINES);
    // Colours only on a terminal: a log file or a collector gets plain text (and the escape
    // codes would cost every span and event).
    let ansi = std::io::stdout().is_terminal();
    let registry = tracing_subscriber::registry()
        .with(filter)
        .with(format_layer(format, writer, ansi));
    #[cfg(feature = "otel")]
    let (registry, provider, problem) = {
        let (provider, problem) = match crate::ops::otel::provider_from_env() {
            Ok(provider) => (provider, None),
            Err(error) => (None, Some(error)),
        };
        let otel = provider.as_ref().map(crate::ops::otel::layer);
        (registry.with(otel), provider, problem)
    };
    let installed = registry.try_init().is_ok();
    #[cfg(feature = "otel")]
    if let Some(error) = problem {
        tracing::warn!(%error, "the spans are not exported");
    }
    let output = installed.then(|| {
        let _ = DROPPED.set(output.dropped.clone());
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

#[cfg(test)]
mod tests {
    use std::sync::{Condvar, Mutex};
    use std::time::Instant;

    use super::*;

    /// A writer into shared memory that waits while its gate is closed (a slow output).
    #[derive(Clone, Default)]
    struct Gated {
        written: Arc<Mutex<Vec<u8>>>,
        gate: Arc<(Mutex<bool>, Condvar)>,
    }

    impl Gated {
        fn closed() -> Self {
            let gated = Self::default();
            *gated.gate.0.lock().unwrap() = true;
            gated
        }

        fn open(&self) {
            *self.gate.0.lock().unwrap() = false;
            self.gate.1.notify_all();
        }

        fn text(&self) -> String {
            String::from_utf8(self.written.lock().unwrap().clone()).unwrap()
        }

        /// Waits (5 s at most) until the text written contains `needle`.
        fn wait_for(&self, needle: &str) -> String {
            let deadline = Instant::now() + Duration::from_secs(5);
            loop {
                let text = self.text();
                if text.contains(needle) || Instant::now() > deadline {
                    return text;
                }
                std::thread::sleep(Duration::from_millis(5));
            }
        }
    }

    impl Write for Gated {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            let (closed, opened) = &*self.gate;
            let _open = opened
                .wait_while(closed.lock().unwrap(), |closed| *closed)
                .unwrap();
            self.written.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    fn subscriber(format: LogFormat, writer: NonBlocking) -> tracing::Dispatch {
        tracing::Dispatch::new(
            tracing_subscriber::registry().with(format_layer(format, writer, false)),
        )
    }

    #[test]
    fn the_queued_lines_are_written_when_the_output_closes() {
        for format in [LogFormat::Text, LogFormat::Json] {
            let gated = Gated::closed();
            let (writer, output) = Output::new(gated.clone(), 1000);
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
    fn a_full_queue_drops_lines_counts_them_and_says_so() {
        let gated = Gated::closed();
        let (writer, mut output) = Output::new(gated.clone(), 4);
        let dispatch = subscriber(LogFormat::Json, writer);
        tracing::dispatcher::with_default(&dispatch, || {
            for request in 0..100 {
                tracing::info!(request, "answered");
            }
        });
        // The writer thread holds one line, the queue four: the others are dropped.
        let dropped = output.dropped.dropped_lines();
        assert!((95..=96).contains(&dropped), "{dropped} dropped");
        gated.open();
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
    }

    #[test]
    fn json_span_fields_recorded_later_are_in_the_line_once_with_their_last_value() {
        let gated = Gated::default();
        let (writer, output) = Output::new(gated.clone(), 16);
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
        let mut object = String::from("{}");
        append_to_object(&mut object, r#"{"a":1}"#);
        append_to_object(&mut object, "{}");
        append_to_object(&mut object, r#"{"b":"}"}"#);
        assert_eq!(object, r#"{"a":1,"b":"}"}"#);
    }

    #[test]
    fn drops_not_yet_reported_are_counted_at_close() {
        let gated = Gated::closed();
        let (writer, output) = Output::new(gated.clone(), 2);
        tracing::dispatcher::with_default(&subscriber(LogFormat::Text, writer), || {
            for request in 0..20 {
                tracing::info!(request, "answered");
            }
        });
        let dropped = output.dropped.dropped_lines();
        assert!(dropped >= 17, "{dropped} dropped");
        gated.open();
        // No reporting thread, so no warning: the count is returned, for standard error.
        assert_eq!(output.close(), dropped);
    }
}
