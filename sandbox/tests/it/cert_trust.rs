//! Certificate trust, against the sandbox's hostile rotations: a rotated Alipay certificate is admitted
//! only when its chain verifies through CAs, it names this merchant's Alipay subject, and the download
//! answer that carried it verifies. The rotate endpoint takes the hostile variants by name.

use alipay_core::cert::TrustError;
use alipay_core::notify::NotifyRule;
use alipay_core::trade::{TradePayRequest, TradeQueryRequest};
use alipay_core::transport::{HttpMethod, HttpRequest};
use alipay_core::{CallOptions, ErrorKind};
use alipay_sandbox::{Reply, Rotation, Sandbox, SandboxConfig, buyer};

use crate::cert_setup::{ALIPAY_SUBJECT, Setup, client, refusal};
use crate::support::{money, order};

/// Rotates to `rotation`, then checks that two calls in a row refuse the new certificate and that it is
/// never trusted; returns the reason.
async fn refused_rotation(rotation: Rotation, v3: bool) -> (Setup, String, TrustError) {
    let setup = Setup::new(v3, 2000.0);
    setup.client.trade_query(&TradeQueryRequest::by_out_trade_no("NONE")).await.expect_err("no such trade");
    let sn = setup.sandbox.rotate_alipay_cert_to(rotation).expect("rotate");
    let mut reasons = Vec::new();
    for _ in 0..2 {
        let err = setup.client.trade_query(&TradeQueryRequest::by_out_trade_no("NONE")).await.expect_err("refused");
        assert_eq!(err.kind(), ErrorKind::Signature, "{rotation}: {err}");
        reasons.push(refusal(&err, &sn));
        assert!(!setup.known().contains(&sn), "{rotation}: never trusted");
    }
    assert_eq!(setup.downloads(), 2, "{rotation}: each answer naming it fetches it again, nothing was cached");
    (setup, sn, reasons.swap_remove(0))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sandbox_certificates_name_the_merchant_like_the_consoles_files() {
    let setup = Setup::new(false, 2000.0);
    let mode = setup.client.config().cert_mode.clone().expect("cert mode");
    assert_eq!(mode.alipay_subject(), ALIPAY_SUBJECT);
    let files = setup.sandbox.certificates().expect("files");
    let app = alipay_core::cert::parse_certificates(&files.app_cert).expect("app cert");
    assert_eq!(
        alipay_core::cert::subject_of(&app[0]),
        "CN=2088000000000000-2021000000000000,OU=Alipay,O=沙箱测试商户有限公司,C=CN"
    );
    assert!(app[0].tbs_certificate.issuer.to_string().contains("Class 1"), "{}", app[0].tbs_certificate.issuer);
    let alipay = alipay_core::cert::parse_certificates(&files.alipay_cert).expect("alipay cert");
    assert!(alipay[0].tbs_certificate.issuer.to_string().contains("Class 2"), "{}", alipay[0].tbs_certificate.issuer);

    // A genuine rotation names the same subject and is followed.
    let rotated = setup.sandbox.rotate_alipay_cert().expect("rotate");
    let err = setup.client.trade_query(&TradeQueryRequest::by_out_trade_no("NONE")).await.expect_err("no trade");
    assert_eq!(err.as_gateway().and_then(|g| g.sub_code.as_deref()), Some("ACQ.TRADE_NOT_EXIST"), "{err}");
    assert!(setup.known().contains(&rotated));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_merchants_app_certificate_is_not_admitted_as_alipays() {
    for v3 in [false, true] {
        let (_setup, sn, reason) = refused_rotation(Rotation::OtherMerchantApp, v3).await;
        match reason {
            TrustError::WrongSubject { sn: named, subject, expected } => {
                assert_eq!(named, sn);
                assert_eq!(subject, "CN=2088000000000099-2021000000000099,OU=Alipay,O=沙箱另一商户有限公司,C=CN");
                assert_eq!(expected, ALIPAY_SUBJECT);
            }
            other => panic!("v3={v3}: {other}"),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_merchants_alipay_certificate_is_not_admitted() {
    let (_setup, _sn, reason) = refused_rotation(Rotation::OtherMerchantAlipay, false).await;
    match reason {
        TrustError::WrongSubject { subject, .. } => {
            assert!(subject.starts_with("CN=支付宝(中国)网络技术有限公司-2088000000000099,"), "{subject}");
        }
        other => panic!("{other}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_certificate_issued_by_another_merchants_app_certificate_is_not_admitted() {
    for v3 in [false, true] {
        let (setup, _sn, reason) = refused_rotation(Rotation::IssuedByLeaf, v3).await;
        match reason {
            TrustError::NotACa { sn, subject } => {
                assert!(subject.starts_with("CN=2088000000000099-2021000000000099,"), "{subject}");
                assert!(!setup.known().contains(&sn));
                let message = TrustError::NotACa { sn: sn.clone(), subject: subject.clone() }.to_string();
                assert!(
                    message.contains(&sn) && message.contains(&subject) && message.contains("not a CA"),
                    "{message}"
                );
            }
            other => panic!("v3={v3}: {other}"),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unsigned_40004_download_answer_admits_nothing() {
    for v3 in [false, true] {
        let (_setup, _sn, reason) = refused_rotation(Rotation::UnsignedErrorDownload, v3).await;
        match reason {
            TrustError::UnverifiedDownload { reason } => assert!(reason.contains("unsigned"), "{reason}"),
            other => panic!("v3={v3}: {other}"),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unsigned_download_answer_carrying_the_certificate_admits_nothing() {
    let (_setup, _sn, reason) = refused_rotation(Rotation::UnsignedDownload, false).await;
    match reason {
        TrustError::UnverifiedDownload { reason } => assert!(reason.contains("no signature"), "{reason}"),
        other => panic!("{other}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_notification_signed_under_another_merchants_certificate_is_not_believed() {
    let setup = Setup::new(false, 2000.0);
    let sn = setup.sandbox.rotate_alipay_cert_to(Rotation::OtherMerchantApp).expect("rotate");
    // The sandbox runs the payment and signs both its answer and its notification with the new key.
    let notifying = setup.client.with_options(CallOptions::new().notify_url("http://127.0.0.1:9/alipay/notify"));
    let no = order("OM");
    let paid = notifying.trade_pay(&TradePayRequest::new(&no, money("6.60"), "Tea", buyer::PAYS_AT_ONCE)).await;
    assert_eq!(paid.expect_err("the answer is refused too").kind(), ErrorKind::Signature);
    let delivery = setup.sandbox.deliveries().into_iter().find(|d| d.out_trade_no == no).expect("notification");
    assert_eq!(delivery.params.get("alipay_cert_sn"), Some(&sn));

    let fresh = client(&setup.sandbox, &setup.downloads, false);
    let err = fresh.receive_notification_params(delivery.params.clone(), NotifyRule::V1).await.expect_err("refused");
    assert!(matches!(refusal(&err, &sn), TrustError::WrongSubject { .. }), "{err}");
    let err = fresh.verify_notification_params(delivery.params, NotifyRule::V1).expect_err("still unknown");
    assert_eq!(refusal(&err, &sn), TrustError::NotSeenYet);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_rotate_endpoint_takes_a_variant() {
    let sandbox = Sandbox::start(SandboxConfig::default()).expect("sandbox");
    let rotate = |body: &str| {
        let request = HttpRequest {
            method: HttpMethod::Post,
            url: format!("{}/sandbox/certs/rotate", sandbox.base_url()),
            headers: vec![("content-type".into(), "application/x-www-form-urlencoded".into())],
            body: body.as_bytes().to_vec(),
            max_body_bytes: None,
        };
        let sandbox = sandbox.clone();
        async move {
            match sandbox.handle(request).await {
                Reply::Http(r) => (r.status, serde_json::from_slice::<serde_json::Value>(&r.body).expect("json")),
                Reply::Drop => panic!("dropped"),
            }
        }
    };
    for rotation in Rotation::ALL {
        let (status, json) = rotate(&format!("variant={rotation}")).await;
        assert_eq!(status, 200, "{json}");
        assert_eq!(json["variant"], rotation.as_str());
        assert_eq!(json["alipay_cert_sn"], sandbox.current_alipay_cert_sn().expect("sn"));
    }
    assert_eq!(rotate("rogue=true").await.1["variant"], "rogue");
    assert_eq!(rotate("").await.1["variant"], "genuine");
    let (status, json) = rotate("variant=nonsense").await;
    assert_eq!(status, 400);
    assert!(json["error"].as_str().expect("error").contains("issued_by_leaf"), "{json}");
}
