//! Trades with real state, and the simulated buyer.

use std::time::Duration;

use alipay_core::ErrorKind;
use alipay_core::trade::*;
use alipay_sandbox::{ScanOutcome, buyer};

use crate::support::{money, order, sandbox};

fn gateway_sub_code(err: &alipay_core::Error) -> Option<String> {
    err.as_gateway().and_then(|g| g.sub_code.clone())
}

#[tokio::test]
async fn a_buyer_who_pays_at_once() {
    let (sb, client) = sandbox(1.0);
    let no = order("PAY");
    let paid =
        client.trade_pay(&TradePayRequest::new(&no, money("88.88"), "Coffee", buyer::PAYS_AT_ONCE)).await.expect("pay");
    assert!(paid.is_paid());
    assert_eq!(paid.total_amount.map(|a| a.to_string()).as_deref(), Some("88.88"));
    assert_eq!(paid.trade_no.as_deref().map(str::len), Some(28));
    let q = client.trade_query(&TradeQueryRequest::by_out_trade_no(&no)).await.expect("query");
    assert_eq!(q.trade_status, Some(TradeStatus::TradeSuccess));
    assert_eq!(sb.trade(&no).expect("ground truth").status, TradeStatus::TradeSuccess);
}

#[tokio::test]
async fn a_buyer_who_confirms_after_n_seconds_of_virtual_time() {
    let (sb, client) = sandbox(1000.0);
    let no = order("CONF");
    let first = client
        .trade_pay(&TradePayRequest::new(&no, money("10.00"), "Tea", buyer::CONFIRMS_AFTER_10S))
        .await
        .expect("pay");
    assert!(first.is_waiting_for_buyer());
    let q = client.trade_query(&TradeQueryRequest::by_out_trade_no(&no)).await.expect("query");
    assert_eq!(q.trade_status, Some(TradeStatus::WaitBuyerPay));
    tokio::time::sleep(Duration::from_millis(30)).await; // 30 virtual seconds
    let q = client.trade_query(&TradeQueryRequest::by_out_trade_no(&no)).await.expect("query");
    assert_eq!(q.trade_status, Some(TradeStatus::TradeSuccess));
    assert!(sb.trade(&no).expect("trade").paid_at.is_some());
}

#[tokio::test]
async fn a_buyer_who_never_confirms_waits_until_the_timeout_closes_the_trade() {
    let (sb, client) = sandbox(1.0);
    let no = order("NEVER");
    let mut req = TradePayRequest::new(&no, money("10.00"), "Tea", buyer::NEVER_CONFIRMS);
    req.timeout_express = Some("5m".into());
    assert!(client.trade_pay(&req).await.expect("pay").is_waiting_for_buyer());
    sb.advance(Duration::from_secs(4 * 60));
    assert_eq!(sb.trade(&no).expect("t").status, TradeStatus::WaitBuyerPay);
    sb.advance(Duration::from_secs(61));
    let q = client.trade_query(&TradeQueryRequest::by_out_trade_no(&no)).await.expect("query");
    assert_eq!(q.trade_status, Some(TradeStatus::TradeClosed));
}

#[tokio::test]
async fn failing_buyers_get_the_real_acq_codes() {
    let (sb, client) = sandbox(1.0);
    let no = order("POOR");
    let err = client
        .trade_pay(&TradePayRequest::new(&no, money("1.00"), "x", buyer::INSUFFICIENT_BALANCE))
        .await
        .expect_err("poor");
    assert_eq!(gateway_sub_code(&err).as_deref(), Some("ACQ.BUYER_BALANCE_NOT_ENOUGH"));
    assert_eq!(err.kind(), ErrorKind::Rejected);
    assert_eq!(sb.trade(&no).expect("closed trade").status, TradeStatus::TradeClosed);
    let again =
        client.trade_pay(&TradePayRequest::new(&no, money("1.00"), "x", buyer::PAYS_AT_ONCE)).await.expect_err("reuse");
    assert_eq!(gateway_sub_code(&again).as_deref(), Some("ACQ.TRADE_HAS_CLOSE"), "an out_trade_no is never reused");

    let no = order("BADCODE");
    for code in [buyer::INVALID_CODE, "123", "13000000000000000000"] {
        let err = client.trade_pay(&TradePayRequest::new(&no, money("1.00"), "x", code)).await.expect_err("invalid");
        assert_eq!(gateway_sub_code(&err).as_deref(), Some("ACQ.PAYMENT_AUTH_CODE_INVALID"), "{code}");
    }
    assert!(sb.trade(&no).is_none());
}

