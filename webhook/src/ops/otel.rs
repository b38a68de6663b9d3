//! OpenTelemetry (the `otel` feature): the request spans exported over OTLP, the incoming W3C
//! `traceparent` continued.
//!
//! The exporter is OTLP over HTTP (protobuf), configured by the standard variables:
//! `OTEL_EXPORTER_OTLP_ENDPOINT` or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` (where to send; setting
//! one turns the export on), `OTEL_EXPORTER_OTLP_HEADERS`, `OTEL_EXPORTER_OTLP_TIMEOUT`,
//! `OTEL_SERVICE_NAME`, `OTEL_RESOURCE_ATTRIBUTES`; `OTEL_SDK_DISABLED=true` or
//! `OTEL_TRACES_EXPORTER=none` turn it off, `OTEL_TRACES_EXPORTER=otlp` on (to the default
//! `http://localhost:4318`). Spans are batched and sent from the SDK's own thread.

use http::HeaderMap;
use opentelemetry::propagation::{Extractor, TextMapPropagator};
use opentelemetry::trace::TracerProvider as _;
use opentelemetry_sdk::propagation::TraceContextPropagator;
use opentelemetry_sdk::trace::SdkTracerProvider;
use opentelemetry_sdk::Resource;
use tracing::Span;
use tracing_opentelemetry::OpenTelemetrySpanExt;

/// The OTLP exporter cannot be built from the `OTEL_*` variables.
#[derive(Debug, thiserror::Error)]
#[error("cannot set up the OTLP trace exporter: {0}")]
pub struct OtelError(String);

/// A request's headers, as OpenTelemetry's propagators read them.
struct Headers<'a>(&'a HeaderMap);

impl Extractor for Headers<'_> {
    fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).and_then(|value| value.to_str().ok())
    }

    fn keys(&self) -> Vec<&str> {
        self.0.keys().map(http::HeaderName::as_str).collect()
    }
}

/// Makes `span` a child of the request's `traceparent` (W3C trace context), when it has one.
pub(crate) fn continue_trace(span: &Span, headers: &HeaderMap) {
    if span.is_disabled() || !headers.contains_key("traceparent") {
        return;
    }
    let context = TraceContextPropagator::new().extract(&Headers(headers));
    // Without the OpenTelemetry layer in the subscriber there is no trace to continue.
    let _ = span.set_parent(context);
}

/// Whether the `OTEL_*` variables ask for spans to be exported.
fn export_requested(var: impl Fn(&str) -> Option<String>) -> bool {
    let set = |name: &str| var(name).is_some_and(|value| !value.trim().is_empty());
    if var("OTEL_SDK_DISABLED").is_some_and(|value| value.trim().eq_ignore_ascii_case("true")) {
        return false;
    }
    match var("OTEL_TRACES_EXPORTER").map(|value| value.trim().to_ascii_lowercase()) {
        Some(exporter) if exporter == "none" => false,
        Some(exporter) if exporter == "otlp" => true,
        _ => set("OTEL_EXPORTER_OTLP_ENDPOINT") || set("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"),
    }
}

/// The tracer provider exporting over OTLP, when the environment asks for it.
pub(crate) fn provider_from_env() -> Result<Option<SdkTracerProvider>, OtelError> {
    if !export_requested(|name| std::env::var(name).ok()) {
        return Ok(None);
    }
    let exporter = opentelemetry_otlp::SpanExporter::builder()
        .with_http()
        .build()
        .map_err(|error| OtelError(error.to_string()))?;
    // The resource reads OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES.
    let provider = SdkTracerProvider::builder()
        .with_batch_exporter(exporter)
        .with_resource(Resource::builder().build())
        .build();
    Ok(Some(provider))
}

/// The `tracing` layer that turns spans into OpenTelemetry spans of `provider`.
pub fn layer<S>(
    provider: &SdkTracerProvider,
) -> tracing_opentelemetry::OpenTelemetryLayer<S, opentelemetry_sdk::trace::Tracer>
where
    S: tracing::Subscriber + for<'span> tracing_subscriber::registry::LookupSpan<'span>,
{
    tracing_opentelemetry::layer().with_tracer(provider.tracer("webhook"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_variables_turn_the_export_on_and_off() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(key, _)| *key == name)
                    .map(|(_, value)| (*value).to_owned())
            }
        };
        assert!(!export_requested(env(&[])));
        assert!(export_requested(env(&[(
            "OTEL_EXPORTER_OTLP_ENDPOINT",
            "http://127.0.0.1:4318"
        )])));
        assert!(export_requested(env(&[(
            "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
            "http://127.0.0.1:4318/v1/traces"
        )])));
        assert!(export_requested(env(&[("OTEL_TRACES_EXPORTER", "otlp")])));
        assert!(!export_requested(env(&[
            ("OTEL_TRACES_EXPORTER", "none"),
            ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318")
        ])));
        assert!(!export_requested(env(&[
            ("OTEL_SDK_DISABLED", "true"),
            ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318")
        ])));
    }
}
