//! Certificate mode, AES content encryption and the v3 protocol, end to end against the sandbox: every
//! trade call and both payment workflows in v2+cert, v2+AES, v2+cert+AES, v3, v3+cert, v3+AES and
//! v3+cert+AES; Alipay's certificate rotated mid-run and followed (answers and notifications); a rogue
//! rotated certificate refused; v3 errors read into the same structure as v2.

use std::sync::Arc;

use alipay_core::error::{ErrorInfo, SignatureError};
use alipay_core::journal::MemoryJournal;
use alipay_core::notify::NotifyRule;
use alipay_core::trade::*;
use alipay_core::workflow::Workflows;
use alipay_core::{CallOptions, Client, Error, ErrorKind, Protocol};
use alipay_sandbox::{Sandbox, SandboxConfig, ScanOutcome, buyer};

use crate::support::{money, order};

const ENCRYPT_KEY: &str = "aYA0GP8JEW+D7/UFaskCWA==";

#[derive(Debug, Clone, Copy)]
struct Mode {
    v3: bool,
    cert: bool,
    aes: bool,
}

fn setup(mode: Mode) -> (Sandbox, Client) {
    setup_at(mode, 2000.0)
}

fn setup_at(mode: Mode, speed: f64) -> (Sandbox, Client) {
    let config =
        SandboxConfig { speed, encrypt_key: mode.aes.then(|| ENCRYPT_KEY.to_string()), ..SandboxConfig::default() };
    let sandbox = Sandbox::start(config).expect("sandbox");
    let builder = if mode.cert { sandbox.cert_client_builder() } else { sandbox.client_builder() }.expect("builder");
    let builder = if mode.aes { builder.encrypt_key(ENCRYPT_KEY).expect("key") } else { builder };
    let builder = builder.protocol(if mode.v3 { Protocol::V3 } else { Protocol::V2 });
    (sandbox, builder.build().expect("client"))
}

