//! The core's log records to the app's logger: a foreign `LogListener` (Kotlin, Swift) given each
//! [`LogRecord`] as the core's `log-sink` makes it, through `setLogListener`. Process-wide, as the
//! core's events are: one listener for every client and workflow of the process.
//!
//! A listener that throws loses that record and disturbs nothing else ([`crate::listener`]).

use std::sync::Arc;

use alipay_core::observe::{LogLevel, LogRecord, LogSink, set_log_sink};

use crate::error::{Result, guarded_sync};
use crate::listener::ListenerException;

/// Receives the core's log records: every gateway call (logger `alipay_core.call`: `answered` at
/// DEBUG, `refused` / `failed` at WARN, with `method`, `out_trade_no`, `trace_id`, `verdict`,
/// `latency_ms`…) and every workflow step (logger `alipay_core.workflow`: `submitted`,
/// `waiting_for_buyer`, `querying`, `cancelling`, `done`… with `key`, `trade:<out_trade_no>`).
/// No record ever carries a key, an `app_auth_token`, a request's content or a whole `auth_code`.
///
/// Called on whatever thread emitted the record (a thread of the Rust runtime, mostly): return
/// quickly, never block on an alipay-core call there. Hand the record to the app's logger —
/// `android.util.Log.println(priority, record.logger, record.message)`, or SLF4J's
/// `LoggerFactory.getLogger(record.logger)` at the matching level (`os_log` / `Logger` in Swift). A
/// listener that throws loses that record and disturbs nothing else.
#[uniffi::export(with_foreign)]
pub trait LogListener: Send + Sync {
    /// One record: its `level`, its `logger`, its `event` name, a one-line `message` for a person
    /// and its `fields` as text.
    ///
    /// # Errors
    /// Whatever it throws is ignored (see [`ListenerException`]).
    fn log(&self, record: LogRecord) -> std::result::Result<(), ListenerException>;
}

/// The core's sink over the app's listener.
struct Forward(Arc<dyn LogListener>);

impl LogSink for Forward {
    fn log(&self, record: LogRecord) {
        // A listener that threw loses the record, never the workflow that logged it.
        let _ = self.0.log(record);
    }
}

/// Sends the core's records up to `level` (`LogLevel.WARN`: only what went wrong; `DEBUG`: every
/// call's answer too) to `listener` from now on, for every client and workflow of the process;
/// `null` sends them nowhere again. Setting another listener replaces this one. Throws
/// `AlipayException.Config` when another global `tracing` subscriber was installed first (only a
/// Rust host can do that).
#[uniffi::export]
pub fn set_log_listener(listener: Option<Arc<dyn LogListener>>, level: LogLevel) -> Result<()> {
    guarded_sync(|| {
        let sink = listener.map(|listener| Arc::new(Forward(listener)) as Arc<dyn LogSink>);
        Ok(set_log_sink(sink, level).map_err(alipay_core::Error::from)?)
    })
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::sync::Mutex;

    use super::*;

    fn record(event: &str) -> LogRecord {
        let mut fields = HashMap::new();
        fields.insert("event".to_string(), event.to_string());
        // `LogRecord` is non-exhaustive: made the way the core's own records are, from JSON.
        serde_json::from_value(serde_json::json!({
            "level": "info", "logger": "alipay_core.workflow", "event": event, "message": event, "fields": fields,
        }))
        .expect("a record")
    }

    struct Throws;
    impl LogListener for Throws {
        fn log(&self, _: LogRecord) -> std::result::Result<(), ListenerException> {
            // What uniffi hands back for a Kotlin exception.
            Err(uniffi::UnexpectedUniFFICallbackError::new("java.lang.RuntimeException: a listener bug").into())
        }
    }

    #[derive(Default)]
    struct Keeps(Mutex<Vec<String>>);
    impl LogListener for Keeps {
        fn log(&self, record: LogRecord) -> std::result::Result<(), ListenerException> {
            self.0.lock().expect("not poisoned").push(record.event);
            Ok(())
        }
    }

    #[test]
    fn a_listener_that_throws_loses_the_record_and_nothing_else() {
        Forward(Arc::new(Throws)).log(record("submitted"));
        let keeps = Arc::new(Keeps::default());
        let forward = Forward(keeps.clone());
        forward.log(record("submitted"));
        forward.log(record("done"));
        assert_eq!(*keeps.0.lock().expect("not poisoned"), ["submitted", "done"]);
    }

    #[test]
    fn a_throwing_listener_in_a_tokio_task_leaves_the_task_running() {
        let runtime = tokio::runtime::Builder::new_current_thread().build().expect("a runtime");
        let forward = Arc::new(Forward(Arc::new(Throws)));
        let task = runtime.spawn(async move {
            forward.log(record("querying"));
            "went on"
        });
        assert_eq!(runtime.block_on(task).expect("the task did not panic"), "went on");
    }
}
