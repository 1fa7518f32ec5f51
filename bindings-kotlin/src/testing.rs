//! What the test suite needs to prove that a Rust panic arrives as `AlipayException.Internal` and never
//! crosses the boundary. Not API: no app has a reason to call these.

use crate::error::{Result, guarded, guarded_sync};

/// Panics inside a call, behind the same guard as every export.
#[uniffi::export]
pub fn panic_for_tests() -> Result<()> {
    guarded_sync(|| panic!("a test panic in a call"))
}

/// Panics inside the future of a `suspend` function (Swift `async`), behind the same guard as every
/// async export.
#[uniffi::export(async_runtime = "tokio")]
pub async fn panic_in_future_for_tests() -> Result<()> {
    guarded(async { panic!("a test panic in a future") }).await
}
