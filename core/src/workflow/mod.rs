//! Face-to-face workflows: pay-and-wait, precreate-and-wait and refund-until-known — the rules of
//! Alipay's 当面付 quick start (服务端 SDK 接入) done once, correctly, and safe across crashes.
//!
//! * [`Workflows::pay_and_wait`] — barcode pay. `10003` is polled with `alipay.trade.query` (every 5 s,
//!   5 times by default); a buyer who never confirms gets the trade cancelled at once, so nobody pays
//!   for goods never handed over. A lost or `20000` answer is queried, then cancelled unless paid.
//! * [`Workflows::precreate_and_wait`] — QR pay: the QR code comes back at once, then the same waiting.
//! * [`Workflows::refund_until_known`] — a refund retried under one `out_request_no` and confirmed with
//!   the refund query: never refunded twice.
//! * [`Workflows::recover`] — after a crash, drives every unfinished workflow in the journal to a
//!   truthful end.
//!
//! The outcome tells the truth: paid (with the verified answer that proves it), not paid (and how), or
//! unknown — only when a cancel's own outcome stayed unknown after its retries. A response that fails
//! its signature check is never read as "not paid"; when nothing verifies, the workflow returns a
//! configuration error and cancels nothing blindly.
//!
//! ```no_run
//! # async fn demo(client: alipay_core::Client) -> Result<(), Box<dyn std::error::Error>> {
//! use std::sync::Arc;
//! use alipay_core::journal::SqliteJournal;
//! use alipay_core::trade::TradePayRequest;
//! use alipay_core::workflow::{PaymentStatus, Workflows};
//!
//! let workflows = Workflows::new(client, Arc::new(SqliteJournal::open("alipay-journal.db")?));
//! workflows.recover().await?; // first, finish whatever a crash left behind
//! let order = TradePayRequest::new("T20261122-0001", "9.90".parse()?, "Coffee", "280000000000000001");
//! match workflows.pay_and_wait(order).await?.status {
//!     PaymentStatus::Paid(_) => println!("paid: hand over the coffee"),
//!     PaymentStatus::NotPaid(reason) => println!("not paid: {}", reason.as_str()),
//!     PaymentStatus::Unknown { .. } => println!("unknown: keep the coffee; recover() will settle it"),
//!     _ => {}
//! }
//! # Ok(()) }
//! ```
//!
//! Design: each workflow's decisions are a pure state machine (`payment.rs`, `refund.rs`) fed with
//! what each call produced; the loop that calls and sleeps (`run.rs`) is small, waits on the client's
//! [`crate::clock::Clock`] (so a simulated clock makes 5-second polls instant in tests) and never
//! blocks a thread.

mod calls;
mod event;
mod expiry;
mod handle;
mod heard;
mod notifications;
mod numbers;
mod outcome;
mod payment;
mod policy;
mod recover;
mod refund;
mod run;
mod shape;
mod workflows;

pub use calls::{WORKFLOW_CALLS, WorkflowCall};
pub use event::{EventCallback, EventKind, Outcome, WorkflowEvent};
pub use expiry::SETTLE_MARGIN;
pub use handle::{Canceller, PaymentHandle, SharedPaymentHandle};
pub use notifications::ReceivedNotification;
pub use numbers::{derived_refund_no, unique_no};
pub use outcome::{
    CancelCause, History, NotPaidReason, PaidEvidence, PaymentOutcome, PaymentStatus, RefundEvidence, RefundHistory,
    RefundOutcome, RefundResult,
};
pub use policy::{PollPolicy, RefundPolicy};
pub use recover::{Recovered, RecoveryReport};
pub use shape::{
    EventName, Evidence, NotPaidKind, OutcomeShape, PaymentOutcomeShape, PaymentState, RecoveredShape,
    RefundOutcomeShape, RefundState, WorkflowEventShape,
};
pub use workflows::Workflows;