#[tokio::test]
async fn system_errors_hide_a_paid_or_an_unpaid_trade() {
    let (sb, client) = sandbox(1.0);
    let paid = order("SEP");
    let err = client
        .trade_pay(&TradePayRequest::new(&paid, money("1.00"), "x", buyer::SYSTEM_ERROR_PAID))
        .await
        .expect_err("20000");
    assert_eq!(err.kind(), ErrorKind::OutcomeUnknown);
    let q = client.trade_query(&TradeQueryRequest::by_out_trade_no(&paid)).await.expect("query");
    assert_eq!(q.trade_status, Some(TradeStatus::TradeSuccess));

    let unpaid = order("SEU");
    let err = client
        .trade_pay(&TradePayRequest::new(&unpaid, money("1.00"), "x", buyer::SYSTEM_ERROR_UNPAID))
        .await
        .expect_err("20000");
    assert_eq!(err.kind(), ErrorKind::OutcomeUnknown);
    assert_eq!(sb.trade(&unpaid).expect("t").status, TradeStatus::WaitBuyerPay);
    let c = client.trade_cancel(&TradeCancelRequest::by_out_trade_no(&unpaid)).await.expect("cancel");
    assert_eq!((c.action, c.retry_flag), (Some(CancelAction::Close), Some(false)));
    assert_eq!(sb.trade(&unpaid).expect("t").status, TradeStatus::TradeClosed);
}

#[tokio::test]
async fn a_precreated_qr_code_does_not_exist_until_scanned() {
    let (sb, client) = sandbox(1.0);
    let no = order("QR");
    let pre = client.trade_precreate(&TradePrecreateRequest::new(&no, money("5.00"), "Cake")).await.expect("precreate");
    assert!(pre.qr_code.starts_with("https://qr.alipay.com/"));
    let err = client.trade_query(&TradeQueryRequest::by_out_trade_no(&no)).await.expect_err("not scanned");
    assert_eq!(gateway_sub_code(&err).as_deref(), Some("ACQ.TRADE_NOT_EXIST"));
    let again = client
        .trade_precreate(&TradePrecreateRequest::new(&no, money("5.00"), "Cake"))
        .await
        .expect("same order again");
    assert_eq!(again.qr_code, pre.qr_code, "asking again for the same order gives the same QR code");
    let other =
        client.trade_precreate(&TradePrecreateRequest::new(&no, money("6.00"), "Cake")).await.expect_err("changed");
    assert_eq!(gateway_sub_code(&other).as_deref(), Some("ACQ.CONTEXT_INCONSISTENT"));

    sb.scan_qr(&pre.qr_code, ScanOutcome::Abandon).expect("scan");
    let q = client.trade_query(&TradeQueryRequest::by_out_trade_no(&no)).await.expect("scanned");
    assert_eq!(q.trade_status, Some(TradeStatus::WaitBuyerPay));
    sb.scan_qr(&pre.qr_code, ScanOutcome::Pay).expect("pay");
    let q = client.trade_query(&TradeQueryRequest::by_out_trade_no(&no)).await.expect("paid");
    assert_eq!(q.trade_status, Some(TradeStatus::TradeSuccess));
    assert!(sb.scan_qr(&pre.qr_code, ScanOutcome::Pay).is_err(), "a paid QR code cannot be paid twice");
}

#[tokio::test]
async fn closing_an_unscanned_qr_code_says_trade_not_exist_but_cancel_closes_it() {
    let (sb, client) = sandbox(1.0);
    let no = order("QRC");
    let pre = client.trade_precreate(&TradePrecreateRequest::new(&no, money("5.00"), "Cake")).await.expect("precreate");
    let err = client.trade_close(&TradeCloseRequest::by_out_trade_no(&no)).await.expect_err("close");
    assert_eq!(gateway_sub_code(&err).as_deref(), Some("ACQ.TRADE_NOT_EXIST"));
    let c = client.trade_cancel(&TradeCancelRequest::by_out_trade_no(&no)).await.expect("cancel");
    assert_eq!(c.action, Some(CancelAction::Close));
    assert!(sb.scan_qr(&pre.qr_code, ScanOutcome::Pay).is_err(), "a cancelled QR code cannot be paid");
}

