//! Which rotated Alipay certificates are admitted, on the real vectors: the subject rule (a rotated
//! certificate names the configured one's subject), typed reasons that name the certificate, and no
//! panic on text that is no certificate. (Hostile chains are the sandbox's: `sandbox/tests/it`.)

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use alipay_core::cert::{CertMode, TrustError};
use alipay_core::error::SignatureError;
use alipay_core::{Error, ErrorKind};

use crate::support::repo_root;

const VECTOR_ALIPAY_SUBJECT: &str =
    "CN=支付宝(中国)网络技术有限公司-2088831204659217,OU=Alipay,O=杭州焕旭信息技术有限公司,C=CN";

fn cert(name: &str) -> String {
    std::fs::read_to_string(repo_root().join("tests/vectors").join(name)).expect("cert vector")
}

fn vector_mode() -> CertMode {
    CertMode::from_pem(
        &cert("cert_node_appCertPublicKey_2021001161683774.crt.txt"),
        &cert("cert_node_alipayCertPublicKey_RSA2.crt.txt"),
        &cert("cert_node_alipayRootCert.crt.txt"),
    )
    .expect("the console's three files load")
}

/// Mid-2021: every vector certificate is valid.
fn in_2021() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_625_000_000)
}

fn reason(err: Error) -> (String, TrustError) {
    match err {
        Error::Signature(SignatureError::UntrustedCertificate { sn, reason }) => (sn, reason),
        other => panic!("expected an untrusted certificate, got {other}"),
    }
}

#[test]
fn the_configured_alipay_certificate_names_the_merchants_subject_and_its_key_is_known() {
    let mode = vector_mode();
    assert_eq!(mode.alipay_subject(), VECTOR_ALIPAY_SUBJECT);
    assert_eq!(mode.alipay_cert_sn(), "7513daaaa48aa3ba2e4018d84402479c");
    assert_eq!(mode.known_sns(), vec!["7513daaaa48aa3ba2e4018d84402479c".to_string()]);
    assert!(mode.key_for("7513daaaa48aa3ba2e4018d84402479c").expect("known").same_key_as(&mode.alipay_public_key()));
}

#[test]
fn the_app_certificate_offered_as_alipays_is_refused_for_its_subject() {
    let mode = vector_mode();
    let err = mode.check(&cert("cert_node_appCertPublicKey_2021001161683774.crt.txt"), in_2021()).expect_err("app");
    assert_eq!(err.kind(), ErrorKind::Signature);
    let message = err.to_string();
    match reason(err) {
        (sn, TrustError::WrongSubject { sn: named, subject, expected }) => {
            assert_eq!((sn.as_str(), named.as_str()), ("866efef280dec9137a87d047ac446315", sn.as_str()));
            assert_eq!(subject, "CN=2088831204659217-2021001161683774,OU=Alipay,O=杭州焕旭信息技术有限公司,C=CN");
            assert_eq!(expected, VECTOR_ALIPAY_SUBJECT);
        }
        other => panic!("{other:?}"),
    }
    assert!(message.contains("866efef280dec9137a87d047ac446315") && message.contains("2088831204659217-"), "{message}");
    assert_eq!(mode.known_sns().len(), 1, "nothing admitted");
}

#[test]
fn the_alipay_certificate_itself_passes_the_subject_rule_and_then_needs_its_chain() {
    let mode = vector_mode();
    // The vector file holds the leaf alone: the subject matches, the Class 2 CA is missing.
    let err = mode.admit(&cert("cert_node_alipayCertPublicKey_RSA2.crt.txt"), in_2021()).expect_err("no chain");
    match reason(err) {
        (sn, TrustError::NotChained { issuer, .. }) => {
            assert_eq!(sn, "7513daaaa48aa3ba2e4018d84402479c");
            assert!(issuer.contains("Class 2 R1"), "{issuer}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn text_that_is_no_certificate_is_refused_without_a_panic() {
    let mode = vector_mode();
    for text in
        ["", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----", "-----BEGIN CERTIFICATE-----\nMIIB"]
    {
        let (sn, why) = reason(mode.check(text, in_2021()).expect_err("garbage"));
        assert_eq!(sn, "?");
        assert!(matches!(why, TrustError::Unreadable { .. }), "{why}");
    }
}

#[test]
fn trust_errors_name_the_certificate_and_its_subject() {
    let not_a_ca = TrustError::NotACa { sn: "abc".into(), subject: "CN=2088-2021,OU=Alipay".into() };
    assert_eq!(
        not_a_ca.to_string(),
        "certificate abc (CN=2088-2021,OU=Alipay) issued another certificate of the chain but is not a CA (no basicConstraints cA=true)"
    );
    let wrong = TrustError::WrongSubject { sn: "abc".into(), subject: "CN=x".into(), expected: "CN=y".into() };
    assert!(wrong.to_string().starts_with("certificate abc is issued to `CN=x`, not to `CN=y`"), "{wrong}");
    let err = Error::from(SignatureError::UntrustedCertificate { sn: "abc".into(), reason: not_a_ca });
    assert!(err.to_string().starts_with("signature error: Alipay certificate abc is not trusted: certificate abc"));
}
