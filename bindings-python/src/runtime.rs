//! The one tokio runtime behind every call, how a blocking call waits on it (GIL released), and how
//! it stops when the interpreter exits.
//!
//! A panic inside the core never unwinds into Python: it comes back as `AlipayError` (kind
//! `internal`).

use std::any::Any;
use std::future::Future;
use std::sync::{Mutex, OnceLock, PoisonError};
use std::time::Duration;

use alipay_core::Error;
use pyo3::prelude::*;
use tokio::runtime::{Handle, Runtime};

use crate::errors::{blocking_on_runtime_thread, to_py};
use crate::gate;

/// The runtime, owned here so the exit hook can shut it down; [`handle`] is how calls reach it.
static RUNTIME: Mutex<Option<Runtime>> = Mutex::new(None);
static HANDLE: OnceLock<Handle> = OnceLock::new();

/// How long the exit hook lets running tasks reach a point where they can be dropped.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(2);

/// The runtime, started on first use with two worker threads (the workflows and the SQLite journal
/// do their waiting there, not on Python's threads).
///
/// # Errors
/// `AlipayError` once the interpreter is exiting (the runtime has stopped), or if it cannot start.
pub(crate) fn handle() -> PyResult<&'static Handle> {
    if !gate::is_open() {
        return Err(to_py(stopped()));
    }
    if let Some(handle) = HANDLE.get() {
        return Ok(handle);
    }
    let mut slot = RUNTIME.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(handle) = HANDLE.get() {
        return Ok(handle); // another thread started it while this one waited for the lock
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("alipay-core")
        .enable_all()
        .build()
        .map_err(|e| to_py(Error::Internal(format!("the tokio runtime could not start: {e}"))))?;
    let handle = HANDLE.get_or_init(|| rt.handle().clone());
    *slot = Some(rt);
    Ok(handle)
}

/// Runs `fut` to completion, releasing the GIL while it runs.
///
/// # Errors
/// `fut`'s error, or `AlipayError` when called on one of the runtime's own threads (an `on_event`
/// callback): waiting there would stall the very runtime that has to do the work.
pub(crate) fn block_on<T, F>(py: Python<'_>, fut: F) -> PyResult<T>
where
    T: Send + 'static,
    F: Future<Output = Result<T, Error>> + Send + 'static,
{
    if Handle::try_current().is_ok() {
        return Err(blocking_on_runtime_thread());
    }
    let handle = handle()?;
    py.detach(|| handle.block_on(spawned(handle, fut))).map_err(to_py)
}

/// Spawns `fut`, its panic (or its drop by the exit hook) turned into an error.
async fn spawned<T, F>(handle: &Handle, fut: F) -> Result<T, Error>
where
    T: Send + 'static,
    F: Future<Output = Result<T, Error>> + Send + 'static,
{
    match handle.spawn(fut).await {
        Ok(result) => result,
        Err(e) if e.is_panic() => Err(panicked(e.into_panic())),
        Err(_) => Err(stopped()),
    }
}

/// The `atexit` hook: Rust threads stop calling into Python (see [`gate`]), then the runtime shuts
/// down, so no thread of this module runs while the interpreter finalizes. Work still in flight is
/// dropped, as at any process exit; the journal keeps unfinished workflows for `recover()`.
#[pyfunction]
pub(crate) fn shutdown(py: Python<'_>) {
    py.detach(|| {
        gate::close();
        let runtime = RUNTIME.lock().unwrap_or_else(PoisonError::into_inner).take();
        if let Some(runtime) = runtime {
            runtime.shutdown_timeout(SHUTDOWN_GRACE);
        }
    });
}

/// The error for a call made while (or after) the interpreter exits.
fn stopped() -> Error {
    Error::Internal("the alipay_core runtime has stopped: the interpreter is exiting".into())
}

/// The error for a panic's payload.
pub(crate) fn panicked(payload: Box<dyn Any + Send>) -> Error {
    let text = payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(no message)".to_string());
    Error::Internal(format!("alipay-core panicked: {text}"))
}
