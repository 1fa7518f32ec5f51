//! Faults on demand, and what a client sees of each — with the sandbox's state as the ground truth.

use std::time::Duration;

use alipay_core::ErrorKind;
use alipay_core::error::{Error, SignatureError};
use alipay_core::trade::{TradePayRequest, TradeQueryRequest, TradeRefundRequest, TradeStatus};
use alipay_sandbox::{Fault, FaultRule, buyer};

use crate::support::{money, order, sandbox};

const PAY: Option<&str> = Some("alipay.trade.pay");

#[tokio::test]
async fn a_drop_before_the_gateway_acts_leaves_no_trade() {
    let (sb, client) = sandbox(1.0);
    sb.inject(PAY, Fault::DropBeforeApply);
    let no = order("DB");
    let err = client
        .trade_pay(&TradePayRequest::new(&no, money("1.00"), "x", buyer::PAYS_AT_ONCE))
        .await
        .expect_err("dropped");
    assert_eq!(err.kind(), ErrorKind::OutcomeUnknown);
    assert!(sb.trade(&no).is_none());
}

#[tokio::test]
async fn a_drop_after_the_gateway_acts_hides_a_paid_trade() {
    let (sb, client) = sandbox(1.0);
    sb.inject(PAY, Fault::DropAfterApply);
    let no = order("DA");
    let err = client
        .trade_pay(&TradePayRequest::new(&no, money("1.00"), "x", buyer::PAYS_AT_ONCE))
        .await
        .expect_err("dropped");
    assert_eq!(err.kind(), ErrorKind::OutcomeUnknown);
    assert_eq!(sb.trade(&no).expect("paid behind the drop").status, TradeStatus::TradeSuccess);
}

#[tokio::test]
async fn http_5xx_and_system_errors_with_and_without_the_change_applied() {
    let (sb, client) = sandbox(1.0);
    for (fault, applied) in [
        (Fault::Http5xx { status: 502, applied: false }, false),
        (Fault::Http5xx { status: 503, applied: true }, true),
        (Fault::SystemError { applied: false }, false),
        (Fault::SystemError { applied: true }, true),
    ] {
        sb.inject(PAY, fault);
        let no = order("F");
        let err = client
            .trade_pay(&TradePayRequest::new(&no, money("1.00"), "x", buyer::PAYS_AT_ONCE))
            .await
            .expect_err("fault");
        assert_eq!(err.kind(), ErrorKind::OutcomeUnknown, "{fault:?}: {err}");
        assert_eq!(sb.trade(&no).is_some(), applied, "{fault:?}");
    }
}

#[tokio::test]
async fn a_forged_signature_is_caught_by_the_client_while_the_change_happened() {
    let (sb, client) = sandbox(1.0);
    let no = order("FG");
    client.trade_pay(&TradePayRequest::new(&no, money("5.00"), "x", buyer::PAYS_AT_ONCE)).await.expect("pay");
    sb.inject(Some("alipay.trade.refund"), Fault::ForgedSignature);
    let err =
        client.trade_refund(&TradeRefundRequest::by_out_trade_no(&no, money("1.00"), "R1")).await.expect_err("forged");
    assert!(matches!(err, Error::Signature(SignatureError::Mismatch { .. })), "{err}");
    assert_eq!(sb.trade(&no).expect("t").refunded(), 100, "the refund did happen");
    let again =
        client.trade_refund(&TradeRefundRequest::by_out_trade_no(&no, money("1.00"), "R1")).await.expect("retry");
    assert_eq!(again.fund_change, Some(false), "the retry with the same out_request_no moves no money");
}

#[tokio::test]
async fn latency_is_virtual_and_trips_the_client_timeout() {
    let (sb, _) = sandbox(10.0);
    let client = sb.client_builder().expect("b").request_timeout(Duration::from_millis(200)).build().expect("client");
    // The in-process transport has no timeout of its own: wrap the call, as an HTTP client would time out.
    sb.inject(Some("alipay.trade.query"), Fault::Latency(Duration::from_secs(10)));
    let started = std::time::Instant::now();
    let slow =
        tokio::time::timeout(Duration::from_millis(300), client.trade_query(&TradeQueryRequest::by_out_trade_no("x")))
            .await;
    assert!(slow.is_err(), "10 virtual seconds at speed 10 take 1 real second");
    assert!(started.elapsed() < Duration::from_secs(1));
}

#[tokio::test]
async fn random_faults_are_deterministic_by_seed() {
    let outcomes = |seed| async move {
        let (sb, client) = sandbox(1.0);
        sb.set_random_faults(seed, vec![FaultRule { method: None, probability: 0.4, fault: Fault::DropBeforeApply }]);
        let mut seen = Vec::new();
        for _ in 0..30 {
            seen.push(
                client.trade_query(&TradeQueryRequest::by_out_trade_no("nope")).await.expect_err("either way").kind(),
            );
        }
        seen
    };
    let a = outcomes(42).await;
    assert_eq!(a, outcomes(42).await);
    assert!(a.contains(&ErrorKind::OutcomeUnknown) && a.contains(&ErrorKind::Rejected), "{a:?}");
}
