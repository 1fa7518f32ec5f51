//! Random bytes from the operating system, for order numbers and nonces. Should the OS source ever
//! fail, the bytes come from the time mixed with a process-wide counter: no longer unpredictable, still
//! unique within this process — which is what numbers and nonces need.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::SystemTime;

/// Fills `buf` with random bytes.
pub(crate) fn fill(buf: &mut [u8]) {
    if getrandom::fill(buf).is_ok() {
        return;
    }
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
    let seed = nanos ^ u128::from(COUNTER.fetch_add(1, Ordering::Relaxed)).rotate_left(64);
    for (b, s) in buf.iter_mut().zip(seed.to_le_bytes().iter().cycle()) {
        *b = *s;
    }
}
