//! The payment rules, one scenario per test, fed straight into the machine.

use std::time::Duration;

use serde::de::DeserializeOwned;
use serde_json::json;

use super::*;
use crate::error::{ConfigError, GatewayError, SignatureError, TransportError, TransportErrorKind};
use crate::trade::CancelAction;
use crate::workflow::SETTLE_MARGIN;

const S5: Duration = Duration::from_secs(5);

fn parse<T: DeserializeOwned>(v: serde_json::Value) -> T {
    serde_json::from_value(v).expect("test answer")
}

fn pay(code: &str) -> Heard<TradePayResponse> {
    Heard::Answer(parse(json!({"code": code, "msg": "m", "trade_no": "2026112222001", "out_trade_no": "T1"})))
}

fn query(status: &str) -> Heard<TradeQueryResponse> {
    Heard::Answer(parse(
        json!({"code": "10000", "msg": "Success", "trade_no": "2026112222001", "trade_status": status}),
    ))
}

fn cancel(retry: &str, action: Option<&str>) -> Heard<TradeCancelResponse> {
    let mut v = json!({"code": "10000", "msg": "Success", "retry_flag": retry});
    if let Some(a) = action {
        v["action"] = json!(a);
    }
    Heard::Answer(parse(v))
}

fn refused<T>(sub_code: &str) -> Heard<T> {
    Heard::Refused(GatewayError::v2("m", "40004", "Business Failed", Some(sub_code.into()), None, true))
}

fn lost<T>() -> Heard<T> {
    Heard::Unknown(TransportError::outcome_unknown(TransportErrorKind::Timeout, "timed out").into())
}

fn forged<T>() -> Heard<T> {
    Heard::Unverified(SignatureError::Mismatch { what: "answer".into() }.into())
}

fn barcode() -> PaymentMachine {
    PaymentMachine::new(Flow::Barcode, PollPolicy::barcode(), "trade:T1".into(), "T1".into())
}

fn qr() -> PaymentMachine {
    PaymentMachine::new(Flow::Qr, PollPolicy::qr(), "trade:T1".into(), "T1".into())
}

#[track_caller]
fn expect_query(step: Step, n: u32) {
    match step {
        Step::Query { after, purpose: QueryPurpose::Poll { n: got, .. } } => {
            assert_eq!((after, got), (S5, n), "query timing");
        }
        other => panic!("expected poll {n}, got {other:?}"),
    }
}

#[track_caller]
fn expect_cancel(step: Step, attempt: u32, cause: CancelCause) {
    match step {
        Step::Cancel { attempt: a, cause: c, .. } => assert_eq!((a, c), (attempt, cause)),
        other => panic!("expected cancel {attempt}, got {other:?}"),
    }
}

#[track_caller]
/// A barcode payment answered `10003`, then five queries still `WAIT_BUYER_PAY`: the machine must
/// cancel right after the last one.
fn wait_out_a_buyer_who_never_confirms(m: &mut PaymentMachine) {
    let mut step = m.on_pay(pay("10003"), Duration::ZERO);
    for n in 1..=5 {
        expect_query(step, n);
        step = m.on_query(query("WAIT_BUYER_PAY"), S5 * n);
    }
    expect_cancel(step, 1, CancelCause::BuyerTimeout);
}

fn outcome(step: Step) -> PaymentOutcome {
    match step {
        Step::Finish(o) => o,
        other => panic!("expected an outcome, got {other:?}"),
    }
}

#[test]
fn barcode_10000_is_paid_without_a_query() {
    let o = outcome(barcode().on_pay(pay("10000"), Duration::ZERO));
    assert!(matches!(o.status, PaymentStatus::Paid(PaidEvidence::Pay(_))));
    assert_eq!(o.trade_no.as_deref(), Some("2026112222001"));
    assert_eq!(o.history.queries, 0);
}

#[test]
fn barcode_10003_polls_every_5s_then_paid() {
    let mut m = barcode();
    expect_query(m.on_pay(pay("10003"), Duration::ZERO), 1);
    expect_query(m.on_query(query("WAIT_BUYER_PAY"), S5), 2);
    let o = outcome(m.on_query(query("TRADE_SUCCESS"), S5 * 2));
    assert!(matches!(o.status, PaymentStatus::Paid(PaidEvidence::Query(_))));
    assert_eq!(o.history.queries, 2);
}

#[test]
fn a_buyer_who_never_confirms_is_cancelled_right_after_the_last_query() {
    let mut m = barcode();
    wait_out_a_buyer_who_never_confirms(&mut m);
    let o = outcome(m.on_cancel(cancel("N", Some("close"))));
    assert!(matches!(
        o.status,
        PaymentStatus::NotPaid(NotPaidReason::Cancelled {
            action: CancelAction::Close,
            cause: CancelCause::BuyerTimeout
        })
    ));
    assert_eq!((o.history.queries, o.history.cancel_attempts), (5, 1));
}

