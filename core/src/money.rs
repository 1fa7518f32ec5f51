//! Money as Alipay writes it: yuan with at most two decimals, held exactly as whole fen (cents).
//! Never a float.
//!
//! * [`Money`] is an amount you may *send*: `0.01` to `100000000.00` yuan.
//! * [`Amount`] is an amount Alipay *reports*: any exact yuan figure, zero and negative included
//!   (`receipt_amount` of `0.00`, a refund row of `-0.04` in a bill).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::InvalidInput;

/// The smallest amount Alipay accepts, in fen.
const MIN_FEN: i64 = 1;
/// The largest amount Alipay accepts (100,000,000 yuan), in fen.
const MAX_FEN: i64 = 10_000_000_000;

/// A payable or refundable amount: yuan with two decimals in `[0.01, 100000000.00]`.
///
/// ```
/// use alipay_core::Money;
/// let price: Money = "88.8".parse().unwrap();
/// assert_eq!(price.to_string(), "88.80");
/// assert_eq!(price.fen(), 8880);
/// assert!("0.00".parse::<Money>().is_err());
/// assert!("1.005".parse::<Money>().is_err());
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Money(i64);

impl Money {
    /// 0.01 yuan.
    pub const MIN: Money = Money(MIN_FEN);
    /// 100,000,000.00 yuan.
    pub const MAX: Money = Money(MAX_FEN);

    /// An amount of `fen` hundredths of a yuan.
    ///
    /// # Errors
    /// [`InvalidInput`] outside `[1, 10000000000]` fen.
    pub fn from_fen(fen: i64) -> Result<Self, InvalidInput> {
        if (MIN_FEN..=MAX_FEN).contains(&fen) {
            Ok(Money(fen))
        } else {
            Err(InvalidInput::new("amount", format!("{} yuan is outside [0.01, 100000000.00]", Amount(fen))))
        }
    }

    /// The amount in fen (hundredths of a yuan).
    pub fn fen(self) -> i64 {
        self.0
    }

    /// `self + other`, if the sum is still a valid amount.
    pub fn checked_add(self, other: Money) -> Option<Money> {
        self.0.checked_add(other.0).and_then(|f| Money::from_fen(f).ok())
    }

    /// `self - other`, if the difference is still a valid (positive) amount.
    pub fn checked_sub(self, other: Money) -> Option<Money> {
        self.0.checked_sub(other.0).and_then(|f| Money::from_fen(f).ok())
    }
}

impl FromStr for Money {
    type Err = InvalidInput;

    /// Parses `12`, `12.3` or `12.34`. Refuses signs, exponents, spaces, more than two decimals, and
    /// anything outside `[0.01, 100000000.00]`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let fen = parse_fen(s, false).map_err(|reason| InvalidInput::new("amount", reason))?;
        Money::from_fen(fen)
    }
}

impl TryFrom<Amount> for Money {
    type Error = InvalidInput;

    fn try_from(a: Amount) -> Result<Self, Self::Error> {
        Money::from_fen(a.0)
    }
}

/// An amount Alipay reports: exact yuan with two decimals, possibly zero or negative.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Amount(i64);

impl Amount {
    /// Zero yuan.
    pub const ZERO: Amount = Amount(0);

    /// An amount of `fen` hundredths of a yuan.
    pub fn from_fen(fen: i64) -> Self {
        Amount(fen)
    }

    /// The amount in fen.
    pub fn fen(self) -> i64 {
        self.0
    }

    /// `true` for zero.
    pub fn is_zero(self) -> bool {
        self.0 == 0
    }

    /// `self + other`, `None` on overflow.
    pub fn checked_add(self, other: Amount) -> Option<Amount> {
        self.0.checked_add(other.0).map(Amount)
    }
}

impl From<Money> for Amount {
    fn from(m: Money) -> Self {
        Amount(m.0)
    }
}

impl FromStr for Amount {
    type Err = InvalidInput;

    /// Parses `-12.34`, `0.00`, `12`. Refuses more than two decimals rather than rounding.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_fen(s, true).map(Amount).map_err(|reason| InvalidInput::new("amount", reason))
    }
}

