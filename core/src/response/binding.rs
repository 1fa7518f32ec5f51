//! An answer is believed only for the request it answers (Alipay's 同步返回验签 doc).
//!
//! A v2 signature covers the node's value and nothing else: not the node's name, not the request. So a
//! genuine signed answer can be replayed by anyone between the client and Alipay — another order's
//! "paid", a query answer renamed as a pay answer, a signed `error_response` that carries a success.
//! Before a verified answer is acted on, it is checked here against what was asked:
//!
//! * **Its node.** `error_response` only ever carries errors. A success of one of the methods this
//!   library knows ([`shape_of`]) has the fields that method's answers always carry, and none of the
//!   fields that only another method's answers carry (a pay answer with a `trade_status` is a query
//!   answer, whatever its node is called).
//! * **Its request.** Every identifying field the request sent — `out_trade_no`, `trade_no`,
//!   `out_request_no`, and the amounts `total_amount` and `refund_amount` — must be repeated unchanged
//!   wherever the answer carries it, errors included; a success must name the trade the request named.
//!
//! A mismatch is a [`SignatureError::NotBound`]: the answer is not believed, exactly like a forged one —
//! never a success, and never a "not paid".

use std::str::FromStr as _;

use serde_json::{Map, Value};

use super::{CODE_SUCCESS, CODE_WAIT_BUYER, ERROR_RESPONSE, ResponseNode};
use crate::error::SignatureError;
use crate::money::Amount;

/// The fields that name a trade or a refund, compared as text.
const IDENTITIES: [&str; 3] = ["out_trade_no", "trade_no", "out_request_no"];
/// The amounts, compared as amounts (`88.8` and `88.80` are the same).
const AMOUNTS: [&str; 2] = ["total_amount", "refund_amount"];

/// What the answers of one known method look like.
#[derive(Debug, Clone, Copy)]
pub struct Shape {
    /// The method, e.g. `alipay.trade.query`.
    pub method: &'static str,
    /// Fields only this method's answers carry (among the known methods).
    pub markers: &'static [&'static str],
    /// Fields every success of this method carries.
    pub required: &'static [&'static str],
    /// `true` when a success must name the trade the request named (by `out_trade_no` or `trade_no`).
    pub names_the_trade: bool,
    /// A check of this method's own, run on its successes.
    pub own_rule: Option<OwnRule>,
}

/// A method's own check of a success against what was asked; `Err` says what gives the answer away.
pub type OwnRule = fn(&ResponseNode, &Expected) -> Result<(), String>;

/// The methods whose answers are checked field by field.
pub const SHAPES: &[Shape] = &[
    Shape {
        method: "alipay.trade.pay",
        markers: &[],
        required: &["trade_no", "total_amount"],
        names_the_trade: true,
        own_rule: None,
    },
    Shape {
        method: "alipay.trade.precreate",
        markers: &["qr_code"],
        required: &["qr_code"],
        names_the_trade: true,
        own_rule: None,
    },
    Shape {
        method: "alipay.trade.create",
        markers: &[],
        required: &["trade_no"],
        names_the_trade: true,
        own_rule: None,
    },
    Shape {
        method: "alipay.trade.query",
        markers: &["trade_status"],
        required: &["trade_status"],
        names_the_trade: true,
        own_rule: None,
    },
    Shape {
        method: "alipay.trade.refund",
        markers: &["fund_change"],
        required: &["fund_change"],
        names_the_trade: true,
        own_rule: Some(refund_total_covers_the_refund),
    },
    Shape {
        method: "alipay.trade.fastpay.refund.query",
        markers: &["refund_status"],
        required: &[],
        names_the_trade: true,
        own_rule: None,
    },
    Shape {
        method: "alipay.trade.cancel",
        markers: &["retry_flag", "action"],
        required: &["retry_flag"],
        names_the_trade: true,
        own_rule: None,
    },
    Shape { method: "alipay.trade.close", markers: &[], required: &[], names_the_trade: true, own_rule: None },
    Shape {
        method: "alipay.data.dataservice.bill.downloadurl.query",
        markers: &["bill_download_url"],
        required: &["bill_download_url"],
        names_the_trade: false,
        own_rule: None,
    },
    Shape {
        method: "alipay.open.app.alipaycert.download",
        markers: &["alipay_cert_content"],
        required: &["alipay_cert_content"],
        names_the_trade: false,
        own_rule: None,
    },
];

