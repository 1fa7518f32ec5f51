//! Fidelity: the official Node SDK (`alipay-sdk` from npm) against the sandbox over HTTP. Its signed
//! requests must be accepted, and its `validateSign` must accept every answer. Any disagreement is a
//! sandbox bug. The SDK is installed by `make test` into `ALIPAY_NODE_SDK_DIR`; with
//! `ALIPAY_REQUIRE_NODE_SDK=1` (CI) a missing SDK fails the test instead of skipping it.

use std::path::PathBuf;
use std::process::Command;

use alipay_core::trade::TradeStatus;
use alipay_sandbox::{Sandbox, SandboxConfig, buyer};
use serde_json::{Value, json};

use crate::node_sdk::node_sdk_dir;
use crate::support::order;

#[tokio::test(flavor = "multi_thread")]
async fn the_official_node_sdk_is_accepted_and_accepts_the_answers() {
    let Some(sdk) = node_sdk_dir("fidelity") else { return };
    let sb = Sandbox::start(SandboxConfig::default()).expect("sandbox");
    let server = sb.serve("127.0.0.1:0".parse().expect("addr")).await.expect("serve");
    let (paid, qr) = (order("NODE"), order("NODEQR"));

    // A notification the sandbox signed, for the SDK's own notification check.
    let notification = capture_one_notification(&sb).await;
    let config = json!({
        "gateway": server.gateway_url(),
        "app_id": sb.app_id(),
        "app_private_key_pem": sb.app_private_key_pem().expect("generated"),
        "alipay_public_key_pem": sb.alipay_public_key().to_pem(),
        "out_trade_no": paid,
        "qr_out_trade_no": qr,
        "auth_code": buyer::PAYS_AT_ONCE,
        "notification": notification,
    });
    let file = std::env::temp_dir().join(format!("alipay-sandbox-fidelity-{}.json", std::process::id()));
    std::fs::write(&file, serde_json::to_vec(&config).expect("json")).expect("write");
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/node/fidelity.js");
    let output = tokio::process::Command::from(Command::new("node"))
        .arg(&script)
        .arg(&sdk)
        .arg(&file)
        .output()
        .await
        .expect("node");
    let _ = std::fs::remove_file(&file);
    assert!(
        output.status.success(),
        "the Node SDK failed against the sandbox: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let r: Value = serde_json::from_slice(&output.stdout).expect("json");

    assert_eq!(r["pay"]["code"], "10000", "{r}");
    assert_eq!(r["query"]["trade_status"], "TRADE_SUCCESS");
    assert_eq!((r["refund"]["fund_change"].as_str(), r["refund"]["refund_fee"].as_str()), (Some("Y"), Some("1.10")));
    assert_eq!(r["refund_query"]["refund_status"], "REFUND_SUCCESS");
    assert!(r["precreate"]["qr_code"].as_str().is_some_and(|q| q.starts_with("https://qr.alipay.com/")));
    assert_eq!(r["query_unscanned"]["sub_code"], "ACQ.TRADE_NOT_EXIST", "a signed business failure, verified too");
    assert_eq!(r["cancel"]["action"], "close");
    assert_eq!(r["notification_verified"], true, "the SDK's checkNotifySign accepts the sandbox's notification");

    let truth = sb.trade(&paid).expect("trade");
    assert_eq!((truth.refunded(), truth.subject.as_str()), (110, "节点 测试 a&b=c"));
    assert_eq!(truth.status, TradeStatus::TradeSuccess);
    assert_eq!(sb.trade(&qr).expect("qr trade").status, TradeStatus::TradeClosed);
}

/// Pays one order with a notify_url pointing at a throwaway receiver and returns the decoded pairs.
async fn capture_one_notification(sb: &Sandbox) -> Value {
    use alipay_core::CallOptions;
    use alipay_core::trade::TradePayRequest;
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<Vec<u8>>();
    let app = axum::Router::new().route(
        "/notify",
        axum::routing::post(move |body: axum::body::Bytes| {
            let tx = tx.clone();
            async move {
                let _ = tx.send(body.to_vec());
                "success"
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}/notify", listener.local_addr().expect("addr"));
    tokio::spawn(async move { axum::serve(listener, app).await.expect("serve") });
    let client = sb.client().expect("client").with_options(CallOptions::new().notify_url(&url));
    let no = order("NODENT");
    client
        .trade_pay(&TradePayRequest::new(&no, "2.00".parse().expect("m"), "通知", buyer::PAYS_AT_ONCE))
        .await
        .expect("pay");
    let body =
        tokio::time::timeout(std::time::Duration::from_secs(5), rx.recv()).await.expect("notified").expect("body");
    let pairs = alipay_core::notify::parse_form_body(&body).expect("form");
    serde_json::to_value(pairs).expect("json")
}
