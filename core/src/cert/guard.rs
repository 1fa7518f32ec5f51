//! How often a notification may make the client download an Alipay certificate.
//!
//! Anyone can POST a notification to a merchant's endpoint, naming any `alipay_cert_sn`. Without a
//! limit, each such request would make the client call `alipay.open.app.alipaycert.download`: fifty
//! forged notifications, fifty outbound calls. [`Client::receive_notification_params`] therefore
//!
//! 1. downloads nothing unless the notification's `sign` is well formed (base64 of exactly the length
//!    of an RSA signature by a key of the known size);
//! 2. does not download again a certificate whose download failed or was refused less than
//!    [`FAILED_DOWNLOAD_RETRY_AFTER`] ago (a negative cache of at most [`NEGATIVE_CACHE_SIZE`] SNs);
//! 3. downloads at most [`MAX_DOWNLOADS_PER_MINUTE`] certificates per minute, all SNs together.
//!
//! Time is the client's [`Clock`](crate::clock::Clock). Answers to the client's own calls (which come
//! from the gateway it called) fetch a rotated certificate without these limits, so a flood of forged
//! notifications can delay a genuine notification under a new certificate (Alipay retries it) but not
//! the client's calls.
//!
//! [`Client::receive_notification_params`]: crate::Client::receive_notification_params

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, SystemTime};

use super::TrustError;

/// At most this many certificate downloads per minute are made for notifications.
pub const MAX_DOWNLOADS_PER_MINUTE: usize = 5;

/// A certificate whose download failed (or that was refused) is not downloaded again for this long.
pub const FAILED_DOWNLOAD_RETRY_AFTER: Duration = Duration::from_secs(5 * 60);

/// At most this many failed SNs are remembered; past it, the ones due soonest are forgotten first.
pub const NEGATIVE_CACHE_SIZE: usize = 256;

const WINDOW: Duration = Duration::from_secs(60);

/// The bookkeeping behind the download limits: which SNs failed recently, and when the last downloads
/// were made. Pure: every call is given the time.
#[derive(Debug, Default, Clone)]
pub struct DownloadGuard {
    /// SN → when a download may be tried again.
    failed: HashMap<String, SystemTime>,
    /// When the downloads of the last minute were made.
    recent: VecDeque<SystemTime>,
}

impl DownloadGuard {
    /// A guard that has seen nothing.
    pub fn new() -> Self {
        Self::default()
    }

    /// May certificate `sn` be downloaded at `now`? When it may, the download is counted against the
    /// rate limit.
    ///
    /// # Errors
    /// [`TrustError::DownloadDeferred`] when its download failed less than
    /// [`FAILED_DOWNLOAD_RETRY_AFTER`] ago; [`TrustError::RateLimited`] when
    /// [`MAX_DOWNLOADS_PER_MINUTE`] downloads were made in the last minute.
    pub fn permit(&mut self, sn: &str, now: SystemTime) -> Result<(), TrustError> {
        if let Some(&until) = self.failed.get(sn) {
            if let Ok(left) = until.duration_since(now)
                && !left.is_zero()
            {
                let retry_in_secs = left.as_secs() + u64::from(left.subsec_nanos() > 0);
                return Err(TrustError::DownloadDeferred { retry_in_secs });
            }
            self.failed.remove(sn);
        }
        // A download is recent if it was less than a minute ago (or "later", should the clock go back).
        self.recent.retain(|&at| now.duration_since(at).map_or(true, |ago| ago < WINDOW));
        if self.recent.len() >= MAX_DOWNLOADS_PER_MINUTE {
            return Err(TrustError::RateLimited { per_minute: MAX_DOWNLOADS_PER_MINUTE });
        }
        self.recent.push_back(now);
        Ok(())
    }

    /// Records that the download of `sn` at `now` failed or that its certificate was refused.
    pub fn failed(&mut self, sn: &str, now: SystemTime) {
        let until = now.checked_add(FAILED_DOWNLOAD_RETRY_AFTER).unwrap_or(now);
        self.failed.insert(sn.to_string(), until);
        if self.failed.len() > NEGATIVE_CACHE_SIZE {
            self.failed.retain(|_, until| *until > now);
        }
        while self.failed.len() > NEGATIVE_CACHE_SIZE {
            let Some(soonest) = self.failed.iter().min_by_key(|(_, until)| **until).map(|(sn, _)| sn.clone()) else {
                break;
            };
            self.failed.remove(&soonest);
        }
    }

    /// Forgets the failures of `sn` (its certificate has been admitted after all).
    pub fn succeeded(&mut self, sn: &str) {
        self.failed.remove(sn);
    }

    /// How many SNs are remembered as failed.
    pub fn failed_count(&self) -> usize {
        self.failed.len()
    }
}
