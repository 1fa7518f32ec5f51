//! The record a binding hands to its language's logger: one core event, as [`super::set_log_sink`]
//! makes it (feature `log-sink`).

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

/// How much a record matters, from the most to the least: the levels of [`tracing`], which every
/// binding maps onto its logger's own (`logging.DEBUG`, `logger.debug`, `Log.d`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
pub enum LogLevel {
    /// Something failed that the app must hear of: the journal could not be written.
    Error = 1,
    /// A call refused or failed, a request sent again, a workflow stopped without an outcome.
    Warn = 2,
    /// Workflow steps and their outcomes.
    Info = 3,
    /// Each call's answer, and what a "sign check fail" is diagnosed from.
    Debug = 4,
    /// Finer than debug (the core emits nothing at this level today).
    Trace = 5,
}

impl LogLevel {
    /// `error`, `warn`, `info`, `debug` or `trace`.
    pub fn as_str(self) -> &'static str {
        match self {
            LogLevel::Error => "error",
            LogLevel::Warn => "warn",
            LogLevel::Info => "info",
            LogLevel::Debug => "debug",
            LogLevel::Trace => "trace",
        }
    }
}

/// One event of the core, ready for a logger. Never holds a secret: it is made of the event's
/// fields, which never carry one (see [the module](super)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[non_exhaustive]
pub struct LogRecord {
    /// How much it matters.
    pub level: LogLevel,
    /// The logger it belongs to, dotted: `alipay_core.call` (gateway calls) or
    /// `alipay_core.workflow` (workflow steps), both under `alipay_core`.
    pub logger: String,
    /// What happened, in one word: `answered`, `refused`, `failed` for a call; the workflow event's
    /// name (`submitted`, `waiting_for_buyer`, `querying`, `cancelling`, `done`, `recovered`…) for a
    /// step.
    pub event: String,
    /// One line for a person: the event's text, then every field as `name=value`.
    pub message: String,
    /// Every field of the event and of the spans around it (the call's `method`, `out_trade_no`,
    /// `trace_id`, `verdict`…), as text.
    pub fields: HashMap<String, String>,
}
