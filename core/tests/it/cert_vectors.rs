//! Certificate serial numbers replay the official Node SDK's test expectations (Alipay's 公钥证书 docs).

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

mod chains {
    use std::time::{Duration, SystemTime, UNIX_EPOCH};

    use alipay_core::cert::{TrustError, parse_certificates, verify_chain};

    use super::cert;

    fn at_year(year: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs((year - 1970) * 365 * 24 * 3600 + 200 * 24 * 3600)
    }

    #[test]
    fn the_self_signed_rsa_roots_of_the_root_file_verify() {
        let roots = parse_certificates(&cert("cert_node_alipayRootCert.crt.txt")).expect("roots");
        // File order: SM2 root, Ant Financial R1 (SHA256withRSA), ECDSA root, iTrusChina (SHA1withRSA).
        for i in [1, 3] {
            verify_chain(&roots[i..=i], &roots, at_year(2026)).unwrap_or_else(|e| panic!("root {i}: {e}"));
        }
    }

    #[test]
    fn a_leaf_without_its_intermediate_does_not_chain() {
        let roots = parse_certificates(&cert("cert_node_alipayRootCert.crt.txt")).expect("roots");
        let leaf = parse_certificates(&cert("cert_node_alipayCertPublicKey_RSA2.crt.txt")).expect("leaf");
        match verify_chain(&leaf, &roots, at_year(2021)) {
            Err(TrustError::NotChained { sn, issuer, .. }) => {
                assert_eq!(sn, "7513daaaa48aa3ba2e4018d84402479c");
                assert!(issuer.contains("Class 2 R1"), "{issuer}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn outside_its_validity_a_certificate_is_not_trusted() {
        let roots = parse_certificates(&cert("cert_node_alipayRootCert.crt.txt")).expect("roots");
        let leaf = parse_certificates(&cert("cert_node_alipayCertPublicKey_RSA2.crt.txt")).expect("leaf");
        // The vector's Alipay certificate expired in May 2022.
        assert!(matches!(verify_chain(&leaf, &roots, at_year(2026)), Err(TrustError::Expired { .. })));
        assert!(matches!(verify_chain(&roots[1..=1], &roots, at_year(2040)), Err(TrustError::Expired { .. })));
    }

    #[test]
    fn a_forged_signature_does_not_chain() {
        let roots = parse_certificates(&cert("cert_node_alipayRootCert.crt.txt")).expect("roots");
        let mut forged = roots[1].clone();
        let mut bytes = forged.signature.raw_bytes().to_vec();
        bytes[10] ^= 1;
        forged.signature = x509_cert::der::asn1::BitString::from_bytes(&bytes).expect("bits");
        // Trusting only the genuine root, the altered copy has no valid issuer.
        let only_genuine = [roots[1].clone()];
        assert!(matches!(verify_chain(&[forged], &only_genuine, at_year(2026)), Err(TrustError::NotChained { .. })));
    }
}
