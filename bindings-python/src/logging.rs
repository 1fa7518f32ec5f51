//! The core's events to Python's standard `logging`: each [`LogRecord`] to the logger it names
//! (`alipay_core.call`, `alipay_core.workflow`, both under `alipay_core`), at the matching level, with
//! its fields as the record's `alipay` attribute and its event name as `alipay_event`. Set once, at
//! import; what is shown is up to the app's logging configuration, as for any other library.

use std::sync::Arc;

use alipay_core::observe::{LogLevel, LogRecord, LogSink, set_log_sink};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::errors::to_py;
use crate::gate;

/// Hands each record to `logging`, from whatever thread emitted it, through the [`gate`].
struct PythonLogging;

/// Python's number for a level: `logging.ERROR` … `logging.DEBUG`, and 5 below `DEBUG`.
fn python_level(level: LogLevel) -> u8 {
    match level {
        LogLevel::Error => 40,
        LogLevel::Warn => 30,
        LogLevel::Info => 20,
        LogLevel::Debug => 10,
        LogLevel::Trace => 5,
    }
}

impl LogSink for PythonLogging {
    fn log(&self, record: LogRecord) {
        // Declined once the interpreter is exiting; a logging error is logging's to report.
        let _ = gate::attach(|py| -> PyResult<()> {
            let logger = py.import("logging")?.call_method1("getLogger", (record.logger.as_str(),))?;
            let level = python_level(record.level);
            if !logger.call_method1("isEnabledFor", (level,))?.is_truthy()? {
                return Ok(());
            }
            let extra = PyDict::new(py);
            extra.set_item("alipay", record.fields.into_pyobject(py)?)?;
            extra.set_item("alipay_event", record.event)?;
            let kwargs = PyDict::new(py);
            kwargs.set_item("extra", extra)?;
            logger.call_method("log", (level, "%s", record.message), Some(&kwargs))?;
            Ok(())
        });
    }
}

/// Starts forwarding (called when the module is imported).
pub(crate) fn forward_to_python_logging() -> PyResult<()> {
    set_log_sink(Some(Arc::new(PythonLogging)), LogLevel::Trace).map_err(|e| to_py(e.into()))
}
