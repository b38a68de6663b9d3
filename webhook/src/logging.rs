//! The log output of `main!()` bots and of the examples (the `logging` feature): human-readable
//! lines by default, one JSON object a line with `WEBHOOK_LOG_FORMAT=json`, filtered by
//! `RUST_LOG` (default `info`); with the `otel` feature, the spans exported over OTLP too.
//!
//! ```no_run
//! use webhook::config::{LogFormat, Settings};
//!
//! let settings = Settings::from_env().unwrap();
//! let _logging = webhook::logging::init(settings.log_format);
//! tracing::info!("ready");
//! ```

use std::io::IsTerminal;

use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer};

use crate::config::LogFormat;

/// The installed log output; dropping it flushes the spans not yet exported (the `otel`
/// feature). Keep it until the program ends.
#[must_use = "dropping it flushes and stops the OpenTelemetry export"]
pub struct Logging {
    #[cfg(feature = "otel")]
    provider: Option<opentelemetry_sdk::trace::SdkTracerProvider>,
}

impl std::fmt::Debug for Logging {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut debug = f.debug_struct("Logging");
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
    }
}

/// The format layer for `format`, boxed so that both formats have one type.
fn format_layer<S>(format: LogFormat) -> Box<dyn Layer<S> + Send + Sync>
where
    S: tracing::Subscriber + for<'span> tracing_subscriber::registry::LookupSpan<'span>,
{
    match format {
        // Colours only on a terminal: a log file or a collector gets plain text (and the
        // escape codes would cost every span and event).
        LogFormat::Text => tracing_subscriber::fmt::layer()
            .with_ansi(std::io::stdout().is_terminal())
            .boxed(),
        // The event's fields at the top level; the request's span (its id, route, status...)
        // under "span".
        LogFormat::Json => tracing_subscriber::fmt::layer()
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .with_span_list(false)
            .boxed(),
    }
}

/// Installs the log output as the global subscriber: `format`, filtered by `RUST_LOG` (default
/// `info`), and with the `otel` feature the OTLP export the `OTEL_*` variables configure. Does
/// nothing when a global subscriber is already installed.
pub fn init(format: LogFormat) -> Logging {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let registry = tracing_subscriber::registry()
        .with(filter)
        .with(format_layer(format));
    #[cfg(feature = "otel")]
    {
        let (provider, problem) = match crate::ops::otel::provider_from_env() {
            Ok(provider) => (provider, None),
            Err(error) => (None, Some(error)),
        };
        let otel = provider.as_ref().map(crate::ops::otel::layer);
        let installed = registry.with(otel).try_init().is_ok();
        if let Some(error) = problem {
            tracing::warn!(%error, "the spans are not exported");
        }
        Logging {
            provider: provider.filter(|_| installed),
        }
    }
    #[cfg(not(feature = "otel"))]
    {
        let _ = registry.try_init();
        Logging {}
    }
}
