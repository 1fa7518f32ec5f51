//! [`BoxFuture`]: the boxed future every pluggable part returns (a [`crate::transport::Transport`]'s
//! send, a [`crate::journal::TradeJournal`]'s reads and writes, a [`crate::clock::Clock`]'s sleep).
//! It lives on its own so that those parts depend on it, not on one another.

use std::future::Future;
use std::pin::Pin;

/// A boxed, sendable future.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;
