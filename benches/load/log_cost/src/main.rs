//! What one request's log costs: `log_cost <direct|queued|null> <text|json>` runs two threads
//! that each log 400,000 requests as the webhook does (a `request` span with five fields, two
//! of them recorded when the answer is ready, and an `answered` event in it), then prints the
//! process's CPU time a line (the writer thread's included) and the wall time a line.
//!
//! - `direct`: standard output, as `tracing-subscriber` writes by default (its lock, a `write`
//!   a line): the log output before issue 23;
//! - `queued`: tracing-appender's lossy non-blocking writer (8,192 lines) over a 64 KiB
//!   `BufWriter` of standard output: `clustaar_webhook::logging` now;
//! - `null`: the formatting alone (`std::io::sink`).
//!
//! `NO_RECORD=1` leaves the span's `status` and `latency_ms` empty (what recording them costs);
//! `APPEND=1` formats the JSON span's fields with a copy of `clustaar_webhook::logging`'s
//! `AppendingJsonFields` (the fields recorded later appended to the object's text) instead of
//! `tracing-subscriber`'s `JsonFields` (which parses the object and writes it again).
//! Redirect standard output to a file: the figures go to standard error.

use std::time::Instant;

use tracing::Dispatch;
use tracing_subscriber::field::{RecordFields, VisitOutput};
use tracing_subscriber::fmt::format::{JsonVisitor, Writer};
use tracing_subscriber::fmt::{FormatFields, FormattedFields, MakeWriter};
use tracing_subscriber::layer::SubscriberExt;

const REQUESTS: u64 = 400_000;
const THREADS: u64 = 2;

/// The process's CPU time (user + system), in seconds.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").expect("/proc/self/stat");
    let fields: Vec<&str> = stat
        .rsplit(')')
        .next()
        .unwrap_or_default()
        .split_whitespace()
        .collect();
    let ticks = |at: usize| fields[at].parse::<f64>().expect("a tick count");
    (ticks(11) + ticks(12)) / 100.0
}

/// The subscriber `clustaar_webhook::logging` installs, writing to `writer`.
fn subscriber<W>(json: bool, writer: W) -> Dispatch
where
    W: for<'writer> MakeWriter<'writer> + Send + Sync + 'static,
{
    let layer = tracing_subscriber::fmt::layer().with_writer(writer);
    if json && std::env::var_os("APPEND").is_some() {
        Dispatch::new(
            tracing_subscriber::registry().with(
                layer
                    .json()
                    .flatten_event(true)
                    .with_current_span(true)
                    .with_span_list(false)
                    .fmt_fields(AppendingJsonFields),
            ),
        )
    } else if json {
        Dispatch::new(
            tracing_subscriber::registry().with(
                layer
                    .json()
                    .flatten_event(true)
                    .with_current_span(true)
                    .with_span_list(false),
            ),
        )
    } else {
        Dispatch::new(tracing_subscriber::registry().with(layer.with_ansi(false)))
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let (mode, format) = (
        args.next().unwrap_or_default(),
        args.next().unwrap_or_default(),
    );
    let json = match format.as_str() {
        "text" => false,
        "json" => true,
        _ => usage(),
    };
    let record = std::env::var_os("NO_RECORD").is_none();
    let append = json && std::env::var_os("APPEND").is_some();
    let (queued, guard) = tracing_appender::non_blocking::NonBlockingBuilder::default()
        .lossy(true)
        .buffered_lines_limit(8192)
        .finish(std::io::BufWriter::with_capacity(
            64 * 1024,
            std::io::stdout(),
        ));
    let dropped = queued.error_counter();
    let dispatch = match mode.as_str() {
        "direct" => subscriber(json, std::io::stdout),
        "queued" => subscriber(json, queued),
        "null" => subscriber(json, std::io::sink),
        _ => usage(),
    };
    let cpu = cpu_seconds();
    let started = Instant::now();
    std::thread::scope(|scope| {
        for thread in 0..THREADS {
            let dispatch = dispatch.clone();
            scope.spawn(move || {
                tracing::dispatcher::with_default(&dispatch, || {
                    for request in 0..REQUESTS {
                        log_request(record, (thread * REQUESTS + request) as f64 * 1e-9);
                    }
                })
            });
        }
    });
    let wall = started.elapsed().as_secs_f64();
    drop(guard);
    let cpu = cpu_seconds() - cpu;
    eprintln!(
        "{mode:6} {format:4} record={record:5} append={append:5}: {:5.2} us CPU a line (every thread), {:5.2} us wall a line a thread, {} dropped",
        cpu * 1e6 / (REQUESTS * THREADS) as f64,
        wall * 1e6 / REQUESTS as f64,
        dropped.dropped_lines()
    );
}

/// One request's log, as `clustaar_webhook::ops::layer` writes it.
fn log_request(record: bool, latency_ms: f64) {
    let span = tracing::info_span!(
        target: "clustaar_webhook::request",
        "request",
        method = "POST",
        route = "/",
        request_id = "3f1c0d4e-8a1b-4c2d-9e3f-0a1b2c3d4e5f",
        status = tracing::field::Empty,
        latency_ms = tracing::field::Empty,
    );
    let _entered = span.enter();
    if record {
        let fields = span.metadata().map(|metadata| metadata.fields());
        if let Some(fields) = fields {
            if let (Some(status), Some(latency)) =
                (fields.field("status"), fields.field("latency_ms"))
            {
                span.record_all(&fields.value_set(&[
                    (&status, Some(&200u16 as &dyn tracing::Value)),
                    (&latency, Some(&latency_ms as &dyn tracing::Value)),
                ]));
            }
        }
    }
    tracing::info!(target: "clustaar_webhook::access", status = 200u16, latency_ms, "answered");
}

fn usage() -> ! {
    eprintln!("usage: log_cost <direct|queued|null> <text|json> >/dev/null or a file");
    std::process::exit(2)
}

/// A copy of `clustaar_webhook::logging`'s JSON span fields: fields recorded later are appended to the
/// object's text.
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
        let members = added
            .strip_prefix('{')
            .and_then(|added| added.strip_suffix('}'))
            .filter(|members| !members.is_empty());
        if let Some(members) = members {
            if current.fields.pop() == Some('}') {
                if !current.fields.ends_with('{') {
                    current.fields.push(',');
                }
                current.fields.push_str(members);
                current.fields.push('}');
            } else {
                current.fields.clear();
                current.fields.push_str(&added);
            }
        }
        Ok(())
    }
}
