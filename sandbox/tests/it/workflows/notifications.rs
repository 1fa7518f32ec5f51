//! Notifications through the workflows: verified, and recognised again by `notify_id`.

use alipay_core::CallOptions;
use alipay_core::notify::NotifyRule;
use alipay_core::trade::TradePayRequest;
use alipay_core::workflow::Workflows;
use alipay_sandbox::buyer;

use super::truth::{order, setup};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_notification_is_handled_once_however_often_it_is_delivered() {
    let (sandbox, workflows, _) = setup();
    // Nobody listens at this URL: the sandbox keeps the notification and its retries.
    let options = CallOptions::new().notify_url("http://127.0.0.1:9/alipay/notify");
    let notifying =
        Workflows::new(workflows.client().with_options(options), std::sync::Arc::clone(workflows.journal()));
    let request = TradePayRequest::new(order("NT"), "3.30".parse().expect("money"), "Tea", buyer::PAYS_AT_ONCE);
    let out_trade_no = request.out_trade_no.clone();
    assert!(notifying.pay_and_wait(request).await.expect("pay").is_paid());

    let delivery = sandbox.deliveries().into_iter().find(|d| d.out_trade_no == out_trade_no).expect("notification");
    let body: String = form_urlencoded::Serializer::new(String::new()).extend_pairs(&delivery.params).finish();

    let first = workflows.receive_notification(body.as_bytes(), NotifyRule::V1).await.expect("verified");
    assert!(first.first_delivery);
    assert_eq!(first.notification.trade().expect("trade notification").out_trade_no, out_trade_no);
    workflows.mark_notification_handled(&first.notification).await.expect("mark");

    let again = workflows.receive_notification(body.as_bytes(), NotifyRule::V1).await.expect("verified");
    assert!(!again.first_delivery, "the retry is recognised");

    let forged = body.replace("TRADE_SUCCESS", "TRADE_FINISHED");
    let err = workflows.receive_notification(forged.as_bytes(), NotifyRule::V1).await.expect_err("tampered");
    assert_eq!(err.kind(), alipay_core::ErrorKind::Signature);
}
