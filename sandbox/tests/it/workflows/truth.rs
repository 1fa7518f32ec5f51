//! Shared setup, and the check of a workflow's outcome against the sandbox's ground truth.

use std::sync::Arc;

use alipay_core::Protocol;
use alipay_core::journal::{EntryState, JournalEntry, MemoryJournal, TradeJournal};
use alipay_core::trade::{CancelAction, TradeStatus};
use alipay_core::workflow::{NotPaidReason, PaymentOutcome, PaymentStatus, Workflows};
use std::time::Duration;

use alipay_sandbox::{Fault, Sandbox, SandboxConfig};

/// Virtual time runs this much faster: a 5 s poll takes 2.5 ms.
pub const SPEED: f64 = 2000.0;

/// A sandbox, workflows over an in-process v2 client in its virtual time, and their journal.
pub fn setup() -> (Sandbox, Workflows, MemoryJournal) {
    setup_over(Protocol::V2)
}

/// As [`setup`], the client speaking `protocol`.
pub fn setup_over(protocol: Protocol) -> (Sandbox, Workflows, MemoryJournal) {
    let sandbox = Sandbox::start(SandboxConfig { speed: SPEED, ..SandboxConfig::default() }).expect("sandbox starts");
    let journal = MemoryJournal::new();
    let client = sandbox.client_builder().expect("builder").protocol(protocol).build().expect("client");
    let workflows = Workflows::new(client, Arc::new(journal.clone()));
    (sandbox, workflows, journal)
}

/// Checks `outcome` against the sandbox: what the workflow says happened is what happened, and the
/// trade is not left waiting for a buyer.
pub fn check(sandbox: &Sandbox, outcome: &PaymentOutcome) -> Result<(), String> {
    let trade = sandbox.trade(&outcome.out_trade_no);
    if let Some(t) = trade.as_ref().filter(|t| t.status == TradeStatus::WaitBuyerPay) {
        return Err(format!("the trade was left WAIT_BUYER_PAY (scanned: {}): {outcome:?}", t.scanned));
    }
    let refunded_in_full = |t: &alipay_sandbox::Trade| t.refunded() == t.total_amount.fen();
    match (&outcome.status, &trade) {
        // Paid, and not undone by a cancel (refunds made afterwards on purpose are fine).
        (PaymentStatus::Paid(_), Some(t)) if t.paid_at.is_some() && t.cancel_action.is_none() => Ok(()),
        (PaymentStatus::Paid(_), t) => Err(format!("reported paid, but the trade is {t:?}")),
        (PaymentStatus::NotPaid(reason), t) => {
            let consistent = match (reason, t) {
                (_, None) => !matches!(reason, NotPaidReason::Cancelled { .. }),
                (NotPaidReason::Cancelled { action: CancelAction::Refund, .. }, Some(t)) => {
                    t.paid_at.is_some() && refunded_in_full(t) && t.status == TradeStatus::TradeClosed
                }
                (NotPaidReason::NotCreated, Some(t)) => !t.visible() && t.paid_at.is_none(),
                (_, Some(t)) => t.status == TradeStatus::TradeClosed && (t.paid_at.is_none() || refunded_in_full(t)),
            };
            if consistent {
                Ok(())
            } else {
                Err(format!("reported not paid ({}), but the trade is {t:?}", reason.as_str()))
            }
        }
        (PaymentStatus::Unknown { .. }, _) => Err(format!("unknown outcome: {outcome:?}")),
        (other, _) => Err(format!("unexpected status {other:?}")),
    }
}

/// A payment that created no trade is honestly unknown: its request could still land. Once its own
/// expiry (and the margin) has passed, `recover()` settles it "not created". Checks that an unknown
/// outcome has no trade behind it, and returns the outcome after settling (the same outcome when it
/// was known already).
pub async fn settled_after_expiry(sandbox: &Sandbox, workflows: &Workflows, outcome: PaymentOutcome) -> PaymentOutcome {
    if !matches!(outcome.status, PaymentStatus::Unknown { .. }) {
        return outcome;
    }
    let trade = sandbox.trade(&outcome.out_trade_no);
    assert!(trade.is_none(), "unknown only while no trade exists: {outcome:?}, the trade is {trade:?}");
    sandbox.advance(alipay_core::workflow::PollPolicy::qr().trade_expiry + alipay_core::workflow::SETTLE_MARGIN);
    let report = workflows.recover().await.expect("recover");
    let mine = report.recovered.iter().find(|r| r.entry.key == JournalEntry::trade_key(&outcome.out_trade_no));
    match mine.map(|r| &r.result) {
        Some(Ok(alipay_core::workflow::Outcome::Payment(settled))) => {
            assert!(
                matches!(settled.status, PaymentStatus::NotPaid(NotPaidReason::NotCreated)),
                "an unknown payment that never arrived is not created after its expiry: {settled:?}"
            );
            settled.clone()
        }
        other => panic!("recovery of {}: {other:?}", outcome.out_trade_no),
    }
}

/// The journal entry of a payment must be settled, with the outcome's status in its summary.
pub async fn check_journal(journal: &dyn TradeJournal, outcome: &PaymentOutcome) -> Result<(), String> {
    let key = JournalEntry::trade_key(&outcome.out_trade_no);
    let entry = journal.entry(&key).await.map_err(|e| e.to_string())?.ok_or("no journal entry")?;
    let summary: serde_json::Value =
        serde_json::from_str(entry.outcome.as_deref().unwrap_or("null")).map_err(|e| e.to_string())?;
    let expected = outcome.summary();
    if entry.state != EntryState::Settled || summary["status"] != expected["status"] {
        return Err(format!("journal has {:?} {summary}, the outcome is {expected}", entry.state));
    }
    Ok(())
}

/// Every fault the sandbox can inject, named: the columns of the scenario matrices.
pub fn every_fault() -> Vec<(&'static str, Fault)> {
    vec![
        ("latency", Fault::Latency(Duration::from_secs(3))),
        ("drop before apply", Fault::DropBeforeApply),
        ("drop after apply", Fault::DropAfterApply),
        ("502 applied", Fault::Http5xx { status: 502, applied: true }),
        ("503 not applied", Fault::Http5xx { status: 503, applied: false }),
        ("20000 applied", Fault::SystemError { applied: true }),
        ("20000 not applied", Fault::SystemError { applied: false }),
        ("forged signature", Fault::ForgedSignature),
    ]
}

/// A unique order number.
pub fn order(tag: &str) -> String {
    crate::support::order(tag)
}
