//! The public shape of outcomes and events: how every language binding shows them, serialized
//! once, here. (The journal stores its own, shorter [`PaymentOutcome::summary`].)
//!
//! An outcome is one flat record: `status` says what happened, `is_paid` / `is_refunded` whether to
//! hand over the goods, `evidence` and `response` which verified answer proves it, `reason` /
//! `action` / `cause` / `error` why it is not paid, and the counts say what the workflow did.

use serde::{Serialize, Serializer};

use super::event::{EventKind, Outcome, WorkflowEvent};
use super::outcome::{
    CancelCause, History, NotPaidReason, PaidEvidence, PaymentOutcome, PaymentStatus, RefundEvidence, RefundHistory,
    RefundOutcome, RefundResult,
};
use super::recover::Recovered;
use crate::error::{Error, ErrorInfo};
use crate::money::Amount;
use crate::trade::{CancelAction, TradeStatus};

/// Whether the buyer paid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
enum PaymentState {
    /// Paid: hand over the goods.
    Paid,
    /// Not paid: do not hand over the goods (`reason` says why).
    NotPaid,
    /// Could not be established: do not hand over the goods; `recover()` finishes it.
    Unknown,
}

/// Which verified answer proves a payment or a refund.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
enum Evidence {
    /// The payment's own answer (`alipay.trade.pay` `10000`).
    Pay,
    /// A query (`alipay.trade.query` paid, or `alipay.trade.fastpay.refund.query` `REFUND_SUCCESS`).
    Query,
    /// The refund's own answer (`alipay.trade.refund` with `fund_change=Y`).
    Refund,
}

/// How a payment ended unpaid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
enum NotPaidKind {
    /// Alipay refused the payment (`error` is its verified refusal).
    Failed,
    /// The request never reached Alipay.
    NotSent,
    /// Alipay closed the trade by itself before anyone paid.
    Closed,
    /// The workflow cancelled the trade (`action`, `cause`).
    Cancelled,
    /// Alipay has no such trade.
    NotCreated,
}

/// Whether a refund was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
enum RefundState {
    /// Made, exactly once.
    Refunded,
    /// Refused by Alipay (`error`).
    Rejected,
    /// No attempt reached Alipay: nothing moved; calling again is safe.
    NotSent,
    /// Still unknown: `recover()` re-sends it with the same `out_request_no`.
    Unknown,
}

/// The end of a payment workflow.
#[derive(Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(rename = "PaymentOutcome"))]
struct PaymentShape<'a> {
    /// Your order number.
    out_trade_no: &'a str,
    /// Alipay's trade number, when an answer told it.
    trade_no: Option<&'a str>,
    /// Paid, not paid, or unknown.
    status: PaymentState,
    /// `true` only when a verified answer said the buyer paid: hand over the goods.
    is_paid: bool,
    /// Paid: which answer proves it.
    evidence: Option<Evidence>,
    /// Paid: the verified answer that proves it (a pay answer or a query answer, as `evidence` says).
    response: Option<&'a PaidEvidence>,
    /// Paid: the amount the answer reported.
    total_amount: Option<Amount>,
    /// Not paid: why.
    reason: Option<NotPaidKind>,
    /// Cancelled: `close` (nobody paid) or `refund` (the buyer paid; the money went back).
    action: Option<&'a CancelAction>,
    /// Cancelled: why the workflow cancelled.
    cause: Option<CancelCause>,
    /// Unknown: the last trade state a verified query reported.
    last_known: Option<&'a TradeStatus>,
    /// Alipay's refusal (`failed`), or the error that left the payment unsent or unknown.
    error: Option<ErrorInfo>,
    /// What the workflow did.
    #[serde(flatten)]
    history: &'a History,
}

