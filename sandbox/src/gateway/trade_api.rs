//! The trade methods, against the sandbox's [`TradeBook`]: each returns the answer node; state changes
//! are pushed to `events` for notification.

use std::time::{Duration, SystemTime};

use alipay_core::Money;
use alipay_core::clock::{format_shanghai, parse_shanghai};
use alipay_core::trade::{CancelAction, TradeStatus};
use serde_json::json;

use super::answer::{Node, amount, zero};
use super::request::GatewayRequest;
use crate::buyer::Buyer;
use crate::trades::{
    DEFAULT_TIMEOUT, Event, Origin, Refund, Trade, TradeBook, close, mark_paid, parse_timeout_express,
};

/// How long after payment a face-to-face trade may still be cancelled (then: refund instead).
pub const CANCEL_WINDOW: Duration = Duration::from_secs(24 * 3600);

/// The buyer every sandbox payment comes from.
pub const BUYER_USER_ID: &str = "2088102146225135";
/// Their masked account.
pub const BUYER_LOGON_ID: &str = "159****5620";

type Answer = Result<Node, Node>;

fn invalid(what: &str) -> Node {
    Node::business_failure("ACQ.INVALID_PARAMETER", &format!("参数无效: {what}"))
}

fn not_exist() -> Node {
    Node::business_failure("ACQ.TRADE_NOT_EXIST", "交易不存在")
}

fn text<'a>(req: &'a GatewayRequest, name: &str, max: usize) -> Result<&'a str, Node> {
    match req.biz_str(name) {
        Some(v) if v.chars().count() <= max => Ok(v),
        Some(_) => Err(invalid(&format!("{name} 过长"))),
        None => Err(invalid(&format!("缺少 {name}"))),
    }
}

fn money(req: &GatewayRequest, name: &str) -> Result<Money, Node> {
    req.biz_str(name).ok_or_else(|| invalid(&format!("缺少 {name}")))?.parse().map_err(|_| invalid(name))
}

/// The deadline of an unpaid trade: `time_expire`, else `timeout_express`, else the default.
fn expiry(req: &GatewayRequest, now: SystemTime) -> Result<SystemTime, Node> {
    if let Some(at) = req.biz_str("time_expire") {
        return parse_shanghai(at).map(|at| req.client_time(at)).ok_or_else(|| invalid("time_expire"));
    }
    match req.biz_str("timeout_express") {
        Some(t) => Ok(now + parse_timeout_express(t, now).ok_or_else(|| invalid("timeout_express"))?),
        None => Ok(now + DEFAULT_TIMEOUT),
    }
}

fn new_trade(book: &mut TradeBook, req: &GatewayRequest, origin: Origin, now: SystemTime) -> Result<Trade, Node> {
    Ok(Trade {
        out_trade_no: text(req, "out_trade_no", 64)?.to_string(),
        charset: req.charset,
        trade_no: book.next_trade_no(now),
        origin,
        status: TradeStatus::WaitBuyerPay,
        total_amount: money(req, "total_amount")?,
        subject: text(req, "subject", 256)?.to_string(),
        store_id: req.biz_str("store_id").map(str::to_string),
        notify_url: req.param("notify_url").map(str::to_string),
        passback_params: req.biz_str("passback_params").map(str::to_string),
        scanned: origin != Origin::Precreate,
        qr_code: None,
        created_at: now,
        paid_at: None,
        closed_at: None,
        pay_at: None,
        expires_at: expiry(req, now)?,
        refunds: Vec::new(),
        cancel_action: None,
        cert_mode: req.param("app_cert_sn").is_some(),
    })
}

/// The rules for an `out_trade_no` already used: the same order may be asked again while unpaid;
/// anything else is refused. `Ok(Some(trade))` means "answer about this existing trade".
fn existing<'a>(
    book: &'a mut TradeBook,
    req: &GatewayRequest,
    now: SystemTime,
    events: &mut Vec<Event>,
) -> Result<Option<&'a mut Trade>, Node> {
    let out_trade_no = text(req, "out_trade_no", 64)?;
    let (amount_asked, subject_asked) = (money(req, "total_amount")?, text(req, "subject", 256)?.to_string());
    let Some(trade) = book.get(out_trade_no, now, events) else { return Ok(None) };
    if trade.total_amount != amount_asked || trade.subject != subject_asked {
        return Err(Node::business_failure("ACQ.CONTEXT_INCONSISTENT", "交易信息被篡改"));
    }
    match trade.status {
        TradeStatus::TradeSuccess | TradeStatus::TradeFinished => {
            Err(Node::business_failure("ACQ.TRADE_HAS_SUCCESS", "交易已被支付"))
        }
        TradeStatus::TradeClosed => Err(Node::business_failure("ACQ.TRADE_HAS_CLOSE", "交易已经关闭")),
        _ => Ok(Some(trade)),
    }
}

