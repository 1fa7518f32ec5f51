//! Signed notifications to `notify_url` for every state change, retried until the receiver says
//! `success`, verifiable with alipay-core.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use alipay_core::CallOptions;
use alipay_core::notify::{ExpectedOrder, NotifyRule};
use alipay_core::trade::{TradePayRequest, TradeRefundRequest, TradeStatus};
use alipay_sandbox::buyer;
use axum::extract::State;

use crate::support::{money, order, sandbox};

#[derive(Clone, Default)]
struct Receiver {
    bodies: Arc<Mutex<Vec<Vec<u8>>>>,
    /// Answers to give, in order; `success` once they run out.
    script: Arc<Mutex<Vec<&'static str>>>,
}

async fn receive(State(r): State<Receiver>, body: axum::body::Bytes) -> &'static str {
    r.bodies.lock().expect("lock").push(body.to_vec());
    let mut script = r.script.lock().expect("lock");
    if script.is_empty() { "success" } else { script.remove(0) }
}

async fn start_receiver(script: Vec<&'static str>) -> (Receiver, String) {
    let receiver = Receiver { script: Arc::new(Mutex::new(script)), ..Receiver::default() };
    let app = axum::Router::new().route("/notify", axum::routing::post(receive)).with_state(receiver.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}/notify", listener.local_addr().expect("addr"));
    tokio::spawn(async move { axum::serve(listener, app).await.expect("serve") });
    (receiver, url)
}

async fn wait_for(what: &str, mut ready: impl FnMut() -> bool) {
    for _ in 0..300 {
        if ready() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("timed out waiting for {what}");
}

#[tokio::test]
async fn payments_and_refunds_are_notified_signed_and_verifiable() {
    let (sb, client) = sandbox(1.0);
    let (receiver, url) = start_receiver(vec![]).await;
    let client = client.with_options(CallOptions::new().notify_url(&url));
    let no = order("NT");
    client.trade_pay(&TradePayRequest::new(&no, money("6.00"), "通知 测试&1", buyer::PAYS_AT_ONCE)).await.expect("pay");
    client.trade_refund(&TradeRefundRequest::by_out_trade_no(&no, money("1.00"), "R1")).await.expect("refund");
    client.trade_refund(&TradeRefundRequest::by_out_trade_no(&no, money("5.00"), "R2")).await.expect("refund");
    wait_for("three notifications", || receiver.bodies.lock().expect("lock").len() == 3).await;

    let bodies = receiver.bodies.lock().expect("lock").clone();
    let trades: Vec<_> = bodies
        .iter()
        .map(|b| client.verify_notification(b, NotifyRule::V1).expect("verifies").trade().expect("typed"))
        .collect();
    for t in &trades {
        t.check(&ExpectedOrder::new(sb.app_id(), &no, money("6.00")).with_seller_id(sb.seller_id()))
            .expect("matches the order");
    }
    assert_eq!(trades[0].trade_status, Some(TradeStatus::TradeSuccess));
    assert_eq!(trades[0].subject.as_deref(), Some("通知 测试&1"));
    assert_eq!(trades[1].out_biz_no.as_deref(), Some("R1"));
    assert_eq!(trades[1].refund_fee.map(|a| a.fen()), Some(100));
    assert_eq!(trades[2].trade_status, Some(TradeStatus::TradeClosed), "fully refunded");
    let ids: std::collections::BTreeSet<_> = trades.iter().map(|t| t.notify_id.clone()).collect();
    assert_eq!(ids.len(), 3);
    wait_for("acknowledgements", || sb.deliveries().iter().all(|d| d.acknowledged)).await;
}

#[tokio::test]
async fn deliveries_are_retried_on_the_back_off_schedule_until_success() {
    let (sb, client) = sandbox(2000.0); // 4 virtual minutes = 120 ms
    let (receiver, url) = start_receiver(vec!["fail", "oops"]).await;
    let client = client.with_options(CallOptions::new().notify_url(&url));
    let no = order("RETRY");
    client.trade_pay(&TradePayRequest::new(&no, money("1.00"), "x", buyer::PAYS_AT_ONCE)).await.expect("pay");
    wait_for("acknowledged delivery", || sb.deliveries().first().is_some_and(|d| d.acknowledged)).await;
    let d = &sb.deliveries()[0];
    assert_eq!(d.attempts.len(), 3);
    assert!(
        d.attempts[0].outcome.ends_with(": fail") && d.attempts[2].outcome.ends_with(": success"),
        "{:?}",
        d.attempts
    );
    let bodies = receiver.bodies.lock().expect("lock").clone();
    assert_eq!(bodies.len(), 3);
    assert!(bodies.windows(2).all(|w| w[0] == w[1]), "a retry resends the same notification (same notify_id)");
}

#[tokio::test]
async fn a_timeout_closing_a_waiting_trade_is_notified() {
    let (sb, client) = sandbox(1.0);
    let (receiver, url) = start_receiver(vec![]).await;
    let client = client.with_options(CallOptions::new().notify_url(&url));
    let no = order("TO");
    client.trade_pay(&TradePayRequest::new(&no, money("1.00"), "x", buyer::NEVER_CONFIRMS)).await.expect("pay");
    sb.advance(Duration::from_secs(3 * 3600));
    wait_for("the close notification", || receiver.bodies.lock().expect("lock").len() == 1).await;
    let body = receiver.bodies.lock().expect("lock")[0].clone();
    let trade = client.verify_notification(&body, NotifyRule::V1).expect("verifies").trade().expect("typed");
    assert_eq!(trade.trade_status, Some(TradeStatus::TradeClosed));
}

#[tokio::test]
async fn a_gbk_trade_is_notified_in_gbk_and_verifies_by_its_declared_charset() {
    let (sb, _) = sandbox(1.0);
    let client = sb.client_builder().expect("builder").charset(alipay_core::Charset::Gbk).build().expect("client");
    let (receiver, url) = start_receiver(vec![]).await;
    let client = client.with_options(CallOptions::new().notify_url(&url));
    let no = order("GBKN");
    client.trade_pay(&TradePayRequest::new(&no, money("6.00"), "通知 测试", buyer::PAYS_AT_ONCE)).await.expect("pay");
    wait_for("the notification", || !receiver.bodies.lock().expect("lock").is_empty()).await;
    let body = receiver.bodies.lock().expect("lock")[0].clone();
    let text = String::from_utf8_lossy(&body);
    assert!(text.contains("charset=GBK"), "it declares GBK: {text}");
    assert!(text.contains("%CD%A8%D6%AA"), "通知 form-encoded in GBK: {text}");
    let trade = client.verify_notification(&body, NotifyRule::V1).expect("verifies").trade().expect("typed");
    assert_eq!(trade.subject.as_deref(), Some("通知 测试"));
    // The Java SDK's rsaCheckV1(params, key, "GBK", "RSA2"): the sign content hashed as GBK bytes.
    let delivery = sb.deliveries().into_iter().find(|d| d.out_trade_no == no).expect("delivery");
    let content = alipay_core::sign::sign_content_excluding(
        delivery.params.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        &["sign", "sign_type"],
    );
    let gbk = alipay_core::Charset::Gbk.encode(&content).expect("GBK");
    sb.alipay_public_key()
        .verify(&gbk, &delivery.params["sign"], alipay_core::SignType::Rsa2, "notification")
        .expect("signed over the GBK bytes");
}
