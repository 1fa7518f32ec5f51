//! Response extraction and verification replay the shared vectors (Alipay's 同步返回验签 doc), under every backend.

use alipay_core::error::{Error, SignatureError};
use alipay_core::response::{extract, verify_response};
use alipay_core::{Charset, SignType};

use crate::support::{backends, public_key, s, vector};

#[test]
fn java_extract_sign_content_cases() {
    let cases = vector("java_extractSignContent_cases.json");
    let cases = cases.as_array().expect("array");
    assert!(cases.len() >= 10);
    for case in cases {
        let env =
            extract(s(case, "response"), "alipay.trade.create").unwrap_or_else(|e| panic!("{}: {e}", s(case, "name")));
        assert_eq!(env.signed_text, s(case, "expected_sign_content"), "{}", s(case, "name"));
        assert_eq!(env.encrypted, env.signed_text.starts_with('"'));
    }
}

#[test]
fn node_get_sign_str_cases() {
    let cases = vector("node_getSignStr_extraction.json");
    for case in cases.as_array().expect("array") {
        let method = s(case, "response_key").trim_end_matches("_response").replace('_', ".");
        let env = extract(s(case, "raw"), &method).unwrap_or_else(|e| panic!("{}: {e}", s(case, "name")));
        assert_eq!(env.signed_text, s(case, "expected_sign_content"), "{}", s(case, "name"));
        assert!(
            env.sign.as_deref().is_some_and(|sig| sig.starts_with("P8xrBWqZ")),
            "the top-level sign, not the inner one"
        );
    }
}

#[test]
fn derived_success_with_escaped_slashes_and_cert_sn_verifies() {
    let v = vector("derived_v2_response_verify.json");
    let case = &v["cases"][0];
    for &b in backends() {
        let key = public_key(s(&v, "alipay_public_key_pem"), b);
        let node = verify_response(s(case, "raw").as_bytes(), s(case, "method"), &key, SignType::Rsa2, Charset::Utf8)
            .expect("verifies");
        assert!(node.signed);
        assert_eq!(node.raw, s(case, "signed_content"));
        assert_eq!(node.code(), "10000");
        assert_eq!(node.alipay_cert_sn.as_deref(), Some("7513daaaa48aa3ba2e4018d84402479c"));
        // The signer signed the escaped text: the unescaped variant must not verify.
        let unescaped = s(case, "signed_content").replace("\\/", "/");
        assert!(key.verify(unescaped.as_bytes(), s(case, "sign"), SignType::Rsa2, "unescaped").is_err());
    }
}