/// The longest amount text read; anything longer is refused without being looked at further.
const MAX_AMOUNT_TEXT: usize = 40;

/// Parses a decimal yuan string into fen without going through floating point. Zeros past the second
/// decimal are fine (`0.010` is one fen); any other digit there is refused, never rounded.
fn parse_fen(s: &str, allow_negative: bool) -> Result<i64, String> {
    let shown = shorten(s);
    if s.len() > MAX_AMOUNT_TEXT {
        return Err(format!("{shown} is too long to be a yuan amount"));
    }
    let bad = || format!("{shown} is not a yuan amount with at most two decimals");
    let (negative, digits) = match s.strip_prefix('-') {
        Some(rest) if allow_negative => (true, rest),
        _ => (false, s),
    };
    let (whole, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let is_digits = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || !is_digits(whole) || !is_digits(frac) || (digits.contains('.') && frac.is_empty()) {
        return Err(bad());
    }
    let frac = if frac.len() > 2 { frac.trim_end_matches('0') } else { frac };
    if frac.len() > 2 {
        return Err(format!("{shown} has more than two decimals; Alipay amounts are in fen"));
    }
    let whole = match whole.trim_start_matches('0') {
        "" => "0",
        significant => significant,
    };
    if whole.len() > 15 {
        return Err(format!("{shown} is too large"));
    }
    let whole: i64 = whole.parse().map_err(|_| bad())?;
    let frac_fen: i64 = match frac.len() {
        0 => 0,
        1 => frac.parse::<i64>().map_err(|_| bad())? * 10,
        _ => frac.parse().map_err(|_| bad())?,
    };
    let fen = whole * 100 + frac_fen;
    Ok(if negative { -fen } else { fen })
}

/// An input for an error message: quoted, and cut after 24 characters.
fn shorten(s: &str) -> String {
    let mut chars = s.chars();
    let head: String = chars.by_ref().take(24).collect();
    if chars.next().is_some() { format!("{head:?}… ({} bytes)", s.len()) } else { format!("{head:?}") }
}

fn write_fen(f: &mut fmt::Formatter<'_>, fen: i64) -> fmt::Result {
    let sign = if fen < 0 { "-" } else { "" };
    let abs = fen.unsigned_abs();
    write!(f, "{sign}{}.{:02}", abs / 100, abs % 100)
}

/// Reads an amount from a string or a whole number of yuan, and nothing else.
struct YuanVisitor<T> {
    what: &'static str,
    _target: std::marker::PhantomData<T>,
}

impl<T> YuanVisitor<T> {
    fn new(what: &'static str) -> Self {
        Self { what, _target: std::marker::PhantomData }
    }
}

impl<T: FromStr<Err = InvalidInput>> serde::de::Visitor<'_> for YuanVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} as a string like \"12.34\" (or a whole number of yuan)", self.what)
    }

    fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<T, E> {
        s.parse().map_err(E::custom)
    }

    fn visit_i64<E: serde::de::Error>(self, yuan: i64) -> Result<T, E> {
        self.visit_str(&yuan.to_string())
    }

    fn visit_u64<E: serde::de::Error>(self, yuan: u64) -> Result<T, E> {
        self.visit_str(&yuan.to_string())
    }

    fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<T, E> {
        Err(E::custom(format!(
            "{} must be a string like \"12.34\": a fractional number would have passed through a float",
            self.what
        )))
    }
}

macro_rules! money_traits {
    ($t:ty, $what:literal) => {
        impl fmt::Display for $t {
            /// Always two decimals: `88.80`.
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write_fen(f, self.0)
            }
        }

        impl fmt::Debug for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}(", stringify!($t))?;
                write_fen(f, self.0)?;
                write!(f, ")")
            }
        }

        impl Serialize for $t {
            /// As Alipay wants it: a JSON string with two decimals.
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_str(self)
            }
        }

        impl<'de> Deserialize<'de> for $t {
            /// From a string like `"12.34"`, or a whole number of yuan. A fractional JSON number is
            /// refused: it would have passed through a float.
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                deserializer.deserialize_any(YuanVisitor::<$t>::new($what))
            }
        }
    };
}