impl Serialize for PaymentOutcome {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut shape = PaymentShape {
            out_trade_no: &self.out_trade_no,
            trade_no: self.trade_no.as_deref(),
            status: PaymentState::Paid,
            is_paid: self.is_paid(),
            evidence: None,
            response: None,
            total_amount: self.total_amount(),
            reason: None,
            action: None,
            cause: None,
            last_known: None,
            error: None,
            history: &self.history,
        };
        match &self.status {
            PaymentStatus::Paid(evidence) => {
                shape.evidence = Some(match evidence {
                    PaidEvidence::Pay(_) => Evidence::Pay,
                    PaidEvidence::Query(_) => Evidence::Query,
                });
                shape.response = Some(evidence);
            }
            PaymentStatus::NotPaid(reason) => {
                shape.status = PaymentState::NotPaid;
                shape.reason = Some(match reason {
                    NotPaidReason::Failed(g) => {
                        shape.error = Some(ErrorInfo::from(&Error::from(g.clone())));
                        NotPaidKind::Failed
                    }
                    NotPaidReason::NotSent(e) => {
                        shape.error = Some(ErrorInfo::from(e.as_ref()));
                        NotPaidKind::NotSent
                    }
                    NotPaidReason::Closed => NotPaidKind::Closed,
                    NotPaidReason::Cancelled { action, cause } => {
                        shape.action = Some(action);
                        shape.cause = Some(*cause);
                        NotPaidKind::Cancelled
                    }
                    NotPaidReason::NotCreated => NotPaidKind::NotCreated,
                });
            }
            PaymentStatus::Unknown { last_known, error } => {
                shape.status = PaymentState::Unknown;
                shape.last_known = last_known.as_ref();
                shape.error = error.as_deref().map(ErrorInfo::from);
            }
        }
        shape.serialize(serializer)
    }
}

/// The end of a refund workflow.
#[derive(Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(rename = "RefundOutcome"))]
struct RefundShape<'a> {
    /// Your order number, when the refund named the trade by it.
    out_trade_no: Option<&'a str>,
    /// Alipay's trade number, when known.
    trade_no: Option<&'a str>,
    /// The refund's number: the same on every attempt.
    out_request_no: &'a str,
    /// Refunded, rejected, not sent, or unknown.
    status: RefundState,
    /// `true` when a verified answer showed the refund made.
    is_refunded: bool,
    /// Refunded: which answer proves it.
    evidence: Option<Evidence>,
    /// Refunded: the verified answer that proves it (a refund answer or a refund-query answer).
    response: Option<&'a RefundEvidence>,
    /// Alipay's refusal (`rejected`), or the error that left the refund unsent or unknown.
    error: Option<ErrorInfo>,
    /// What the workflow did.
    #[serde(flatten)]
    history: &'a RefundHistory,
}

impl Serialize for RefundOutcome {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let (status, evidence, response, error) = match &self.status {
            RefundResult::Refunded(e) => {
                let kind = match e {
                    RefundEvidence::Refund(_) => Evidence::Refund,
                    RefundEvidence::Query(_) => Evidence::Query,
                };
                (RefundState::Refunded, Some(kind), Some(e), None)
            }
            RefundResult::Rejected(g) => {
                (RefundState::Rejected, None, None, Some(ErrorInfo::from(&Error::from(g.clone()))))
            }
            RefundResult::NotSent(e) => (RefundState::NotSent, None, None, Some(ErrorInfo::from(e.as_ref()))),
            RefundResult::Unknown { error } => {
                (RefundState::Unknown, None, None, error.as_deref().map(ErrorInfo::from))
            }
        };
        RefundShape {
            out_trade_no: self.out_trade_no.as_deref(),
            trade_no: self.trade_no.as_deref(),
            out_request_no: &self.out_request_no,
            status,
            is_refunded: self.is_refunded(),
            evidence,
            response,
            error,
            history: &self.history,
        }
        .serialize(serializer)
    }
}

/// What happened, by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
enum EventName {
    /// The intent is journaled and the first request is on its way.
    Submitted,
    /// The QR code is ready to show (`qr_code`).
    QrCode,
    /// Waiting before query `query` of `of`.
    WaitingForBuyer,
    /// A query is on its way.
    Querying,
    /// The trade is being cancelled (`cause`).
    Cancelling,
    /// A cancel is sent again (`attempt` of `of`).
    CancelRetry,
    /// A refund is sent again with the same `out_request_no` (`attempt`).
    RefundRetry,
    /// A refund query is on its way to confirm the refund.
    ConfirmingRefund,
    /// The journal could not record the outcome (`message`); the outcome is still the truth.
    JournalFailed,
    /// The workflow ended (`outcome`).
    Done,
    /// The workflow stopped without an outcome (`message`); it stays in the journal.
    Failed,
}

