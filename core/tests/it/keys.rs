//! Key loading: every form users have is accepted; wrong material gets an error naming the mistake.

use alipay_core::keys::{KeyProblem, PrivateKey, PublicKey};
use alipay_core::{Charset, SignType};

use crate::support::{backends, fixture};

#[test]
fn the_four_private_key_forms_load_and_sign_identically() {
    let forms = ["app_pkcs1.pem", "app_pkcs8.pem", "app_pkcs1.b64", "app_pkcs8.b64"];
    for &b in backends() {
        let signs: Vec<String> = forms
            .iter()
            .map(|f| {
                let key = PrivateKey::from_text_with_backend(&fixture(f), b).unwrap_or_else(|e| panic!("{f}: {e}"));
                assert_eq!(key.bits(), 2048);
                key.sign(b"hello", SignType::Rsa2).expect("signs")
            })
            .collect();
        assert!(signs.windows(2).all(|w| w[0] == w[1]), "{b:?}: all forms are the same key");
    }
}

#[test]
fn the_four_public_key_forms_load_as_the_same_key() {
    let forms =
        ["alipay_public_spki.pem", "alipay_public_pkcs1.pem", "alipay_public_spki.b64", "alipay_public_pkcs1.b64"];
    let keys: Vec<PublicKey> =
        forms.iter().map(|f| PublicKey::from_text(&fixture(f)).unwrap_or_else(|e| panic!("{f}: {e}"))).collect();
    assert!(keys.windows(2).all(|w| w[0].same_key_as(&w[1])));
}

#[test]
fn pasted_keys_with_crlf_indentation_and_no_padding_still_load() {
    let crlf = fixture("app_pkcs1.pem").replace('\n', "\r\n");
    PrivateKey::from_text(&crlf).expect("CRLF PEM");
    let indented: String = fixture("alipay_public_spki.pem").lines().map(|l| format!("   {l}\n")).collect();
    PublicKey::from_text(&indented).expect("indented PEM");
    let unpadded = fixture("alipay_public_spki.b64").trim_end_matches('=').to_string();
    PublicKey::from_text(&unpadded).expect("base64 without padding");
    let bom = format!("\u{feff}{}", fixture("app_pkcs8.b64"));
    PrivateKey::from_text(&bom).expect("a byte-order mark is ignored");
}

fn private_problem(text: &str) -> KeyProblem {
    PrivateKey::from_text(text).expect_err("must be refused").problem
}

fn public_problem(text: &str) -> KeyProblem {
    PublicKey::from_text(text).expect_err("must be refused").problem
}

