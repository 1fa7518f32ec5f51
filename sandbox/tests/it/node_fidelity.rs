//! Fidelity: the official Node SDK (`alipay-sdk` from npm) against the sandbox over HTTP — v2 `exec()`,
//! v3 `curl()`, public-key and certificate mode, with and without AES. Its signed requests must be
//! accepted, and its own verification must accept every answer. Any disagreement is a
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
    let r = run_script(&sdk, "fidelity.js", &config).await;

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

/// Runs `tests/node/<script>` with the SDK folder and `config` (as a JSON file) and returns what it
/// printed, failing with its stderr when it fails.
async fn run_script(sdk: &std::path::Path, script: &str, config: &Value) -> Value {
    static SEQ: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = SEQ.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let file = std::env::temp_dir().join(format!("alipay-sandbox-fidelity-{}-{n}.json", std::process::id()));
    std::fs::write(&file, serde_json::to_vec(config).expect("json")).expect("write");
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/node").join(script);
    let output = tokio::process::Command::from(Command::new("node"))
        .arg(&script)
        .arg(sdk)
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
    serde_json::from_slice(&output.stdout).expect("json")
}

const ENCRYPT_KEY: &str = "aYA0GP8JEW+D7/UFaskCWA==";

/// The SDK's `curl()` (v3) and `exec()` (v2) against the sandbox in one configuration.
async fn node_v3(sdk: &std::path::Path, cert: bool, aes: bool) {
    let sb = Sandbox::start(SandboxConfig { encrypt_key: aes.then(|| ENCRYPT_KEY.into()), ..SandboxConfig::default() })
        .expect("sandbox");
    let server = sb.serve("127.0.0.1:0".parse().expect("addr")).await.expect("serve");
    let (paid, qr, v2) = (order("NODE3"), order("NODE3QR"), order("NODE3V2"));
    let certs = cert.then(|| {
        let files = sb.certificates().expect("certificates");
        json!({ "app_cert": files.app_cert, "alipay_cert": files.alipay_cert, "root_cert": files.root_cert })
    });
    let config = json!({
        "gateway": server.gateway_url(),
        "endpoint": sb.base_url(),
        "app_id": sb.app_id(),
        "app_private_key_pem": sb.app_private_key_pem().expect("generated"),
        "alipay_public_key_pem": sb.alipay_public_key().to_pem(),
        "certs": certs,
        "encrypt_key": aes.then_some(ENCRYPT_KEY),
        "out_trade_no": paid,
        "qr_out_trade_no": qr,
        "v2_out_trade_no": v2,
        "auth_code": buyer::PAYS_AT_ONCE,
        "bill_date": "2020-01-01",
    });
    let r = run_script(sdk, "fidelity_v3.js", &config).await;
    let mode = format!("cert={cert} aes={aes}");

    assert_eq!(r["pay"]["out_trade_no"], paid.as_str(), "{mode}: {r}");
    assert!(r["pay"]["gmt_payment"].is_string(), "{mode}: a v3 payment carries its payment time");
    assert_eq!(r["query"]["trade_status"], "TRADE_SUCCESS", "{mode}");
    assert_eq!((r["refund"]["fund_change"].as_str(), r["refund"]["refund_fee"].as_str()), (Some("Y"), Some("1.10")));
    assert_eq!(r["refund_query"]["refund_status"], "REFUND_SUCCESS", "{mode}");
    assert!(r["precreate"]["qr_code"].as_str().is_some_and(|q| q.starts_with("https://qr.alipay.com/")), "{mode}");
    assert_eq!(r["query_unscanned"]["code"], "ACQ.TRADE_NOT_EXIST", "{mode}: {}", r["query_unscanned"]);
    assert_eq!(r["query_unscanned"]["status"], 400, "{mode}");
    assert_eq!(r["cancel"]["action"], "close", "{mode}");
    assert!(r["bill"]["bill_download_url"].as_str().is_some_and(|u| u.contains("/sandbox/bill/")), "{mode}");
    assert_eq!(r["v2_pay"]["code"], "10000", "{mode}: {}", r["v2_pay"]);
    assert_eq!(r["v2_query"]["trade_status"], "TRADE_SUCCESS", "{mode}");

    let truth = sb.trade(&paid).expect("trade");
    assert_eq!((truth.refunded(), truth.subject.as_str()), (110, "节点 v3 a&b=c"));
    assert_eq!(truth.cert_mode, cert, "{mode}: the sandbox saw the mode the SDK spoke");
    assert_eq!(sb.trade(&qr).expect("qr trade").status, TradeStatus::TradeClosed);
    assert_eq!(sb.trade(&v2).expect("v2 trade").status, TradeStatus::TradeSuccess);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_official_node_sdk_speaks_v3_with_the_sandbox() {
    let Some(sdk) = node_sdk_dir("v3 fidelity") else { return };
    node_v3(&sdk, false, false).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_official_node_sdk_speaks_v3_and_v2_in_certificate_mode_with_aes() {
    let Some(sdk) = node_sdk_dir("v3 certificate-mode fidelity") else { return };
    node_v3(&sdk, true, true).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_official_node_sdk_speaks_v2_and_v3_in_certificate_mode() {
    let Some(sdk) = node_sdk_dir("certificate-mode fidelity") else { return };
    node_v3(&sdk, true, false).await;
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
