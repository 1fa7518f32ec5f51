//! Many instances on one journal: a workflow whose entry another instance took over stops acting at
//! its next journal write, and the new owner's `recover()` finishes it; a live instance's workflow is
//! never taken from it.

use std::sync::Arc;

use alipay_core::journal::{EntryState, JournalEntry, JournalError, TradeJournal};
use alipay_core::trade::{TradePayRequest, TradeRefundRequest, TradeStatus};
use alipay_core::workflow::{CancelCause, EventKind, NotPaidReason, Outcome, PaymentStatus, Workflows};
use alipay_core::{Error, ErrorKind};
use alipay_sandbox::buyer;

use super::truth::{check, order, setup};

fn pay(auth_code: &str) -> TradePayRequest {
    TradePayRequest::new(order("LS"), "6.60".parse().expect("money"), "Tea", auth_code)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_payment_whose_entry_was_taken_over_stops_before_its_cancel_and_the_new_owner_finishes_it() {
    let (sandbox, workflows, journal) = setup();
    let mut handle = workflows.start_pay(pay(buyer::NEVER_CONFIRMS)).await.expect("start");
    let key = JournalEntry::trade_key(handle.out_trade_no());
    // While it waits for the buyer, its lease "runs out" and another instance takes it over.
    while let Some(event) = handle.next_event().await {
        if matches!(event.kind, EventKind::WaitingForBuyer { .. }) {
            journal.revoke(&key);
            break;
        }
    }
    let err = handle.outcome().await.expect_err("it stops");
    assert!(matches!(&err, Error::Journal(JournalError::LeaseLost { .. })), "{err}");
    assert_eq!(err.kind(), ErrorKind::OutcomeUnknown);
    let trade = sandbox.trade(&key["trade:".len()..]).expect("trade");
    assert_eq!((trade.status, trade.cancel_action), (TradeStatus::WaitBuyerPay, None), "it sent no cancel");
    let entry = journal.entry(&key).await.expect("journal").expect("entry");
    assert_eq!(entry.state, EntryState::Open, "it wrote no outcome");

    // The new owner — here an instance on the same store whose predecessor is gone — recovers it.
    let successor = journal.new_instance();
    let stolen_by = entry.owner.expect("owned");
    assert_ne!(stolen_by, successor.instance());
    // The thief is not a live instance, so the take-over goes to the successor.
    let recovering = Workflows::new(workflows.client().clone(), Arc::new(successor));
    let report = recovering.recover().await.expect("recover");
    let mine: Vec<_> = report.recovered.iter().filter(|r| r.entry.key == key).collect();
    match &mine[..] {
        [r] => match &r.result {
            Ok(Outcome::Payment(o)) => {
                assert!(
                    matches!(
                        o.status,
                        PaymentStatus::NotPaid(NotPaidReason::Cancelled { cause: CancelCause::Recovered, .. })
                    ),
                    "{o:?}"
                );
                check(&sandbox, o).expect("truth");
            }
            other => panic!("{other:?}"),
        },
        other => panic!("{other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn recovery_on_another_live_instance_leaves_a_running_payment_alone() {
    let (sandbox, workflows, journal) = setup();
    let handle = workflows.start_pay(pay(&buyer::confirms_after(20))).await.expect("start");
    let out_trade_no = handle.out_trade_no().to_string();
    let other = Workflows::new(workflows.client().clone(), Arc::new(journal.new_instance()));
    let report = other.recover().await.expect("recover");
    assert!(report.recovered.iter().all(|r| r.entry.key != JournalEntry::trade_key(&out_trade_no)), "{report:?}");
    let outcome = handle.outcome().await.expect("its own workflow finishes it");
    assert!(outcome.is_paid(), "{outcome:?}");
    check(&sandbox, &outcome).expect("truth");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refund_running_on_a_live_instance_cannot_be_resumed_on_another() {
    let (_sandbox, workflows, journal) = setup();
    let paid = workflows.pay_and_wait(pay(buyer::PAYS_AT_ONCE)).await.expect("paid");
    let refund = TradeRefundRequest::by_out_trade_no(&paid.out_trade_no, "1.00".parse().expect("money"), "R1");
    let key = JournalEntry::refund_key(&paid.out_trade_no, "R1");
    // The first instance has begun this refund (its intent is journaled) and still lives.
    let mut intent = JournalEntry::new(
        key.clone(),
        alipay_core::journal::WorkflowKind::Refund,
        String::new(),
        std::time::SystemTime::now(),
    );
    intent.out_trade_no = Some(paid.out_trade_no.clone());
    intent.out_request_no = Some("R1".into());
    intent.biz_content = serde_json::to_string(&refund).expect("json");
    journal.begin(intent).await.expect("begin");
    let other = Workflows::new(workflows.client().clone(), Arc::new(journal.new_instance()));
    let err = other.refund_until_known(refund).await.expect_err("held by the first instance");
    assert!(matches!(&err, Error::Journal(JournalError::Held { .. })), "{err}");
    assert_eq!(err.kind(), ErrorKind::OutcomeUnknown);
}
