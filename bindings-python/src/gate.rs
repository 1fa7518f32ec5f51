//! The gate every Rust-owned thread passes to call into Python, closed for good when the interpreter
//! starts to exit.
//!
//! A thread the interpreter does not know about (a tokio worker delivering a workflow event, the
//! thread completing asyncio futures) may be half-way through a Python call when the main thread
//! reaches the end of the program: a call that releases the GIL (a socket write inside
//! `loop.call_soon_threadsafe`) lets the main thread finalize the interpreter, and the foreign
//! thread then resumes on freed interpreter state — SIGSEGV, SIGABRT or SIGBUS at exit.
//!
//! So such threads enter Python only through [`attach`], and an `atexit` hook calls [`close`]:
//! it waits (GIL released) until every thread inside has left, and from then on [`attach`] declines.
//! `atexit` hooks run before finalization begins, while every Python object is still alive.
//! Threads that Python started (the caller's own threads) never need the gate.

use std::cell::Cell;
use std::sync::{Condvar, Mutex, PoisonError};

use pyo3::prelude::*;

struct State {
    open: bool,
    inside: usize,
}

static STATE: Mutex<State> = Mutex::new(State { open: true, inside: 0 });
static LEFT: Condvar = Condvar::new();

thread_local! {
    /// How deep this thread is inside the gate: an inner [`attach`] (an exception built while
    /// completing a future) passes straight through, so [`close`] cannot wait on itself.
    static DEPTH: Cell<usize> = const { Cell::new(0) };
}

/// Runs `f` attached to the interpreter, or returns `None` without touching Python once the
/// interpreter has begun to exit (whatever `f` owns is then dropped without the GIL, which pyo3
/// defers safely).
pub(crate) fn attach<R>(f: impl for<'py> FnOnce(Python<'py>) -> R) -> Option<R> {
    if DEPTH.get() > 0 {
        return Some(Python::attach(f));
    }
    let _inside = Inside::enter()?;
    Python::try_attach(f)
}

/// `true` until [`close`].
pub(crate) fn is_open() -> bool {
    STATE.lock().unwrap_or_else(PoisonError::into_inner).open
}

/// Closes the gate and waits for every thread inside to leave. Call it with the GIL released: the
/// threads inside need it to finish.
pub(crate) fn close() {
    let mut state = STATE.lock().unwrap_or_else(PoisonError::into_inner);
    state.open = false;
    while state.inside > 0 {
        state = LEFT.wait(state).unwrap_or_else(PoisonError::into_inner);
    }
}

/// One thread's passage through the gate.
struct Inside;

impl Inside {
    fn enter() -> Option<Inside> {
        let mut state = STATE.lock().unwrap_or_else(PoisonError::into_inner);
        if !state.open {
            return None;
        }
        state.inside += 1;
        DEPTH.set(DEPTH.get() + 1);
        Some(Inside)
    }
}

impl Drop for Inside {
    fn drop(&mut self) {
        DEPTH.set(DEPTH.get() - 1);
        let mut state = STATE.lock().unwrap_or_else(PoisonError::into_inner);
        state.inside -= 1;
        if state.inside == 0 {
            LEFT.notify_all();
        }
    }
}
