//! Certificate serial numbers replay the official Node SDK's test expectations (PROTOCOL §5).

use alipay_core::cert::{cert_sn, public_key_of, root_cert_sn};

use crate::support::repo_root;

fn cert(name: &str) -> String {
    std::fs::read_to_string(repo_root().join("tests/vectors").join(name)).expect("cert vector")
}

#[test]
fn app_alipay_and_root_cert_sns_match_the_node_sdk() {
    assert_eq!(
        cert_sn(&cert("cert_node_appCertPublicKey_2021001161683774.crt.txt")).expect("app"),
        "866efef280dec9137a87d047ac446315"
    );
    assert_eq!(
        cert_sn(&cert("cert_node_alipayCertPublicKey_RSA2.crt.txt")).expect("alipay"),
        "7513daaaa48aa3ba2e4018d84402479c"
    );
    assert_eq!(
        root_cert_sn(&cert("cert_node_alipayRootCert.crt.txt")).expect("root"),
        "687b59193f3f462dd5336e5abf83c5d8_02941eef3187dddf3d3b83462e1dfcf6",
        "the SM2 and ECDSA roots are left out"
    );
}

#[test]
fn the_alipay_public_key_comes_from_its_certificate() {
    let key = public_key_of(&cert("cert_node_alipayCertPublicKey_RSA2.crt.txt")).expect("key");
    assert!(key.to_base64().starts_with("MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAhoVesfcGvUv1XvUndmX0rmSZ"));
}

#[test]
fn bad_certificate_text_gets_a_decode_error() {
    assert!(cert_sn("").is_err());
    assert!(cert_sn("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----").is_err());
    assert!(cert_sn("-----BEGIN CERTIFICATE-----\nMIIB").is_err());
}
