//! Typed requests from loosely typed fields, and typed answers back to fields.
//!
//! The language bindings receive a call's fields as a dictionary (Python keyword arguments, a
//! JavaScript object). Rather than mirror every request type, they hand the fields over as JSON and
//! get JSON back, so the typed structs stay the one definition of each call and its checks.
//!
//! Amounts travel as strings (`"88.88"`) or whole numbers of yuan; a fractional JSON number is
//! refused with an error naming the field, never rounded. Fields a request type does not declare
//! are kept as extra business fields, exactly like the `extra` map of the Rust types.
//!
//! ```
//! use alipay_core::fields::{from_fields, to_fields};
//! use alipay_core::trade::TradeQueryRequest;
//! use serde_json::json;
//!
//! let q: TradeQueryRequest = from_fields(json!({"out_trade_no": "T1"})).unwrap();
//! assert_eq!(to_fields(&q).unwrap(), json!({"out_trade_no": "T1"}));
//!
//! let bad = from_fields::<alipay_core::trade::TradePayRequest>(json!({
//!     "out_trade_no": "T2", "subject": "s", "auth_code": "28", "total_amount": 0.1,
//! }))
//! .unwrap_err();
//! assert_eq!(bad.field, "total_amount");
//! ```

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::{Error, InvalidInput};

/// How deeply fields may nest: objects and arrays inside each other. Alipay's business content nests
/// three or four levels; anything deeper is a mistake (or a self-referencing structure), refused before
/// it can exhaust a stack. Bindings stop converting a native value at this depth too.
pub const MAX_DEPTH: usize = 32;

/// Checks that `value` nests at most [`MAX_DEPTH`] levels (without recursion).
///
/// # Errors
/// [`InvalidInput`] naming the path where it goes too deep.
pub fn check_depth(value: &Value) -> Result<(), InvalidInput> {
    let mut stack: Vec<(&Value, usize)> = vec![(value, 0)];
    while let Some((v, depth)) = stack.pop() {
        let children: Box<dyn Iterator<Item = &Value>> = match v {
            Value::Object(map) => Box::new(map.values()),
            Value::Array(items) => Box::new(items.iter()),
            _ => continue,
        };
        if depth >= MAX_DEPTH {
            return Err(InvalidInput::new("fields", format!("nested more than {MAX_DEPTH} levels deep")));
        }
        stack.extend(children.map(|c| (c, depth + 1)));
    }
    Ok(())
}

/// Builds a typed value from JSON fields.
///
/// # Errors
/// [`InvalidInput`] naming the field (`goods_detail[0].price` for nested ones) that is missing or
/// has the wrong type, or when the fields nest deeper than [`MAX_DEPTH`].
pub fn from_fields<T: DeserializeOwned>(fields: Value) -> Result<T, InvalidInput> {
    check_depth(&fields)?;
    serde_path_to_error::deserialize(fields).map_err(|e| {
        let path = e.path().to_string();
        let message = e.inner().to_string();
        InvalidInput::new(field_name(&path, &message), message)
    })
}

/// The fields of a typed value, as the wire names them (amounts as two-decimal strings).
///
/// # Errors
/// [`Error::Internal`] if the value cannot be represented as JSON, which none of this crate's types do.
pub fn to_fields<T: Serialize>(value: &T) -> Result<Value, Error> {
    serde_json::to_value(value).map_err(|e| Error::Internal(format!("a typed value did not serialize: {e}")))
}

/// The field an error is about: the path, or for a missing field (reported at the parent) its name.
fn field_name(path: &str, message: &str) -> String {
    let missing = message.strip_prefix("missing field `").and_then(|rest| rest.split('`').next());
    match (path, missing) {
        ("." | "?", Some(name)) => name.to_string(),
        (parent, Some(name)) => format!("{parent}.{name}"),
        (".", None) => "fields".to_string(),
        (path, None) => path.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::trade::{TradePagePayRequest, TradePayRequest, TradeRefundResponse};

    #[test]
    fn a_request_from_fields_keeps_defaults_and_extra_business_fields() {
        let pay: TradePayRequest = from_fields(json!({
            "out_trade_no": "T1", "total_amount": "88.8", "subject": "Coffee", "auth_code": "28763443825664394",
            "extend_params": {"sys_service_provider_id": "2088511833207846"},
        }))
        .expect("valid");
        assert_eq!(pay.scene, "bar_code");
        assert_eq!(pay.total_amount.fen(), 8880);
        assert_eq!(pay.extra["extend_params"]["sys_service_provider_id"], "2088511833207846");
        let page: TradePagePayRequest =
            from_fields(json!({"out_trade_no": "T1", "total_amount": 1, "subject": "s"})).expect("valid");
        assert_eq!(page.product_code, "FAST_INSTANT_TRADE_PAY");
    }

    #[test]
    fn errors_name_the_field() {
        let cases = [
            (json!({"total_amount": "1", "subject": "s", "auth_code": "a"}), "out_trade_no"),
            (json!({"out_trade_no": "T", "total_amount": 0.5, "subject": "s", "auth_code": "a"}), "total_amount"),
            (json!({"out_trade_no": "T", "total_amount": "1.001", "subject": "s", "auth_code": "a"}), "total_amount"),
            (
                json!({"out_trade_no": "T", "total_amount": "1", "subject": "s", "auth_code": "a",
                       "goods_detail": [{"goods_id": "g", "goods_name": "n", "quantity": 1, "price": 9.99}]}),
                "goods_detail[0].price",
            ),
            (json!(["not", "a", "map"]), "fields"),
        ];
        for (fields, field) in cases {
            let e = from_fields::<TradePayRequest>(fields.clone()).expect_err("refused");
            assert_eq!(e.field, field, "{fields}: {e}");
        }
    }

    #[test]
    fn fields_nested_too_deep_are_refused() {
        let mut deep = json!("leaf");
        for _ in 0..MAX_DEPTH {
            deep = json!([deep]);
        }
        assert_eq!(check_depth(&deep), Ok(()), "{MAX_DEPTH} levels are fine");
        let too_deep = json!({"out_trade_no": "T", "extend_params": deep});
        let e = from_fields::<TradePayRequest>(too_deep).expect_err("too deep");
        assert!(e.to_string().contains("nested more than"), "{e}");
    }

    #[test]
    fn answers_become_fields_with_amounts_as_strings() {
        let r: TradeRefundResponse = serde_json::from_value(json!({
            "code": "10000", "msg": "Success", "refund_fee": "0.50", "fund_change": "Y", "gmt_refund_pay": "x",
        }))
        .expect("answer");
        let f = to_fields(&r).expect("fields");
        assert_eq!(f["refund_fee"], "0.50");
        assert_eq!(f["fund_change"], true);
        assert_eq!(f["gmt_refund_pay"], "x");
    }
}