money_traits!(Money, "a money amount");
money_traits!(Amount, "an amount");

/// Both amounts are, to every other language, a decimal written as text (`"88.80"`): never a float.
#[cfg(feature = "schema")]
mod schema {
    use std::borrow::Cow;

    use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};

    use super::{Amount, Money};

    /// A decimal written as text, inlined wherever it is used.
    macro_rules! decimal_text {
        ($t:ty, $pattern:literal, $description:literal) => {
            impl JsonSchema for $t {
                fn inline_schema() -> bool {
                    true
                }

                fn schema_name() -> Cow<'static, str> {
                    stringify!($t).into()
                }

                fn json_schema(_: &mut SchemaGenerator) -> Schema {
                    json_schema!({"type": "string", "format": "decimal", "pattern": $pattern, "description": $description})
                }
            }
        };
    }

    decimal_text!(
        Money,
        "^[0-9]+(\\.[0-9]+)?$",
        "An amount to pay or refund: yuan with at most two decimals, 0.01 to 100000000.00."
    );
    decimal_text!(
        Amount,
        "^-?[0-9]+\\.[0-9]{2}$",
        "An amount Alipay reports: yuan with two decimals, possibly zero or negative."
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_accepts_yuan_with_up_to_two_decimals() {
        for (text, fen) in [
            ("0.01", 1),
            ("1", 100),
            ("1.5", 150),
            ("88.88", 8888),
            ("100000000", 10_000_000_000),
            ("0.010", 1),
            ("1.5000", 150),
            ("007.00", 700),
        ] {
            assert_eq!(text.parse::<Money>().expect(text).fen(), fen, "{text}");
        }
    }

    #[test]
    fn a_huge_text_is_refused_at_once_and_not_echoed() {
        let huge = format!("1{}", "0".repeat(1_000_000));
        let e = huge.parse::<Money>().expect_err("too long");
        assert!(e.to_string().len() < 200, "{e}");
        assert!(e.to_string().contains("too long"), "{e}");
        let zeros = format!("1.{}", "0".repeat(1_000));
        assert!(zeros.parse::<Amount>().is_err(), "bounded even when it would be exact");
    }

    #[test]
    fn money_refuses_what_alipay_refuses() {
        for text in [
            "0",
            "0.00",
            "0.001",
            "1.005",
            "1.0001",
            "-1",
            "+1",
            "1e3",
            " 1",
            "1 ",
            "",
            ".5",
            "5.",
            "1,000",
            "100000000.01",
            "NaN",
        ] {
            assert!(text.parse::<Money>().is_err(), "{text:?} must be refused");
        }
    }

    #[test]
    fn amounts_may_be_zero_or_negative_and_print_two_decimals() {
        assert_eq!("-0.04".parse::<Amount>().expect("neg").fen(), -4);
        assert_eq!("0.00".parse::<Amount>().expect("zero"), Amount::ZERO);
        assert_eq!(Amount::from_fen(-4).to_string(), "-0.04");
        assert_eq!(Amount::from_fen(123_456).to_string(), "1234.56");
    }

    #[test]
    fn serde_uses_strings_never_numbers() {
        let m: Money = serde_json::from_str("\"12.3\"").expect("string");
        assert_eq!(serde_json::to_string(&m).expect("ser"), "\"12.30\"");
        assert!(serde_json::from_str::<Money>("12.3").is_err(), "a float is never money");
        let whole: Money = serde_json::from_str("12").expect("a whole number of yuan is exact");
        assert_eq!(whole.fen(), 1200);
        assert!(serde_json::from_str::<Money>("0").is_err(), "still validated");
        assert!(serde_json::from_str::<Money>("true").is_err());
    }

    #[test]
    fn arithmetic_stays_in_range() {
        let a: Money = "99999999.99".parse().expect("a");
        assert_eq!(a.checked_add(Money::MIN), Some(Money::MAX));
        assert_eq!(Money::MAX.checked_add(Money::MIN), None);
        assert_eq!(Money::MIN.checked_sub(Money::MIN), None);
    }
}
