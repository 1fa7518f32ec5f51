//! The string-level primitives the bindings expose, replaying the shared vectors.

use std::collections::BTreeMap;

use alipay_core::notify::NotifyRule;
use alipay_core::primitives::{NotifyInput, build_sign_content, sign_params, verify_notify, verify_response};
use alipay_core::{Error, ErrorKind};

use crate::support::{s, vector};

fn string_map(v: &serde_json::Value) -> BTreeMap<String, String> {
    v.as_object().expect("object").iter().map(|(k, v)| (k.clone(), v.as_str().expect("str").to_string())).collect()
}

#[test]
fn sign_params_reproduces_every_derived_sign_vector() {
    let key = s(&vector("derived_sign_node_util_params.json"), "private_key_pem").to_string();
    for name in
        ["derived_sign_node_util_params.json", "derived_sign_trade_pay_request.json", "derived_sign_utf8_subject.json"]
    {
        let v = vector(name);
        let params = string_map(&v["params"]);
        assert_eq!(build_sign_content(&params), s(&v, "expected_sign_content"), "{name}");
        assert_eq!(sign_params(&params, &key, "RSA2", "utf-8").expect("sign"), s(&v, "expected_sign_RSA2"), "{name}");
    }
}

#[test]
fn verify_response_returns_the_verified_node_text() {
    let v = vector("node_response_sign_file_upload.json");
    let node = verify_response(
        s(&v, "response_raw").as_bytes(),
        s(&v, "method"),
        s(&v, "alipay_public_key_pem"),
        "RSA2",
        "utf-8",
    )
    .expect("verifies");
    assert_eq!((node.raw.as_str(), node.signed), (s(&v, "signed_content"), true));
}

#[test]
fn verify_notify_from_body_and_from_pairs() {
    let v = vector("derived_notify_v1.json");
    let key = s(&v, "alipay_public_key_pem");
    let from_body = verify_notify(
        NotifyInput::RawBody(s(&v, "form_urlencoded_body").as_bytes().into()),
        key,
        NotifyRule::V1,
        "RSA2",
    )
    .expect("body");
    let mut covered = string_map(&v["decoded_params"]);
    covered.retain(|_, v| !v.is_empty());
    assert_eq!(from_body, covered, "the fields the signature covers");
    let v2 = vector("node_notify_servicemarket_rsaCheckV2.json");
    verify_notify(
        NotifyInput::Params(string_map(&v2["notify_params"])),
        s(&v2, "alipay_public_key_pem"),
        NotifyRule::V2,
        "RSA2",
    )
    .expect("V2 pairs");
}

#[test]
fn bad_arguments_are_typed_errors() {
    let params = BTreeMap::from([("a".to_string(), "1".to_string())]);
    let key = s(&vector("derived_sign_node_util_params.json"), "private_key_pem").to_string();
    assert_eq!(sign_params(&params, &key, "MD5", "utf-8").expect_err("sign type").kind(), ErrorKind::InvalidInput);
    assert_eq!(sign_params(&params, &key, "RSA2", "latin1").expect_err("charset").kind(), ErrorKind::InvalidInput);
    let err = sign_params(&params, "not a key", "RSA2", "utf-8").expect_err("key");
    assert!(matches!(err, Error::Config(_)) && err.to_string().contains("app private key"), "{err}");
    let err = verify_response(b"{}", "alipay.trade.query", &key, "RSA2", "utf-8").expect_err("private as public");
    assert_eq!(err.kind(), ErrorKind::Config);
}
