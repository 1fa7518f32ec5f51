//! Fresh order and refund numbers.

use std::time::SystemTime;

use crate::clock::format_shanghai;

/// A new number: `prefix`, the Shanghai time to the second, and 12 random hex digits — e.g.
/// `R20261122093015a1b2c3d4e5f6` — unique without coordination between devices. Use it for an
/// `out_trade_no` (never reused) or an `out_request_no` (one per intended refund).
pub fn unique_no(prefix: &str, now: SystemTime) -> String {
    let stamp: String = format_shanghai(now).chars().filter(char::is_ascii_digit).collect();
    format!("{prefix}{stamp}{:012x}", random_48())
}

/// 48 random bits.
fn random_48() -> u64 {
    let mut bytes = [0u8; 8];
    crate::random::fill(&mut bytes[2..]);
    u64::from_be_bytes(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::parse_shanghai;
    use std::collections::HashSet;

    #[test]
    fn numbers_carry_prefix_and_time_and_do_not_repeat() {
        let now = parse_shanghai("2026-11-22 09:30:15").expect("time");
        let n = unique_no("R", now);
        assert!(n.starts_with("R20261122093015"), "{n}");
        assert_eq!(n.len(), 1 + 14 + 12);
        let many: HashSet<_> = (0..10_000).map(|_| unique_no("T", now)).collect();
        assert_eq!(many.len(), 10_000);
    }
}
