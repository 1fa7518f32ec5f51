//! What a workflow reports: the truth about the trade or the refund, and how it was established.

use std::sync::Arc;

use serde::Serialize;
use serde_json::{Value, json};

use crate::error::{Error, GatewayError};
use crate::money::Amount;
use crate::trade::{
    CancelAction, TradeFastpayRefundQueryResponse, TradePayResponse, TradeQueryResponse, TradeRefundResponse,
    TradeStatus,
};

/// The end of a payment workflow.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct PaymentOutcome {
    /// Your order number.
    pub out_trade_no: String,
    /// Alipay's trade number, when an answer told it.
    pub trade_no: Option<String>,
    /// Paid, not paid, or unknown.
    pub status: PaymentStatus,
    /// What the workflow did to find out.
    pub history: History,
}

impl PaymentOutcome {
    /// `true` only when a verified answer said the buyer paid.
    pub fn is_paid(&self) -> bool {
        matches!(self.status, PaymentStatus::Paid(_))
    }

    /// The paid amount, when paid and the answer said it.
    pub fn total_amount(&self) -> Option<Amount> {
        match &self.status {
            PaymentStatus::Paid(PaidEvidence::Pay(r)) => r.total_amount,
            PaymentStatus::Paid(PaidEvidence::Query(r)) => r.total_amount,
            _ => None,
        }
    }

    /// The short JSON summary written to the journal.
    pub fn summary(&self) -> Value {
        let mut v = json!({"out_trade_no": self.out_trade_no, "trade_no": self.trade_no});
        let fields = match &self.status {
            PaymentStatus::Paid(e) => {
                let (evidence, paid_at) = match e {
                    PaidEvidence::Pay(r) => ("pay", r.gmt_payment.clone()),
                    PaidEvidence::Query(r) => ("query", r.send_pay_date.clone()),
                };
                json!({"status": "paid", "evidence": evidence, "paid_at": paid_at})
            }
            PaymentStatus::NotPaid(reason) => {
                let mut r = json!({"status": "not_paid", "reason": reason.as_str()});
                match reason {
                    NotPaidReason::Failed(g) => r["sub_code"] = json!(g.sub_code.as_deref().unwrap_or(&g.code)),
                    NotPaidReason::Cancelled { action, cause } => {
                        r["action"] = json!(action.as_str());
                        r["cause"] = json!(cause.as_str());
                    }
                    _ => {}
                }
                r
            }
            PaymentStatus::Unknown { last_known, error } => json!({
                "status": "unknown",
                "last_known": last_known.as_ref().map(TradeStatus::as_str),
                "error": error.as_ref().map(ToString::to_string),
            }),
        };
        merge(&mut v, fields);
        v["queries"] = json!(self.history.queries);
        v["cancel_attempts"] = json!(self.history.cancel_attempts);
        v
    }
}

/// Whether the buyer paid.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum PaymentStatus {
    /// The buyer paid; the evidence is the verified answer that said so. Hand over the goods.
    Paid(PaidEvidence),
    /// The buyer did not pay, or was refunded in full by the cancel. Do not hand over the goods.
    NotPaid(NotPaidReason),
    /// The truth could not be established: the trade's cancel stayed unknown after every retry. The
    /// journal keeps the workflow as unresolved and `recover()` tries again. Do not hand over goods.
    Unknown {
        /// The last trade state a verified query reported.
        last_known: Option<TradeStatus>,
        /// The last error met.
        error: Option<Arc<Error>>,
    },
}

/// The verified answer that proves a payment. Serialized as the answer itself.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(untagged)]
pub enum PaidEvidence {
    /// `alipay.trade.pay` answered `10000`.
    Pay(Box<TradePayResponse>),
    /// `alipay.trade.query` answered `TRADE_SUCCESS` or `TRADE_FINISHED`.
    Query(Box<TradeQueryResponse>),
}

/// How a payment ended unpaid.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum NotPaidReason {
    /// Alipay refused the payment (a verified `40004`, e.g. `ACQ.BUYER_BALANCE_NOT_ENOUGH`): show
    /// `sub_msg` to the cashier.
    Failed(GatewayError),
    /// The request never reached Alipay (the connection could not be made).
    NotSent(Arc<Error>),
    /// Alipay closed the trade by itself (it timed out) before anyone paid.
    Closed,
    /// The workflow cancelled the trade: `action` says whether it was closed unpaid or paid and refunded.
    Cancelled {
        /// `close` (nobody paid) or `refund` (the buyer paid; the money went back).
        action: CancelAction,
        /// Why the workflow cancelled.
        cause: CancelCause,
    },
    /// Alipay has no such trade: the payment never created one (the cancel found nothing to undo).
    NotCreated,
}

