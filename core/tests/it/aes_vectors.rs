//! AES content encryption against the official SDKs' vectors, on every backend.

use alipay_core::encrypt::EncryptKey;
use alipay_core::sign::build_sign_content;
use alipay_core::{Backend, PrivateKey, SignType};

use crate::support::{backends, fixture, s, vector};

fn key(b64: &str, backend: Backend) -> EncryptKey {
    EncryptKey::from_base64_with_backend(b64, backend).expect("vector key")
}

#[test]
fn easysdk_zero_iv_vector() {
    let v = vector("easysdk_aes_cbc_zero_iv.json");
    for &backend in backends() {
        let k = key(s(&v, "encrypt_key_b64"), backend);
        assert_eq!(k.encrypt(s(&v, "plaintext_utf8").as_bytes()), s(&v, "ciphertext_b64"), "{backend:?}");
        assert_eq!(k.decrypt(s(&v, "ciphertext_b64")).expect("decrypts"), s(&v, "plaintext_utf8").as_bytes());
    }
}

#[test]
fn v2_request_is_encrypted_then_signed_over_the_ciphertext() {
    let v = vector("derived_aes_encrypted_v2_v3.json");
    let req = &v["v2_request"];
    for &backend in backends() {
        let k = key(s(&v, "encrypt_key_b64"), backend);
        assert_eq!(k.encrypt(s(req, "plain_biz_content").as_bytes()), s(req, "encrypted_biz_content"));
        let params = req["params"]
            .as_object()
            .expect("params")
            .iter()
            .map(|(a, b)| (a.clone(), b.as_str().expect("string param").to_string()));
        let content = build_sign_content(&params.collect());
        assert_eq!(content, s(req, "sign_content_over_CIPHERTEXT"));
        let app_key = PrivateKey::from_text_with_backend(&fixture("app_pkcs1.pem"), backend).expect("app key");
        assert_eq!(app_key.sign(content.as_bytes(), SignType::Rsa2).expect("sign"), s(req, "sign_RSA2"), "{backend:?}");
    }
}

#[test]
fn v2_response_and_v3_body_decrypt() {
    let v = vector("derived_aes_encrypted_v2_v3.json");
    for &backend in backends() {
        let k = key(s(&v, "encrypt_key_b64"), backend);
        let quoted = s(&v["v2_response"], "signed_content_INCLUDING_QUOTES");
        let inner = k.decrypt(quoted.trim_matches('"')).expect("response node decrypts");
        assert_eq!(String::from_utf8(inner).expect("utf-8"), s(&v["v2_response"], "decrypted_inner"));
        let v3 = &v["v3"];
        assert_eq!(k.encrypt(s(v3, "plain_body").as_bytes()), s(v3, "ciphertext_body"));
    }
}

#[test]
fn bad_keys_and_bad_ciphertext_are_typed_errors_without_the_key() {
    for (text, needle) in [("not base64!", "not base64"), ("AAAA", "decodes to 3 bytes")] {
        let err = EncryptKey::from_base64(text).expect_err(text);
        assert!(err.to_string().contains(needle), "{err}");
    }
    let k = EncryptKey::from_base64("aa4BtZ4tspm2wnXLb1ThQA==").expect("key");
    assert!(!format!("{k:?}").contains("aa4B"), "{k:?}");
    for bad in ["%%%", "AAAA", "ILpoMowjIQjfYMR847rnFg=="] {
        assert!(k.decrypt(bad).is_err(), "{bad}");
    }
    let other = EncryptKey::from_base64("aYA0GP8JEW+D7/UFaskCWA==").expect("key");
    // The wrong key almost always breaks the padding; when it happens not to, the bytes are garbage.
    if let Ok(garbage) = other.decrypt("ILpoMowjIQjfYMR847rnFQ==") {
        assert_ne!(garbage, b"test1234567");
    }
}

#[test]
fn an_encrypted_v2_answer_is_verified_over_its_quoted_ciphertext_then_decrypted() {
    use alipay_core::response::{extract, verify_envelope, verify_response};
    use alipay_core::{Charset, ErrorKind, PublicKey};

    let v = vector("derived_aes_encrypted_v2_v3.json");
    let raw = s(&v["v2_response"], "raw");
    for &backend in backends() {
        let alipay = PublicKey::from_text_with_backend(&fixture("alipay_public_spki.pem"), backend).expect("key");
        let k = key(s(&v, "encrypt_key_b64"), backend);
        let env = extract(raw, "alipay.trade.precreate").expect("extract");
        assert_eq!(env.signed_text, s(&v["v2_response"], "signed_content_INCLUDING_QUOTES"));
        let node = verify_envelope(&env, "alipay.trade.precreate", &alipay, SignType::Rsa2, Charset::Utf8, Some(&k))
            .expect("verified, then decrypted");
        assert_eq!(node.code(), "10000");
        assert_eq!(node.value["qr_code"], "https://qr.alipay.com/bax03206ug1ytlumpsb6006c");
        // Without the key: a configuration error, never a guess.
        let err = verify_response(raw.as_bytes(), "alipay.trade.precreate", &alipay, SignType::Rsa2, Charset::Utf8)
            .expect_err("no key");
        assert_eq!(err.kind(), ErrorKind::Config);
        // A tampered ciphertext fails verification before any decryption.
        let tampered = raw.replacen("4AOYHE0r", "4AOYHE0s", 1);
        let env = extract(&tampered, "alipay.trade.precreate").expect("extract");
        let err = verify_envelope(&env, "alipay.trade.precreate", &alipay, SignType::Rsa2, Charset::Utf8, Some(&k))
            .expect_err("tampered");
        assert_eq!(err.kind(), ErrorKind::Signature);
    }
}