#[tokio::test]
async fn created_trades_are_paid_in_the_buyers_app() {
    let (sb, client) = sandbox(1.0);
    let no = order("CR");
    let mut req = TradeCreateRequest::new(&no, money("3.00"), "Juice");
    let err = client.trade_create(&req).await.expect_err("no buyer");
    assert_eq!(gateway_sub_code(&err).as_deref(), Some("ACQ.INVALID_PARAMETER"));
    req.buyer_id = Some("2088102146225135".into());
    let created = client.trade_create(&req).await.expect("create");
    assert_eq!(created.trade_no.len(), 28);
    let q = client.trade_query(&TradeQueryRequest::by_trade_no(&created.trade_no)).await.expect("by trade_no");
    assert_eq!(q.trade_status, Some(TradeStatus::WaitBuyerPay));
    sb.scan_qr(&no, ScanOutcome::Pay).expect("the buyer pays");
    assert_eq!(sb.trade(&no).expect("t").status, TradeStatus::TradeSuccess);
}

#[tokio::test]
async fn refunds_partial_several_idempotent_capped_and_full() {
    let (sb, client) = sandbox(1.0);
    let no = order("RF");
    client.trade_pay(&TradePayRequest::new(&no, money("10.00"), "Lunch", buyer::PAYS_AT_ONCE)).await.expect("pay");
    let r1 = client.trade_refund(&TradeRefundRequest::by_out_trade_no(&no, money("3.00"), "R1")).await.expect("r1");
    assert_eq!((r1.fund_change, r1.refund_fee.map(|a| a.fen())), (Some(true), Some(300)));
    let again =
        client.trade_refund(&TradeRefundRequest::by_out_trade_no(&no, money("3.00"), "R1")).await.expect("repeat");
    assert_eq!((again.fund_change, again.refund_fee.map(|a| a.fen())), (Some(false), Some(300)), "no second refund");
    let changed =
        client.trade_refund(&TradeRefundRequest::by_out_trade_no(&no, money("4.00"), "R1")).await.expect_err("changed");
    assert_eq!(gateway_sub_code(&changed).as_deref(), Some("ACQ.DISCORDANT_REPEAT_REQUEST"));
    let r2 = client.trade_refund(&TradeRefundRequest::by_out_trade_no(&no, money("2.00"), "R2")).await.expect("r2");
    assert_eq!(r2.refund_fee.map(|a| a.fen()), Some(500));
    let over =
        client.trade_refund(&TradeRefundRequest::by_out_trade_no(&no, money("5.01"), "R3")).await.expect_err("over");
    assert_eq!(gateway_sub_code(&over).as_deref(), Some("ACQ.REFUND_AMT_NOT_EQUAL_TOTAL"));
    assert_eq!(sb.trade(&no).expect("t").status, TradeStatus::TradeSuccess, "partially refunded stays TRADE_SUCCESS");

    let rq = client
        .trade_fastpay_refund_query(&TradeFastpayRefundQueryRequest::by_out_trade_no(&no, "R2"))
        .await
        .expect("rq");
    assert!(rq.is_refunded());
    assert_eq!(rq.refund_amount.map(|a| a.fen()), Some(200));
    let unknown = client
        .trade_fastpay_refund_query(&TradeFastpayRefundQueryRequest::by_out_trade_no(&no, "R9"))
        .await
        .expect("rq");
    assert!(!unknown.is_refunded(), "an unknown refund answers 10000 without a status");

    client.trade_refund(&TradeRefundRequest::by_out_trade_no(&no, money("5.00"), "R3")).await.expect("the rest");
    assert_eq!(sb.trade(&no).expect("t").status, TradeStatus::TradeClosed, "fully refunded is TRADE_CLOSED");
    let after =
        client.trade_refund(&TradeRefundRequest::by_out_trade_no(&no, money("0.01"), "R4")).await.expect_err("closed");
    assert_eq!(gateway_sub_code(&after).as_deref(), Some("ACQ.TRADE_HAS_CLOSE"));
}

