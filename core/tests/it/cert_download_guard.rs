//! The limits on certificate downloads that notifications ask for ([`DownloadGuard`]): a rate limit
//! over all SNs, a retry time for an SN whose download failed, a bounded negative cache.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use alipay_core::cert::{
    DownloadGuard, FAILED_DOWNLOAD_RETRY_AFTER, MAX_DOWNLOADS_PER_MINUTE, NEGATIVE_CACHE_SIZE, TrustError,
};

fn at(secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_800_000_000 + secs)
}

#[test]
fn downloads_are_limited_per_minute_for_all_sns_together() {
    let mut guard = DownloadGuard::new();
    for i in 0..MAX_DOWNLOADS_PER_MINUTE {
        guard.permit(&format!("sn{i}"), at(i as u64)).expect("within the limit");
    }
    assert_eq!(guard.permit("another", at(30)), Err(TrustError::RateLimited { per_minute: MAX_DOWNLOADS_PER_MINUTE }));
    // The first download leaves the window a minute after it was made.
    guard.permit("another", at(60)).expect("a minute after the first download");
    assert!(guard.permit("more", at(60)).is_err());
}

#[test]
fn a_failed_sn_waits_for_its_retry_time() {
    let mut guard = DownloadGuard::new();
    guard.permit("sn", at(0)).expect("first");
    guard.failed("sn", at(0));
    let retry = FAILED_DOWNLOAD_RETRY_AFTER.as_secs();
    assert_eq!(guard.permit("sn", at(1)), Err(TrustError::DownloadDeferred { retry_in_secs: retry - 1 }));
    assert_eq!(guard.permit("sn", at(retry - 1)), Err(TrustError::DownloadDeferred { retry_in_secs: 1 }));
    guard.permit("other", at(2)).expect("other SNs are not held back");
    guard.permit("sn", at(retry)).expect("retry time reached");
    assert_eq!(guard.failed_count(), 0);
    guard.failed("sn", at(retry));
    guard.succeeded("sn");
    guard.permit("sn", at(retry + 61)).expect("forgotten once admitted");
}

#[test]
fn the_negative_cache_is_bounded_and_keeps_the_latest_failures() {
    let mut guard = DownloadGuard::new();
    for i in 0..(3 * NEGATIVE_CACHE_SIZE) {
        guard.failed(&format!("sn{i}"), at(i as u64 / 100));
    }
    assert_eq!(guard.failed_count(), NEGATIVE_CACHE_SIZE);
    let latest = format!("sn{}", 3 * NEGATIVE_CACHE_SIZE - 1);
    assert!(matches!(guard.permit(&latest, at(10)), Err(TrustError::DownloadDeferred { .. })));
}

#[test]
fn a_clock_that_goes_back_neither_panics_nor_lifts_the_limits() {
    let mut guard = DownloadGuard::new();
    guard.failed("sn", at(1000));
    assert!(matches!(guard.permit("sn", at(0)), Err(TrustError::DownloadDeferred { .. })));
    for i in 0..MAX_DOWNLOADS_PER_MINUTE {
        guard.permit(&format!("x{i}"), at(1000)).expect("within the limit");
    }
    assert!(matches!(guard.permit("y", at(500)), Err(TrustError::RateLimited { .. })));
}
