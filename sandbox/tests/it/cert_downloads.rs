//! Notifications that name an unknown Alipay certificate: a download only for a well-formed `sign`, one
//! per failing SN until its retry time, a few per minute in all — and a genuine one still followed.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use alipay_core::cert::{FAILED_DOWNLOAD_RETRY_AFTER, MAX_DOWNLOADS_PER_MINUTE, TrustError};
use alipay_core::error::SignatureError;
use alipay_core::notify::NotifyRule;
use alipay_core::trade::TradePayRequest;
use alipay_core::{CallOptions, Error};
use alipay_sandbox::buyer;
use base64::Engine as _;

use crate::cert_setup::{Setup, client, refusal};
use crate::support::{money, order};

/// A notification that names certificate `sn`, signed with `sign`.
fn forged_notification(sn: &str, sign: &str) -> BTreeMap<String, String> {
    [
        ("notify_type", "trade_status_sync"),
        ("out_trade_no", "FORGED"),
        ("trade_status", "TRADE_SUCCESS"),
        ("total_amount", "9999.00"),
        ("sign_type", "RSA2"),
        ("alipay_cert_sn", sn),
        ("sign", sign),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

/// Base64 of 256 bytes: the shape of an RSA-2048 signature.
fn well_formed_sign(seed: u8) -> String {
    base64::engine::general_purpose::STANDARD.encode([seed; 256])
}

fn unknown_sn(i: usize) -> String {
    format!("{i:032x}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_notifications_with_a_malformed_sign_download_nothing() {
    let setup = Setup::new(false, 1.0);
    // A real rotated SN, which Alipay would serve, and one nobody knows.
    let rotated = setup.sandbox.rotate_alipay_cert().expect("rotate");
    for sn in [rotated.clone(), unknown_sn(7)] {
        for _ in 0..50 {
            let err = setup
                .client
                .receive_notification_params(forged_notification(&sn, "AAAA"), NotifyRule::V1)
                .await
                .expect_err("forged");
            assert_eq!(refusal(&err, &sn), TrustError::MalformedSign { found: 3, expected: vec![256] });
        }
        let mut unsigned = forged_notification(&sn, "");
        unsigned.remove("sign");
        let err = setup.client.receive_notification_params(unsigned, NotifyRule::V1).await.expect_err("unsigned");
        assert!(matches!(err, Error::Signature(SignatureError::Unsigned { .. })), "{err}");
    }
    assert_eq!(setup.downloads(), 0);
    assert!(!setup.known().contains(&rotated));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_certificate_that_cannot_be_downloaded_is_not_asked_for_again_until_its_retry_time() {
    let setup = Setup::new(false, 1.0);
    let sn = unknown_sn(1);
    let receive =
        || setup.client.receive_notification_params(forged_notification(&sn, &well_formed_sign(1)), NotifyRule::V1);
    let first = receive().await.expect_err("no such certificate");
    assert!(matches!(refusal(&first, &sn), TrustError::NoCertificate { .. }), "{first}");
    for _ in 0..49 {
        let err = receive().await.expect_err("deferred");
        assert!(matches!(refusal(&err, &sn), TrustError::DownloadDeferred { .. }), "{err}");
    }
    assert_eq!(setup.downloads(), 1, "one download for fifty notifications");
    // The retry time is the client's clock: the sandbox's virtual time.
    setup.sandbox.advance(FAILED_DOWNLOAD_RETRY_AFTER + Duration::from_secs(1));
    let again = receive().await.expect_err("still no such certificate");
    assert!(matches!(refusal(&again, &sn), TrustError::NoCertificate { .. }), "{again}");
    assert_eq!(setup.downloads(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn notifications_naming_many_unknown_certificates_download_only_a_few_a_minute() {
    let setup = Setup::new(false, 1.0);
    let sign = well_formed_sign(2);
    let mut limited = 0;
    for i in 0..50 {
        let sn = unknown_sn(100 + i);
        let err = setup
            .client
            .receive_notification_params(forged_notification(&sn, &sign), NotifyRule::V1)
            .await
            .expect_err("forged");
        match refusal(&err, &sn) {
            TrustError::NoCertificate { .. } => {}
            TrustError::RateLimited { per_minute } => {
                assert_eq!(per_minute, MAX_DOWNLOADS_PER_MINUTE);
                limited += 1;
            }
            other => panic!("{other}"),
        }
    }
    assert_eq!(setup.downloads(), MAX_DOWNLOADS_PER_MINUTE);
    assert_eq!(limited, 50 - MAX_DOWNLOADS_PER_MINUTE);
    setup.sandbox.advance(Duration::from_secs(61));
    let sn = unknown_sn(99);
    let err = setup.client.receive_notification_params(forged_notification(&sn, &sign), NotifyRule::V1).await;
    assert!(matches!(refusal(&err.expect_err("forged"), &sn), TrustError::NoCertificate { .. }));
    assert_eq!(setup.downloads(), MAX_DOWNLOADS_PER_MINUTE + 1, "a minute later, downloads resume");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_genuine_notification_under_a_rotated_certificate_still_downloads_it_once() {
    let setup = Setup::new(false, 2000.0);
    let rotated = setup.sandbox.rotate_alipay_cert().expect("rotate");
    let issuing = client(&setup.sandbox, &Arc::default(), false);
    let notifying = issuing.with_options(CallOptions::new().notify_url("http://127.0.0.1:9/alipay/notify"));
    let no = order("GN");
    notifying.trade_pay(&TradePayRequest::new(&no, money("1.10"), "Tea", buyer::PAYS_AT_ONCE)).await.expect("pay");
    let delivery = setup.sandbox.deliveries().into_iter().find(|d| d.out_trade_no == no).expect("notification");
    for _ in 0..3 {
        let verified =
            setup.client.receive_notification_params(delivery.params.clone(), NotifyRule::V1).await.expect("verified");
        assert_eq!(verified.get("out_trade_no"), Some(no.as_str()));
    }
    assert_eq!(setup.downloads(), 1);
    assert!(setup.known().contains(&rotated));
}