#[tokio::test]
async fn refunds_need_a_paid_unfinished_trade() {
    let (sb, client) = sandbox(1.0);
    let missing = client
        .trade_refund(&TradeRefundRequest::by_out_trade_no(order("NONE"), money("1.00"), "R1"))
        .await
        .expect_err("x");
    assert_eq!(gateway_sub_code(&missing).as_deref(), Some("ACQ.TRADE_NOT_EXIST"));
    let waiting = order("WAIT");
    client.trade_pay(&TradePayRequest::new(&waiting, money("1.00"), "x", buyer::NEVER_CONFIRMS)).await.expect("pay");
    let err = client
        .trade_refund(&TradeRefundRequest::by_out_trade_no(&waiting, money("1.00"), "R1"))
        .await
        .expect_err("unpaid");
    assert_eq!(gateway_sub_code(&err).as_deref(), Some("ACQ.TRADE_STATUS_ERROR"));
    let finished = order("FIN");
    client.trade_pay(&TradePayRequest::new(&finished, money("1.00"), "x", buyer::PAYS_AT_ONCE)).await.expect("pay");
    sb.finish_trade(&finished).expect("finish");
    let err = client
        .trade_refund(&TradeRefundRequest::by_out_trade_no(&finished, money("1.00"), "R1"))
        .await
        .expect_err("finished");
    assert_eq!(gateway_sub_code(&err).as_deref(), Some("ACQ.TRADE_HAS_FINISHED"));
}

#[tokio::test]
async fn cancel_refunds_a_paid_trade_within_its_window_and_answers_repeats_the_same() {
    let (sb, client) = sandbox(1.0);
    let no = order("CX");
    client.trade_pay(&TradePayRequest::new(&no, money("7.00"), "x", buyer::PAYS_AT_ONCE)).await.expect("pay");
    let c = client.trade_cancel(&TradeCancelRequest::by_out_trade_no(&no)).await.expect("cancel");
    assert_eq!(c.action, Some(CancelAction::Refund));
    let t = sb.trade(&no).expect("t");
    assert_eq!((t.refunded(), t.status), (700, TradeStatus::TradeClosed));
    let again = client.trade_cancel(&TradeCancelRequest::by_out_trade_no(&no)).await.expect("again");
    assert_eq!(again.action, Some(CancelAction::Refund));

    let late = order("LATE");
    client.trade_pay(&TradePayRequest::new(&late, money("7.00"), "x", buyer::PAYS_AT_ONCE)).await.expect("pay");
    sb.advance(Duration::from_secs(25 * 3600));
    let err = client.trade_cancel(&TradeCancelRequest::by_out_trade_no(&late)).await.expect_err("too late");
    assert_eq!(gateway_sub_code(&err).as_deref(), Some("ACQ.TRADE_CANCEL_TIME_OUT"));
    let nothing =
        client.trade_cancel(&TradeCancelRequest::by_out_trade_no(order("GHOST"))).await.expect("nothing to cancel");
    assert_eq!((nothing.action, nothing.retry_flag), (None, Some(false)));
}

#[tokio::test]
async fn close_only_closes_unpaid_trades() {
    let (sb, client) = sandbox(1.0);
    let no = order("CL");
    client.trade_pay(&TradePayRequest::new(&no, money("2.00"), "x", buyer::NEVER_CONFIRMS)).await.expect("pay");
    client.trade_close(&TradeCloseRequest::by_out_trade_no(&no)).await.expect("close");
    assert_eq!(sb.trade(&no).expect("t").status, TradeStatus::TradeClosed);
    client.trade_close(&TradeCloseRequest::by_out_trade_no(&no)).await.expect("closing again is harmless");
    let paid = order("CLP");
    client.trade_pay(&TradePayRequest::new(&paid, money("2.00"), "x", buyer::PAYS_AT_ONCE)).await.expect("pay");
    let err = client.trade_close(&TradeCloseRequest::by_out_trade_no(&paid)).await.expect_err("paid");
    assert_eq!(gateway_sub_code(&err).as_deref(), Some("ACQ.TRADE_STATUS_ERROR"));
}

