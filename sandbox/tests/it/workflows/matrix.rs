//! Every simulated buyer × every fault, hitting the payment, a query or the cancel: each outcome must
//! match the sandbox's ground truth, and no trade may be left waiting for a buyer.

use alipay_core::Protocol;
use alipay_core::error::{ConfigError, Error};
use alipay_core::trade::{CancelAction, TradePayRequest};
use alipay_core::workflow::{CancelCause, NotPaidReason, PaidEvidence, PaymentStatus};
use alipay_sandbox::{Fault, FaultRule, buyer};

use super::truth::{check, check_journal, every_fault, order, settled_after_expiry, setup, setup_over};

const BUYERS: [(&str, &str); 7] = [
    ("pays at once", buyer::PAYS_AT_ONCE),
    ("confirms after 10 s", buyer::CONFIRMS_AFTER_10S),
    ("never confirms", buyer::NEVER_CONFIRMS),
    ("insufficient balance", buyer::INSUFFICIENT_BALANCE),
    ("invalid code", buyer::INVALID_CODE),
    ("20000, paid behind it", buyer::SYSTEM_ERROR_PAID),
    ("20000, unpaid", buyer::SYSTEM_ERROR_UNPAID),
];

const TARGETS: [&str; 3] = ["alipay.trade.pay", "alipay.trade.query", "alipay.trade.cancel"];

fn pay(auth_code: &str) -> TradePayRequest {
    TradePayRequest::new(order("MX"), "12.50".parse().expect("money"), "矩阵测试 matrix", auth_code)
}

