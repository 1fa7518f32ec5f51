//! Keys: [`PrivateKey`] and [`PublicKey`] from text (PEM, bare base64) and from DER, on every backend.

use alipay_core::keys::{KeyError, KeyProblem};
use alipay_core::{Backend, PrivateKey, PublicKey, SignType};
use base64::Engine as _;

use super::{reached, run, text};
use crate::support::{backends, fixture};

const TEXT_FIXTURES: &[&str] = &[
    "app_pkcs1.pem",
    "app_pkcs8.pem",
    "app_pkcs1.b64",
    "app_pkcs8.b64",
    "app_public_spki.pem",
    "alipay_public_spki.pem",
    "alipay_public_spki.b64",
    "alipay_public_pkcs1.pem",
    "alipay_public_pkcs1.b64",
    "alipay_private_pkcs1.pem",
    "rsa1024_pkcs1.pem",
    "ec_pkcs8.pem",
    "app_encrypted_pkcs8.pem",
];

/// The error never repeats the key: no 24 characters of a base64 line of the input appear in it.
fn check_error(e: &KeyError, input: &str) -> &'static str {
    let message = e.to_string();
    assert!(!message.is_empty());
    for line in input.lines().map(str::trim).filter(|l| l.len() >= 24 && l.is_ascii() && !l.starts_with("-----")) {
        assert!(!message.contains(&line[..24]), "the error repeats the input: {message}");
    }
    match e.problem {
        KeyProblem::Der(_) => "DER error",
        KeyProblem::Rejected(_) => "rejected by the backend",
        _ => "other key error",
    }
}

/// Loaded keys are usable: sane sizes, a public key that survives its own PEM, and (for the first few)
/// a signature that verifies.
struct Checks {
    signatures_left: usize,
}

impl Checks {
    fn public(&self, key: &PublicKey, backend: Backend) -> &'static str {
        assert!((512..=16384).contains(&key.bits()), "{} bits", key.bits());
        let again = PublicKey::from_text_with_backend(&key.to_pem(), backend).expect("its own PEM loads");
        assert!(again.same_key_as(key));
        let b64 = PublicKey::from_text_with_backend(&key.to_base64(), backend).expect("its own base64 loads");
        assert!(b64.same_key_as(key));
        "loaded"
    }

    fn private(&mut self, key: &PrivateKey, backend: Backend) -> &'static str {
        self.public(key.public_key(), backend);
        if self.signatures_left > 0 && key.check_for(SignType::Rsa2).is_ok() {
            self.signatures_left -= 1;
            let sign = key.sign(b"fuzz", SignType::Rsa2).expect("a loaded key signs");
            key.public_key().verify(b"fuzz", &sign, SignType::Rsa2, "fuzz").expect("and its public half verifies");
        }
        "loaded"
    }
}

#[test]
fn fuzz_key_text() {
    let seeds: Vec<Vec<u8>> = TEXT_FIXTURES.iter().map(|f| fixture(f).into_bytes()).collect();
    let mut checks = Checks { signatures_left: 10 };
    let mut case = 0usize;
    let tally = run("key text", 3000, &seeds, |_, input| {
        let input = text(input);
        case += 1;
        let backend = backends()[case % backends().len()];
        let private = match PrivateKey::from_text_with_backend(&input, backend) {
            Ok(key) => checks.private(&key, backend),
            Err(e) => check_error(&e, &input),
        };
        let public = match PublicKey::from_text_with_backend(&input, backend) {
            Ok(key) => checks.public(&key, backend),
            Err(e) => check_error(&e, &input),
        };
        tally_of(private, public)
    });
    reached(&tally, "private key loaded", 10);
    reached(&tally, "public key loaded", 30);
}

/// What one case counts as: a key loaded as private or as public, else why the private load failed.
fn tally_of(private: &'static str, public: &'static str) -> &'static str {
    match (private, public) {
        ("loaded", _) => "private key loaded",
        (_, "loaded") => "public key loaded",
        (why, _) => why,
    }
}

#[test]
fn fuzz_key_der() {
    let b64 = |f: &str| base64::engine::general_purpose::STANDARD.decode(fixture(f).trim()).expect("fixture base64");
    let seeds: Vec<Vec<u8>> =
        ["app_pkcs1.b64", "app_pkcs8.b64", "alipay_public_spki.b64", "alipay_public_pkcs1.b64"].map(b64).to_vec();
    let mut checks = Checks { signatures_left: 10 };
    let mut case = 0usize;
    let tally = run("key DER", 3000, &seeds, |_, der| {
        case += 1;
        let backend = backends()[case % backends().len()];
        let private = match PrivateKey::from_der_with_backend(der, backend) {
            Ok(key) => checks.private(&key, backend),
            Err(e) => check_error(&e, ""),
        };
        let public = match PublicKey::from_der_with_backend(der, backend) {
            Ok(key) => checks.public(&key, backend),
            Err(e) => check_error(&e, ""),
        };
        tally_of(private, public)
    });
    reached(&tally, "private key loaded", 10);
    reached(&tally, "public key loaded", 50);
    reached(&tally, "rejected by the backend", 50);
}
