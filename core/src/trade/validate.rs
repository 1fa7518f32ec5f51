//! Request checks shared by the trade calls: catch what Alipay would refuse before signing anything.

use crate::error::InvalidInput;

/// A required text field: present, not blank, at most `max_chars` characters.
pub(crate) fn required(field: &str, value: &str, max_chars: usize) -> Result<(), InvalidInput> {
    if value.trim().is_empty() {
        return Err(InvalidInput::new(field, "is required and must not be blank"));
    }
    optional(field, Some(value), max_chars)
}

/// An optional text field: at most `max_chars` characters when present.
pub(crate) fn optional(field: &str, value: Option<&str>, max_chars: usize) -> Result<(), InvalidInput> {
    match value {
        Some(v) if v.chars().count() > max_chars => Err(InvalidInput::new(
            field,
            format!("is {} characters long; Alipay allows {max_chars}", v.chars().count()),
        )),
        _ => Ok(()),
    }
}

/// Calls that address an existing trade need `out_trade_no` or `trade_no` (or both; `trade_no` wins).
pub(crate) fn trade_reference(out_trade_no: Option<&str>, trade_no: Option<&str>) -> Result<(), InvalidInput> {
    let given = |v: Option<&str>| v.is_some_and(|s| !s.trim().is_empty());
    if !given(out_trade_no) && !given(trade_no) {
        return Err(InvalidInput::new("out_trade_no", "either out_trade_no or trade_no is required"));
    }
    optional("out_trade_no", out_trade_no, 64)?;
    optional("trade_no", trade_no, 64)
}
