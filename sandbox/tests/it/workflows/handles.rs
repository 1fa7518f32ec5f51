//! The handle: progress events, `cancel()`, dropping it, detaching it; and the errors a workflow
//! returns before sending anything, or when nothing it hears can be believed.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use alipay_core::error::ConfigError;
use alipay_core::journal::{EntryState, JournalEntry, MemoryJournal, TradeJournal};
use alipay_core::trade::{CancelAction, TradePayRequest, TradeStatus};
use alipay_core::workflow::{CancelCause, EventKind, NotPaidReason, Outcome, PaymentStatus, Workflows};
use alipay_core::{Error, ErrorKind};
use alipay_sandbox::buyer;

use super::truth::{check, order, setup};

fn pay(auth_code: &str) -> TradePayRequest {
    TradePayRequest::new(order("HD"), "8.80".parse().expect("money"), "Latte", auth_code)
}

/// Waits (in real time, briefly) until the journal shows the entry settled.
async fn settled(journal: &dyn TradeJournal, key: &str) -> JournalEntry {
    for _ in 0..500 {
        if let Some(e) = journal.entry(key).await.expect("journal")
            && e.state == EntryState::Settled
        {
            return e;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("{key} never settled");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_tell_a_checkout_screen_what_is_happening() {
    let (sandbox, workflows, _) = setup();
    let mut handle = workflows.start_pay(pay(buyer::NEVER_CONFIRMS)).await.expect("start");
    let mut seen = Vec::new();
    while let Some(event) = handle.next_event().await {
        assert_eq!(event.key, JournalEntry::trade_key(handle.out_trade_no()));
        seen.push(match event.kind {
            EventKind::Submitted => "submitted".to_string(),
            EventKind::WaitingForBuyer { query, of } => format!("waiting {query}/{of}"),
            EventKind::Querying => "querying".into(),
            EventKind::Cancelling { cause } => format!("cancelling ({})", cause.as_str()),
            EventKind::Done(_) => "done".into(),
            other => format!("{other:?}"),
        });
    }
    let mut expected = vec!["submitted".to_string()];
    for n in 1..=5 {
        expected.extend([format!("waiting {n}/5"), "querying".into()]);
    }
    expected.extend(["cancelling (buyer_timeout)".into(), "done".into()]);
    assert_eq!(seen, expected);
    check(&sandbox, &handle.outcome().await.expect("outcome")).expect("truth");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancel_takes_the_cancel_path_at_once() {
    let (sandbox, workflows, _) = setup();
    let mut handle = workflows.start_pay(pay(buyer::NEVER_CONFIRMS)).await.expect("start");
    while let Some(event) = handle.next_event().await {
        if let EventKind::WaitingForBuyer { query: 2, .. } = event.kind {
            handle.cancel();
            break;
        }
    }
    let outcome = handle.outcome().await.expect("outcome");
    assert!(
        matches!(
            outcome.status,
            PaymentStatus::NotPaid(NotPaidReason::Cancelled {
                action: CancelAction::Close,
                cause: CancelCause::Requested
            })
        ),
        "{outcome:?}"
    );
    assert!(outcome.history.queries <= 2, "cancelled without waiting out the polls: {:?}", outcome.history);
    check(&sandbox, &outcome).expect("truth");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropping_the_handle_cancels_and_the_outcome_still_reaches_journal_and_callback() {
    let (sandbox, workflows, journal) = setup();
    let done = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&done);
    let workflows = workflows.on_event(move |e| {
        if let EventKind::Done(outcome) = &e.kind {
            sink.lock().expect("lock").push((**outcome).clone());
        }
    });
    let request = pay(buyer::NEVER_CONFIRMS);
    let key = JournalEntry::trade_key(&request.out_trade_no);
    drop(workflows.start_pay(request).await.expect("start"));
    let entry = settled(&journal, &key).await;
    assert!(entry.outcome.as_deref().unwrap_or_default().contains("requested"), "{entry:?}");
    let trade = sandbox.trade(key.trim_start_matches("trade:")).expect("trade");
    assert_eq!((trade.status, trade.cancel_action), (TradeStatus::TradeClosed, Some(CancelAction::Close)));
    let done = done.lock().expect("lock");
    assert!(matches!(&done[..], [Outcome::Payment(o)] if !o.is_paid()), "{done:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_detached_workflow_runs_to_its_end() {
    let (sandbox, workflows, journal) = setup();
    let request = pay(buyer::CONFIRMS_AFTER_10S);
    let key = JournalEntry::trade_key(&request.out_trade_no);
    workflows.start_pay(request).await.expect("start").detach();
    let entry = settled(&journal, &key).await;
    assert!(entry.outcome.as_deref().unwrap_or_default().contains(r#""status":"paid""#), "{entry:?}");
    assert!(sandbox.trade(key.trim_start_matches("trade:")).expect("trade").status.is_paid());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_order_number_is_never_used_twice_even_after_a_failure() {
    let (sandbox, workflows, _) = setup();
    let failed = pay(buyer::INSUFFICIENT_BALANCE);
    let again =
        TradePayRequest::new(failed.out_trade_no.clone(), "8.80".parse().expect("money"), "Latte", buyer::PAYS_AT_ONCE);
    assert!(!workflows.pay_and_wait(failed).await.expect("outcome").is_paid());
    let trades_before = sandbox.trades().len();
    let err = workflows.pay_and_wait(again).await.expect_err("reused order number");
    assert_eq!(err.kind(), ErrorKind::InvalidInput, "{err}");
    assert!(err.to_string().contains("never reused"), "{err}");
    assert_eq!(sandbox.trades().len(), trades_before, "nothing was sent");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_input_sends_nothing_and_journals_nothing() {
    let (sandbox, workflows, journal) = setup();
    let mut request = pay(buyer::PAYS_AT_ONCE);
    request.subject = String::new();
    let err = workflows.pay_and_wait(request).await.expect_err("no subject");
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert!(sandbox.trades().is_empty());
    assert!(journal.entries().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_the_wrong_alipay_key_nothing_is_cancelled_blindly_and_recovery_finishes_later() {
    let (sandbox, good, _) = setup();
    let journal = MemoryJournal::new();
    let wrong_key = alipay_core::keys::generate_rsa2048().expect("key").public_pem;
    let client = sandbox
        .client_builder()
        .expect("builder")
        .alipay_public_key_text(&wrong_key)
        .expect("a well-formed key")
        .build()
        .expect("client");
    // The trade must still be waiting when the fixed client recovers it, however slow this machine
    // is: at 2000× virtual time the default 2-minute expiry lasts 60 real ms, after which the
    // sandbox closes it by itself and there is nothing left to cancel.
    let patient = alipay_core::workflow::PollPolicy::barcode().with_trade_expiry(Duration::from_secs(24 * 3600));
    let misconfigured = Workflows::new(client, Arc::new(journal.clone())).with_barcode_policy(patient);
    let request = pay(buyer::NEVER_CONFIRMS);
    let out_trade_no = request.out_trade_no.clone();
    let err = misconfigured.pay_and_wait(request).await.expect_err("nothing verifies");
    assert!(matches!(err, Error::Config(ConfigError::Unverifiable { answers: 6, .. })), "{err}");
    let trade = sandbox.trade(&out_trade_no).expect("trade");
    assert_eq!((trade.status, trade.cancel_action), (TradeStatus::WaitBuyerPay, None), "no blind cancel");
    let entry = journal.entry(&JournalEntry::trade_key(&out_trade_no)).await.expect("journal").expect("entry");
    assert_eq!(entry.state, EntryState::Unresolved);

    // The key is fixed: recovery with the right client settles it.
    let fixed = Workflows::new(good.client().clone(), Arc::new(journal.clone()));
    let report = fixed.recover().await.expect("recover");
    match &report.recovered[..] {
        [r] => match &r.result {
            Ok(Outcome::Payment(o)) => {
                assert!(matches!(
                    o.status,
                    PaymentStatus::NotPaid(NotPaidReason::Cancelled { cause: CancelCause::Recovered, .. })
                ));
                check(&sandbox, o).expect("truth");
            }
            other => panic!("{other:?}"),
        },
        other => panic!("{other:?}"),
    }
}
