//! The one tokio runtime behind every call, and the two ways Python waits on it: blocking with the
//! GIL released, or as an asyncio awaitable.
//!
//! A panic inside the core never unwinds into Python: it comes back as `AlipayError` (kind
//! `internal`).

use std::any::Any;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::OnceLock;

use alipay_core::Error;
use futures_util::FutureExt;
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

/// An asyncio awaitable of `fut`, its output converted by `convert` (with the GIL held).
///
/// Cancelling the awaitable drops `fut`, so it means what dropping means in the core: a call stops
/// waiting (a request already sent may still take effect), a payment handle takes its cancel path,
/// and a refund — which the core runs as its own task — carries on to a known end.
pub(crate) fn awaitable<'py, T, F, C, R>(py: Python<'py>, fut: F, convert: C) -> PyResult<Bound<'py, PyAny>>
where
    T: Send + 'static,
    F: Future<Output = Result<T, Error>> + Send + 'static,
    C: FnOnce(Python<'_>, T) -> PyResult<R> + Send + 'static,
    R: for<'a> IntoPyObject<'a> + Send + 'static,
{
    runtime()?;
    pyo3_async_runtimes::tokio::future_into_py(py, async move {
        let value = AssertUnwindSafe(fut).catch_unwind().await.unwrap_or_else(|p| Err(panicked(p))).map_err(to_py)?;
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
        Err(e) if e.is_panic() => Err(panicked(e.into_panic())),
        Err(e) => Err(Error::Internal(format!("the task was stopped: {e}"))),
    }
}

/// The error for a panic's payload.
fn panicked(payload: Box<dyn Any + Send>) -> Error {
    let text = payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(no message)".to_string());
    Error::Internal(format!("alipay-core panicked: {text}"))
}
