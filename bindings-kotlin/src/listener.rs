//! What a foreign listener (a [`crate::logging::LogListener`], a [`crate::workflows::ProgressListener`])
//! may throw, and why it never disturbs the core.
//!
//! uniffi's Kotlin catches any `Exception` out of a foreign method and hands it to Rust as an
//! unexpected error; for a method without a `Result` the Rust side would panic on the thread that
//! called it — a tokio worker running a workflow, whose task would die with it, the trade left neither
//! paid nor cancelled. So each listener method returns `Result<(), ListenerException>`, which takes
//! that unexpected error as a value: the binding drops it and goes on. (A JVM `Error` is not an
//! `Exception`: JNA prints it and the call returns as if it had succeeded.) In Kotlin the method is
//! declared `@Throws(ListenerException::class)` and an app's listener never needs to throw it; in
//! Swift it is `throws`.

/// A listener failed: thrown by a listener, or what uniffi makes of any exception out of one. The
/// core ignores it: the record or event it was given is lost, nothing else.
#[derive(Debug, thiserror::Error, uniffi::Error)]
pub enum ListenerException {
    /// The listener threw.
    #[error("the listener failed: {reason}")]
    Failed {
        /// What it threw, as text.
        reason: String,
    },
}

impl From<uniffi::UnexpectedUniFFICallbackError> for ListenerException {
    fn from(e: uniffi::UnexpectedUniFFICallbackError) -> Self {
        ListenerException::Failed { reason: e.reason }
    }
}
