//! Trades as JSON, for the sandbox-only HTTP endpoints (cross-language tests read the ground truth).

use alipay_core::clock::format_shanghai;
use serde_json::{Value, json};

use crate::trades::{Origin, Trade};

/// A trade as JSON.
pub fn trade_json(t: &Trade) -> Value {
    json!({
        "out_trade_no": t.out_trade_no,
        "trade_no": t.trade_no,
        "origin": match t.origin { Origin::Pay => "pay", Origin::Precreate => "precreate", Origin::Create => "create" },
        "trade_status": t.status.as_str(),
        "total_amount": t.total_amount.to_string(),
        "refunded_amount": alipay_core::Amount::from_fen(t.refunded()).to_string(),
        "refunds": t.refunds.iter().map(|r| json!({
            "out_request_no": r.out_request_no, "amount": r.amount.to_string(), "at": format_shanghai(r.at),
        })).collect::<Vec<_>>(),
        "subject": t.subject,
        "scanned": t.scanned,
        "qr_code": t.qr_code,
        "created_at": format_shanghai(t.created_at),
        "paid_at": t.paid_at.map(format_shanghai),
        "closed_at": t.closed_at.map(format_shanghai),
        "cancel_action": t.cancel_action.as_ref().map(|a| a.as_str().to_string()),
    })
}
