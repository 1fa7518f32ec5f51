//! Errors: the core's one exception (`alipay_core::ffi::AlipayException`, a sealed hierarchy whose
//! variants carry the core's error record as fields), and a panic turned into it, never across the
//! boundary.

use alipay_core::Error;
pub use alipay_core::ffi::AlipayException;

/// The result of every fallible export.
pub type Result<T> = std::result::Result<T, AlipayException>;

/// A panic inside an export, as the exception it becomes.
pub(crate) fn panicked(payload: Box<dyn std::any::Any + Send>) -> AlipayException {
    let text = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".into());
    Error::Internal(format!("alipay-core panicked (a bug; please report it): {text}")).into()
}

/// `fut`, its panic turned into [`AlipayException::Internal`].
pub(crate) async fn guarded<T>(fut: impl std::future::Future<Output = Result<T>>) -> Result<T> {
    use futures_util::FutureExt;
    std::panic::AssertUnwindSafe(fut).catch_unwind().await.unwrap_or_else(|p| Err(panicked(p)))
}

/// `f`, its panic turned into [`AlipayException::Internal`].
pub(crate) fn guarded_sync<T>(f: impl FnOnce() -> Result<T>) -> Result<T> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_or_else(|p| Err(panicked(p)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn detail_and_kind(e: &AlipayException) -> (&str, alipay_core::ErrorKind) {
        match e {
            AlipayException::Internal { detail, kind, .. } => (detail, *kind),
            other => panic!("not Internal: {other:?}"),
        }
    }

    #[test]
    fn a_panic_in_a_call_becomes_an_internal_exception() {
        let e = guarded_sync::<()>(|| panic!("boom in a call")).expect_err("a panic is an error");
        let (detail, kind) = detail_and_kind(&e);
        assert!(detail.contains("boom in a call"), "{detail}");
        assert_eq!(kind, alipay_core::ErrorKind::Internal);
    }

    #[test]
    fn a_panic_in_a_future_becomes_an_internal_exception() {
        let runtime = tokio::runtime::Builder::new_current_thread().build().expect("a runtime");
        let e = runtime.block_on(guarded::<()>(async { panic!("boom in a future") })).expect_err("an error");
        assert!(detail_and_kind(&e).0.contains("boom in a future"));
    }
}