/// Every typed trade call, then both workflows, in one mode.
async fn every_call_and_workflow(mode: Mode) {
    let (sandbox, client) = setup(mode);
    let paid_no = order("MODE");
    let paid = client.trade_pay(&TradePayRequest::new(&paid_no, money("50.00"), "Tea", buyer::PAYS_AT_ONCE)).await;
    assert!(paid.expect("pay").is_paid(), "{mode:?}");
    let q = client.trade_query(&TradeQueryRequest::by_out_trade_no(&paid_no)).await.expect("query");
    assert!(q.is_paid());
    let r =
        client.trade_refund(&TradeRefundRequest::by_out_trade_no(&paid_no, money("5.00"), "R1")).await.expect("refund");
    assert_eq!(r.fund_change, Some(true));
    let rq = client
        .trade_fastpay_refund_query(&TradeFastpayRefundQueryRequest::by_out_trade_no(&paid_no, "R1"))
        .await
        .expect("refund query");
    assert!(rq.is_refunded());
    let qr_no = order("MODE");
    let pre =
        client.trade_precreate(&TradePrecreateRequest::new(&qr_no, money("9.00"), "QR")).await.expect("precreate");
    assert!(!pre.qr_code.is_empty());
    client.trade_cancel(&TradeCancelRequest::by_out_trade_no(&qr_no)).await.expect("cancel");
    let waiting_no = order("MODE");
    client
        .trade_pay(&TradePayRequest::new(&waiting_no, money("2.00"), "Cookie", buyer::NEVER_CONFIRMS))
        .await
        .expect("pay");
    client.trade_close(&TradeCloseRequest::by_out_trade_no(&waiting_no)).await.expect("close");

    let workflows = Workflows::new(client.clone(), Arc::new(MemoryJournal::new()));
    let outcome = workflows
        .pay_and_wait(TradePayRequest::new(order("MODE"), money("7.00"), "Latte", buyer::CONFIRMS_AFTER_10S))
        .await
        .expect("pay_and_wait");
    assert!(outcome.is_paid(), "{mode:?}: {outcome:?}");
    let handle = workflows
        .precreate_and_wait(TradePrecreateRequest::new(order("MODE"), money("8.00"), "QR"))
        .await
        .expect("precreate_and_wait");
    sandbox.scan_qr(handle.qr_code().expect("qr"), ScanOutcome::Pay).expect("scan");
    assert!(handle.outcome().await.expect("outcome").is_paid(), "{mode:?}");
    let refund = workflows
        .refund_until_known(TradeRefundRequest::by_out_trade_no(&paid_no, money("1.00"), ""))
        .await
        .expect("refund_until_known");
    assert!(refund.is_refunded(), "{mode:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn v2_with_certificates() {
    every_call_and_workflow(Mode { v3: false, cert: true, aes: false }).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn v2_with_aes() {
    every_call_and_workflow(Mode { v3: false, cert: false, aes: true }).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn v2_with_certificates_and_aes() {
    every_call_and_workflow(Mode { v3: false, cert: true, aes: true }).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn v3() {
    every_call_and_workflow(Mode { v3: true, cert: false, aes: false }).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn v3_with_certificates() {
    every_call_and_workflow(Mode { v3: true, cert: true, aes: false }).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn v3_with_aes() {
    every_call_and_workflow(Mode { v3: true, cert: false, aes: true }).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn v3_with_certificates_and_aes() {
    every_call_and_workflow(Mode { v3: true, cert: true, aes: true }).await;
}

/// A rotation while a workflow waits for the buyer: the next answers come under the new certificate.
async fn rotation_mid_run(v3: bool) {
    // Slow enough virtual time (a 5 s poll = 250 ms; the buyer confirms after 1 s) for the new key to be
    // made while the buyer is still deciding, even on a busy machine.
    let (sandbox, client) = setup_at(Mode { v3, cert: true, aes: false }, 20.0);
    let workflows = Workflows::new(client.clone(), Arc::new(MemoryJournal::new()));
    let mut handle = workflows
        .start_pay(TradePayRequest::new(order("ROT"), money("3.00"), "Rotate", buyer::confirms_after(20)))
        .await
        .expect("start");
    let first_sn = sandbox.current_alipay_cert_sn().expect("sn");
    while let Some(event) = handle.next_event().await {
        if matches!(event.kind, alipay_core::workflow::EventKind::WaitingForBuyer { .. }) {
            break;
        }
    }
    let new_sn = sandbox.rotate_alipay_cert().expect("rotate");
    assert_ne!(first_sn, new_sn);
    let outcome = handle.outcome().await.expect("outcome");
    assert!(outcome.is_paid(), "{outcome:?}");
    let known = client.config().cert_mode.as_ref().expect("cert mode").known_sns();
    assert!(known.contains(&first_sn) && known.contains(&new_sn), "{known:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rotation_mid_run_is_followed_once_the_new_certificate_chains_to_the_root() {
    rotation_mid_run(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rotation_mid_run_is_followed_over_v3_too() {
    rotation_mid_run(true).await;
}

async fn rogue_refused(v3: bool) {
    let (sandbox, client) = setup(Mode { v3, cert: true, aes: false });
    let rogue_sn = sandbox.rotate_to_rogue_alipay_cert().expect("rotate");
    let err = client.trade_query(&TradeQueryRequest::by_out_trade_no("NONE")).await.expect_err("untrusted");
    assert_eq!(err.kind(), ErrorKind::Signature);
    match &err {
        Error::Signature(SignatureError::UntrustedCertificate { sn, reason }) => {
            assert_eq!(sn, &rogue_sn);
            assert!(matches!(reason, alipay_core::cert::TrustError::NotChained { .. }), "{reason}");
            assert!(reason.to_string().contains("does not chain to the Alipay root"), "{reason}");
        }
        other => panic!("{other}"),
    }
    assert!(err.to_string().contains(&rogue_sn), "{err}");
    let known = client.config().cert_mode.as_ref().expect("cert mode").known_sns();
    assert!(!known.contains(&rogue_sn), "never cached: {known:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rogue_rotated_certificate_is_refused_with_a_clear_error() {
    rogue_refused(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rogue_rotated_certificate_is_refused_over_v3_too() {
    rogue_refused(true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn content_the_gateway_cannot_decrypt_is_answered_as_a_plain_error() {
    let sandbox = Sandbox::start(SandboxConfig { encrypt_key: Some(ENCRYPT_KEY.into()), ..SandboxConfig::default() })
        .expect("sandbox");
    let other_key = "aa4BtZ4tspm2wnXLb1ThQA==";
    let client =
        sandbox.client_builder().expect("builder").encrypt_key(other_key).expect("key").build().expect("client");
    let err = client.trade_query(&TradeQueryRequest::by_out_trade_no("T1")).await.expect_err("wrong key");
    let gateway = err.as_gateway().unwrap_or_else(|| panic!("{err}"));
    assert_eq!(gateway.sub_code.as_deref(), Some("isv.decryption-error"));
    assert!(gateway.verified, "answered in the method node, signed, not encrypted");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn v3_content_the_gateway_cannot_decrypt_is_a_verified_http_400() {
    let sandbox = Sandbox::start(SandboxConfig { encrypt_key: Some(ENCRYPT_KEY.into()), ..SandboxConfig::default() })
        .expect("sandbox");
    let other_key = "aa4BtZ4tspm2wnXLb1ThQA==";
    let builder = sandbox.client_builder().expect("builder").encrypt_key(other_key).expect("key");
    let client = builder.protocol(Protocol::V3).build().expect("client");
    let err = client.trade_query(&TradeQueryRequest::by_out_trade_no("T1")).await.expect_err("wrong key");
    let gateway = err.as_gateway().unwrap_or_else(|| panic!("{err}"));
    assert_eq!(gateway.sub_code.as_deref(), Some("decryption-error"));
    assert_eq!(gateway.http_status, Some(400));
    assert!(gateway.verified, "signed in the answer's headers");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn v3_errors_read_into_the_v2_structure() {
    let (_sandbox, client) = setup(Mode { v3: true, cert: false, aes: false });
    let err = client.trade_query(&TradeQueryRequest::by_out_trade_no("NOBODY")).await.expect_err("no such trade");
    let gateway = err.as_gateway().unwrap_or_else(|| panic!("{err}"));
    assert_eq!(gateway.method, "alipay.trade.query");
    assert_eq!((gateway.code.as_str(), gateway.http_status), ("400", Some(400)));
    assert_eq!(gateway.sub_code.as_deref(), Some("ACQ.TRADE_NOT_EXIST"));
    assert!(gateway.verified && !gateway.is_outcome_unknown());
    let trace_id = gateway.trace_id.as_deref().expect("the answer's alipay-trace-id, kept for support");
    assert_eq!(ErrorInfo::from(&err).trace_id.as_deref(), Some(trace_id));
    let refused = client
        .trade_pay(&TradePayRequest::new(order("V3E"), money("1.00"), "Tea", buyer::INSUFFICIENT_BALANCE))
        .await
        .expect_err("balance");
    assert_eq!(refused.as_gateway().and_then(|g| g.sub_code.as_deref()), Some("ACQ.BUYER_BALANCE_NOT_ENOUGH"));
    let busy = client
        .trade_pay(&TradePayRequest::new(order("V3E"), money("1.00"), "Tea", buyer::SYSTEM_ERROR_UNPAID))
        .await
        .expect_err("system error");
    let busy = busy.as_gateway().unwrap_or_else(|| panic!("{busy}"));
    assert_eq!(busy.http_status, Some(500));
    assert!(busy.is_outcome_unknown(), "{busy}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn v3_waiting_for_the_buyer_is_not_read_as_paid() {
    let (_sandbox, client) = setup(Mode { v3: true, cert: false, aes: false });
    let waiting = client
        .trade_pay(&TradePayRequest::new(order("V3W"), money("1.00"), "Tea", buyer::NEVER_CONFIRMS))
        .await
        .expect("accepted");
    assert!(waiting.is_waiting_for_buyer() && !waiting.is_paid(), "{waiting:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn v3_generic_execute_reaches_any_path_and_refuses_a_forged_answer() {
    use alipay_core::transport::HttpMethod;
    let (sandbox, client) = setup(Mode { v3: true, cert: true, aes: false });
    let no = order("V3X");
    client.trade_pay(&TradePayRequest::new(&no, money("4.00"), "Tea", buyer::PAYS_AT_ONCE)).await.expect("pay");
    let body = serde_json::json!({ "out_trade_no": no });
    let answer = client.execute_v3(HttpMethod::Post, "/v3/alipay/trade/query", &[], Some(&body)).await.expect("query");
    assert_eq!(answer.status, 200);
    assert_eq!(answer.body["trade_status"], "TRADE_SUCCESS");
    assert!(answer.trace_id.is_some());
    let missing = client.execute_v3(HttpMethod::Post, "/v3/alipay/nothing/here", &[], None).await.expect_err("404");
    assert_eq!(missing.as_gateway().and_then(|g| g.http_status), Some(404));
    sandbox.inject(Some("alipay.trade.query"), alipay_sandbox::Fault::ForgedSignature);
    let forged = client.execute_v3(HttpMethod::Post, "/v3/alipay/trade/query", &[], Some(&body)).await;
    assert_eq!(forged.expect_err("forged").kind(), ErrorKind::Signature);
    let bad_path = client.execute_v3(HttpMethod::Get, "gateway.do", &[], None).await.expect_err("not v3");
    assert_eq!(bad_path.kind(), ErrorKind::InvalidInput);
}

/// A notification after a rotation is signed with the new certificate and names it: the workflows'
/// receiver fetches it, checks it chains to the root, then verifies.
async fn cert_mode_notification_after_rotation(v3: bool) {
    let (sandbox, client) = setup(Mode { v3, cert: true, aes: false });
    let notifying = client.with_options(CallOptions::new().notify_url("http://127.0.0.1:9/alipay/notify"));
    let no = order("CN");
    let rotated = sandbox.rotate_alipay_cert().expect("rotate");
    notifying.trade_pay(&TradePayRequest::new(&no, money("6.60"), "Tea", buyer::PAYS_AT_ONCE)).await.expect("pay");
    let delivery = sandbox.deliveries().into_iter().find(|d| d.out_trade_no == no).expect("notification");
    assert_eq!(delivery.params.get("alipay_cert_sn"), Some(&rotated));
    // As the Java SDK's rsaCertCheckV1 checks it: everything but `sign` and `sign_type` is signed,
    // `alipay_cert_sn` included, with the key of the certificate it names.
    let java_content = alipay_core::sign::sign_content_excluding(
        delivery.params.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        &["sign", "sign_type"],
    );
    assert!(java_content.contains("alipay_cert_sn="), "{java_content}");
    let rotated_key = client.config().cert_mode.as_ref().expect("cert mode").key_for(&rotated).expect("admitted");
    rotated_key
        .verify(java_content.as_bytes(), &delivery.params["sign"], alipay_core::SignType::Rsa2, "notification")
        .expect("signed over alipay_cert_sn, as every official SDK expects");
    let body: String = form_urlencoded::Serializer::new(String::new()).extend_pairs(&delivery.params).finish();

    // The pay answer made `client` admit the new certificate already: a fresh client has not seen it.
    let fresh = sandbox.cert_client_builder().expect("builder").build().expect("client");
    let err = fresh.verify_notification(body.as_bytes(), NotifyRule::V1).expect_err("not seen yet");
    assert!(matches!(err, Error::Signature(SignatureError::UntrustedCertificate { .. })), "{err}");
    let workflows = Workflows::new(fresh.clone(), Arc::new(MemoryJournal::new()));
    let received = workflows.receive_notification(body.as_bytes(), NotifyRule::V1).await.expect("verified");
    assert_eq!(received.notification.trade().expect("trade").out_trade_no, no);
    assert!(fresh.verify_notification(body.as_bytes(), NotifyRule::V1).is_ok(), "now known");
    let tampered = body.replace("6.60", "0.01");
    assert_eq!(
        fresh.verify_notification(tampered.as_bytes(), NotifyRule::V1).expect_err("x").kind(),
        ErrorKind::Signature
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cert_mode_notification_verifies_with_the_certificate_it_names() {
    cert_mode_notification_after_rotation(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cert_mode_notification_from_a_v3_trade_verifies_the_same_way() {
    cert_mode_notification_after_rotation(true).await;
}
