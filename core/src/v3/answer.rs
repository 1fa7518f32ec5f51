//! Reading a verified v3 answer into the same shapes as v2: a success body becomes a [`ResponseNode`]
//! the typed responses parse, an error body a [`GatewayError`].
//!
//! v3 answers carry no `code`: HTTP 2xx is success, and an error is HTTP 4xx/5xx with
//! `{"code":"ACQ.TRADE_NOT_EXIST","message":"…","links":[…]}`. Mapped into [`GatewayError`]: `code` is the
//! HTTP status (`"400"`), `msg` its reason phrase, `sub_code`/`sub_msg` the v3 `code`/`message`,
//! `http_status` and `links` as sent. So `sub_code` means the same in both protocols.

use serde::Deserialize;
use serde_json::{Map, Value};

use crate::error::{DecodeError, ErrorLink, GatewayError};
use crate::response::{CODE_SUCCESS, CODE_WAIT_BUYER, ResponseNode};

/// The one method whose success has two meanings in v2 (`10000` paid, `10003` waiting for the buyer).
const PAY_METHOD: &str = "alipay.trade.pay";

#[derive(Deserialize)]
struct ErrorBody {
    code: String,
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    links: Vec<ErrorLink>,
}

/// Reads a v3 error answer (`status` 4xx/5xx). `None` when the body is not a v3 error object (a proxy's
/// HTML page, an empty body): then nothing can be said about what Alipay did.
pub fn gateway_error(method: &str, status: u16, body: &[u8], verified: bool) -> Option<GatewayError> {
    let parsed: ErrorBody = serde_json::from_slice(body).ok()?;
    Some(GatewayError {
        method: method.to_string(),
        code: status.to_string(),
        msg: reason_phrase(status).to_string(),
        sub_code: Some(parsed.code),
        sub_msg: parsed.message,
        verified,
        http_status: Some(status),
        links: parsed.links,
        trace_id: None,
    })
}

/// Turns a verified v3 success body into the node the typed responses parse: the body's fields, with the
/// v2 `code`/`msg` the v3 answer leaves out.
///
/// For `alipay.trade.pay` the code says whether the buyer paid, and a v3 answer has no code: it is read as
/// paid (`10000`) only when it carries the payment time `gmt_payment`, otherwise as waiting for the buyer
/// (`10003`), which the workflows settle with a verified query. Mistaking "waiting" for "paid" would hand
/// over goods nobody paid for; the other mistake costs one query.
///
/// # Errors
/// [`DecodeError`] (with the verified text kept) when the body is not a JSON object.
pub fn success_node(method: &str, text: String) -> Result<ResponseNode, DecodeError> {
    let mut value: Map<String, Value> = match serde_json::from_str(&text) {
        Ok(Value::Object(map)) => map,
        _ => {
            return Err(DecodeError {
                message: format!("the v3 answer to {method} is not a JSON object"),
                verified_node: Some(text),
            });
        }
    };
    if !value.contains_key("code") {
        let paid = value.get("gmt_payment").and_then(Value::as_str).is_some_and(|t| !t.trim().is_empty());
        let code = if method == PAY_METHOD && !paid { CODE_WAIT_BUYER } else { CODE_SUCCESS };
        value.insert("code".into(), code.into());
        value.entry("msg").or_insert_with(|| "Success".into());
    }
    Ok(ResponseNode {
        method: method.to_string(),
        node_name: crate::response::response_node_name(method),
        raw: text,
        value,
        signed: true,
        alipay_cert_sn: None,
    })
}

fn reason_phrase(status: u16) -> &'static str {
    match status {
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        409 => "Conflict",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        s if s >= 500 => "Server Error",
        _ => "Client Error",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_v3_error_maps_into_the_v2_structure() {
        let body =
            r#"{"code":"ACQ.TRADE_NOT_EXIST","message":"交易不存在","links":[{"desc":"诊断","url":"https://x"}]}"#;
        let e = gateway_error("alipay.trade.query", 400, body.as_bytes(), true).expect("a v3 error");
        assert_eq!((e.code.as_str(), e.msg.as_str()), ("400", "Bad Request"));
        assert_eq!(e.sub_code.as_deref(), Some("ACQ.TRADE_NOT_EXIST"));
        assert_eq!(e.sub_msg.as_deref(), Some("交易不存在"));
        assert_eq!((e.http_status, e.verified), (Some(400), true));
        assert_eq!(e.links, vec![ErrorLink { desc: "诊断".into(), url: "https://x".into() }]);
        assert!(!e.is_outcome_unknown());
        let busy = gateway_error("alipay.trade.pay", 500, br#"{"code":"SYSTEM_ERROR","message":"m"}"#, true);
        assert!(busy.expect("v3 error").is_outcome_unknown());
        let acq = gateway_error("alipay.trade.pay", 400, br#"{"code":"ACQ.SYSTEM_ERROR"}"#, true);
        assert!(acq.expect("v3 error").is_outcome_unknown());
        assert!(gateway_error("alipay.trade.pay", 502, b"<html>Bad Gateway</html>", false).is_none());
    }

    #[test]
    fn a_v3_pay_is_paid_only_with_its_payment_time() {
        let paid = success_node(PAY_METHOD, r#"{"trade_no":"1","gmt_payment":"2024-05-01 10:00:00"}"#.into());
        assert_eq!(paid.expect("object").code(), CODE_SUCCESS);
        let waiting = success_node(PAY_METHOD, r#"{"trade_no":"1"}"#.into()).expect("object");
        assert_eq!(waiting.code(), CODE_WAIT_BUYER);
        let query = success_node("alipay.trade.query", r#"{"trade_status":"WAIT_BUYER_PAY"}"#.into());
        assert_eq!(query.expect("object").code(), CODE_SUCCESS);
        let own_code = success_node(PAY_METHOD, r#"{"code":"10003","gmt_payment":"x"}"#.into());
        assert_eq!(own_code.expect("object").code(), CODE_WAIT_BUYER);
        let not_object = success_node("alipay.trade.query", "[1]".into()).expect_err("array");
        assert_eq!(not_object.verified_node.as_deref(), Some("[1]"));
    }
}
