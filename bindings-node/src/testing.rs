//! What the test suite needs to prove that a Rust panic becomes an `AlipayError` and never kills the
//! process. Not exported by `lib/`: the addon's own `panicForTests` and `panicInPromiseForTests`.

use napi_derive::napi;

/// Panics inside a synchronous call into the addon.
#[napi(catch_unwind)]
pub fn panic_for_tests() -> napi::Result<()> {
    panic!("a test panic in a synchronous call")
}

/// Panics inside the future of a Promise.
#[napi]
pub async fn panic_in_promise_for_tests() -> napi::Result<()> {
    panic!("a test panic inside a Promise")
}