#[tokio::test]
async fn a_paid_out_trade_no_cannot_be_paid_again_and_a_waiting_one_keeps_waiting() {
    let (_sb, client) = sandbox(1.0);
    let no = order("DUP");
    client.trade_pay(&TradePayRequest::new(&no, money("2.00"), "x", buyer::PAYS_AT_ONCE)).await.expect("pay");
    let err =
        client.trade_pay(&TradePayRequest::new(&no, money("2.00"), "x", buyer::PAYS_AT_ONCE)).await.expect_err("dup");
    assert_eq!(gateway_sub_code(&err).as_deref(), Some("ACQ.TRADE_HAS_SUCCESS"));
    let w = order("DUPW");
    client.trade_pay(&TradePayRequest::new(&w, money("2.00"), "x", buyer::NEVER_CONFIRMS)).await.expect("pay");
    let again =
        client.trade_pay(&TradePayRequest::new(&w, money("2.00"), "x", buyer::NEVER_CONFIRMS)).await.expect("again");
    assert!(again.is_waiting_for_buyer());
    let changed = client
        .trade_pay(&TradePayRequest::new(&w, money("3.00"), "x", buyer::NEVER_CONFIRMS))
        .await
        .expect_err("changed");
    assert_eq!(gateway_sub_code(&changed).as_deref(), Some("ACQ.CONTEXT_INCONSISTENT"));
}

#[test]
fn starting_outside_a_runtime_is_an_error_not_a_panic() {
    let err = alipay_sandbox::Sandbox::start(alipay_sandbox::SandboxConfig::default()).expect_err("no runtime");
    assert!(err.to_string().contains("tokio runtime"), "{err}");
}

#[tokio::test]
async fn every_typed_call_by_name_from_fields_as_the_bindings_send_them() {
    use alipay_core::client::{PAGE_METHODS, PageFormat, TYPED_METHODS};
    use serde_json::json;

    let (_sb, client) = sandbox(1.0);
    let no = order("FIELDS");
    let paid = client
        .call_fields(
            "alipay.trade.pay",
            json!({"out_trade_no": no, "total_amount": 12, "subject": "Tea", "auth_code": buyer::PAYS_AT_ONCE,
                   "store_id": "S1"}),
        )
        .await
        .expect("pay");
    assert_eq!(paid["code"], "10000");
    assert_eq!(paid["total_amount"], "12.00", "amounts come back as two-decimal strings");
    let refund = client
        .call_fields("alipay.trade.refund", json!({"out_trade_no": no, "refund_amount": "2.5", "out_request_no": "R1"}))
        .await
        .expect("refund");
    assert_eq!(refund["refund_fee"], "2.50");
    assert_eq!(refund["fund_change"], true);
    for (method, fields) in [
        ("alipay.trade.query", json!({"out_trade_no": no})),
        ("alipay.trade.fastpay.refund.query", json!({"out_trade_no": no, "out_request_no": "R1"})),
        ("alipay.trade.precreate", json!({"out_trade_no": order("FQR"), "total_amount": "1", "subject": "s"})),
        (
            "alipay.trade.create",
            json!({"out_trade_no": order("FCR"), "total_amount": "1", "subject": "s", "buyer_id": "2088102177846880"}),
        ),
        ("alipay.data.dataservice.bill.downloadurl.query", json!({"bill_type": "trade", "bill_date": "2026-11-20"})),
    ] {
        let answer = client.call_fields(method, fields).await.unwrap_or_else(|e| panic!("{method}: {e}"));
        assert_eq!(answer["code"], "10000", "{method}");
    }
    assert_eq!(TYPED_METHODS.len(), 9);

    let float = client
        .call_fields(
            "alipay.trade.pay",
            json!({"out_trade_no": order("F"), "total_amount": 0.1, "subject": "s", "auth_code": "2"}),
        )
        .await
        .expect_err("a float is never money");
    assert!(matches!(&float, alipay_core::Error::InvalidInput(i) if i.field == "total_amount"), "{float}");
    let unknown = client.call_fields("alipay.trade.orderinfo.sync", json!({})).await.expect_err("not typed");
    assert!(matches!(&unknown, alipay_core::Error::InvalidInput(i) if i.field == "method"), "{unknown}");

    for method in PAGE_METHODS {
        let page = client
            .page_fields(
                method,
                json!({"out_trade_no": order("PG"), "total_amount": "9.90", "subject": "s"}),
                PageFormat::Url,
            )
            .expect(method);
        assert!(page.contains("sign="), "{method}: {page}");
    }
}