#[test]
fn bad_private_key_material_is_named() {
    let cert = crate::support::repo_root().join("tests/vectors/cert_node_alipayCertPublicKey_RSA2.crt.txt");
    let cert = std::fs::read_to_string(cert).expect("cert vector");
    let json_escaped = fixture("app_pkcs1.pem").replace('\n', "\\n");
    type Case = (&'static str, String, fn(&KeyProblem) -> bool);
    let table: Vec<Case> = vec![
        ("empty", String::new(), |p| matches!(p, KeyProblem::Empty)),
        ("a public key", fixture("app_public_spki.pem"), |p| matches!(p, KeyProblem::PublicWherePrivateExpected)),
        ("bare public base64", fixture("alipay_public_spki.b64"), |p| {
            matches!(p, KeyProblem::PublicWherePrivateExpected)
        }),
        ("a certificate", cert, |p| matches!(p, KeyProblem::Certificate)),
        ("an encrypted key", fixture("app_encrypted_pkcs8.pem"), |p| matches!(p, KeyProblem::Encrypted)),
        ("an EC key", fixture("ec_pkcs8.pem"), |p| matches!(p, KeyProblem::NotRsa(_))),
        ("a broken base64 line", fixture("app_pkcs8.pem").replacen("MII", "MI*", 1), |p| {
            matches!(p, KeyProblem::Base64 { line: 2, .. })
        }),
        (
            "a literal \\n",
            json_escaped,
            |p| matches!(p, KeyProblem::Base64 { detail, .. } if detail.contains("literal \\n")),
        ),
        ("truncated DER", fixture("app_pkcs1.b64")[..400].to_string(), |p| matches!(p, KeyProblem::Der(_))),
        ("not a key at all", "aGVsbG8gd29ybGQ=".to_string(), |p| matches!(p, KeyProblem::Der(_))),
        ("no END line", "-----BEGIN RSA PRIVATE KEY-----\nMIIE\n".to_string(), |p| matches!(p, KeyProblem::Pem(_))),
    ];
    for (name, text, expected) in table {
        let problem = private_problem(&text);
        assert!(expected(&problem), "{name}: got {problem:?}");
    }
}

#[test]
fn bad_public_key_material_is_named() {
    assert!(matches!(public_problem(&fixture("app_pkcs1.pem")), KeyProblem::PrivateWherePublicExpected));
    assert!(matches!(public_problem(&fixture("app_pkcs8.b64")), KeyProblem::PrivateWherePublicExpected));
    assert!(matches!(public_problem("%%%"), KeyProblem::Base64 { line: 1, .. }));
}

#[test]
fn a_1024_bit_key_is_refused_for_rsa2_but_allowed_for_legacy_rsa() {
    let key = PrivateKey::from_text(&fixture("rsa1024_pkcs1.pem")).expect("1024-bit keys load");
    assert_eq!(key.bits(), 1024);
    let err = key.check_for(SignType::Rsa2).expect_err("too short for RSA2");
    assert!(matches!(err.problem, KeyProblem::TooShort { bits: 1024, minimum: 2048, .. }));
    assert!(err.to_string().contains("1024 bits"), "{err}");
    key.check_for(SignType::Rsa).expect("fine for legacy RSA");
}

#[test]
fn errors_and_debug_output_never_contain_key_material() {
    let pem = fixture("app_pkcs1.pem");
    let body_line = &pem.lines().nth(1).expect("a body line")[100..140];
    let key = PrivateKey::from_text(&pem).expect("loads");
    let debug = format!("{key:?}");
    assert!(!debug.contains(body_line) && debug.contains("2048"), "{debug}");
    let err = PrivateKey::from_text(&pem.replacen("MII", "MI*", 1)).expect_err("bad");
    assert!(!err.to_string().contains(body_line));
    let err = PublicKey::from_text(&pem).expect_err("private as public");
    assert!(!err.to_string().contains(body_line), "{err}");
}

#[test]
fn signing_and_verifying_round_trip_across_backends() {
    let msg = Charset::Utf8.encode("out_trade_no=测试&total_amount=0.01").expect("utf8");
    for &signer in backends() {
        for &verifier in backends() {
            let key = PrivateKey::from_text_with_backend(&fixture("app_pkcs8.pem"), signer).expect("key");
            let public = PublicKey::from_text_with_backend(&fixture("app_public_spki.pem"), verifier).expect("pub");
            for st in [SignType::Rsa2, SignType::Rsa] {
                let sig = key.sign(&msg, st).expect("sign");
                public.verify(&msg, &sig, st, "round trip").expect("verifies");
                let other = if st == SignType::Rsa2 { SignType::Rsa } else { SignType::Rsa2 };
                assert!(public.verify(&msg, &sig, other, "wrong hash").is_err());
            }
        }
    }
}

#[test]
fn generated_key_pairs_load_in_every_form_and_match() {
    let pair = alipay_core::keys::generate_rsa2048().expect("generates");
    let forms = [&pair.private_pkcs1_pem, &pair.private_pkcs8_pem, &pair.private_pkcs8_base64];
    let public = PublicKey::from_text(&pair.public_base64).expect("public loads");
    assert!(PublicKey::from_text(&pair.public_pem).expect("pem").same_key_as(&public), "same key");
    for form in forms {
        let key = PrivateKey::from_text(form).expect("private loads");
        assert_eq!(key.bits(), 2048);
        assert!(key.public_key().same_key_as(&public));
        assert_eq!(key.public_key().to_base64(), pair.public_base64);
    }
    assert!(!format!("{pair:?}").contains(&pair.private_pkcs8_base64[40..80]));
    assert_eq!(
        PublicKey::from_text(&fixture("alipay_public_pkcs1.pem")).expect("k").to_pem(),
        fixture("alipay_public_spki.pem")
    );
}
