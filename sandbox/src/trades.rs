//! Trades with real state, per `out_trade_no`:
//! `WAIT_BUYER_PAY → TRADE_SUCCESS → TRADE_CLOSED` (fully refunded) or `TRADE_FINISHED`, and
//! `WAIT_BUYER_PAY → TRADE_CLOSED` (close, cancel, timeout). Time-driven changes (a buyer confirming, a
//! timeout) happen when virtual time passes them; each change is reported as an [`Event`].

use std::collections::HashMap;
use std::time::{Duration, SystemTime};

use alipay_core::Money;
use alipay_core::trade::{CancelAction, TradeStatus};

/// How a trade came to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// `alipay.trade.pay` (barcode).
    Pay,
    /// `alipay.trade.precreate` (QR code).
    Precreate,
    /// `alipay.trade.create`.
    Create,
}

/// One refund of a trade.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refund {
    /// The refund's number.
    pub out_request_no: String,
    /// Its amount.
    pub amount: Money,
    /// When it was made (virtual time).
    pub at: SystemTime,
    /// The reason given.
    pub reason: Option<String>,
}

/// A trade as the sandbox holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trade {
    /// The merchant's order number.
    pub out_trade_no: String,
    /// The charset of the request that created it: its notifications come in it.
    pub charset: alipay_core::Charset,
    /// The sandbox's trade number (28 digits, like Alipay's).
    pub trade_no: String,
    /// How it was created.
    pub origin: Origin,
    /// Its state.
    pub status: TradeStatus,
    /// The amount.
    pub total_amount: Money,
    /// The title.
    pub subject: String,
    /// The store, when given.
    pub store_id: Option<String>,
    /// Where notifications go.
    pub notify_url: Option<String>,
    /// Echoed in notifications.
    pub passback_params: Option<String>,
    /// For precreated trades: has a buyer scanned the QR code? Until then the trade "does not exist".
    pub scanned: bool,
    /// The QR code content (precreate).
    pub qr_code: Option<String>,
    /// Created (virtual time).
    pub created_at: SystemTime,
    /// Paid.
    pub paid_at: Option<SystemTime>,
    /// Closed.
    pub closed_at: Option<SystemTime>,
    /// When a confirming buyer will pay.
    pub pay_at: Option<SystemTime>,
    /// When an unpaid trade closes by itself.
    pub expires_at: SystemTime,
    /// The refunds, in order.
    pub refunds: Vec<Refund>,
    /// What a cancel did, once one has (repeat cancels answer the same).
    pub cancel_action: Option<CancelAction>,
    /// The app created it in certificate mode: its notifications are signed with Alipay's current
    /// certificate and name it in `alipay_cert_sn`.
    pub cert_mode: bool,
}

impl Trade {
    /// The total refunded so far.
    pub fn refunded(&self) -> i64 {
        self.refunds.iter().map(|r| r.amount.fen()).sum()
    }

    /// `true` when a query would find it (a precreated trade exists once scanned).
    pub fn visible(&self) -> bool {
        self.origin != Origin::Precreate || self.scanned
    }
}

/// A state change worth a notification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// The trade after the change.
    pub trade: Trade,
    /// For refunds, the refund that caused the event.
    pub refund: Option<Refund>,
}

/// Every trade of the sandbox.
#[derive(Debug, Default)]
pub struct TradeBook {
    trades: HashMap<String, Trade>,
    seq: u64,
}

/// The trade timeout when a request gives none (the face-to-face default is 2 hours).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(2 * 3600);

impl TradeBook {
    /// The next trade number: `yyyyMMdd` + `22001` + 15 digits, 28 in all.
    pub fn next_trade_no(&mut self, now: SystemTime) -> String {
        self.seq += 1;
        let date = alipay_core::clock::format_shanghai(now);
        format!("{}{}{}22001{:015}", &date[0..4], &date[5..7], &date[8..10], self.seq)
    }