impl NotPaidReason {
    /// A stable name: `failed`, `not_sent`, `closed`, `cancelled`, `not_created`.
    pub fn as_str(&self) -> &'static str {
        match self {
            NotPaidReason::Failed(_) => "failed",
            NotPaidReason::NotSent(_) => "not_sent",
            NotPaidReason::Closed => "closed",
            NotPaidReason::Cancelled { .. } => "cancelled",
            NotPaidReason::NotCreated => "not_created",
        }
    }
}

/// Why a workflow cancelled a trade.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum CancelCause {
    /// The buyer did not pay within the policy's queries or deadline.
    BuyerTimeout,
    /// The caller asked (the handle's `cancel()`, or the handle was dropped).
    Requested,
    /// The payment's own answer was lost or unknown, and no verified query showed it paid.
    OutcomeUnknown,
    /// `recover()` found the workflow unfinished after a crash.
    Recovered,
}

impl CancelCause {
    /// A stable name: `buyer_timeout`, `requested`, `outcome_unknown`, `recovered`.
    pub fn as_str(self) -> &'static str {
        match self {
            CancelCause::BuyerTimeout => "buyer_timeout",
            CancelCause::Requested => "requested",
            CancelCause::OutcomeUnknown => "outcome_unknown",
            CancelCause::Recovered => "recovered",
        }
    }
}

/// What a payment workflow did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[non_exhaustive]
pub struct History {
    /// Queries sent.
    pub queries: u32,
    /// Cancels sent.
    pub cancel_attempts: u32,
    /// Answers that failed signature verification (never believed).
    pub unverified_answers: u32,
}

/// The end of a refund workflow.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct RefundOutcome {
    /// Your order number, when the refund named the trade by it.
    pub out_trade_no: Option<String>,
    /// Alipay's trade number, when known.
    pub trade_no: Option<String>,
    /// The refund's number: the same on every attempt.
    pub out_request_no: String,
    /// Refunded, rejected, or unknown.
    pub status: RefundResult,
    /// What the workflow did to find out.
    pub history: RefundHistory,
}

impl RefundOutcome {
    /// `true` when a verified answer showed the refund made.
    pub fn is_refunded(&self) -> bool {
        matches!(self.status, RefundResult::Refunded(_))
    }

    /// The short JSON summary written to the journal.
    pub fn summary(&self) -> Value {
        let mut v = json!({
            "out_trade_no": self.out_trade_no,
            "trade_no": self.trade_no,
            "out_request_no": self.out_request_no,
            "attempts": self.history.attempts,
            "queries": self.history.queries,
        });
        let fields = match &self.status {
            RefundResult::Refunded(RefundEvidence::Refund(r)) => {
                json!({"status": "refunded", "evidence": "refund", "refunded_at": r.gmt_refund_pay})
            }
            RefundResult::Refunded(RefundEvidence::Query(r)) => {
                json!({"status": "refunded", "evidence": "query", "refunded_at": r.gmt_refund_pay})
            }
            RefundResult::Rejected(g) => {
                json!({"status": "rejected", "sub_code": g.sub_code.as_deref().unwrap_or(&g.code)})
            }
            RefundResult::NotSent(e) => json!({"status": "not_sent", "error": e.to_string()}),
            RefundResult::Unknown { error } => {
                json!({"status": "unknown", "error": error.as_ref().map(ToString::to_string)})
            }
        };
        merge(&mut v, fields);
        v
    }
}

/// Whether the refund was made.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum RefundResult {
    /// The refund was made (exactly once, whatever the retries).
    Refunded(RefundEvidence),
    /// Alipay refused it (a verified error such as `ACQ.TRADE_HAS_CLOSE` or an amount over what is left).
    Rejected(GatewayError),
    /// No attempt reached Alipay: nothing was refunded. Calling again with the same `out_request_no` is safe.
    NotSent(Arc<Error>),
    /// Still unknown after every attempt and query. The journal keeps it as unresolved and
    /// `recover()` re-sends it with the same `out_request_no`.
    Unknown {
        /// The last error met.
        error: Option<Arc<Error>>,
    },
}

/// The verified answer that proves a refund. Serialized as the answer itself.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(untagged)]
pub enum RefundEvidence {
    /// `alipay.trade.refund` answered with `fund_change=Y`: this call moved the money.
    Refund(Box<TradeRefundResponse>),
    /// `alipay.trade.fastpay.refund.query` answered `REFUND_SUCCESS`.
    Query(Box<TradeFastpayRefundQueryResponse>),
}

/// What a refund workflow did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[non_exhaustive]
pub struct RefundHistory {
    /// Refund requests sent (all with the same `out_request_no`).
    pub attempts: u32,
    /// Refund queries sent.
    pub queries: u32,
    /// Answers that failed signature verification (never believed).
    pub unverified_answers: u32,
}

fn merge(into: &mut Value, from: Value) {
    if let (Value::Object(a), Value::Object(b)) = (into, from) {
        a.extend(b);
    }
}