/// The shape of `method`'s answers, when it is one this library knows.
pub fn shape_of(method: &str) -> Option<&'static Shape> {
    SHAPES.iter().find(|s| s.method == method)
}

/// What an answer must repeat: the identifying fields of a request, and any the caller knows besides
/// (a workflow knows the amount its query's trade was created with).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Expected {
    fields: Vec<(&'static str, String)>,
}

impl Expected {
    /// The identifying fields of a request's business content (a JSON object; anything else names
    /// nothing).
    pub fn from_biz_content(biz_content: Option<&str>) -> Self {
        let map = biz_content.and_then(|t| serde_json::from_str::<Map<String, Value>>(t).ok()).unwrap_or_default();
        Self::from_fields(&map)
    }

    /// The identifying fields among `fields`.
    pub fn from_fields(fields: &Map<String, Value>) -> Self {
        let mut expected = Self::default();
        for name in IDENTITIES.into_iter().chain(AMOUNTS) {
            if let Some(value) = text_of(fields.get(name)) {
                expected = expected.with(name, value);
            }
        }
        expected
    }

    /// Also expects `field` (one of `out_trade_no`, `trade_no`, `out_request_no`, `total_amount`,
    /// `refund_amount`) to be `value` wherever the answer carries it. Other names are ignored.
    #[must_use]
    pub fn with(mut self, field: &str, value: impl Into<String>) -> Self {
        let value = value.into();
        let Some(name) = IDENTITIES.into_iter().chain(AMOUNTS).find(|n| *n == field) else { return self };
        if value.trim().is_empty() {
            return self;
        }
        self.fields.retain(|(n, _)| *n != name);
        self.fields.push((name, value));
        self
    }

    fn get(&self, field: &str) -> Option<&str> {
        self.fields.iter().find(|(n, _)| *n == field).map(|(_, v)| v.as_str())
    }
}

/// Checks that a verified node is `method`'s own answer to the request `expected` describes.
///
/// # Errors
/// [`SignatureError::NotBound`] naming the field that gives the answer away.
pub fn check_bound(node: &ResponseNode, expected: &Expected) -> Result<(), SignatureError> {
    let accepted = matches!(node.code(), CODE_SUCCESS | CODE_WAIT_BUYER);
    let not_bound = |reason: String| SignatureError::NotBound { method: node.method.clone(), reason };
    if node.node_name == ERROR_RESPONSE && accepted {
        return Err(not_bound(format!(
            "`{ERROR_RESPONSE}` carries code {}, which only a success node may",
            node.code()
        )));
    }
    let Some(shape) = shape_of(&node.method) else { return Ok(()) };
    for (name, want) in &expected.fields {
        let Some(found) = node.value.get(*name) else { continue };
        if !same(name, want, found) {
            return Err(not_bound(format!("its {name} is {}, the request's is {want:?}", shown(found))));
        }
    }
    if !accepted {
        return Ok(());
    }
    if let Some(other) = SHAPES
        .iter()
        .filter(|s| s.method != shape.method)
        .find_map(|s| s.markers.iter().find(|m| node.value.contains_key(**m)).map(|m| (s.method, *m)))
    {
        return Err(not_bound(format!("it carries `{}`, a field of {} answers", other.1, other.0)));
    }
    if node.code() == CODE_SUCCESS
        && let Some(missing) = shape.required.iter().find(|f| text_of(node.value.get(**f)).is_none())
    {
        return Err(not_bound(format!(
            "a success of {} always carries `{missing}`, and this one does not",
            shape.method
        )));
    }
    if let Some(rule) = shape.own_rule {
        rule(node, expected).map_err(not_bound)?;
    }
    if shape.names_the_trade {
        let named = ["out_trade_no", "trade_no"].into_iter().find(|f| expected.get(f).is_some());
        if let Some(field) = named
            && text_of(node.value.get(field)).is_none()
        {
            return Err(not_bound(format!("it does not name the trade: the request's {field} is missing")));
        }
    }
    Ok(())
}

