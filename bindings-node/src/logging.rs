//! The core's events to a JS function: each [`LogRecord`], in the core's serialized shape, handed to
//! the function `lib/` makes around the app's logger (`setLogger`). Process-wide, as the core's
//! events are: one function for every client and workflow of the process.

use std::sync::Arc;

use alipay_core::error::InvalidInput;
use alipay_core::observe::{LogLevel, LogRecord, LogSink, set_log_sink};
use napi::threadsafe_function::{ThreadsafeFunction, ThreadsafeFunctionCallMode};
use napi_derive::napi;
use serde_json::Value;

use crate::errors::js;

/// The function each record goes to, called on the JS thread. Weak, so that a process with a logger
/// set still exits on its own; at most [`QUEUED`] records wait for the JS thread, and beyond that a
/// record is dropped rather than memory growing while the event loop is busy.
type LogCallback =
    ThreadsafeFunction<Value, napi::bindgen_prelude::Unknown<'static>, Value, napi::Status, false, true, QUEUED>;

/// How many records may wait for the JS thread.
const QUEUED: usize = 10_000;

/// Hands each record to JS without waiting for it, from whatever thread emitted it.
struct JsLogger(LogCallback);

impl LogSink for JsLogger {
    fn log(&self, record: LogRecord) {
        // Queued for the JS thread, never waited for; with the queue full, or once the JS side is
        // gone (at exit), the call declines and the record is dropped.
        if let Ok(record) = serde_json::to_value(record) {
            self.0.call(record, ThreadsafeFunctionCallMode::NonBlocking);
        }
    }
}

/// Sends the core's records up to `level` (`error`, `warn`, `info`, `debug` or `trace`) to
/// `on_record`, called with each `LogRecord`; `null` sends them nowhere again. Process-wide.
#[napi(catch_unwind)]
pub fn forward_logs(on_record: Option<LogCallback>, level: String) -> napi::Result<()> {
    let level: LogLevel = serde_json::from_value(Value::String(level))
        .map_err(|_| js(InvalidInput::new("level", "must be error, warn, info, debug or trace")))?;
    set_log_sink(on_record.map(|f| Arc::new(JsLogger(f)) as Arc<dyn LogSink>), level).map_err(js)
}
