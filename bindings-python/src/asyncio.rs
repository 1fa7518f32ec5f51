//! asyncio awaitables of core futures, completed from one long-lived thread.
//!
//! [`awaitable`] creates a future on the running event loop and spawns the core future on the
//! runtime. When it ends, its output goes over a channel to the *completer*, one thread that
//! attaches to the interpreter (through the [`gate`], so never while the interpreter exits) and
//! hands each result to its loop with `loop.call_soon_threadsafe`. It drains everything queued in
//! one attachment, so many awaits completing together cost one GIL acquisition — and no thread per
//! await, and no tokio worker waiting for the GIL.
//!
//! Cancelling the awaitable (cancelling the task awaiting it) aborts the spawned task, which drops
//! the core future: that means what dropping means in the core — a call stops waiting (a request
//! already sent may still take effect), a payment handle takes its cancel path, and a refund, which
//! the core runs as its own task, carries on to a known end.

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::OnceLock;
use std::sync::mpsc::{Receiver, Sender, channel};

use alipay_core::Error;
use futures_util::FutureExt;
use pyo3::IntoPyObjectExt;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use tokio::task::AbortHandle;

use crate::errors::to_py;
use crate::gate;
use crate::runtime::{handle, panicked};

/// Turns a core future's output into the Python value the awaitable gives (GIL held).
type Finish = Box<dyn FnOnce(Python<'_>) -> PyResult<Py<PyAny>> + Send>;

/// One ended future, on its way to its event loop.
struct Done {
    event_loop: Py<PyAny>,
    future: Py<PyAny>,
    finish: Finish,
}

static COMPLETER: OnceLock<Sender<Done>> = OnceLock::new();

/// An asyncio awaitable of `fut`, its output converted by `convert` (with the GIL held, on the
/// completer thread).
///
/// # Errors
/// `RuntimeError` when no event loop runs on this thread; `AlipayError` once the interpreter exits.
pub(crate) fn awaitable<'py, T, F, C, R>(py: Python<'py>, fut: F, convert: C) -> PyResult<Bound<'py, PyAny>>
where
    T: Send + 'static,
    F: Future<Output = Result<T, Error>> + Send + 'static,
    C: FnOnce(Python<'_>, T) -> PyResult<R> + Send + 'static,
    R: for<'a> IntoPyObject<'a>,
{
    let event_loop = get_running_loop(py)?.call0()?;
    let future = event_loop.call_method0("create_future")?;
    let completer = completer()?.clone();
    let (loop_ref, future_ref) = (event_loop.unbind(), future.clone().unbind());
    let task = handle()?.spawn(async move {
        let result = AssertUnwindSafe(fut).catch_unwind().await.unwrap_or_else(|p| Err(panicked(p)));
        let finish: Finish = Box::new(move |py| convert(py, result.map_err(to_py)?)?.into_py_any(py));
        // The receiver lives as long as the process; a send fails only if the completer died.
        let _ = completer.send(Done { event_loop: loop_ref, future: future_ref, finish });
    });
    future.call_method1("add_done_callback", (AbortOnDone { task: task.abort_handle() },))?;
    Ok(future)
}

/// The completer's channel, its thread started on first use.
fn completer() -> PyResult<&'static Sender<Done>> {
    if let Some(sender) = COMPLETER.get() {
        return Ok(sender);
    }
    let (sender, receiver) = channel();
    let sender = COMPLETER.get_or_init(|| sender);
    std::thread::Builder::new()
        .name("alipay-core-asyncio".into())
        .spawn(move || complete_until_exit(receiver))
        .map_err(|e| to_py(Error::Internal(format!("the asyncio completer thread could not start: {e}"))))?;
    Ok(sender)
}

/// The completer's loop: every ended future queued, handed to its loop in one attachment, until
/// the interpreter exits (then what is left is dropped unseen).
fn complete_until_exit(receiver: Receiver<Done>) {
    while let Ok(first) = receiver.recv() {
        let batch: Vec<Done> = std::iter::once(first).chain(receiver.try_iter()).collect();
        let delivered = gate::attach(|py| {
            for done in batch {
                done.deliver(py);
            }
        });
        if delivered.is_none() {
            return;
        }
    }
}

impl Done {
    /// Schedules the result on the future's loop. A loop already closed has nobody left to tell.
    fn deliver(self, py: Python<'_>) {
        let finish = self.finish;
        let outcome =
            std::panic::catch_unwind(AssertUnwindSafe(|| finish(py))).unwrap_or_else(|p| Err(to_py(panicked(p))));
        let (value, failed) = match outcome {
            Ok(value) => (value, false),
            Err(err) => (err.into_value(py).into_any(), true),
        };
        let complete = Complete { future: self.future, value, failed };
        let _ = self.event_loop.call_method1(py, "call_soon_threadsafe", (complete,));
    }
}

/// Runs on the event loop: sets the future's result or exception, unless it was cancelled meanwhile.
#[pyclass(module = "alipay_core._native", frozen)]
struct Complete {
    future: Py<PyAny>,
    value: Py<PyAny>,
    failed: bool,
}

#[pymethods]
impl Complete {
    fn __call__(&self, py: Python<'_>) -> PyResult<()> {
        let future = self.future.bind(py);
        if future.call_method0("done")?.is_truthy()? {
            return Ok(());
        }
        let method = if self.failed { "set_exception" } else { "set_result" };
        future.call_method1(method, (self.value.clone_ref(py),))?;
        Ok(())
    }
}

/// The future's done callback: a cancelled awaitable aborts its task (a finished one is unaffected).
#[pyclass(module = "alipay_core._native", frozen)]
struct AbortOnDone {
    task: AbortHandle,
}

#[pymethods]
impl AbortOnDone {
    fn __call__(&self, _future: &Bound<'_, PyAny>) {
        self.task.abort();
    }
}

static GET_RUNNING_LOOP: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

fn get_running_loop(py: Python<'_>) -> PyResult<&Bound<'_, PyAny>> {
    GET_RUNNING_LOOP.import(py, "asyncio", "get_running_loop")
}
