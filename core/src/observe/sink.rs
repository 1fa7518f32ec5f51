//! The core's events as plain records, for a language binding to hand to its own logger (Python's
//! `logging`, a Node logger, Logcat or SLF4J): one implementation of the [`tracing`] side, so that
//! each binding only converts a [`LogRecord`] into its language's call.
//!
//! [`set_log_sink`] makes a process-wide [`tracing`] subscriber of the core's own events (targets
//! `alipay_core::…`) the global default. Each event becomes a [`LogRecord`] carrying its own fields
//! and those of the spans around it — an `answered` event inside an `alipay.call` span carries the
//! call's `method`, `out_trade_no`, `trace_id` and `verdict` — and is handed to the sink, on whatever
//! thread emitted it.
//!
//! A Rust application does not need this module: it installs its own subscriber (say
//! `tracing_subscriber::fmt`) and sees the same events and spans.
//!
//! ```
//! use std::sync::{Arc, Mutex};
//! use alipay_core::observe::{LogLevel, LogRecord, LogSink, set_log_sink};
//!
//! #[derive(Default)]
//! struct Lines(Mutex<Vec<String>>);
//! impl LogSink for Lines {
//!     fn log(&self, record: LogRecord) {
//!         self.0.lock().unwrap().push(format!("{} {}: {}", record.level.as_str(), record.logger, record.message));
//!     }
//! }
//!
//! let lines = Arc::new(Lines::default());
//! set_log_sink(Some(lines.clone()), LogLevel::Debug).unwrap();
//! // … calls and workflows log here …
//! set_log_sink(None, LogLevel::Debug).unwrap(); // silent again
//! ```

use std::fmt;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, OnceLock, RwLock};

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::subscriber::Interest;
use tracing::{Event, Metadata, Subscriber};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};
use tracing_subscriber::registry::LookupSpan;

use super::record::{LogLevel, LogRecord};
use crate::error::ConfigError;

/// Where a binding sends the core's records. Called on whatever thread emitted the event (a tokio
/// worker, the caller's thread), so it must not block for long.
pub trait LogSink: Send + Sync {
    /// Whether a record of this level for this logger is wanted now; asked before the record is
    /// made. The default wants everything that [`set_log_sink`]'s level lets through.
    fn enabled(&self, level: LogLevel, logger: &str) -> bool {
        let _ = (level, logger);
        true
    }

    /// Takes one record.
    fn log(&self, record: LogRecord);
}

/// `0`: no sink. Otherwise the most detailed [`LogLevel`] forwarded.
static MAX_LEVEL: AtomicU8 = AtomicU8::new(0);
static SINK: RwLock<Option<Arc<dyn LogSink>>> = RwLock::new(None);
static INSTALLED: OnceLock<Result<(), String>> = OnceLock::new();

/// Sends the core's events up to `level` to `sink` from now on, or to nobody (`None`). The first call
/// makes the forwarding subscriber this process's global [`tracing`] default; later calls only swap
/// the sink.
///
/// # Errors
/// [`ConfigError::Invalid`] when another global [`tracing`] subscriber was set first (in a Rust
/// app: add the core's events to that one instead).
pub fn set_log_sink(sink: Option<Arc<dyn LogSink>>, level: LogLevel) -> Result<(), ConfigError> {
    let installed = INSTALLED.get_or_init(|| {
        let subscriber = tracing_subscriber::registry().with(Forward);
        tracing::subscriber::set_global_default(subscriber).map_err(|e| e.to_string())
    });
    if let Err(e) = installed {
        return Err(ConfigError::Invalid {
            name: "log sink",
            reason: format!("another tracing subscriber is this process's global default ({e})"),
        });
    }
    let max = if sink.is_some() { level as u8 } else { 0 };
    *SINK.write().unwrap_or_else(std::sync::PoisonError::into_inner) = sink;
    MAX_LEVEL.store(max, Ordering::Release);
    Ok(())
}