#[test]
fn the_deadline_cuts_polling_short() {
    let policy = PollPolicy::barcode().with_deadline(Duration::from_secs(12));
    let mut m = PaymentMachine::new(Flow::Barcode, policy, "trade:T1".into(), "T1".into());
    expect_query(m.on_pay(pay("10003"), Duration::ZERO), 1);
    expect_query(m.on_query(query("WAIT_BUYER_PAY"), S5), 2);
    // The third query would come at 15 s, after the 12 s deadline.
    expect_cancel(m.on_query(query("WAIT_BUYER_PAY"), S5 * 2), 1, CancelCause::BuyerTimeout);
}

#[test]
fn a_verified_40004_fails_without_cancel() {
    let o = outcome(barcode().on_pay(refused("ACQ.BUYER_BALANCE_NOT_ENOUGH"), Duration::ZERO));
    match o.status {
        PaymentStatus::NotPaid(NotPaidReason::Failed(g)) => {
            assert_eq!(g.sub_code.as_deref(), Some("ACQ.BUYER_BALANCE_NOT_ENOUGH"));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_lost_answer_is_queried_and_paid_if_the_query_says_so() {
    let mut m = barcode();
    expect_query(m.on_pay(lost(), Duration::ZERO), 1);
    assert!(outcome(m.on_query(query("TRADE_SUCCESS"), S5)).is_paid());
}

#[test]
fn a_lost_answer_with_no_trade_behind_it_is_cancelled_at_once_and_unknown_until_its_expiry() {
    let start = crate::clock::parse_shanghai("2026-11-22 10:00:00").expect("time");
    let expiring = || barcode().expiring(Some("2026-11-22 10:02:00"));
    let mut m = expiring();
    m.observe(start);
    expect_query(m.on_pay(lost(), Duration::ZERO), 1);
    expect_cancel(m.on_query(refused("ACQ.TRADE_NOT_EXIST"), S5), 1, CancelCause::OutcomeUnknown);
    // Nothing to cancel — but the pay may still be on its way: look once more, then say "unknown".
    assert!(matches!(m.on_cancel(cancel("N", None)), Step::Query { purpose: QueryPurpose::Confirm, .. }));
    let o = outcome(m.on_query(refused("ACQ.TRADE_NOT_EXIST"), S5 * 2));
    assert!(matches!(o.status, PaymentStatus::Unknown { .. }), "{o:?}");

    // After its expiry and the margin, no payment can land: "not created".
    let mut later = expiring();
    later.observe(start + Duration::from_secs(120) + SETTLE_MARGIN);
    expect_query(later.on_pay(lost(), Duration::ZERO), 1);
    expect_cancel(later.on_query(refused("ACQ.TRADE_NOT_EXIST"), S5), 1, CancelCause::OutcomeUnknown);
    let o = outcome(later.on_cancel(cancel("N", None)));
    assert!(matches!(o.status, PaymentStatus::NotPaid(NotPaidReason::NotCreated)), "{o:?}");

    // Without an expiry, never "not created" from silence.
    let mut unbounded = barcode();
    unbounded.observe(start + Duration::from_secs(86_400));
    expect_query(unbounded.on_pay(lost(), Duration::ZERO), 1);
    expect_cancel(unbounded.on_query(refused("ACQ.TRADE_NOT_EXIST"), S5), 1, CancelCause::OutcomeUnknown);
    assert!(matches!(unbounded.on_cancel(cancel("N", None)), Step::Query { .. }));
    assert!(matches!(
        outcome(unbounded.on_query(refused("ACQ.TRADE_NOT_EXIST"), S5)).status,
        PaymentStatus::Unknown { .. }
    ));
}

#[test]
fn a_forged_answer_is_not_a_failure_the_query_decides() {
    let mut m = barcode();
    expect_query(m.on_pay(forged(), Duration::ZERO), 1);
    let o = outcome(m.on_query(query("TRADE_SUCCESS"), S5));
    assert!(o.is_paid());
    assert_eq!(o.history.unverified_answers, 1);
}

#[test]
fn when_nothing_verifies_it_gives_up_without_cancelling() {
    let mut m = barcode();
    let mut step = m.on_pay(forged(), Duration::ZERO);
    for n in 1..=5 {
        expect_query(step, n);
        step = m.on_query(forged(), S5 * n);
    }
    match step {
        Step::GiveUp(e) => assert!(matches!(e, Error::Config(ConfigError::Unverifiable { answers: 6, .. })), "{e}"),
        other => panic!("expected give-up, got {other:?}"),
    }
}

#[test]
fn cancel_is_retried_when_asked_or_lost_then_confirmed_by_query() {
    let mut m = barcode();
    wait_out_a_buyer_who_never_confirms(&mut m);
    match m.on_cancel(cancel("Y", None)) {
        Step::Cancel { after, attempt: 2, of: 3, .. } => assert_eq!(after, Duration::from_secs(2)),
        other => panic!("{other:?}"),
    }
    expect_cancel(m.on_cancel(lost()), 3, CancelCause::BuyerTimeout);
    let confirm = m.on_cancel(lost());
    assert!(matches!(confirm, Step::Query { purpose: QueryPurpose::Confirm, .. }), "{confirm:?}");
    // Still waiting after every cancel: only now is the outcome unknown.
    let o = outcome(m.on_query(query("WAIT_BUYER_PAY"), S5 * 9));
    assert!(matches!(o.status, PaymentStatus::Unknown { last_known: Some(TradeStatus::WaitBuyerPay), .. }));
    assert_eq!(o.history.cancel_attempts, 3);
}

#[test]
fn a_refused_cancel_is_settled_by_a_query() {
    let mut m = barcode();
    expect_query(m.on_pay(lost(), Duration::ZERO), 1);
    expect_cancel(m.on_query(refused("ACQ.TRADE_NOT_EXIST"), S5), 1, CancelCause::OutcomeUnknown);
    let confirm = m.on_cancel(refused("ACQ.TRADE_CANCEL_TIME_OUT"));
    assert!(matches!(confirm, Step::Query { purpose: QueryPurpose::Confirm, .. }));
    assert!(outcome(m.on_query(query("TRADE_SUCCESS"), S5)).is_paid());
}

#[test]
fn a_cancel_that_refunds_is_not_paid_with_action_refund() {
    let mut m = barcode();
    expect_query(m.on_pay(lost(), Duration::ZERO), 1);
    let mut step = m.on_query(lost(), S5);
    for n in 2..=5 {
        expect_query(step, n);
        step = m.on_query(lost(), S5 * n);
    }
    expect_cancel(step, 1, CancelCause::OutcomeUnknown);
    let o = outcome(m.on_cancel(cancel("N", Some("refund"))));
    assert!(matches!(o.status, PaymentStatus::NotPaid(NotPaidReason::Cancelled { action: CancelAction::Refund, .. })));
}

#[test]
fn stopping_while_polling_cancels_at_once_and_a_late_payment_still_counts() {
    let mut m = barcode();
    expect_query(m.on_pay(pay("10003"), Duration::ZERO), 1);
    expect_cancel(m.request_stop().expect("polling"), 1, CancelCause::Requested);
    assert!(m.request_stop().is_none(), "already cancelling");

    let mut m = barcode();
    assert!(m.request_stop().is_none(), "submitting: remembered");
    expect_cancel(m.on_pay(pay("10003"), Duration::ZERO), 1, CancelCause::Requested);
    let mut m = barcode();
    let _ = m.request_stop();
    assert!(outcome(m.on_pay(pay("10000"), Duration::ZERO)).is_paid());
}

#[test]
fn an_unscanned_qr_code_keeps_waiting_then_is_cancelled() {
    let mut m = qr();
    let created: TradePrecreateResponse =
        parse(json!({"code": "10000", "msg": "m", "out_trade_no": "T1", "qr_code": "q"}));
    let mut step = m.on_precreate(Heard::Answer(created), Duration::ZERO);
    for n in 1..=24 {
        expect_query(step, n);
        step = m.on_query(refused("ACQ.TRADE_NOT_EXIST"), S5 * n);
    }
    expect_cancel(step, 1, CancelCause::BuyerTimeout);
    let o = outcome(m.on_cancel(cancel("N", Some("close"))));
    assert!(matches!(o.status, PaymentStatus::NotPaid(NotPaidReason::Cancelled { action: CancelAction::Close, .. })));
}

#[test]
fn a_qr_code_never_shown_is_cancelled_after_one_query() {
    let mut m = qr();
    expect_query(m.on_precreate(lost(), Duration::ZERO), 1);
    expect_cancel(m.on_query(refused("ACQ.TRADE_NOT_EXIST"), S5), 1, CancelCause::OutcomeUnknown);
}

#[test]
fn alipay_closing_the_trade_ends_it_unpaid() {
    let mut m = qr();
    let created: TradePrecreateResponse =
        parse(json!({"code": "10000", "msg": "m", "out_trade_no": "T1", "qr_code": "q"}));
    expect_query(m.on_precreate(Heard::Answer(created), Duration::ZERO), 1);
    let o = outcome(m.on_query(query("TRADE_CLOSED"), S5));
    assert!(matches!(o.status, PaymentStatus::NotPaid(NotPaidReason::Closed)));
}

#[test]
fn recovery_queries_first_and_cancels_a_waiting_trade_at_once() {
    let (mut m, step) = PaymentMachine::recovering(
        Flow::Barcode,
        PollPolicy::barcode(),
        "trade:T1".into(),
        "T1".into(),
        Some("2026112222001".into()),
    );
    assert!(matches!(step, Step::Query { after: Duration::ZERO, .. }));
    expect_cancel(m.on_query(query("WAIT_BUYER_PAY"), Duration::ZERO), 1, CancelCause::Recovered);

    let (mut m, _) = PaymentMachine::recovering(Flow::Qr, PollPolicy::qr(), "trade:T1".into(), "T1".into(), None);
    assert!(outcome(m.on_query(query("TRADE_FINISHED"), Duration::ZERO)).is_paid());
}

#[test]
fn a_pay_that_reports_already_paid_is_confirmed_by_query() {
    let mut m = barcode();
    expect_query(m.on_pay(refused("ACQ.TRADE_HAS_SUCCESS"), Duration::ZERO), 1);
    assert!(outcome(m.on_query(query("TRADE_SUCCESS"), S5)).is_paid());
}
