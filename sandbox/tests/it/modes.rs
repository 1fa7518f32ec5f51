//! Certificate mode and AES content encryption, end to end against the sandbox: every trade call and
//! both payment workflows in v2+cert, v2+AES and v2+cert+AES; Alipay's certificate rotated mid-run and
//! followed; a rogue rotated certificate refused.

use std::sync::Arc;

use alipay_core::error::SignatureError;
use alipay_core::journal::MemoryJournal;
use alipay_core::trade::*;
use alipay_core::workflow::Workflows;
use alipay_core::{Client, Error, ErrorKind};
use alipay_sandbox::{Sandbox, SandboxConfig, ScanOutcome, buyer};

use crate::support::{money, order};

const ENCRYPT_KEY: &str = "aYA0GP8JEW+D7/UFaskCWA==";

#[derive(Debug, Clone, Copy)]
struct Mode {
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
    every_call_and_workflow(Mode { cert: true, aes: false }).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn v2_with_aes() {
    every_call_and_workflow(Mode { cert: false, aes: true }).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn v2_with_certificates_and_aes() {
    every_call_and_workflow(Mode { cert: true, aes: true }).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rotation_mid_run_is_followed_once_the_new_certificate_chains_to_the_root() {
    // Slow enough virtual time (a 5 s poll = 250 ms) for the new key to be made while the buyer confirms.
    let (sandbox, client) = setup_at(Mode { cert: true, aes: false }, 20.0);
    let workflows = Workflows::new(client.clone(), Arc::new(MemoryJournal::new()));
    let mut handle = workflows
        .start_pay(TradePayRequest::new(order("ROT"), money("3.00"), "Rotate", buyer::CONFIRMS_AFTER_10S))
        .await
        .expect("start");
    let first_sn = sandbox.current_alipay_cert_sn().expect("sn");
    // Rotate while the workflow waits for the buyer: its next queries are answered under the new cert.
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
async fn a_rogue_rotated_certificate_is_refused_with_a_clear_error() {
    let (sandbox, client) = setup(Mode { cert: true, aes: false });
    let rogue_sn = sandbox.rotate_to_rogue_alipay_cert().expect("rotate");
    let err = client.trade_query(&TradeQueryRequest::by_out_trade_no("NONE")).await.expect_err("untrusted");
    assert_eq!(err.kind(), ErrorKind::Signature);
    match &err {
        Error::Signature(SignatureError::UntrustedCertificate { sn, reason }) => {
            assert_eq!(sn, &rogue_sn);
            assert!(reason.contains("does not chain to the Alipay root"), "{reason}");
        }
        other => panic!("{other}"),
    }
    assert!(err.to_string().contains(&rogue_sn), "{err}");
    let known = client.config().cert_mode.as_ref().expect("cert mode").known_sns();
    assert!(!known.contains(&rogue_sn), "never cached: {known:?}");
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
