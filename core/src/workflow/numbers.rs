//! Fresh order and refund numbers.

use std::time::SystemTime;

use serde_json::Value;
use sha2::{Digest as _, Sha256};

use crate::clock::format_shanghai;

/// A new number: `prefix`, the Shanghai time to the second, and 12 random hex digits — e.g.
/// `R20261122093015a1b2c3d4e5f6` — unique without coordination between devices. Use it for an
/// `out_trade_no` (never reused) or an `out_request_no` (one per intended refund).
pub fn unique_no(prefix: &str, now: SystemTime) -> String {
    let stamp: String = format_shanghai(now).chars().filter(char::is_ascii_digit).collect();
    format!("{prefix}{stamp}{:012x}", random_48())
}

/// The `out_request_no` a refund gets when it comes without one: `R` and 30 hex digits of the
/// SHA-256 of the refund itself — its `biz_content` without `out_request_no`, keys sorted. The same
/// refund (same trade, amount, reason and other fields) always gets the same number, so calling again
/// with the same request — after a timeout, a crash, or even after it finished — is the same refund at
/// Alipay too, and money moves once. A second refund of the same amount needs its own `out_request_no`.
pub fn derived_refund_no(biz_content: &Value) -> String {
    let mut intent = biz_content.clone();
    if let Value::Object(fields) = &mut intent {
        fields.remove("out_request_no");
    }
    let mut text = String::new();
    write_canonical(&intent, &mut text);
    let digest = Sha256::digest(text.as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("R{}", &hex[..30])
}

/// JSON with every object's keys sorted and nulls left out, so the text does not depend on field order.
fn write_canonical(value: &Value, out: &mut String) {
    match value {
        Value::Object(fields) => {
            let mut names: Vec<&String> = fields.iter().filter(|(_, v)| !v.is_null()).map(|(k, _)| k).collect();
            names.sort();
            out.push('{');
            for (i, name) in names.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(name.clone()).to_string());
                out.push(':');
                write_canonical(&fields[name], out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(item, out);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
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
    fn a_refund_without_a_number_is_numbered_by_what_it_is() {
        let one = serde_json::json!({"out_trade_no": "T1", "refund_amount": "1.00", "out_request_no": ""});
        let same_other_order = serde_json::json!({"refund_amount": "1.00", "out_trade_no": "T1", "x": null});
        let n = derived_refund_no(&one);
        assert_eq!(n, derived_refund_no(&same_other_order), "field order and nulls do not matter");
        assert_eq!(n.len(), 31);
        assert!(n.starts_with('R'));
        let more = serde_json::json!({"out_trade_no": "T1", "refund_amount": "2.00"});
        let other_trade = serde_json::json!({"out_trade_no": "T2", "refund_amount": "1.00"});
        assert_ne!(n, derived_refund_no(&more));
        assert_ne!(n, derived_refund_no(&other_trade));
    }

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
