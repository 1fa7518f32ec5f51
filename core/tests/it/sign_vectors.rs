//! Request signing replays the shared `derived_sign_*` vectors byte for byte, under every backend.

use std::collections::BTreeMap;

use alipay_core::sign::{build_sign_content, sign_content, sign_params};
use alipay_core::{Charset, SignType};
use serde_json::Value;

use crate::support::{backends, private_key, s, vector};

fn params(v: &Value) -> BTreeMap<String, String> {
    v["params"]
        .as_object()
        .expect("params object")
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().expect("string param").to_string()))
        .collect()
}

const NODE_APP_KEY_VECTOR: &str = "derived_sign_node_util_params.json";

fn node_app_key_pem() -> String {
    s(&vector(NODE_APP_KEY_VECTOR), "private_key_pem").to_string()
}

#[test]
fn node_util_params_sign_content_and_rsa2() {
    let v = vector(NODE_APP_KEY_VECTOR);
    let p = params(&v);
    assert_eq!(build_sign_content(&p), s(&v, "expected_sign_content"));
    for &b in backends() {
        let key = private_key(s(&v, "private_key_pem"), b);
        let sign = sign_params(&p, &key, SignType::Rsa2, Charset::Utf8).expect("signs");
        assert_eq!(sign, s(&v, "expected_sign_RSA2"), "backend {b:?}");
    }
}

#[test]
fn trade_pay_request_skips_the_empty_app_auth_token() {
    let v = vector("derived_sign_trade_pay_request.json");
    let p = params(&v);
    assert_eq!(p["app_auth_token"], "", "the vector carries an empty value");
    assert_eq!(build_sign_content(&p), s(&v, "expected_sign_content"));
    for &b in backends() {
        let key = private_key(&node_app_key_pem(), b);
        assert_eq!(sign_params(&p, &key, SignType::Rsa2, Charset::Utf8).expect("signs"), s(&v, "expected_sign_RSA2"));
    }
}

#[test]
fn trade_pay_request_legacy_rsa_variant() {
    let v = vector("derived_sign_trade_pay_request.json");
    let mut p = params(&v);
    p.insert("sign_type".into(), "RSA".into());
    let variant = &v["variant_sign_type_RSA"];
    assert_eq!(build_sign_content(&p), s(variant, "expected_sign_content"));
    for &b in backends() {
        let key = private_key(&node_app_key_pem(), b);
        assert_eq!(
            sign_params(&p, &key, SignType::Rsa, Charset::Utf8).expect("signs"),
            s(variant, "expected_sign_RSA")
        );
    }
}

#[test]
fn utf8_subject_is_hashed_as_utf8_bytes() {
    let v = vector("derived_sign_utf8_subject.json");
    let p = params(&v);
    assert_eq!(build_sign_content(&p), s(&v, "expected_sign_content"));
    for &b in backends() {
        let key = private_key(&node_app_key_pem(), b);
        assert_eq!(sign_params(&p, &key, SignType::Rsa2, Charset::Utf8).expect("signs"), s(&v, "expected_sign_RSA2"));
    }
}

#[test]
fn fzlee_hello_matches_openssl_dgst_for_sha1_and_sha256() {
    let v = vector("derived_sign_fzlee_hello.json");
    for &b in backends() {
        let key = private_key(s(&v, "private_key_pem"), b);
        let content = s(&v, "content");
        assert_eq!(sign_content(content, &key, SignType::Rsa, Charset::Utf8).expect("RSA"), s(&v, "expected_sign_RSA"));
        assert_eq!(
            sign_content(content, &key, SignType::Rsa2, Charset::Utf8).expect("RSA2"),
            s(&v, "expected_sign_RSA2")
        );
    }
}

#[test]
fn gbk_charset_hashes_gbk_bytes() {
    // The same content signed under GBK differs from UTF-8 once it holds Chinese, and verifies over GBK bytes.
    let v = vector("derived_sign_utf8_subject.json");
    let content = s(&v, "expected_sign_content");
    for &b in backends() {
        let key = private_key(&node_app_key_pem(), b);
        let gbk = sign_content(content, &key, SignType::Rsa2, Charset::Gbk).expect("GBK");
        assert_ne!(gbk, s(&v, "expected_sign_RSA2"));
        let gbk_bytes = Charset::Gbk.encode(content).expect("GBK encodes Chinese");
        key.public_key().verify(&gbk_bytes, &gbk, SignType::Rsa2, "gbk content").expect("verifies over GBK bytes");
    }
}

#[test]
fn both_backends_sign_identically() {
    let v = vector(NODE_APP_KEY_VECTOR);
    let p = params(&v);
    let signs: Vec<String> = backends()
        .iter()
        .map(|&b| sign_params(&p, &private_key(&node_app_key_pem(), b), SignType::Rsa2, Charset::Utf8).expect("signs"))
        .collect();
    assert!(signs.windows(2).all(|w| w[0] == w[1]));
}

#[test]
fn blank_values_are_javas_exactly() {
    let v = vector("java_blank_values.json");
    let listed: Vec<char> = v["blank_code_points"]
        .as_array()
        .expect("code points")
        .iter()
        .map(|c| char::from_u32(u32::from_str_radix(c.as_str().expect("hex"), 16).expect("hex")).expect("char"))
        .collect();
    // Every character there is: blank exactly when Java says so.
    for c in (0..=0x10FFFF).filter_map(char::from_u32) {
        assert_eq!(alipay_core::sign::is_java_whitespace(c), listed.contains(&c), "U+{:04X}", c as u32);
    }
    for (value, blank) in v["examples"].as_object().expect("examples") {
        assert_eq!(alipay_core::sign::is_blank(value), blank.as_bool().expect("bool"), "{value:?}");
    }
    // What is signed: a lone no-break space is a value (Java signs it), an information separator is not.
    let content = build_sign_content(&BTreeMap::from([
        ("a".to_string(), "\u{a0}".to_string()),
        ("b".to_string(), "\u{1f}".to_string()),
        ("c".to_string(), "x".to_string()),
    ]));
    assert_eq!(content, "a=\u{a0}&c=x");
}
