//! QR payments: the code comes back at once, "trade does not exist" means "not scanned yet", and a code
//! nobody pays is cancelled — under every fault, on the precreate, a query or the cancel.

use std::time::Duration;

use alipay_core::Protocol;
use alipay_core::trade::{CancelAction, TradePrecreateRequest};
use alipay_core::workflow::{CancelCause, EventKind, NotPaidReason, PaymentHandle, PaymentStatus};
use alipay_sandbox::{Fault, Sandbox, ScanOutcome};

use super::truth::{check, check_journal, every_fault, order, settled_after_expiry, setup, setup_over};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Buyer {
    ScansAndPays,
    ScansAndWalksAway,
    NeverScans,
}

fn precreate() -> TradePrecreateRequest {
    TradePrecreateRequest::new(order("QR"), "66.00".parse().expect("money"), "扫码 QR")
}

/// Plays the buyer from the workflow's own events: they scan while the second query is awaited.
async fn play(sandbox: &Sandbox, handle: &mut PaymentHandle, buyer: Buyer) {
    while let Some(event) = handle.next_event().await {
        match event.kind {
            EventKind::WaitingForBuyer { query: 2, .. } if buyer != Buyer::NeverScans => {
                let outcome = if buyer == Buyer::ScansAndPays { ScanOutcome::Pay } else { ScanOutcome::Abandon };
                let code = handle.qr_code().expect("only a shown code is scanned").to_string();
                sandbox.scan_qr(&code, outcome).expect("scan");
            }
            EventKind::Done(_) | EventKind::Failed { .. } => return,
            _ => {}
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_code_comes_back_at_once_and_a_scan_and_pay_is_paid() {
    let (sandbox, workflows, journal) = setup();
    let mut handle = workflows.precreate_and_wait(precreate()).await.expect("start");
    let qr_code = handle.qr_code().expect("QR code").to_string();
    assert!(qr_code.starts_with("https://qr.alipay.com/"), "{qr_code}");
    play(&sandbox, &mut handle, Buyer::ScansAndPays).await;
    let outcome = handle.outcome().await.expect("outcome");
    assert!(outcome.is_paid(), "{outcome:?}");
    assert!(outcome.history.queries >= 2, "not scanned during the first query: {:?}", outcome.history);
    check(&sandbox, &outcome).expect("truth");
    check_journal(&journal, &outcome).await.expect("journal");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_code_nobody_scans_is_cancelled_after_the_policy_runs_out() {
    let (sandbox, workflows, _) = setup();
    let workflows =
        workflows.with_qr_policy(alipay_core::workflow::PollPolicy::qr().with_deadline(Duration::from_secs(60)));
    let mut handle = workflows.precreate_and_wait(precreate()).await.expect("start");
    play(&sandbox, &mut handle, Buyer::NeverScans).await;
    let outcome = handle.outcome().await.expect("outcome");
    assert!(
        matches!(
            outcome.status,
            PaymentStatus::NotPaid(NotPaidReason::Cancelled {
                action: CancelAction::Close,
                cause: CancelCause::BuyerTimeout
            })
        ),
        "{outcome:?}"
    );
    assert!(outcome.history.queries <= 12, "the 60 s deadline stops polling: {:?}", outcome.history);
    check(&sandbox, &outcome).expect("truth");
}

async fn qr_matrix(protocol: Protocol) {
    let (sandbox, workflows, journal) = setup_over(protocol);
    for buyer in [Buyer::ScansAndPays, Buyer::ScansAndWalksAway, Buyer::NeverScans] {
        for (_, fault) in every_fault() {
            for target in ["alipay.trade.precreate", "alipay.trade.query", "alipay.trade.cancel"] {
                let scenario = format!("{buyer:?} × {fault:?} on {target}");
                sandbox.clear_faults();
                sandbox.inject(Some(target), fault);
                let mut handle = workflows.precreate_and_wait(precreate()).await.expect("start");
                let shown = handle.qr_code().is_some();
                play(&sandbox, &mut handle, if shown { buyer } else { Buyer::NeverScans }).await;
                let outcome = handle.outcome().await.unwrap_or_else(|e| panic!("{scenario}: {e}"));
                let outcome = settled_after_expiry(&sandbox, &workflows, outcome).await;
                check(&sandbox, &outcome).unwrap_or_else(|e| panic!("{scenario}: {e}"));
                check_journal(&journal, &outcome).await.unwrap_or_else(|e| panic!("{scenario}: {e}"));
                assert_eq!(outcome.is_paid(), shown && buyer == Buyer::ScansAndPays, "{scenario}: {outcome:?}");
                // A code is shown only when the precreate answer arrived verified.
                let answer_lost = target == "alipay.trade.precreate" && !matches!(fault, Fault::Latency(_));
                assert_eq!(shown, !answer_lost, "{scenario}");
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_qr_buyer_under_every_fault_ends_truthfully() {
    qr_matrix(Protocol::V2).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn over_v3_every_qr_buyer_under_every_fault_ends_truthfully() {
    qr_matrix(Protocol::V3).await;
}