async fn each_buyer_without_faults(protocol: Protocol) {
    let (sandbox, workflows, journal) = setup_over(protocol);
    for (name, code) in BUYERS {
        let outcome = workflows.pay_and_wait(pay(code)).await.unwrap_or_else(|e| panic!("{name}: {e}"));
        check(&sandbox, &outcome).unwrap_or_else(|e| panic!("{name}: {e}"));
        check_journal(&journal, &outcome).await.unwrap_or_else(|e| panic!("{name}: {e}"));
        let h = outcome.history;
        match (code, &outcome.status) {
            (buyer::PAYS_AT_ONCE, PaymentStatus::Paid(PaidEvidence::Pay(_))) => assert_eq!(h.queries, 0),
            (buyer::CONFIRMS_AFTER_10S, PaymentStatus::Paid(PaidEvidence::Query(_))) => {
                // Paid 10 s after the payment, polled every 5 s: the 2nd query in exact virtual time, or
                // an earlier one, as virtual time also runs while the CPU signs and verifies.
                assert!((1..=3).contains(&h.queries), "{name}: {h:?}");
            }
            (
                buyer::NEVER_CONFIRMS,
                PaymentStatus::NotPaid(NotPaidReason::Cancelled {
                    action: CancelAction::Close,
                    cause: CancelCause::BuyerTimeout,
                }),
            ) => assert_eq!((h.queries, h.cancel_attempts), (5, 1), "{name}"),
            (buyer::INSUFFICIENT_BALANCE, PaymentStatus::NotPaid(NotPaidReason::Failed(g))) => {
                assert_eq!(g.sub_code.as_deref(), Some("ACQ.BUYER_BALANCE_NOT_ENOUGH"));
                assert_eq!(h.cancel_attempts, 0, "{name}: a verified 40004 is not cancelled");
            }
            (buyer::INVALID_CODE, PaymentStatus::NotPaid(NotPaidReason::Failed(g))) => {
                assert_eq!(g.sub_code.as_deref(), Some("ACQ.PAYMENT_AUTH_CODE_INVALID"));
            }
            (buyer::SYSTEM_ERROR_PAID, PaymentStatus::Paid(PaidEvidence::Query(_))) => {}
            (
                buyer::SYSTEM_ERROR_UNPAID,
                PaymentStatus::NotPaid(NotPaidReason::Cancelled {
                    action: CancelAction::Close,
                    cause: CancelCause::OutcomeUnknown,
                }),
            ) => {}
            (_, status) => panic!("{name}: unexpected {status:?}"),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_faults_each_buyer_ends_as_the_spec_says() {
    each_buyer_without_faults(Protocol::V2).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn over_v3_each_buyer_ends_as_the_spec_says() {
    each_buyer_without_faults(Protocol::V3).await;
}

async fn barcode_matrix(protocol: Protocol) {
    let (sandbox, workflows, journal) = setup_over(protocol);
    let mut runs = 0;
    for (buyer_name, code) in BUYERS {
        for (fault_name, fault) in every_fault() {
            for target in TARGETS {
                let scenario = format!("{buyer_name} × {fault_name} on {target}");
                sandbox.clear_faults();
                sandbox.inject(Some(target), fault);
                let outcome = workflows.pay_and_wait(pay(code)).await.unwrap_or_else(|e| panic!("{scenario}: {e}"));
                // Buyers who pay are never turned away by one fault: the truth is found.
                let pays = matches!(code, buyer::PAYS_AT_ONCE | buyer::CONFIRMS_AFTER_10S | buyer::SYSTEM_ERROR_PAID);
                let payment_never_arrived = target == "alipay.trade.pay"
                    && matches!(
                        fault,
                        Fault::DropBeforeApply
                            | Fault::Http5xx { applied: false, .. }
                            | Fault::SystemError { applied: false }
                    );
                let outcome = settled_after_expiry(&sandbox, &workflows, outcome).await;
                check(&sandbox, &outcome).unwrap_or_else(|e| panic!("{scenario}: {e}"));
                check_journal(&journal, &outcome).await.unwrap_or_else(|e| panic!("{scenario}: {e}"));
                if pays && !payment_never_arrived {
                    assert!(outcome.is_paid(), "{scenario}: a paying buyer must end paid: {outcome:?}");
                }
                if !pays {
                    assert!(!outcome.is_paid(), "{scenario}: {outcome:?}");
                }
                runs += 1;
            }
        }
    }
    assert_eq!(runs, 7 * 8 * 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_buyer_under_every_fault_ends_truthfully() {
    barcode_matrix(Protocol::V2).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn over_v3_every_buyer_under_every_fault_ends_truthfully() {
    barcode_matrix(Protocol::V3).await;
}

/// Random faults on every method at once, many workflows in parallel: whatever cannot be settled on the
/// spot is unknown, and `recover()` settles it once the faults stop.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn random_faults_everywhere_leave_nothing_waiting_after_recovery() {
    let (sandbox, workflows, journal) = setup();
    let rules =
        every_fault().into_iter().map(|(_, fault)| FaultRule { method: None, probability: 0.04, fault }).collect();
    sandbox.set_random_faults(20261122, rules);
    let runs: Vec<_> = (0..140)
        .map(|i| {
            let workflows = workflows.clone();
            let code = BUYERS[i % BUYERS.len()].1;
            tokio::spawn(async move { workflows.pay_and_wait(pay(code)).await })
        })
        .collect();
    let mut unfinished = 0;
    for run in runs {
        match run.await.expect("task") {
            Ok(outcome) if matches!(outcome.status, PaymentStatus::Unknown { .. }) => unfinished += 1,
            Ok(outcome) => {
                check(&sandbox, &outcome).unwrap_or_else(|e| panic!("{e}"));
                check_journal(&journal, &outcome).await.unwrap_or_else(|e| panic!("{e}"));
            }
            // Forged answers with every other answer lost: nothing verified, so the workflow gave up
            // without acting blindly and left its entry for `recover()`.
            Err(Error::Config(ConfigError::Unverifiable { .. })) => unfinished += 1,
            Err(e) => panic!("workflow: {e}"),
        }
    }
    sandbox.clear_faults();
    // Some minutes later: past every trade's own expiry, so a payment that never arrived can be settled.
    sandbox.advance(alipay_core::workflow::PollPolicy::barcode().trade_expiry + alipay_core::workflow::SETTLE_MARGIN);
    let report = workflows.recover().await.expect("recover");
    assert_eq!(report.recovered.len(), unfinished, "exactly the unknown and unverifiable ones are unfinished");
    for r in &report.recovered {
        match &r.result {
            Ok(alipay_core::workflow::Outcome::Payment(o)) => check(&sandbox, o).unwrap_or_else(|e| panic!("{e}")),
            other => panic!("recovery of {}: {other:?}", r.entry.key),
        }
    }
    let waiting: Vec<_> =
        sandbox.trades().into_iter().filter(|t| t.status == alipay_core::trade::TradeStatus::WaitBuyerPay).collect();
    assert!(waiting.is_empty(), "{waiting:?}");
}
