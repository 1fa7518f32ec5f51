//! `recover()` from every point a crash can leave a workflow at: intent journaled but nothing sent,
//! payment sent and waiting, paid but not recorded, QR code shown, refund applied but its answer lost.

use std::time::{Duration, SystemTime};

use alipay_core::Result;
use alipay_core::clock::format_shanghai;
use alipay_core::journal::{EntryState, JournalEntry, TradeJournal, WorkflowKind};
use alipay_core::trade::{CancelAction, TradePayRequest, TradePrecreateRequest, TradeRefundRequest, TradeStatus};
use alipay_core::workflow::{
    CancelCause, NotPaidReason, Outcome, PaymentStatus, PollPolicy, RefundEvidence, RefundResult, SETTLE_MARGIN,
};
use alipay_sandbox::{Fault, buyer};
use serde::Serialize;

use crate::support::money;

use super::truth::{check, order, setup};

/// The entry a workflow writes before its first request, as a crash leaves it.
fn intent(
    kind: WorkflowKind,
    out_trade_no: &str,
    request: &impl Serialize,
    out_request_no: Option<&str>,
) -> JournalEntry {
    let key = match out_request_no {
        Some(r) => JournalEntry::refund_key(out_trade_no, r),
        None => JournalEntry::trade_key(out_trade_no),
    };
    let mut entry = JournalEntry::new(key, kind, serde_json::to_string(request).expect("json"), SystemTime::now());
    entry.out_trade_no = Some(out_trade_no.to_string());
    entry.out_request_no = out_request_no.map(str::to_string);
    entry
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_crash_point_is_driven_to_a_truthful_end() -> Result<()> {
    let (sandbox, workflows, journal) = setup();
    let client = workflows.client().clone();

    // 1. Intent written, crash before the payment left.
    let mut never_sent = TradePayRequest::new(order("RC"), money("1.00"), "never sent", buyer::PAYS_AT_ONCE);
    // Its expiry (which the workflow sets) has passed by the time the process is back.
    never_sent.time_expire = Some(format_shanghai(sandbox.now() - SETTLE_MARGIN - Duration::from_secs(60)));
    journal.begin(intent(WorkflowKind::Pay, &never_sent.out_trade_no, &never_sent, None)).await?;
    // 2. The payment left; the buyer is still deciding; crash.
    let waiting = TradePayRequest::new(order("RC"), money("2.00"), "waiting", buyer::NEVER_CONFIRMS);
    journal.begin(intent(WorkflowKind::Pay, &waiting.out_trade_no, &waiting, None)).await?;
    assert!(client.trade_pay(&waiting).await?.is_waiting_for_buyer());
    // 3. The buyer paid; crash before the outcome was recorded.
    let paid = TradePayRequest::new(order("RC"), money("3.00"), "paid", buyer::PAYS_AT_ONCE);
    journal.begin(intent(WorkflowKind::Pay, &paid.out_trade_no, &paid, None)).await?;
    assert!(client.trade_pay(&paid).await?.is_paid());
    // 4. A QR code on screen; crash.
    let qr = TradePrecreateRequest::new(order("RC"), money("4.00"), "qr");
    journal.begin(intent(WorkflowKind::Precreate, &qr.out_trade_no, &qr, None)).await?;
    client.trade_precreate(&qr).await?;
    // 5. A refund applied, its answer lost in the crash.
    let refunded = TradeRefundRequest::by_out_trade_no(&paid.out_trade_no, money("1.00"), "R-LOST");
    journal.begin(intent(WorkflowKind::Refund, &paid.out_trade_no, &refunded, Some("R-LOST"))).await?;
    client.trade_refund(&refunded).await?;
    // 6. A refund journaled, never sent.
    let unsent = TradeRefundRequest::by_out_trade_no(&paid.out_trade_no, money("0.50"), "R-UNSENT");
    journal.begin(intent(WorkflowKind::Refund, &paid.out_trade_no, &unsent, Some("R-UNSENT"))).await?;
    // 7. A settled workflow is left alone.
    let done = TradePayRequest::new(order("RC"), money("7.00"), "done", buyer::PAYS_AT_ONCE);
    assert!(workflows.pay_and_wait(done).await?.is_paid());

    let mut report = workflows.recover().await?;
    report.recovered.sort_by_key(|r| r.entry.created_at);
    let results: Vec<_> =
        report.recovered.iter().map(|r| (r.entry.key.as_str(), r.result.as_ref().expect("recovered"))).collect();
    assert_eq!(results.len(), 6, "{results:?}");
    for (key, result) in &results {
        match result {
            Outcome::Payment(o) => {
                check(&sandbox, o).unwrap_or_else(|e| panic!("{key}: {e}"));
                let expected_paid = o.out_trade_no == paid.out_trade_no;
                assert_eq!(o.is_paid(), expected_paid, "{key}: {o:?}");
                if o.out_trade_no == waiting.out_trade_no || o.out_trade_no == qr.out_trade_no {
                    assert!(
                        matches!(
                            o.status,
                            PaymentStatus::NotPaid(NotPaidReason::Cancelled {
                                action: CancelAction::Close,
                                cause: CancelCause::Recovered
                            })
                        ),
                        "{key}: {o:?}"
                    );
                }
            }
            Outcome::Refund(o) if o.out_request_no == "R-LOST" => {
                assert!(matches!(o.status, RefundResult::Refunded(RefundEvidence::Query(_))), "{key}: {o:?}");
            }
            Outcome::Refund(o) => {
                assert!(matches!(o.status, RefundResult::Refunded(RefundEvidence::Refund(_))), "{key}: {o:?}");
            }
        }
    }
    assert!(journal.unfinished().await?.is_empty());
    let trade = sandbox.trade(&paid.out_trade_no).expect("paid trade");
    assert_eq!(trade.status, TradeStatus::TradeSuccess);
    let numbers: Vec<_> = trade.refunds.iter().map(|r| r.out_request_no.as_str()).collect();
    assert_eq!(numbers, ["R-LOST", "R-UNSENT"], "each refund exactly once");
    assert!(sandbox.trade(&never_sent.out_trade_no).is_none());

    // Nothing left: a second recovery does nothing.
    assert!(workflows.recover().await?.recovered.is_empty());
    Ok(())
}

/// The payment outcome of a recovery that recovered exactly one workflow.
async fn recover_one(workflows: &alipay_core::workflow::Workflows) -> alipay_core::workflow::PaymentOutcome {
    let report = workflows.recover().await.expect("recover");
    assert_eq!(report.recovered.len(), 1, "{report:?}");
    match &report.recovered[0].result {
        Ok(Outcome::Payment(o)) => o.clone(),
        other => panic!("{other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pay_held_up_on_its_way_is_never_settled_not_paid_while_it_can_still_land() {
    let (sandbox, workflows, journal) = setup();
    let request = TradePayRequest::new(order("HOLD"), money("8.00"), "held", buyer::PAYS_AT_ONCE);
    let out_trade_no = request.out_trade_no.clone();
    sandbox.inject(Some("alipay.trade.pay"), Fault::Hold);
    // The cashier's wait: queries find no trade, the cancel has nothing to cancel.
    let outcome = workflows.pay_and_wait(request).await.expect("outcome");
    assert!(matches!(outcome.status, PaymentStatus::Unknown { .. }), "not 'not created': {outcome:?}");
    let entry = journal.entry(&JournalEntry::trade_key(&out_trade_no)).await.expect("journal").expect("entry");
    assert_eq!(entry.state, EntryState::Unresolved);
    // recover() at once goes the same way (query, cancel of nothing) and still does not settle.
    let recovered = recover_one(&workflows).await;
    assert!(matches!(recovered.status, PaymentStatus::Unknown { .. }), "{recovered:?}");
    // The held request lands: the buyer is charged. Now recovery finds the truth.
    assert_eq!(sandbox.release_held(), 1);
    assert!(sandbox.trade(&out_trade_no).expect("trade").paid_at.is_some());
    let recovered = recover_one(&workflows).await;
    assert!(recovered.is_paid(), "{recovered:?}");
    check(&sandbox, &recovered).expect("truthful");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pay_held_up_past_its_own_expiry_is_not_created_and_refused_when_it_lands() {
    let (sandbox, workflows, _) = setup();
    let request = TradePayRequest::new(order("HOLD"), money("8.00"), "held", buyer::PAYS_AT_ONCE);
    let out_trade_no = request.out_trade_no.clone();
    sandbox.inject(Some("alipay.trade.pay"), Fault::Hold);
    let outcome = workflows.pay_and_wait(request).await.expect("outcome");
    assert!(matches!(outcome.status, PaymentStatus::Unknown { .. }), "{outcome:?}");
    // The workflow sent time_expire = start + 2 minutes; past it (and the margin) no payment can land.
    sandbox.advance(PollPolicy::barcode().trade_expiry + SETTLE_MARGIN + Duration::from_secs(1));
    let recovered = recover_one(&workflows).await;
    assert!(matches!(recovered.status, PaymentStatus::NotPaid(NotPaidReason::NotCreated)), "{recovered:?}");
    assert_eq!(sandbox.release_held(), 1);
    let landed = sandbox.trade(&out_trade_no);
    assert!(landed.as_ref().is_none_or(|t| t.paid_at.is_none()), "refused after its expiry: {landed:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_journal_holds_no_usable_credential_and_recovery_gets_the_token_from_the_app() {
    let (sandbox, workflows, journal) = setup();
    const TOKEN: &str = "202611BBsecret-merchant-token";
    let isv_client = workflows.client().with_options(alipay_core::CallOptions::new().app_auth_token(TOKEN));
    // The held payment must still be payable when it is released, however slow this machine is:
    // at 2000× virtual time the default 2-minute expiry lasts 60 real ms.
    let patient = alipay_core::workflow::PollPolicy::barcode().with_trade_expiry(Duration::from_secs(24 * 3600));
    let isv = alipay_core::workflow::Workflows::new(isv_client, std::sync::Arc::new(journal.clone()))
        .with_barcode_policy(patient);
    let request = TradePayRequest::new(order("ISV"), money("5.00"), "for a merchant", buyer::PAYS_AT_ONCE);
    let key = JournalEntry::trade_key(&request.out_trade_no);
    sandbox.inject(Some("alipay.trade.pay"), Fault::Hold);
    let outcome = isv.pay_and_wait(request).await.expect("outcome");
    assert!(matches!(outcome.status, PaymentStatus::Unknown { .. }), "{outcome:?}");

    let entry = journal.entry(&key).await.expect("journal").expect("entry");
    assert!(
        !entry.biz_content.contains(buyer::PAYS_AT_ONCE),
        "the single-use auth_code is not kept: {}",
        entry.biz_content
    );
    assert_eq!(entry.app_auth_token_id, Some(alipay_core::journal::token_fingerprint(TOKEN)));
    assert!(!format!("{entry:?}").contains(TOKEN));

    sandbox.release_held();
    // Recovery without the merchant's token cannot act for it: it says so, and the entry stays open.
    let report = isv.recover().await.expect("recover");
    assert!(
        matches!(
            &report.recovered[0].result,
            Err(alipay_core::Error::Config(alipay_core::error::ConfigError::AppAuthTokenNeeded { .. }))
        ),
        "{report:?}"
    );
    assert!(!journal.entry(&key).await.expect("journal").expect("entry").state.eq(&EntryState::Settled));
    // Given the tokens it may use, it finds the one the workflow ran with.
    let report = isv.recover_with_tokens(&["202611BBanother-merchant", TOKEN]).await.expect("recover");
    match &report.recovered[0].result {
        Ok(Outcome::Payment(o)) => assert!(o.is_paid(), "{o:?}"),
        other => panic!("{other:?}"),
    }
}
