//! The core's call spans exported to OpenTelemetry (feature `opentelemetry`), through
//! `tracing-opentelemetry`: each gateway call becomes a client span named by its method
//! (`alipay.trade.pay`), with the span's fields as attributes — `out_trade_no`, `http_status`,
//! `trace_id` (Alipay's, to quote to its support), `verdict` — and an error status unless the
//! answer verified. Workflow events become events of the span they happen in.
//!
//! The README's *Logs, metrics and traces* shows the three lines that export them (a doc test).

use opentelemetry::trace::Tracer;

use crate::error::Error;
use crate::response::ResponseNode;
use tracing::Subscriber;
use tracing_subscriber::Layer;
use tracing_subscriber::filter::filter_fn;
use tracing_subscriber::registry::LookupSpan;

/// A [`tracing_subscriber`] layer that exports the core's spans and events (and nothing else) to
/// `tracer`. Add it to the app's subscriber.
pub fn opentelemetry_layer<S, T>(tracer: T) -> impl Layer<S>
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    T: Tracer + Send + Sync + 'static,
    T::Span: Send + Sync,
{
    tracing_opentelemetry::layer()
        .with_tracer(tracer)
        .with_filter(filter_fn(|metadata| metadata.target().starts_with("alipay_core")))
}

/// Names the call's span by its method and makes it a client span.
pub(super) fn start_call(span: &tracing::Span, method: &str) {
    span.record("otel.name", method);
    span.record("otel.kind", "client");
}

/// An error status on a call that did not succeed, described by its verdict (or, for a refusal,
/// Alipay's `sub_code`).
pub(super) fn end_call(span: &tracing::Span, result: &Result<ResponseNode, Error>) {
    let description = match result {
        Ok(_) => return,
        Err(Error::Gateway(g)) => format!("refused: {}", g.sub_code.as_deref().unwrap_or(&g.code)),
        Err(_) => super::verdict(result).to_string(),
    };
    span.record("otel.status_description", description);
}