fn fund_bills(t: &Trade) -> serde_json::Value {
    json!([{"fund_channel": "ALIPAYACCOUNT", "amount": t.total_amount.to_string()}])
}

fn pay_answer(t: &Trade, node: Node) -> Node {
    let paid = t.status.is_paid();
    let paid_amount = if paid { amount(t.total_amount) } else { zero() };
    let node = node
        .with("trade_no", t.trade_no.clone())
        .with("out_trade_no", t.out_trade_no.clone())
        .with("buyer_logon_id", BUYER_LOGON_ID)
        .money("total_amount", t.total_amount)
        .money("receipt_amount", paid_amount)
        .money("buyer_pay_amount", paid_amount)
        .money("point_amount", zero())
        .money("invoice_amount", paid_amount);
    let node = match t.paid_at {
        Some(at) if paid => node.with("gmt_payment", format_shanghai(at)).with("fund_bill_list", fund_bills(t)),
        _ => node,
    };
    node.with("buyer_user_id", BUYER_USER_ID).with_opt("store_name", t.store_id.as_ref().map(|s| format!("{s} 门店")))
}

/// `alipay.trade.pay`: the simulated buyer behind the `auth_code` decides. A refusal names the order,
/// as Alipay's do.
pub fn pay(book: &mut TradeBook, req: &GatewayRequest, now: SystemTime, events: &mut Vec<Event>) -> Answer {
    pay_or_refuse(book, req, now, events).map_err(|refusal| match req.biz_str("out_trade_no") {
        Some(out_trade_no) if refusal.code() == "40004" => refusal.with("out_trade_no", out_trade_no.to_string()),
        _ => refusal,
    })
}

fn pay_or_refuse(book: &mut TradeBook, req: &GatewayRequest, now: SystemTime, events: &mut Vec<Event>) -> Answer {
    let auth_code = text(req, "auth_code", 64)?;
    let scene = req.biz_str("scene").unwrap_or("bar_code");
    if !matches!(scene, "bar_code" | "security_code" | "wave_code") {
        return Err(invalid("scene"));
    }
    if let Some(trade) = existing(book, req, now, events)? {
        // The same order again while the buyer has not paid: still waiting.
        return Ok(pay_answer(trade, Node::waiting()));
    }
    let mut trade = new_trade(book, req, Origin::Pay, now)?;
    if trade.expires_at <= now {
        // A payment that arrives after its own expiry: the trade it would create is closed already.
        return Err(Node::business_failure("ACQ.TRADE_HAS_CLOSE", "交易已超时关闭"));
    }
    match Buyer::from_auth_code(auth_code) {
        Buyer::InvalidCode => {
            Err(Node::business_failure("ACQ.PAYMENT_AUTH_CODE_INVALID", "付款码无效，请用户刷新后重新扫码"))
        }
        Buyer::InsufficientBalance => {
            trade.status = TradeStatus::TradeClosed;
            trade.closed_at = Some(now);
            book.insert(trade);
            Err(Node::business_failure("ACQ.BUYER_BALANCE_NOT_ENOUGH", "买家余额不足"))
        }
        Buyer::PaysAtOnce => {
            mark_paid(&mut trade, now, events);
            Ok(pay_answer(book.insert(trade), Node::success()))
        }
        Buyer::ConfirmsAfter(after) => {
            trade.pay_at = Some(now + after);
            Ok(pay_answer(book.insert(trade), Node::waiting()))
        }
        Buyer::NeverConfirms => Ok(pay_answer(book.insert(trade), Node::waiting())),
        Buyer::SystemErrorPaid => {
            mark_paid(&mut trade, now, events);
            book.insert(trade);
            Err(Node::system_error())
        }
        Buyer::SystemErrorUnpaid => {
            book.insert(trade);
            Err(Node::system_error())
        }
    }
}

/// `alipay.trade.precreate`: a QR code; the trade "does not exist" for queries until scanned.
pub fn precreate(book: &mut TradeBook, req: &GatewayRequest, now: SystemTime, events: &mut Vec<Event>) -> Answer {
    if let Some(trade) = existing(book, req, now, events)? {
        let node = Node::success().with("out_trade_no", trade.out_trade_no.clone());
        return Ok(node.with_opt("qr_code", trade.qr_code.clone()));
    }
    let mut trade = new_trade(book, req, Origin::Precreate, now)?;
    let qr = format!("https://qr.alipay.com/bax0{}", &trade.trade_no[13..]);
    trade.qr_code = Some(qr.clone());
    book.insert(trade);
    Ok(Node::success().with("out_trade_no", text(req, "out_trade_no", 64)?).with("qr_code", qr))
}

