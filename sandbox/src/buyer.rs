//! The simulated buyer. A barcode payment's `auth_code` chooses how the buyer behaves, deterministically.
//!
//! Every code is 18 digits starting with `28` (a valid Alipay payment code); the third digit picks the
//! behaviour:
//!
//! | code | behaviour |
//! | --- | --- |
//! | `280…` (and any other valid code) | pays at once: `10000`, `TRADE_SUCCESS` |
//! | `281…NN` | must confirm (`10003`, `WAIT_BUYER_PAY`), pays after `NN` seconds (virtual time) |
//! | `282…` | must confirm, never does: waits until the trade times out |
//! | `283…` | insufficient balance: `40004 ACQ.BUYER_BALANCE_NOT_ENOUGH`, trade closed |
//! | `284…` | an invalid or expired code: `40004 ACQ.PAYMENT_AUTH_CODE_INVALID`, no trade |
//! | `285…` | system error `20000`, but the trade *was* paid behind it |
//! | `286…` | system error `20000`, the trade exists unpaid and never gets paid |
//!
//! Codes that are not 16–24 digits starting `25`–`30` are refused as invalid, as Alipay does.

use std::time::Duration;

/// Pays at once.
pub const PAYS_AT_ONCE: &str = "280000000000000001";
/// Must confirm, pays after 10 seconds.
pub const CONFIRMS_AFTER_10S: &str = "281000000000000010";
/// Must confirm, never does.
pub const NEVER_CONFIRMS: &str = "282000000000000000";
/// Not enough balance.
pub const INSUFFICIENT_BALANCE: &str = "283000000000000000";
/// An invalid or expired payment code.
pub const INVALID_CODE: &str = "284000000000000000";
/// `20000`, trade paid behind it.
pub const SYSTEM_ERROR_PAID: &str = "285000000000000000";
/// `20000`, trade left unpaid.
pub const SYSTEM_ERROR_UNPAID: &str = "286000000000000000";

/// Every documented payment code by name, so that tests in any language read them from the sandbox
/// (`alipay sandbox` prints them as `buyers`; `GET /sandbox/buyers`) instead of declaring them again.
pub const CODES: &[(&str, &str)] = &[
    ("pays_at_once", PAYS_AT_ONCE),
    ("confirms_after_10s", CONFIRMS_AFTER_10S),
    ("never_confirms", NEVER_CONFIRMS),
    ("insufficient_balance", INSUFFICIENT_BALANCE),
    ("invalid_code", INVALID_CODE),
    ("system_error_paid", SYSTEM_ERROR_PAID),
    ("system_error_unpaid", SYSTEM_ERROR_UNPAID),
];

/// [`CODES`] as a JSON object (`{"pays_at_once": "280…", …}`).
pub fn codes_json() -> serde_json::Value {
    CODES.iter().map(|(name, code)| ((*name).to_string(), serde_json::Value::from(*code))).collect()
}

/// A code whose buyer confirms and pays after `seconds` (0–99).
pub fn confirms_after(seconds: u8) -> String {
    format!("2810000000000000{:02}", seconds.min(99))
}

/// What the buyer behind a payment code does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Buyer {
    /// Pays immediately.
    PaysAtOnce,
    /// Confirms on the phone after a while, then pays.
    ConfirmsAfter(Duration),
    /// Must confirm, never does.
    NeverConfirms,
    /// Balance too low.
    InsufficientBalance,
    /// The code is invalid or expired.
    InvalidCode,
    /// The gateway fails with 20000 after paying.
    SystemErrorPaid,
    /// The gateway fails with 20000, the trade stays unpaid.
    SystemErrorUnpaid,
}

impl Buyer {
    /// The behaviour a payment code selects.
    pub fn from_auth_code(code: &str) -> Buyer {
        let valid_shape = (16..=24).contains(&code.len())
            && code.bytes().all(|b| b.is_ascii_digit())
            && matches!(&code[..2], "25" | "26" | "27" | "28" | "29" | "30");
        if !valid_shape {
            return Buyer::InvalidCode;
        }
        if !code.starts_with("28") {
            return Buyer::PaysAtOnce;
        }
        match code.as_bytes()[2] {
            b'1' => {
                let secs: u64 = code[code.len() - 2..].parse().unwrap_or(10);
                Buyer::ConfirmsAfter(Duration::from_secs(secs))
            }
            b'2' => Buyer::NeverConfirms,
            b'3' => Buyer::InsufficientBalance,
            b'4' => Buyer::InvalidCode,
            b'5' => Buyer::SystemErrorPaid,
            b'6' => Buyer::SystemErrorUnpaid,
            _ => Buyer::PaysAtOnce,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_code_table_names_each_documented_behaviour_once() {
        let behaviours: Vec<Buyer> = CODES.iter().map(|(_, code)| Buyer::from_auth_code(code)).collect();
        for (i, b) in behaviours.iter().enumerate() {
            assert!(!behaviours[i + 1..].contains(b), "{:?} appears twice", CODES[i]);
        }
        assert_eq!(codes_json()["never_confirms"], NEVER_CONFIRMS);
    }

    #[test]
    fn documented_codes_select_their_behaviours() {
        assert_eq!(Buyer::from_auth_code(PAYS_AT_ONCE), Buyer::PaysAtOnce);
        assert_eq!(Buyer::from_auth_code(CONFIRMS_AFTER_10S), Buyer::ConfirmsAfter(Duration::from_secs(10)));
        assert_eq!(Buyer::from_auth_code(&confirms_after(3)), Buyer::ConfirmsAfter(Duration::from_secs(3)));
        assert_eq!(Buyer::from_auth_code(NEVER_CONFIRMS), Buyer::NeverConfirms);
        assert_eq!(Buyer::from_auth_code(INSUFFICIENT_BALANCE), Buyer::InsufficientBalance);
        assert_eq!(Buyer::from_auth_code(INVALID_CODE), Buyer::InvalidCode);
        assert_eq!(Buyer::from_auth_code(SYSTEM_ERROR_PAID), Buyer::SystemErrorPaid);
        assert_eq!(Buyer::from_auth_code(SYSTEM_ERROR_UNPAID), Buyer::SystemErrorUnpaid);
        assert_eq!(Buyer::from_auth_code("134567890123456789"), Buyer::InvalidCode);
        assert_eq!(Buyer::from_auth_code("28abc"), Buyer::InvalidCode);
        assert_eq!(Buyer::from_auth_code("2512345678901234"), Buyer::PaysAtOnce);
    }
}