fn level_of(level: &tracing::Level) -> LogLevel {
    match *level {
        tracing::Level::ERROR => LogLevel::Error,
        tracing::Level::WARN => LogLevel::Warn,
        tracing::Level::INFO => LogLevel::Info,
        tracing::Level::DEBUG => LogLevel::Debug,
        _ => LogLevel::Trace,
    }
}

/// The forwarding layer: the core's spans keep their fields; each of its events becomes a record.
struct Forward;

/// The fields of a span, in the order they were recorded.
#[derive(Default)]
struct Fields(Vec<(&'static str, String)>);

impl Fields {
    fn set(&mut self, name: &'static str, value: String) {
        match self.0.iter_mut().find(|(n, _)| *n == name) {
            Some(slot) => slot.1 = value,
            None => self.0.push((name, value)),
        }
    }
}

impl Visit for Fields {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.set(field.name(), value.to_string());
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.set(field.name(), format!("{value:?}"));
    }
}

fn is_ours(metadata: &Metadata<'_>) -> bool {
    metadata.target().starts_with("alipay_core")
}

impl<S> Layer<S> for Forward
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    fn register_callsite(&self, metadata: &'static Metadata<'static>) -> Interest {
        // `sometimes`: asked again at each use, so that a sink set or cleared later takes effect.
        if is_ours(metadata) { Interest::sometimes() } else { Interest::never() }
    }

    fn enabled(&self, metadata: &Metadata<'_>, _: Context<'_, S>) -> bool {
        let max = MAX_LEVEL.load(Ordering::Acquire);
        // Spans whenever anyone listens: an event's record carries their fields.
        max != 0 && is_ours(metadata) && (metadata.is_span() || level_of(metadata.level()) as u8 <= max)
    }

    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        let mut fields = Fields::default();
        attrs.record(&mut fields);
        if let Some(span) = ctx.span(id) {
            span.extensions_mut().insert(fields);
        }
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, ctx: Context<'_, S>) {
        if let Some(span) = ctx.span(id)
            && let Some(fields) = span.extensions_mut().get_mut::<Fields>()
        {
            values.record(fields);
        }
    }

    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        let metadata = event.metadata();
        let level = level_of(metadata.level());
        let logger = metadata.target().replace("::", ".");
        let Some(sink) = SINK.read().unwrap_or_else(std::sync::PoisonError::into_inner).clone() else { return };
        if !sink.enabled(level, &logger) {
            return;
        }
        let mut fields = Fields::default();
        if let Some(scope) = ctx.event_scope(event) {
            for span in scope.from_root() {
                if let Some(own) = span.extensions().get::<Fields>() {
                    for (name, value) in &own.0 {
                        fields.set(name, value.clone());
                    }
                }
            }
        }
        event.record(&mut fields);
        sink.log(record(level, logger, fields));
    }
}

