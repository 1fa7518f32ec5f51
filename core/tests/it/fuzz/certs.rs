//! Certificates: [`parse_certificates`], the SNs ([`cert_sn`], [`root_cert_sn`]), the key inside
//! ([`public_key_of`]), the chain check ([`verify_chain`]) and the admission of a rotated certificate
//! ([`CertMode::check`]) — on mutated PEM text, and on PEM around mutated DER (which reaches deeper
//! into the X.509 decoder than mutated base64).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use alipay_core::ErrorKind;
use alipay_core::cert::{CertMode, cert_sn, parse_certificates, public_key_of, root_cert_sn, sn_of, verify_chain};
use base64::Engine as _;
use x509_cert::Certificate;
use x509_cert::der::Encode as _;

use super::{is_sn, reached, run, text};
use crate::support::repo_root;

const APP: &str = "cert_node_appCertPublicKey_2021001161683774.crt.txt";
const ALIPAY: &str = "cert_node_alipayCertPublicKey_RSA2.crt.txt";
const ROOT: &str = "cert_node_alipayRootCert.crt.txt";

fn cert(name: &str) -> String {
    std::fs::read_to_string(repo_root().join("tests/vectors").join(name)).expect("cert vector")
}

/// Mid-2021: every vector certificate is valid.
fn in_2021() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_625_000_000)
}

/// The genuine certificates, and what a mutant is checked against.
struct Genuine {
    texts: [String; 3],
    certs: Vec<Certificate>,
    roots: Vec<Certificate>,
    mode: CertMode,
}

impl Genuine {
    fn load() -> Self {
        let texts = [cert(APP), cert(ALIPAY), cert(ROOT)];
        let certs = texts.iter().flat_map(|pem| parse_certificates(pem).expect("vector")).collect();
        let roots = parse_certificates(&texts[2]).expect("roots");
        let mode = CertMode::from_pem(&texts[0], &texts[1], &texts[2]).expect("the console's three files load");
        Self { texts, certs, roots, mode }
    }

    fn check(&self, pem: &str) -> &'static str {
        let certs = match parse_certificates(pem) {
            Ok(certs) => certs,
            Err(e) => {
                assert!(!e.message.is_empty());
                assert!(cert_sn(pem).is_err() && root_cert_sn(pem).is_err() && public_key_of(pem).is_err());
                assert!(self.mode.check(pem, in_2021()).is_err());
                return "not parsed";
            }
        };
        assert!(!certs.is_empty());
        for c in &certs {
            assert!(is_sn(&sn_of(c)), "{}", sn_of(c));
        }
        assert_eq!(cert_sn(pem).as_deref(), Ok(sn_of(&certs[0]).as_str()));
        if let Ok(sns) = root_cert_sn(pem) {
            let parts: Vec<&str> = sns.split('_').collect();
            assert!(parts.len() <= certs.len() && parts.iter().all(|p| is_sn(p)), "{sns}");
        }
        if let Err(e) = public_key_of(pem) {
            assert!(!e.message.is_empty());
        }
        // A chain that verifies is made of certificates an issuer really signed.
        let chained = verify_chain(&certs, &self.roots, in_2021()).is_ok();
        if chained {
            let tbs = certs[0].tbs_certificate.to_der().expect("der");
            let genuine = self.certs.iter().any(|g| g.tbs_certificate.to_der().ok().as_ref() == Some(&tbs));
            assert!(genuine, "a forged certificate chains to the root");
        }
        let _ = verify_chain(&certs[..1], &certs, in_2021());
        match self.mode.check(pem, in_2021()) {
            Ok(checked) => {
                assert!(self.certs.iter().any(|g| sn_of(g) == checked.sn()), "admitted {}", checked.sn());
            }
            Err(e) => assert!(matches!(e.kind(), ErrorKind::Signature | ErrorKind::Decode), "{e}"),
        }
        if chained { "chained" } else { "parsed" }
    }
}

#[test]
fn fuzz_certificate_text() {
    let g = Genuine::load();
    let [app, alipay, root] = &g.texts;
    let seeds: Vec<Vec<u8>> =
        [app.clone(), alipay.clone(), root.clone(), format!("{alipay}\n{root}")].map(String::into_bytes).to_vec();
    let tally = run("certificate text", 2000, &seeds, |_, input| g.check(&text(input)));
    reached(&tally, "parsed", 100);
    reached(&tally, "chained", 1);
}

#[test]
fn fuzz_certificate_der() {
    let g = Genuine::load();
    let seeds: Vec<Vec<u8>> = g.certs.iter().map(|c| c.to_der().expect("der")).collect();
    let tally = run("certificate DER", 2000, &seeds, |_, der| {
        let b64 = base64::engine::general_purpose::STANDARD.encode(der);
        g.check(&format!("-----BEGIN CERTIFICATE-----\n{b64}\n-----END CERTIFICATE-----\n"))
    });
    reached(&tally, "parsed", 150);
    reached(&tally, "chained", 2);
}
