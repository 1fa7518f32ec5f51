//! The gateway: the request read and its signature verified (v2 parameters in `request`, v3 headers in
//! `v3`), the business method run against the trade book, the answer signed — with faults applied
//! around it when asked for.

pub(crate) mod answer;
pub(crate) mod multipart;
pub(crate) mod request;
pub(crate) mod trade_api;
pub(crate) mod v3;

use std::time::SystemTime;

use alipay_core::PublicKey;

use crate::trades::{Event, TradeBook};
use answer::Node;
use request::GatewayRequest;

/// The methods the sandbox speaks.
pub const METHODS: &[&str] = &[
    "alipay.trade.pay",
    "alipay.trade.precreate",
    "alipay.trade.create",
    "alipay.trade.query",
    "alipay.trade.refund",
    "alipay.trade.fastpay.refund.query",
    "alipay.trade.cancel",
    "alipay.trade.close",
    "alipay.data.dataservice.bill.downloadurl.query",
    "alipay.open.app.alipaycert.download",
    "alipay.open.file.upload",
    "alipay.offline.material.image.upload",
];

/// Why a request was refused before any business logic ran.
pub(crate) enum Refused {
    /// Refused for a method the gateway knows: answered in that method's node, signed (as Alipay does,
    /// e.g. for `isv.invalid-signature`).
    InMethodNode { method: String, charset: alipay_core::Charset, sign_type: alipay_core::SignType, node: Node },
    /// No usable method: an unsigned `error_response` body, in the charset the request declared.
    ErrorResponse(Vec<u8>, alipay_core::Charset),
}

/// Parses and checks a gateway request.
pub(crate) fn read_request(
    query: &str,
    body: &[u8],
    app_id: &str,
    key: &PublicKey,
    encrypt_key: Option<&alipay_core::encrypt::EncryptKey>,
) -> Result<GatewayRequest, Refused> {
    let charset = request::declared_charset(query);
    let req = request::read(query, body, app_id, key, encrypt_key).map_err(|r| {
        let known = request::declared_method(query).filter(|m| METHODS.contains(&m.as_str()));
        match known {
            Some(method) => Refused::InMethodNode {
                method,
                charset,
                sign_type: request::declared_sign_type(query),
                node: Node::failure(r.code, r.msg, r.sub_code, &r.sub_msg),
            },
            None => Refused::ErrorResponse(answer::error_body(r.code, r.msg, r.sub_code, &r.sub_msg, charset), charset),
        }
    })?;
    if !METHODS.contains(&req.method.as_str()) {
        let sub_msg = format!("不存在的方法名: {}", req.method);
        return Err(Refused::ErrorResponse(
            answer::error_body("40002", "Invalid Arguments", "isv.invalid-method", &sub_msg, charset),
            charset,
        ));
    }
    Ok(req)
}

/// Runs a trade method; the bill query is answered by the caller (it needs the server's URL).
pub(crate) fn run_trade_method(
    book: &mut TradeBook,
    req: &GatewayRequest,
    now: SystemTime,
    events: &mut Vec<Event>,
) -> Node {
    let result = match req.method.as_str() {
        "alipay.trade.pay" => trade_api::pay(book, req, now, events),
        "alipay.trade.precreate" => trade_api::precreate(book, req, now, events),
        "alipay.trade.create" => trade_api::create(book, req, now, events),
        "alipay.trade.query" => trade_api::query(book, req, now, events),
        "alipay.trade.refund" => trade_api::refund(book, req, now, events),
        "alipay.trade.fastpay.refund.query" => trade_api::refund_query(book, req, now, events),
        "alipay.trade.cancel" => trade_api::cancel(book, req, now, events),
        "alipay.trade.close" => trade_api::close_trade(book, req, now, events),
        other => Err(Node::failure("40002", "Invalid Arguments", "isv.invalid-method", other)),
    };
    result.unwrap_or_else(|failure| failure)
}