/// The record of an event whose fields (its spans' and its own) are `fields`.
fn record(level: LogLevel, logger: String, fields: Fields) -> LogRecord {
    let mut text = None;
    let mut rest = Vec::with_capacity(fields.0.len());
    for (name, value) in fields.0 {
        match name {
            "message" => text = Some(value),
            // OpenTelemetry's own span fields (feature `opentelemetry`): not for a log line.
            _ if name.starts_with("otel.") => {}
            _ => rest.push((name, value)),
        }
    }
    let text = text.unwrap_or_default();
    let event = rest.iter().find(|(n, _)| *n == "event").map_or_else(|| text.clone(), |(_, v)| v.clone());
    // An event without text is told by its name, which is then not repeated.
    let told = if text.is_empty() { event.clone() } else { text };
    let mut message = told.clone();
    for (name, value) in &rest {
        if *name == "event" && *value == told {
            continue;
        }
        if !message.is_empty() {
            message.push(' ');
        }
        if value.is_empty() || value.contains(char::is_whitespace) || value.contains('"') {
            message.push_str(&format!("{name}={value:?}"));
        } else {
            message.push_str(&format!("{name}={value}"));
        }
    }
    LogRecord { level, logger, event, message, fields: rest.into_iter().map(|(n, v)| (n.to_string(), v)).collect() }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::*;

    /// Keeps the records of one test's events (other tests of this process log too).
    struct Keep(&'static str, Mutex<Vec<LogRecord>>);

    impl LogSink for Keep {
        fn enabled(&self, _: LogLevel, logger: &str) -> bool {
            logger != "alipay_core.ignored"
        }
        fn log(&self, record: LogRecord) {
            if record.fields.get("out_trade_no").map(String::as_str) == Some(self.0) {
                self.1.lock().expect("lock").push(record);
            }
        }
    }

    fn events(keep: &Keep) -> Vec<(LogLevel, String, String)> {
        keep.1.lock().expect("lock").iter().map(|r| (r.level, r.logger.clone(), r.event.clone())).collect()
    }

    /// The one test that sets the process's sink: events with their spans' fields, filtered by level
    /// and by the sink, and nothing once the sink is cleared.
    #[test]
    fn the_sink_gets_each_event_with_its_spans_fields_up_to_its_level() {
        let keep = Arc::new(Keep("SINK-1", Mutex::new(Vec::new())));
        set_log_sink(Some(keep.clone()), LogLevel::Info).expect("the sink");
        let call = || {
            let span = tracing::info_span!(target: "alipay_core::call", "alipay.call", method = "alipay.trade.pay",
                out_trade_no = "SINK-1", trace_id = tracing::field::Empty);
            span.record("trace_id", "0b1c2d");
            tracing::debug!(target: "alipay_core::call", parent: &span, verdict = "verified", "answered");
            tracing::warn!(target: "alipay_core::call", parent: &span, code = "40004", "refused");
            tracing::warn!(target: "alipay_core::ignored", parent: &span, "left out by the sink");
            tracing::warn!(target: "another_crate", parent: &span, "not the core's");
        };
        call();
        assert_eq!(events(&keep), [(LogLevel::Warn, "alipay_core.call".to_string(), "refused".to_string())]);
        let refused = keep.1.lock().expect("lock")[0].clone();
        assert_eq!(refused.fields["method"], "alipay.trade.pay");
        assert_eq!(refused.fields["trace_id"], "0b1c2d");
        assert_eq!(refused.message, "refused method=alipay.trade.pay out_trade_no=SINK-1 trace_id=0b1c2d code=40004");

        keep.1.lock().expect("lock").clear();
        set_log_sink(Some(keep.clone()), LogLevel::Debug).expect("the sink");
        call();
        assert_eq!(events(&keep).iter().map(|e| e.2.as_str()).collect::<Vec<_>>(), ["answered", "refused"]);

        keep.1.lock().expect("lock").clear();
        set_log_sink(None, LogLevel::Trace).expect("the sink");
        call();
        assert!(events(&keep).is_empty());
    }

    #[test]
    fn a_record_names_its_event_and_quotes_values_with_spaces() {
        let mut fields = Fields::default();
        fields.set("method", "alipay.trade.pay".into());
        fields.set("message", "settled".into());
        fields.set("event", "done".into());
        fields.set("reason", "buyer paid".into());
        let r = record(LogLevel::Info, "alipay_core.workflow".into(), fields);
        assert_eq!(r.event, "done");
        assert_eq!(r.message, r#"settled method=alipay.trade.pay event=done reason="buyer paid""#);
        assert_eq!(r.fields["reason"], "buyer paid");
        assert!(!r.fields.contains_key("message"));
    }

    #[test]
    fn an_event_without_an_event_field_is_named_by_its_text() {
        let mut fields = Fields::default();
        fields.set("message", "answered".into());
        fields.set("verdict", "verified".into());
        fields.set("verdict", "forged".into());
        let r = record(LogLevel::Debug, "alipay_core.call".into(), fields);
        assert_eq!((r.event.as_str(), r.message.as_str()), ("answered", "answered verdict=forged"));
    }

    #[test]
    fn an_event_without_text_is_told_by_its_name() {
        let mut fields = Fields::default();
        fields.set("key", "trade:T1".into());
        fields.set("event", "submitted".into());
        let r = record(LogLevel::Info, "alipay_core.workflow".into(), fields);
        assert_eq!(r.message, "submitted key=trade:T1");
        assert_eq!(r.fields["event"], "submitted");
    }
}
