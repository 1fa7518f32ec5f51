//! The public shape of outcomes and events: how every language binding shows them, defined once,
//! here. Each is an owned record ([`PaymentOutcomeShape`] for [`PaymentOutcome`], …): the outcomes
//! serialize as their shape, and the Kotlin and Swift binding hands the shape over as it is. (The
//! journal stores its own, shorter [`PaymentOutcome::summary`].)
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
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
pub enum PaymentState {
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
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
pub enum Evidence {
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
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
pub enum NotPaidKind {
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
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
pub enum RefundState {
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
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(rename = "PaymentOutcome"))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(feature = "uniffi", uniffi(name = "PaymentOutcome"))]
#[non_exhaustive]
pub struct PaymentOutcomeShape {
    /// Your order number.
    pub out_trade_no: String,
    /// Alipay's trade number, when an answer told it.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub trade_no: Option<String>,
    /// Paid, not paid, or unknown.
    pub status: PaymentState,
    /// `true` only when a verified answer said the buyer paid: hand over the goods.
    pub is_paid: bool,
    /// Paid: which answer proves it.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub evidence: Option<Evidence>,
    /// Paid: the verified answer that proves it (a pay answer or a query answer, as `evidence` says).
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub response: Option<PaidEvidence>,
    /// Paid: the amount the answer reported.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub total_amount: Option<Amount>,
    /// Not paid: why.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub reason: Option<NotPaidKind>,
    /// Cancelled: `close` (nobody paid) or `refund` (the buyer paid; the money went back).
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub action: Option<CancelAction>,
    /// Cancelled: why the workflow cancelled.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub cause: Option<CancelCause>,
    /// Unknown: the last trade state a verified query reported.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub last_known: Option<TradeStatus>,
    /// Alipay's refusal (`failed`), or the error that left the payment unsent or unknown.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub error: Option<ErrorInfo>,
    /// Queries sent.
    pub queries: u32,
    /// Cancels sent.
    pub cancel_attempts: u32,
    /// Answers that failed signature verification (never believed).
    pub unverified_answers: u32,
}

impl From<&PaymentOutcome> for PaymentOutcomeShape {
    fn from(outcome: &PaymentOutcome) -> Self {
        let History { queries, cancel_attempts, unverified_answers } = outcome.history;
        let mut shape = PaymentOutcomeShape {
            out_trade_no: outcome.out_trade_no.clone(),
            trade_no: outcome.trade_no.clone(),
            status: PaymentState::Paid,
            is_paid: outcome.is_paid(),
            evidence: None,
            response: None,
            total_amount: outcome.total_amount(),
            reason: None,
            action: None,
            cause: None,
            last_known: None,
            error: None,
            queries,
            cancel_attempts,
            unverified_answers,
        };
        match &outcome.status {
            PaymentStatus::Paid(evidence) => {
                shape.evidence = Some(match evidence {
                    PaidEvidence::Pay(_) => Evidence::Pay,
                    PaidEvidence::Query(_) => Evidence::Query,
                });
                shape.response = Some(evidence.clone());
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
                        shape.action = Some(action.clone());
                        shape.cause = Some(*cause);
                        NotPaidKind::Cancelled
                    }
                    NotPaidReason::NotCreated => NotPaidKind::NotCreated,
                });
            }
            PaymentStatus::Unknown { last_known, error } => {
                shape.status = PaymentState::Unknown;
                shape.last_known = last_known.clone();
                shape.error = error.as_deref().map(ErrorInfo::from);
            }
        }
        shape
    }
}

impl Serialize for PaymentOutcome {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        PaymentOutcomeShape::from(self).serialize(serializer)
    }
}

/// The end of a refund workflow.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(rename = "RefundOutcome"))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(feature = "uniffi", uniffi(name = "RefundOutcome"))]
#[non_exhaustive]
pub struct RefundOutcomeShape {
    /// Your order number, when the refund named the trade by it.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub out_trade_no: Option<String>,
    /// Alipay's trade number, when known.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub trade_no: Option<String>,
    /// The refund's number: the same on every attempt.
    pub out_request_no: String,
    /// Refunded, rejected, not sent, or unknown.
    pub status: RefundState,
    /// `true` when a verified answer showed the refund made.
    pub is_refunded: bool,
    /// Refunded: which answer proves it.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub evidence: Option<Evidence>,
    /// Refunded: the verified answer that proves it (a refund answer or a refund-query answer).
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub response: Option<RefundEvidence>,
    /// Alipay's refusal (`rejected`), or the error that left the refund unsent or unknown.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub error: Option<ErrorInfo>,
    /// Refund requests sent (all with the same `out_request_no`).
    pub attempts: u32,
    /// Refund queries sent.
    pub queries: u32,
    /// Answers that failed signature verification (never believed).
    pub unverified_answers: u32,
}

impl From<&RefundOutcome> for RefundOutcomeShape {
    fn from(outcome: &RefundOutcome) -> Self {
        let (status, evidence, response, error) = match &outcome.status {
            RefundResult::Refunded(e) => {
                let kind = match e {
                    RefundEvidence::Refund(_) => Evidence::Refund,
                    RefundEvidence::Query(_) => Evidence::Query,
                };
                (RefundState::Refunded, Some(kind), Some(e.clone()), None)
            }
            RefundResult::Rejected(g) => {
                (RefundState::Rejected, None, None, Some(ErrorInfo::from(&Error::from(g.clone()))))
            }
            RefundResult::NotSent(e) => (RefundState::NotSent, None, None, Some(ErrorInfo::from(e.as_ref()))),
            RefundResult::Unknown { error } => {
                (RefundState::Unknown, None, None, error.as_deref().map(ErrorInfo::from))
            }
        };
        let RefundHistory { attempts, queries, unverified_answers } = outcome.history;
        RefundOutcomeShape {
            out_trade_no: outcome.out_trade_no.clone(),
            trade_no: outcome.trade_no.clone(),
            out_request_no: outcome.out_request_no.clone(),
            status,
            is_refunded: outcome.is_refunded(),
            evidence,
            response,
            error,
            attempts,
            queries,
            unverified_answers,
        }
    }
}

