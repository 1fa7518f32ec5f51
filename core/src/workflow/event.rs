//! Progress events, so a checkout screen can say what is happening ("waiting for the buyer 2/5…").

use std::sync::Arc;

use super::outcome::{CancelCause, PaymentOutcome, PaymentStatus, RefundOutcome, RefundResult};

/// One step of a workflow.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct WorkflowEvent {
    /// The workflow's journal key (`trade:<out_trade_no>` or `refund:<trade>:<out_request_no>`).
    pub key: String,
    /// What happened.
    pub kind: EventKind,
}

/// What happened.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum EventKind {
    /// The intent is journaled and the first request is on its way.
    Submitted,
    /// The QR code is ready to show (QR payments).
    QrCode {
        /// The QR code's content.
        qr_code: String,
    },
    /// Waiting before query `query` of `of` (the buyer is confirming, or has not scanned yet).
    WaitingForBuyer {
        /// Which query is next, from 1.
        query: u32,
        /// The query budget.
        of: u32,
    },
    /// A query is on its way (polling, or confirming the end).
    Querying,
    /// The trade is being cancelled.
    Cancelling {
        /// Why.
        cause: CancelCause,
    },
    /// A cancel is sent again (it asked to be retried, or its answer was lost).
    CancelRetry {
        /// Which attempt, from 2.
        attempt: u32,
        /// The attempt budget.
        of: u32,
    },
    /// A refund is sent again with the same `out_request_no`.
    RefundRetry {
        /// Which attempt, from 2.
        attempt: u32,
    },
    /// A refund query is on its way to confirm the refund.
    ConfirmingRefund,
    /// The journal could not record the outcome; the workflow stays open there and `recover()` will
    /// establish it again. The outcome returned is still the truth.
    JournalFailed {
        /// The journal's error.
        message: String,
    },
    /// The workflow ended.
    Done(Box<Outcome>),
    /// The workflow stopped without an outcome (no answer verified); it stays in the journal.
    Failed {
        /// Why.
        message: String,
    },
}

impl EventKind {
    /// A stable snake_case name (`submitted`, `qr_code`, `waiting_for_buyer`, `querying`, `cancelling`,
    /// `cancel_retry`, `refund_retry`, `confirming_refund`, `journal_failed`, `done`, `failed`), the same
    /// in every language binding.
    pub fn name(&self) -> &'static str {
        match self {
            EventKind::Submitted => "submitted",
            EventKind::QrCode { .. } => "qr_code",
            EventKind::WaitingForBuyer { .. } => "waiting_for_buyer",
            EventKind::Querying => "querying",
            EventKind::Cancelling { .. } => "cancelling",
            EventKind::CancelRetry { .. } => "cancel_retry",
            EventKind::RefundRetry { .. } => "refund_retry",
            EventKind::ConfirmingRefund => "confirming_refund",
            EventKind::JournalFailed { .. } => "journal_failed",
            EventKind::Done(_) => "done",
            EventKind::Failed { .. } => "failed",
        }
    }
}

/// Either workflow's outcome. Serialized as the outcome itself (its shape: [`super::OutcomeShape`]).
#[derive(Debug, Clone)]
pub enum Outcome {
    /// A payment's.
    Payment(PaymentOutcome),
    /// A refund's.
    Refund(RefundOutcome),
}

impl Outcome {
    /// `false` for an unknown outcome (the workflow stays unresolved in the journal).
    pub fn is_known(&self) -> bool {
        !matches!(
            self,
            Outcome::Payment(PaymentOutcome { status: PaymentStatus::Unknown { .. }, .. })
                | Outcome::Refund(RefundOutcome { status: RefundResult::Unknown { .. }, .. })
        )
    }

    /// The short JSON summary written to the journal.
    pub fn summary(&self) -> serde_json::Value {
        match self {
            Outcome::Payment(o) => o.summary(),
            Outcome::Refund(o) => o.summary(),
        }
    }
}

/// A callback receiving every event of every workflow it is registered on. Keep it quick: it runs on
/// the workflow's task.
pub type EventCallback = Arc<dyn Fn(&WorkflowEvent) + Send + Sync>;