/// `alipay.trade.create`: a trade for a known buyer, paid later in their app.
pub fn create(book: &mut TradeBook, req: &GatewayRequest, now: SystemTime, events: &mut Vec<Event>) -> Answer {
    if req.biz_str("buyer_id").is_none() && req.biz_str("buyer_open_id").is_none() {
        return Err(invalid("buyer_id 与 buyer_open_id 不能同时为空"));
    }
    let trade = match existing(book, req, now, events)? {
        Some(t) => t.clone(),
        None => {
            let t = new_trade(book, req, Origin::Create, now)?;
            book.insert(t).clone()
        }
    };
    Ok(Node::success().with("out_trade_no", trade.out_trade_no).with("trade_no", trade.trade_no))
}

fn find<'a>(
    book: &'a mut TradeBook,
    req: &GatewayRequest,
    now: SystemTime,
    events: &mut Vec<Event>,
) -> Result<&'a mut Trade, Node> {
    let (out, no) = (req.biz_str("out_trade_no"), req.biz_str("trade_no"));
    if out.is_none() && no.is_none() {
        return Err(invalid("out_trade_no 与 trade_no 不能同时为空"));
    }
    book.find(out, no, now, events).ok_or_else(not_exist)
}

/// `alipay.trade.query`.
pub fn query(book: &mut TradeBook, req: &GatewayRequest, now: SystemTime, events: &mut Vec<Event>) -> Answer {
    let t = find(book, req, now, events)?;
    if !t.visible() {
        return Err(not_exist());
    }
    let paid = t.paid_at.is_some();
    let refunded = alipay_core::Amount::from_fen(t.refunded());
    let received = if paid { alipay_core::Amount::from_fen(t.total_amount.fen() - refunded.fen()) } else { zero() };
    let node = Node::success()
        .with("trade_no", t.trade_no.clone())
        .with("out_trade_no", t.out_trade_no.clone())
        .with("buyer_logon_id", BUYER_LOGON_ID)
        .with("trade_status", t.status.as_str())
        .money("total_amount", t.total_amount)
        .money("buyer_pay_amount", if paid { amount(t.total_amount) } else { zero() })
        .money("point_amount", zero())
        .money("invoice_amount", received)
        .money("receipt_amount", received);
    let node = match t.paid_at {
        Some(at) => node.with("send_pay_date", format_shanghai(at)).with("fund_bill_list", fund_bills(t)),
        None => node,
    };
    Ok(node.with("buyer_user_id", BUYER_USER_ID).with_opt("store_id", t.store_id.clone()))
}

/// `alipay.trade.refund`: partial or full, idempotent by `out_request_no`, never more than was paid.
pub fn refund(book: &mut TradeBook, req: &GatewayRequest, now: SystemTime, events: &mut Vec<Event>) -> Answer {
    let asked = money(req, "refund_amount")?;
    let t = find(book, req, now, events)?;
    if !t.visible() {
        return Err(not_exist());
    }
    let out_request_no = req.biz_str("out_request_no").unwrap_or(&t.out_trade_no).to_string();
    let answer = |t: &Trade, fund_change: &str, refund: &Refund| {
        Node::success()
            .with("trade_no", t.trade_no.clone())
            .with("out_trade_no", t.out_trade_no.clone())
            .with("buyer_logon_id", BUYER_LOGON_ID)
            .with("fund_change", fund_change)
            .money("refund_fee", alipay_core::Amount::from_fen(t.refunded()))
            .with("gmt_refund_pay", format_shanghai(refund.at))
            .with("buyer_user_id", BUYER_USER_ID)
            .money("send_back_fee", refund.amount)
    };
    if let Some(previous) = t.refunds.iter().find(|r| r.out_request_no == out_request_no) {
        return if previous.amount == asked {
            Ok(answer(t, "N", previous))
        } else {
            Err(Node::business_failure("ACQ.DISCORDANT_REPEAT_REQUEST", "请求信息不一致"))
        };
    }
    match t.status {
        TradeStatus::TradeSuccess => {}
        TradeStatus::WaitBuyerPay => return Err(Node::business_failure("ACQ.TRADE_STATUS_ERROR", "交易状态不合法")),
        TradeStatus::TradeFinished => return Err(Node::business_failure("ACQ.TRADE_HAS_FINISHED", "交易已完结")),
        _ => return Err(Node::business_failure("ACQ.TRADE_HAS_CLOSE", "交易已经关闭")),
    }
    if t.refunded() + asked.fen() > t.total_amount.fen() {
        return Err(Node::business_failure("ACQ.REFUND_AMT_NOT_EQUAL_TOTAL", "退款金额超限"));
    }
    let refund =
        Refund { out_request_no, amount: asked, at: now, reason: req.biz_str("refund_reason").map(str::to_string) };
    t.refunds.push(refund.clone());
    if t.refunded() == t.total_amount.fen() {
        t.status = TradeStatus::TradeClosed;
        t.closed_at = Some(now);
    }
    events.push(Event { trade: t.clone(), refund: Some(refund.clone()) });
    Ok(answer(t, "Y", &refund))
}

