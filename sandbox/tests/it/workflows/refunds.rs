//! Refunds until known: one `out_request_no` across every retry, confirmed by the refund query, never
//! refunded twice — under every fault, on the refund or the refund query.

use std::sync::Arc;
use std::time::Duration;

use alipay_core::Protocol;
use alipay_core::journal::{EntryState, JournalEntry, TradeJournal};
use alipay_core::trade::{TradePayRequest, TradeRefundRequest};
use alipay_core::workflow::{RefundEvidence, RefundResult, Workflows};
use alipay_core::{ErrorKind, Money};
use alipay_sandbox::{Sandbox, buyer};

use crate::support::money;

use super::truth::{every_fault, order, setup, setup_over};

/// A paid trade of 30.00 to refund.
async fn paid_trade(workflows: &Workflows) -> String {
    let request = TradePayRequest::new(order("RF"), money("30.00"), "Refund me", buyer::PAYS_AT_ONCE);
    let out_trade_no = request.out_trade_no.clone();
    assert!(workflows.pay_and_wait(request).await.expect("pay").is_paid());
    out_trade_no
}

/// The refunds the sandbox applied to a trade (not counting cancels).
fn refunds(sandbox: &Sandbox, out_trade_no: &str) -> Vec<(String, Money)> {
    let trade = sandbox.trade(out_trade_no).expect("trade");
    trade.refunds.into_iter().map(|r| (r.out_request_no, r.amount)).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refund_with_a_generated_number_is_made_once_and_journaled() {
    let (sandbox, workflows, journal) = setup();
    let out_trade_no = paid_trade(&workflows).await;
    let outcome = workflows
        .refund_until_known(TradeRefundRequest::by_out_trade_no(&out_trade_no, money("10.00"), ""))
        .await
        .expect("refund");
    assert!(matches!(outcome.status, RefundResult::Refunded(RefundEvidence::Refund(_))), "{outcome:?}");
    assert!(outcome.out_request_no.starts_with('R') && outcome.out_request_no.len() > 20, "{}", outcome.out_request_no);
    assert_eq!(refunds(&sandbox, &out_trade_no), [(outcome.out_request_no.clone(), money("10.00"))]);
    let key = JournalEntry::refund_key(&out_trade_no, &outcome.out_request_no);
    let entry = journal.entry(&key).await.expect("journal").expect("entry");
    assert_eq!(entry.state, EntryState::Settled);
    assert_eq!(entry.out_request_no.as_deref(), Some(outcome.out_request_no.as_str()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn asking_again_with_the_same_request_confirms_and_moves_no_money() {
    let (sandbox, workflows, _) = setup();
    let out_trade_no = paid_trade(&workflows).await;
    let request = TradeRefundRequest::by_out_trade_no(&out_trade_no, money("5.00"), "R-1");
    assert!(workflows.refund_until_known(request.clone()).await.expect("first").is_refunded());
    let again = workflows.refund_until_known(request).await.expect("again");
    assert!(
        matches!(again.status, RefundResult::Refunded(RefundEvidence::Query(_))),
        "fund_change=N is confirmed: {again:?}"
    );
    assert_eq!(refunds(&sandbox, &out_trade_no), [("R-1".to_string(), money("5.00"))]);

    let different = TradeRefundRequest::by_out_trade_no(&out_trade_no, money("6.00"), "R-1");
    let err = workflows.refund_until_known(different).await.expect_err("same number, other amount");
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert!(err.to_string().contains("different refund"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refund_alipay_refuses_is_rejected_with_its_reason() {
    let (sandbox, workflows, _) = setup();
    let out_trade_no = paid_trade(&workflows).await;
    let outcome = workflows
        .refund_until_known(TradeRefundRequest::by_out_trade_no(&out_trade_no, money("30.01"), "TOO-MUCH"))
        .await
        .expect("refund");
    match outcome.status {
        RefundResult::Rejected(g) => assert_eq!(g.sub_code.as_deref(), Some("ACQ.REFUND_AMT_NOT_EQUAL_TOTAL")),
        other => panic!("{other:?}"),
    }
    assert!(refunds(&sandbox, &out_trade_no).is_empty());
}

async fn refund_matrix(protocol: Protocol) {
    let (sandbox, workflows, journal) = setup_over(protocol);
    for (_, fault) in every_fault() {
        for target in ["alipay.trade.refund", "alipay.trade.fastpay.refund.query"] {
            // Two faults in a row: the first answer and the first confirmation are both hit.
            for repeat in [1, 2] {
                let scenario = format!("{fault:?} ×{repeat} on {target}");
                sandbox.clear_faults();
                let out_trade_no = paid_trade(&workflows).await;
                for _ in 0..repeat {
                    sandbox.inject(Some(target), fault);
                }
                let request = TradeRefundRequest::by_out_trade_no(&out_trade_no, money("12.34"), "");
                let outcome = workflows.refund_until_known(request).await.unwrap_or_else(|e| panic!("{scenario}: {e}"));
                assert!(outcome.is_refunded(), "{scenario}: {outcome:?}");
                assert_eq!(
                    refunds(&sandbox, &out_trade_no),
                    [(outcome.out_request_no.clone(), money("12.34"))],
                    "{scenario}: exactly one refund, under the one number"
                );
                let key = JournalEntry::refund_key(&out_trade_no, &outcome.out_request_no);
                let entry = journal.entry(&key).await.expect("journal").expect("entry");
                assert_eq!(entry.state, EntryState::Settled, "{scenario}");
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_fault_on_the_refund_or_its_query_still_refunds_exactly_once() {
    refund_matrix(Protocol::V2).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn over_v3_every_fault_on_the_refund_or_its_query_still_refunds_exactly_once() {
    refund_matrix(Protocol::V3).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refund_that_never_reaches_alipay_is_not_sent_and_safe_to_repeat() {
    let (sandbox, workflows, _) = setup();
    let out_trade_no = paid_trade(&workflows).await;
    // The same sandbox, through a client whose connections are refused.
    let unreachable = sandbox
        .client_builder()
        .expect("builder")
        .gateway(alipay_core::Gateway::Custom("http://127.0.0.1:9/gateway.do".into()))
        .transport(Arc::new(
            alipay_core::transport::ReqwestTransport::new(&alipay_core::transport::TransportSettings::default())
                .expect("transport"),
        ))
        .build()
        .expect("client");
    let offline = Workflows::new(unreachable, Arc::clone(workflows.journal()))
        .with_refund_policy(alipay_core::workflow::RefundPolicy::default().with_interval(Duration::from_millis(1)));
    let request = TradeRefundRequest::by_out_trade_no(&out_trade_no, money("1.00"), "R-OFFLINE");
    let outcome = offline.refund_until_known(request.clone()).await.expect("refund");
    assert!(matches!(outcome.status, RefundResult::NotSent(_)), "{outcome:?}");
    assert_eq!(outcome.history.attempts, 3);
    assert!(refunds(&sandbox, &out_trade_no).is_empty());
    // Back online: the same request goes through, once.
    assert!(workflows.refund_until_known(request).await.expect("refund").is_refunded());
    assert_eq!(refunds(&sandbox, &out_trade_no).len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_generated_refund_cut_off_after_sending_then_retried_and_recovered_is_made_once() {
    let (sandbox, workflows, journal) = setup();
    let out_trade_no = paid_trade(&workflows).await;
    let request = TradeRefundRequest::by_out_trade_no(&out_trade_no, money("1.00"), "");
    // The refund lands, but no answer and no refund query gets back: as if the process died after sending.
    sandbox.set_random_faults(
        1,
        vec![alipay_sandbox::FaultRule {
            method: None,
            probability: 1.0,
            fault: alipay_sandbox::Fault::DropAfterApply,
        }],
    );
    let cut_off = workflows.refund_until_known(request.clone()).await.expect("outcome");
    assert!(!cut_off.is_refunded(), "nothing verified yet: {cut_off:?}");
    sandbox.clear_faults();
    // The caller retries the very same call, as the docs say is safe, from a new process…
    let restarted = Workflows::new(workflows.client().clone(), Arc::new(journal.clone()));
    let retried = restarted.refund_until_known(request.clone()).await.expect("retry");
    assert!(retried.is_refunded(), "{retried:?}");
    assert_eq!(retried.out_request_no, cut_off.out_request_no, "the same refund, under the same number");
    // …then runs recover(), and later calls once more.
    restarted.recover().await.expect("recover");
    assert!(restarted.refund_until_known(request).await.expect("once more").is_refunded());
    assert_eq!(refunds(&sandbox, &out_trade_no), [(cut_off.out_request_no.clone(), money("1.00"))], "one refund");
}