/// One step of a workflow.
#[derive(Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(rename = "WorkflowEvent"))]
struct EventShape<'a> {
    /// The workflow's journal key (`trade:<out_trade_no>` or `refund:<trade>:<out_request_no>`).
    key: &'a str,
    /// What happened.
    kind: EventName,
    /// `qr_code`: the QR code's content.
    #[serde(skip_serializing_if = "Option::is_none")]
    qr_code: Option<&'a str>,
    /// `waiting_for_buyer`: which query is next, from 1.
    #[serde(skip_serializing_if = "Option::is_none")]
    query: Option<u32>,
    /// `waiting_for_buyer`, `cancel_retry`: the budget.
    #[serde(skip_serializing_if = "Option::is_none")]
    of: Option<u32>,
    /// `cancel_retry`, `refund_retry`: which attempt, from 2.
    #[serde(skip_serializing_if = "Option::is_none")]
    attempt: Option<u32>,
    /// `cancelling`: why.
    #[serde(skip_serializing_if = "Option::is_none")]
    cause: Option<CancelCause>,
    /// `journal_failed`, `failed`: what went wrong.
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<&'a str>,
    /// `done`: the outcome (a payment's or a refund's).
    #[serde(skip_serializing_if = "Option::is_none")]
    outcome: Option<&'a Outcome>,
}

impl Serialize for WorkflowEvent {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut shape = EventShape {
            key: &self.key,
            kind: EventName::Submitted,
            qr_code: None,
            query: None,
            of: None,
            attempt: None,
            cause: None,
            message: None,
            outcome: None,
        };
        shape.kind = match &self.kind {
            EventKind::Submitted => EventName::Submitted,
            EventKind::QrCode { qr_code } => {
                shape.qr_code = Some(qr_code);
                EventName::QrCode
            }
            EventKind::WaitingForBuyer { query, of } => {
                (shape.query, shape.of) = (Some(*query), Some(*of));
                EventName::WaitingForBuyer
            }
            EventKind::Querying => EventName::Querying,
            EventKind::Cancelling { cause } => {
                shape.cause = Some(*cause);
                EventName::Cancelling
            }
            EventKind::CancelRetry { attempt, of } => {
                (shape.attempt, shape.of) = (Some(*attempt), Some(*of));
                EventName::CancelRetry
            }
            EventKind::RefundRetry { attempt } => {
                shape.attempt = Some(*attempt);
                EventName::RefundRetry
            }
            EventKind::ConfirmingRefund => EventName::ConfirmingRefund,
            EventKind::JournalFailed { message } => {
                shape.message = Some(message);
                EventName::JournalFailed
            }
            EventKind::Done(outcome) => {
                shape.outcome = Some(outcome);
                EventName::Done
            }
            EventKind::Failed { message } => {
                shape.message = Some(message);
                EventName::Failed
            }
        };
        shape.serialize(serializer)
    }
}

/// One workflow [`super::Workflows::recover`] finished (`outcome`) or could not (`error`).
#[derive(Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(rename = "Recovered"))]
struct RecoveredShape<'a> {
    /// The workflow's journal key.
    key: &'a str,
    /// Its outcome now, when it could be established.
    outcome: Option<&'a Outcome>,
    /// Why it could not (it then stays in the journal, and a later `recover()` tries again).
    error: Option<ErrorInfo>,
}

impl Serialize for Recovered {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let (outcome, error) = match &self.result {
            Ok(outcome) => (Some(outcome), None),
            Err(e) => (None, Some(ErrorInfo::from(e))),
        };
        RecoveredShape { key: &self.entry.key, outcome, error }.serialize(serializer)
    }
}

/// The JSON Schema of each serialized type is its shape's.
#[cfg(feature = "schema")]
mod schema {
    use std::borrow::Cow;

    use schemars::{JsonSchema, Schema, SchemaGenerator};

    use super::{EventShape, PaymentShape, RecoveredShape, RefundShape};
    use crate::workflow::{PaymentOutcome, Recovered, RefundOutcome, WorkflowEvent};

    macro_rules! shaped_as {
        ($($model:ty => $shape:ty),+ $(,)?) => {$(
            impl JsonSchema for $model {
                fn schema_name() -> Cow<'static, str> {
                    <$shape>::schema_name()
                }

                fn json_schema(generator: &mut SchemaGenerator) -> Schema {
                    <$shape>::json_schema(generator)
                }
            }
        )+};
    }

    shaped_as! {
        PaymentOutcome => PaymentShape<'static>,
        RefundOutcome => RefundShape<'static>,
        WorkflowEvent => EventShape<'static>,
        Recovered => RecoveredShape<'static>,
    }
}
