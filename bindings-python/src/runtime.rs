//! The one tokio runtime behind every call, and the two ways Python waits on it: blocking with the
//! GIL released, or as an asyncio awaitable.
//!
//! Every future is spawned onto the runtime, so a panic inside the core ends that task only and
//! comes back as `AlipayError` (kind `internal`) instead of unwinding into Python.

use std::future::Future;
use std::sync::OnceLock;

use alipay_core::Error;
use pyo3::prelude::*;
use tokio::runtime::Runtime;

use crate::errors::to_py;

static RUNTIME: OnceLock<Runtime> = OnceLock::new();

/// The runtime, started on first use with two worker threads (the workflows and the SQLite journal
/// do their waiting there, not on Python's threads).
pub(crate) fn runtime() -> PyResult<&'static Runtime> {
    if let Some(rt) = RUNTIME.get() {
        return Ok(rt);
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("alipay-core")
        .enable_all()
        .build()
        .map_err(|e| to_py(Error::Internal(format!("the tokio runtime could not start: {e}"))))?;
    let rt = RUNTIME.get_or_init(|| rt);
    // asyncio awaitables run on the same runtime; a second init (another thread won the race) is fine.
    let _ = pyo3_async_runtimes::tokio::init_with_runtime(rt);
    Ok(rt)
}

/// Runs `fut` to completion, releasing the GIL while it runs.
pub(crate) fn block_on<T, F>(py: Python<'_>, fut: F) -> PyResult<T>
where
    T: Send + 'static,
    F: Future<Output = Result<T, Error>> + Send + 'static,
{
    let rt = runtime()?;
    py.detach(|| rt.block_on(spawned(rt, fut))).map_err(to_py)
}

/// An asyncio awaitable of `fut`, its output converted by `convert` (with the GIL held). Cancelling
/// the awaitable drops the wait; see the callers for what that means to each operation.
pub(crate) fn awaitable<'py, T, F, C, R>(py: Python<'py>, fut: F, convert: C) -> PyResult<Bound<'py, PyAny>>
where
    T: Send + 'static,
    F: Future<Output = Result<T, Error>> + Send + 'static,
    C: FnOnce(Python<'_>, T) -> PyResult<R> + Send + 'static,
    R: for<'a> IntoPyObject<'a> + Send + 'static,
{
    let rt = runtime()?;
    pyo3_async_runtimes::tokio::future_into_py(py, async move {
        let value = spawned(rt, fut).await.map_err(to_py)?;
        Python::attach(|py| convert(py, value))
    })
}

async fn spawned<T, F>(rt: &'static Runtime, fut: F) -> Result<T, Error>
where
    T: Send + 'static,
    F: Future<Output = Result<T, Error>> + Send + 'static,
{
    match rt.spawn(fut).await {
        Ok(result) => result,
        Err(e) if e.is_panic() => Err(Error::Internal(format!("alipay-core panicked: {}", panic_text(e)))),
        Err(e) => Err(Error::Internal(format!("the task was stopped: {e}"))),
    }
}

fn panic_text(e: tokio::task::JoinError) -> String {
    let payload = e.into_panic();
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(no message)".to_string())
}