/// `fund_change=Y` says money moved; `refund_fee` is then the trade's refunded total, which cannot be
/// less than this refund.
fn refund_total_covers_the_refund(node: &ResponseNode, expected: &Expected) -> Result<(), String> {
    if text_of(node.value.get("fund_change")).as_deref() != Some("Y") {
        return Ok(());
    }
    let Some(asked) = expected.get("refund_amount").and_then(|a| Amount::from_str(a.trim()).ok()) else {
        return Ok(());
    };
    let total = text_of(node.value.get("refund_fee")).and_then(|t| Amount::from_str(t.trim()).ok());
    match total {
        Some(total) if total >= asked => Ok(()),
        _ => Err(format!(
            "it says money moved (fund_change=Y) but its refunded total refund_fee {} is less than this refund of {}",
            node.value.get("refund_fee").map_or_else(|| "(none)".to_string(), shown),
            asked
        )),
    }
}

/// A field's value as text: strings as they are, numbers as JSON writes them; blank means absent.
fn text_of(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(s) if !s.trim().is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn same(name: &str, want: &str, found: &Value) -> bool {
    // Blank or null: the answer does not carry it.
    let Some(found) = text_of(Some(found)) else { return matches!(found, Value::Null | Value::String(_)) };
    if AMOUNTS.contains(&name) {
        return match (Amount::from_str(want.trim()), Amount::from_str(found.trim())) {
            (Ok(a), Ok(b)) => a == b,
            _ => want.trim() == found.trim(),
        };
    }
    want == found
}

/// A found value for an error message: short, quoted.
fn shown(value: &Value) -> String {
    let text = text_of(Some(value)).unwrap_or_else(|| value.to_string());
    let short: String = text.chars().take(64).collect();
    format!("{short:?}")
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn node(method: &str, name: &str, value: Value) -> ResponseNode {
        let Value::Object(value) = value else { panic!("test node is an object") };
        ResponseNode {
            method: method.into(),
            node_name: name.into(),
            raw: String::new(),
            value,
            signed: true,
            alipay_cert_sn: None,
        }
    }

    fn pay(value: Value) -> ResponseNode {
        node("alipay.trade.pay", "alipay_trade_pay_response", value)
    }

    fn asked(out_trade_no: &str, amount: &str) -> Expected {
        Expected::from_biz_content(Some(&json!({"out_trade_no": out_trade_no, "total_amount": amount}).to_string()))
    }

    #[test]
    fn a_pay_answer_for_this_order_and_amount_is_bound() {
        let answer = pay(json!({"code": "10000", "out_trade_no": "A", "trade_no": "1", "total_amount": "88.80"}));
        assert_eq!(check_bound(&answer, &asked("A", "88.8")), Ok(()));
    }

    #[test]
    fn another_orders_paid_answer_is_not_bound() {
        let answer = pay(json!({"code": "10000", "out_trade_no": "B", "trade_no": "1", "total_amount": "8888.00"}));
        let err = check_bound(&answer, &asked("A", "8888.00")).expect_err("another order");
        assert!(err.to_string().contains("out_trade_no is \"B\""), "{err}");
    }

    #[test]
    fn another_amount_is_not_bound() {
        let answer = pay(json!({"code": "10000", "out_trade_no": "A", "trade_no": "1", "total_amount": "0.01"}));
        assert!(check_bound(&answer, &asked("A", "8888.00")).is_err());
    }

    #[test]
    fn a_precreate_answer_renamed_as_a_pay_answer_is_not_bound() {
        let answer = pay(json!({"code": "10000", "out_trade_no": "A", "qr_code": "https://qr.alipay.com/x"}));
        let err = check_bound(&answer, &asked("A", "1.00")).expect_err("a precreate answer");
        assert!(err.to_string().contains("qr_code"), "{err}");
    }

    #[test]
    fn a_query_answer_renamed_as_a_pay_answer_is_not_bound() {
        let answer = pay(json!({"code": "10000", "out_trade_no": "A", "trade_no": "1", "total_amount": "1.00",
            "trade_status": "WAIT_BUYER_PAY"}));
        assert!(check_bound(&answer, &asked("A", "1.00")).is_err());
    }

    #[test]
    fn a_cancel_or_close_answer_renamed_as_a_pay_answer_is_not_bound() {
        let close = pay(json!({"code": "10000", "out_trade_no": "A", "trade_no": "1"}));
        assert!(check_bound(&close, &asked("A", "1.00")).is_err(), "a paid answer always has its amount");
    }

    #[test]
    fn error_response_never_carries_a_success() {
        let forged =
            node("alipay.trade.query", ERROR_RESPONSE, json!({"code": "10000", "trade_status": "TRADE_SUCCESS"}));
        assert!(check_bound(&forged, &Expected::default()).is_err());
        let genuine = node("alipay.trade.query", ERROR_RESPONSE, json!({"code": "40002", "sub_code": "isv.x"}));
        assert_eq!(check_bound(&genuine, &Expected::default()), Ok(()));
    }

    #[test]
    fn an_error_about_another_order_is_not_bound() {
        let other = pay(json!({"code": "40004", "sub_code": "ACQ.PAYMENT_AUTH_CODE_INVALID", "out_trade_no": "B"}));
        assert!(check_bound(&other, &asked("A", "1.00")).is_err());
        let anonymous = pay(json!({"code": "40004", "sub_code": "ACQ.PAYMENT_AUTH_CODE_INVALID"}));
        assert_eq!(check_bound(&anonymous, &asked("A", "1.00")), Ok(()));
    }

    #[test]
    fn a_success_must_name_the_trade_asked_about() {
        let query = node(
            "alipay.trade.query",
            "alipay_trade_query_response",
            json!({"code": "10000", "trade_status": "TRADE_SUCCESS", "trade_no": "9"}),
        );
        assert!(check_bound(&query, &asked("A", "1.00")).is_err(), "no out_trade_no in the answer");
        let by_trade_no = Expected::default().with("trade_no", "9");
        assert_eq!(check_bound(&query, &by_trade_no), Ok(()));
    }

    #[test]
    fn refund_answers_repeat_the_refund_asked_for() {
        let refund = |v: Value| node("alipay.trade.fastpay.refund.query", "x", v);
        let expected =
            Expected::default().with("out_trade_no", "A").with("out_request_no", "R1").with("refund_amount", "1");
        let ok = refund(json!({"code": "10000", "out_trade_no": "A", "out_request_no": "R1", "refund_amount": "1.00",
            "refund_status": "REFUND_SUCCESS"}));
        assert_eq!(check_bound(&ok, &expected), Ok(()));
        let other =
            refund(json!({"code": "10000", "out_trade_no": "A", "out_request_no": "R2", "refund_amount": "1.00",
            "refund_status": "REFUND_SUCCESS"}));
        assert!(check_bound(&other, &expected).is_err());
        let more =
            refund(json!({"code": "10000", "out_trade_no": "A", "out_request_no": "R1", "refund_amount": "2.00",
            "refund_status": "REFUND_SUCCESS"}));
        assert!(check_bound(&more, &expected).is_err());
    }

    #[test]
    fn unknown_methods_are_checked_only_for_error_response() {
        let other = node(
            "alipay.user.info.share",
            "alipay_user_info_share_response",
            json!({"code": "10000", "out_trade_no": "B"}),
        );
        assert_eq!(check_bound(&other, &asked("A", "1.00")), Ok(()));
    }
}