#[test]
fn unescaped_slash_retry_accepts_a_gateway_that_signed_plain_slashes() {
    // Sign the *unescaped* text with the stand-in Alipay key, send the escaped one: Java's retry accepts it.
    let v = vector("derived_v2_response_verify.json");
    let case = &v["cases"][0];
    let alipay_private = alipay_core::PrivateKey::from_text(s(&v, "alipay_private_key_pem_used_to_sign")).expect("key");
    let unescaped = s(case, "signed_content").replace("\\/", "/");
    let sign = alipay_private.sign(unescaped.as_bytes(), SignType::Rsa2).expect("sign");
    let raw = format!(r#"{{"alipay_trade_pay_response":{},"sign":"{}"}}"#, s(case, "signed_content"), sign);
    for &b in backends() {
        let key = public_key(s(&v, "alipay_public_key_pem"), b);
        let node = verify_response(raw.as_bytes(), "alipay.trade.pay", &key, SignType::Rsa2, Charset::Utf8)
            .expect("retry verifies");
        assert_eq!(node.raw, unescaped, "what is kept and read is the text that verified");
    }
}

#[test]
fn derived_signed_business_failure_is_a_verified_gateway_error() {
    let v = vector("derived_v2_response_verify.json");
    let case = &v["cases"][1];
    for &b in backends() {
        let key = public_key(s(&v, "alipay_public_key_pem"), b);
        let node = verify_response(s(case, "raw").as_bytes(), s(case, "method"), &key, SignType::Rsa2, Charset::Utf8)
            .expect("verifies");
        assert_eq!(node.raw, s(case, "signed_content"));
        let err = node.into_accepted().expect_err("40004 is an error");
        assert_eq!((err.code.as_str(), err.sub_code.as_deref()), ("40004", Some("ACQ.TRADE_NOT_EXIST")));
        assert_eq!(err.sub_msg.as_deref(), Some("交易不存在"));
        assert!(err.verified);
    }
}

#[test]
fn derived_unsigned_gateway_error_is_accepted_as_an_unverified_error() {
    let v = vector("derived_v2_response_verify.json");
    let case = &v["cases"][2];
    let key = public_key(s(&v, "alipay_public_key_pem"), backends()[0]);
    let node = verify_response(s(case, "raw").as_bytes(), s(case, "method"), &key, SignType::Rsa2, Charset::Utf8)
        .expect("an unsigned error is readable");
    assert!(!node.signed);
    let err = node.into_accepted().expect_err("never a success");
    assert_eq!(err.sub_code.as_deref(), Some("isv.invalid-signature"));
    assert!(!err.verified);
    let err = alipay_core::Error::from(*err);
    assert_eq!(err.kind(), alipay_core::ErrorKind::Signature, "unsigned: a hint, never 'it had no effect'");
}

#[test]
fn a_success_without_sign_is_a_signature_error() {
    let v = vector("derived_v2_response_verify.json");
    let key = public_key(s(&v, "alipay_public_key_pem"), backends()[0]);
    let raw = format!(r#"{{"alipay_trade_pay_response":{}}}"#, s(&v["cases"][0], "signed_content"));
    let err = verify_response(raw.as_bytes(), "alipay.trade.pay", &key, SignType::Rsa2, Charset::Utf8)
        .expect_err("unsigned success");
    assert!(matches!(err, Error::Signature(SignatureError::Missing { .. })), "{err}");
}

#[test]
fn a_tampered_amount_is_a_signature_error() {
    let v = vector("derived_v2_response_verify.json");
    let raw = s(&v["cases"][0], "raw").replace("\"total_amount\":\"88.88\"", "\"total_amount\":\"0.01\"");
    for &b in backends() {
        let key = public_key(s(&v, "alipay_public_key_pem"), b);
        let err = verify_response(raw.as_bytes(), "alipay.trade.pay", &key, SignType::Rsa2, Charset::Utf8)
            .expect_err("tampered");
        assert!(matches!(err, Error::Signature(SignatureError::Mismatch { .. })), "{err}");
    }
}

#[test]
fn gopay_face_to_face_pay_response_verifies() {
    let v = vector("gopay_sync_response_trade_pay_rsa2.json");
    for &b in backends() {
        let key = public_key(s(&v, "alipay_public_key_b64"), b);
        key.verify(s(&v, "signed_content").as_bytes(), s(&v, "sign"), SignType::Rsa2, "gopay")
            .expect("signed content verifies");
        let raw = s(&v, "reconstructed_full_response_for_extraction_tests");
        let node =
            verify_response(raw.as_bytes(), "alipay.trade.pay", &key, SignType::Rsa2, Charset::Utf8).expect("verifies");
        assert_eq!(node.value["trade_no"], "2019082922001432790585537960");
    }
}

#[test]
fn node_file_upload_response_verifies() {
    let v = vector("node_response_sign_file_upload.json");
    for &b in backends() {
        let key = public_key(s(&v, "alipay_public_key_pem"), b);
        let node =
            verify_response(s(&v, "response_raw").as_bytes(), s(&v, "method"), &key, SignType::Rsa2, Charset::Utf8)
                .expect("verifies");
        assert_eq!(node.raw, s(&v, "signed_content"));
        assert_eq!(node.value["file_id"], "CAxAToWB1JsAAAAAAAAAAAAADgSLAQBr");
    }
}

#[test]
fn a_response_signed_by_another_key_is_rejected() {
    // The Node SDK's file-upload answer checked against the stand-in Alipay key: wrong key, not verified.
    let v = vector("node_response_sign_file_upload.json");
    let wrong = vector("derived_v2_response_verify.json");
    let key = public_key(s(&wrong, "alipay_public_key_pem"), backends()[0]);
    let err = verify_response(s(&v, "response_raw").as_bytes(), s(&v, "method"), &key, SignType::Rsa2, Charset::Utf8)
        .expect_err("wrong key");
    assert!(matches!(err, Error::Signature(SignatureError::Mismatch { .. })));
}

/// The stand-in Alipay key pair the tests sign answers with.
fn stand_in_alipay() -> (alipay_core::PrivateKey, alipay_core::PublicKey) {
    let private =
        alipay_core::PrivateKey::from_text(&crate::support::fixture("alipay_private_pkcs1.pem")).expect("key");
    let public = private.public_key().clone();
    (private, public)
}

#[test]
fn an_unsigned_waiting_for_the_buyer_is_not_an_unsigned_error() {
    let (_, public) = stand_in_alipay();
    let body =
        r#"{"alipay_trade_pay_response":{"code":"10003","msg":"waiting","sub_code":"ACQ.X","out_trade_no":"T"}}"#;
    let err = alipay_core::response::verify_response(
        body.as_bytes(),
        "alipay.trade.pay",
        &public,
        SignType::Rsa2,
        Charset::Utf8,
    )
    .expect_err("10003 must be signed");
    assert!(matches!(err, alipay_core::Error::Signature(alipay_core::error::SignatureError::Missing { .. })), "{err}");
}

#[test]
fn the_unescaped_slash_fallback_reads_the_text_that_verified() {
    let (private, public) = stand_in_alipay();
    let verify = |body: &str| {
        alipay_core::response::verify_response(
            body.as_bytes(),
            "alipay.trade.precreate",
            &public,
            SignType::Rsa2,
            Charset::Utf8,
        )
    };
    // Alipay signed the node with its slashes escaped; on the way every `\/` became `\\/`.
    let node = r#"{"code":"10000","msg":"Success","out_trade_no":"A\/1","qr_code":"https:\/\/qr.alipay.com\/x"}"#;
    let sign = private.sign(node.as_bytes(), SignType::Rsa2).expect("sign");
    let tampered = node.replace(r"\/", r"\\/");
    let body = format!(r#"{{"alipay_trade_precreate_response":{tampered},"sign":"{sign}"}}"#);
    let answer = verify(&body).expect("what verifies is the original text");
    assert_eq!(answer.value["qr_code"], "https://qr.alipay.com/x", "the values are the signed ones");
    assert_eq!(answer.value["out_trade_no"], "A/1");
    assert_eq!(answer.raw, node);
    // And the fallback's purpose: a node signed unescaped, sent escaped.
    let unescaped = node.replace(r"\/", "/");
    let sign = private.sign(unescaped.as_bytes(), SignType::Rsa2).expect("sign");
    let body = format!(r#"{{"alipay_trade_precreate_response":{node},"sign":"{sign}"}}"#);
    assert_eq!(verify(&body).expect("verifies unescaped").value["qr_code"], "https://qr.alipay.com/x");
}