    /// A trade by `out_trade_no`, after applying what virtual time has done to it.
    pub fn get(&mut self, out_trade_no: &str, now: SystemTime, events: &mut Vec<Event>) -> Option<&mut Trade> {
        let trade = self.trades.get_mut(out_trade_no)?;
        settle(trade, now, events);
        Some(trade)
    }

    /// A trade by either number.
    pub fn find(
        &mut self,
        out_trade_no: Option<&str>,
        trade_no: Option<&str>,
        now: SystemTime,
        events: &mut Vec<Event>,
    ) -> Option<&mut Trade> {
        let key = match (trade_no, out_trade_no) {
            (Some(t), _) if !t.is_empty() => {
                self.trades.values().find(|tr| tr.trade_no == t).map(|tr| tr.out_trade_no.clone())?
            }
            (_, Some(o)) => o.to_string(),
            _ => return None,
        };
        self.get(&key, now, events)
    }

    /// A trade by its QR code or its `out_trade_no`.
    pub fn by_qr(&mut self, code: &str, now: SystemTime, events: &mut Vec<Event>) -> Option<&mut Trade> {
        let key = self
            .trades
            .values()
            .find(|t| t.qr_code.as_deref() == Some(code) || t.out_trade_no == code)
            .map(|t| t.out_trade_no.clone())?;
        self.get(&key, now, events)
    }

    /// Stores a new trade.
    pub fn insert(&mut self, trade: Trade) -> &mut Trade {
        let key = trade.out_trade_no.clone();
        self.trades.insert(key.clone(), trade);
        self.trades.get_mut(&key).expect("just inserted")
    }

    /// Applies virtual time to every trade.
    pub fn settle_all(&mut self, now: SystemTime, events: &mut Vec<Event>) {
        for trade in self.trades.values_mut() {
            settle(trade, now, events);
        }
    }

    /// Every trade (a snapshot).
    pub fn all(&self) -> Vec<Trade> {
        let mut all: Vec<Trade> = self.trades.values().cloned().collect();
        all.sort_by_key(|t| t.trade_no.clone());
        all
    }
}

/// Applies what virtual time does: a confirming buyer pays, an unpaid trade times out.
fn settle(trade: &mut Trade, now: SystemTime, events: &mut Vec<Event>) {
    if trade.status != TradeStatus::WaitBuyerPay {
        return;
    }
    if let Some(at) = trade.pay_at.filter(|at| *at <= now && *at < trade.expires_at) {
        trade.pay_at = None;
        mark_paid(trade, at, events);
    } else if trade.expires_at <= now {
        close(trade, trade.expires_at, events);
    }
}

/// The buyer paid.
pub fn mark_paid(trade: &mut Trade, at: SystemTime, events: &mut Vec<Event>) {
    trade.status = TradeStatus::TradeSuccess;
    trade.paid_at = Some(at);
    trade.scanned = true;
    events.push(Event { trade: trade.clone(), refund: None });
}

/// The trade closed (unpaid, or fully refunded).
pub fn close(trade: &mut Trade, at: SystemTime, events: &mut Vec<Event>) {
    trade.status = TradeStatus::TradeClosed;
    trade.closed_at = Some(at);
    trade.pay_at = None;
    events.push(Event { trade: trade.clone(), refund: None });
}

/// Parses `timeout_express` (`90m`, `2h`, `1d`, `1c` = until midnight) into a duration.
pub fn parse_timeout_express(s: &str, now: SystemTime) -> Option<Duration> {
    let (num, unit) = s.split_at(s.len().checked_sub(1)?);
    let n: u64 = num.parse().ok()?;
    match unit {
        "m" => Some(Duration::from_secs(n * 60)),
        "h" => Some(Duration::from_secs(n * 3600)),
        "d" => Some(Duration::from_secs(n * 86400)),
        "c" if n == 1 => {
            let t = alipay_core::clock::format_shanghai(now);
            let midnight =
                alipay_core::clock::parse_shanghai(&format!("{} 00:00:00", &t[..10]))? + Duration::from_secs(86400);
            midnight.duration_since(now).ok()
        }
        _ => None,
    }
}