impl Serialize for RefundOutcome {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        RefundOutcomeShape::from(self).serialize(serializer)
    }
}

/// Either workflow's outcome. Serialized as the outcome itself.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(rename = "Outcome"))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[cfg_attr(feature = "uniffi", uniffi(name = "Outcome"))]
#[serde(untagged)]
pub enum OutcomeShape {
    /// A payment's.
    Payment(PaymentOutcomeShape),
    /// A refund's.
    Refund(RefundOutcomeShape),
}

impl From<&Outcome> for OutcomeShape {
    fn from(outcome: &Outcome) -> Self {
        match outcome {
            Outcome::Payment(p) => OutcomeShape::Payment(p.into()),
            Outcome::Refund(r) => OutcomeShape::Refund(r.into()),
        }
    }
}

impl Serialize for Outcome {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        OutcomeShape::from(self).serialize(serializer)
    }
}

/// What happened, by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
pub enum EventName {
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
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(rename = "WorkflowEvent"))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(feature = "uniffi", uniffi(name = "WorkflowEvent"))]
#[non_exhaustive]
pub struct WorkflowEventShape {
    /// The workflow's journal key (`trade:<out_trade_no>` or `refund:<trade>:<out_request_no>`).
    pub key: String,
    /// What happened.
    pub kind: EventName,
    /// `qr_code`: the QR code's content.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub qr_code: Option<String>,
    /// `waiting_for_buyer`: which query is next, from 1.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub query: Option<u32>,
    /// `waiting_for_buyer`, `cancel_retry`: the budget.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub of: Option<u32>,
    /// `cancel_retry`, `refund_retry`: which attempt, from 2.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub attempt: Option<u32>,
    /// `cancelling`: why.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub cause: Option<CancelCause>,
    /// `journal_failed`, `failed`: what went wrong.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub message: Option<String>,
    /// `done`: the outcome (a payment's or a refund's).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub outcome: Option<OutcomeShape>,
}

impl From<&WorkflowEvent> for WorkflowEventShape {
    fn from(event: &WorkflowEvent) -> Self {
        let mut shape = WorkflowEventShape {
            key: event.key.clone(),
            kind: EventName::Submitted,
            qr_code: None,
            query: None,
            of: None,
            attempt: None,
            cause: None,
            message: None,
            outcome: None,
        };
        shape.kind = match &event.kind {
            EventKind::Submitted => EventName::Submitted,
            EventKind::QrCode { qr_code } => {
                shape.qr_code = Some(qr_code.clone());
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
                shape.message = Some(message.clone());
                EventName::JournalFailed
            }
            EventKind::Done(outcome) => {
                shape.outcome = Some(outcome.as_ref().into());
                EventName::Done
            }
            EventKind::Failed { message } => {
                shape.message = Some(message.clone());
                EventName::Failed
            }
        };
        shape
    }
}

impl Serialize for WorkflowEvent {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        WorkflowEventShape::from(self).serialize(serializer)
    }
}

/// One workflow [`super::Workflows::recover`] finished (`outcome`) or could not (`error`).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(rename = "Recovered"))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(feature = "uniffi", uniffi(name = "Recovered"))]
#[non_exhaustive]
pub struct RecoveredShape {
    /// The workflow's journal key.
    pub key: String,
    /// Its outcome now, when it could be established.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub outcome: Option<OutcomeShape>,
    /// Why it could not (it then stays in the journal, and a later `recover()` tries again).
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub error: Option<ErrorInfo>,
}

impl From<&Recovered> for RecoveredShape {
    fn from(recovered: &Recovered) -> Self {
        let (outcome, error) = match &recovered.result {
            Ok(outcome) => (Some(outcome.into()), None),
            Err(e) => (None, Some(ErrorInfo::from(e))),
        };
        RecoveredShape { key: recovered.entry.key.clone(), outcome, error }
    }
}

impl Serialize for Recovered {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        RecoveredShape::from(self).serialize(serializer)
    }
}

/// The JSON Schema of each serialized type is its shape's.
#[cfg(feature = "schema")]
mod schema {
    use std::borrow::Cow;

    use schemars::{JsonSchema, Schema, SchemaGenerator};

    use super::{OutcomeShape, PaymentOutcomeShape, RecoveredShape, RefundOutcomeShape, WorkflowEventShape};
    use crate::workflow::{Outcome, PaymentOutcome, Recovered, RefundOutcome, WorkflowEvent};

    macro_rules! shaped_as {
        ($($model:ty => $shape:ty),+ $(,)?) => {$(
            impl JsonSchema for $model {
                fn schema_name() -> Cow<'static, str> {
                    <$shape>::schema_name()
                }

                fn schema_id() -> Cow<'static, str> {
                    <$shape>::schema_id()
                }

                fn json_schema(generator: &mut SchemaGenerator) -> Schema {
                    <$shape>::json_schema(generator)
                }
            }
        )+};
    }

    shaped_as! {
        PaymentOutcome => PaymentOutcomeShape,
        RefundOutcome => RefundOutcomeShape,
        Outcome => OutcomeShape,
        WorkflowEvent => WorkflowEventShape,
        Recovered => RecoveredShape,
    }
}