/// `alipay.trade.fastpay.refund.query`: an unknown `out_request_no` answers `10000` with no status.
pub fn refund_query(book: &mut TradeBook, req: &GatewayRequest, now: SystemTime, events: &mut Vec<Event>) -> Answer {
    let out_request_no = text(req, "out_request_no", 64)?.to_string();
    let t = find(book, req, now, events)?;
    if !t.visible() {
        return Err(not_exist());
    }
    let node = Node::success().with("trade_no", t.trade_no.clone()).with("out_trade_no", t.out_trade_no.clone());
    let node = node.with("out_request_no", out_request_no.clone());
    Ok(match t.refunds.iter().find(|r| r.out_request_no == out_request_no) {
        Some(r) => node
            .money("total_amount", t.total_amount)
            .money("refund_amount", r.amount)
            .with("refund_status", "REFUND_SUCCESS")
            .with("gmt_refund_pay", format_shanghai(r.at))
            .money("send_back_fee", r.amount),
        None => node,
    })
}

fn cancel_answer(t: &Trade, action: &CancelAction) -> Node {
    Node::success()
        .with("trade_no", t.trade_no.clone())
        .with("out_trade_no", t.out_trade_no.clone())
        .with("retry_flag", "N")
        .with("action", action.as_str())
}

/// `alipay.trade.cancel`: closes an unpaid trade, refunds a paid one (within the cancel window).
pub fn cancel(book: &mut TradeBook, req: &GatewayRequest, now: SystemTime, events: &mut Vec<Event>) -> Answer {
    let t = match find(book, req, now, events) {
        Ok(t) => t,
        Err(node) if node.code() == "40004" => {
            // Nothing to cancel: Alipay answers success without an action.
            let node = Node::success().with_opt("out_trade_no", req.biz_str("out_trade_no").map(str::to_string));
            return Ok(node.with("retry_flag", "N"));
        }
        Err(node) => return Err(node),
    };
    if let Some(action) = t.cancel_action.clone() {
        return Ok(cancel_answer(t, &action));
    }
    let action = match t.status {
        TradeStatus::WaitBuyerPay => {
            close(t, now, events);
            CancelAction::Close
        }
        TradeStatus::TradeSuccess => {
            let paid_at = t.paid_at.unwrap_or(t.created_at);
            if now.duration_since(paid_at).unwrap_or_default() > CANCEL_WINDOW {
                return Err(Node::business_failure("ACQ.TRADE_CANCEL_TIME_OUT", "超过撤销时间范围，请使用退款接口"));
            }
            let rest = t.total_amount.fen() - t.refunded();
            if let Ok(rest) = Money::from_fen(rest) {
                t.refunds.push(Refund {
                    out_request_no: format!("cancel-{}", t.trade_no),
                    amount: rest,
                    at: now,
                    reason: None,
                });
            }
            close(t, now, events);
            CancelAction::Refund
        }
        TradeStatus::TradeFinished => return Err(Node::business_failure("ACQ.TRADE_HAS_FINISHED", "交易已完结")),
        _ if t.refunds.is_empty() => CancelAction::Close,
        _ => CancelAction::Refund,
    };
    t.cancel_action = Some(action.clone());
    Ok(cancel_answer(t, &action))
}

/// `alipay.trade.close`: only an unpaid trade can be closed; a QR code nobody scanned "does not exist".
pub fn close_trade(book: &mut TradeBook, req: &GatewayRequest, now: SystemTime, events: &mut Vec<Event>) -> Answer {
    let t = find(book, req, now, events)?;
    if !t.visible() {
        return Err(not_exist());
    }
    match t.status {
        TradeStatus::WaitBuyerPay => close(t, now, events),
        TradeStatus::TradeClosed if t.paid_at.is_none() => {}
        _ => return Err(Node::business_failure("ACQ.TRADE_STATUS_ERROR", "交易状态不合法")),
    }
    Ok(Node::success().with("trade_no", t.trade_no.clone()).with("out_trade_no", t.out_trade_no.clone()))
}
