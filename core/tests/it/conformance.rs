//! The shared conformance cases (`tests/conformance/`), which every language binding replays: signing,
//! answer verification and notification verification through the string primitives. Here the core
//! replays them; `write_conformance_cases` (ignored; run it by hand after changing what the cases
//! cover) wrote the signing, answer and notification files from the shared vectors' test keys.

use std::collections::BTreeMap;

use alipay_core::notify::NotifyRule;
use alipay_core::primitives::{NotifyInput, build_sign_content, sign_params, verify_notify, verify_response};
use alipay_core::{Charset, PrivateKey, SignType};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde_json::{Value, json};

use crate::support::{fixture, repo_root, s, vector};

fn conformance(name: &str) -> Value {
    let path = repo_root().join("tests/conformance").join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn pairs(v: &Value) -> BTreeMap<String, String> {
    v.as_object().expect("object").iter().map(|(k, v)| (k.clone(), v.as_str().expect("text").to_string())).collect()
}

fn bytes(case: &Value) -> Vec<u8> {
    BASE64.decode(s(case, "body_base64")).expect("base64 body")
}

/// `"verified"`, or the error's kind (`"signature"`, `"decode"`, …).
fn verdict<T>(result: &Result<T, alipay_core::Error>) -> String {
    match result {
        Ok(_) => "verified".into(),
        Err(e) => e.kind().as_str().into(),
    }
}

#[test]
fn every_signing_case_signs_to_its_signature() {
    let cases = conformance("signing.json");
    let key = s(&cases, "private_key_pem");
    for case in cases["cases"].as_array().expect("cases") {
        let name = s(case, "name");
        let params = pairs(&case["params"]);
        if !cfg!(feature = "legacy-rsa") && !cfg!(feature = "rust-crypto") && s(case, "sign_type") == "RSA" {
            continue; // This build cannot sign legacy RSA (see the `legacy-rsa` feature).
        }
        assert_eq!(build_sign_content(&params), s(case, "sign_content"), "{name}");
        let sign = sign_params(&params, key, s(case, "sign_type"), s(case, "charset")).expect("signs");
        assert_eq!(sign, s(case, "sign"), "{name}");
    }
}

#[test]
fn every_answer_case_verifies_or_is_refused_as_it_says() {
    let cases = conformance("responses.json");
    let key = s(&cases, "alipay_public_key_pem");
    for case in cases["cases"].as_array().expect("cases") {
        let name = s(case, "name");
        let result = verify_response(&bytes(case), s(case, "method"), key, "RSA2", s(case, "charset"));
        assert_eq!(verdict(&result), s(case, "expect"), "{name}");
        if let Ok(node) = result {
            assert_eq!(node.raw, s(case, "raw"), "{name}");
            assert_eq!(node.signed, case["signed"].as_bool().expect("signed"), "{name}");
        }
    }
}

#[test]
fn every_notification_case_verifies_or_is_refused_as_it_says() {
    let cases = conformance("notifications.json");
    let key = s(&cases, "alipay_public_key_pem");
    for case in cases["cases"].as_array().expect("cases") {
        let name = s(case, "name");
        let rule: NotifyRule = s(case, "rule").parse().expect("rule");
        let from_body = verify_notify(NotifyInput::RawBody(bytes(case).into()), key, rule, "RSA2");
        assert_eq!(verdict(&from_body), s(case, "expect"), "{name} (raw body)");
        if let Ok(fields) = from_body {
            assert_eq!(fields, pairs(&case["covered"]), "{name}");
        }
        if let Some(form) = case.get("form") {
            let from_form = verify_notify(NotifyInput::Params(pairs(form)), key, rule, "RSA2");
            assert_eq!(verdict(&from_form), s(case, "expect"), "{name} (decoded form)");
        }
    }
}

// ---- Writing the cases ----------------------------------------------------------------------------

/// The app's test key (the shared vectors'), the stand-in Alipay key pair, and a forger's key.
struct Keys {
    app: String,
    alipay_private: String,
    alipay_public: String,
    forger: String,
}

fn keys() -> Keys {
    let answers = vector("derived_v2_response_verify.json");
    Keys {
        app: s(&vector("derived_sign_node_util_params.json"), "private_key_pem").into(),
        alipay_private: s(&answers, "alipay_private_key_pem_used_to_sign").into(),
        alipay_public: s(&answers, "alipay_public_key_pem").into(),
        forger: fixture("app_pkcs1.pem"),
    }
}

fn signing_case(name: &str, params: Value, sign_type: &str, charset: &str, key: &str) -> Value {
    let params_map = pairs(&params);
    let sign = sign_params(&params_map, key, sign_type, charset).expect("signs");
    json!({
        "name": name, "params": params, "sign_type": sign_type, "charset": charset,
        "sign_content": build_sign_content(&params_map), "sign": sign,
    })
}

fn request(extra: Value) -> Value {
    let mut params = json!({
        "app_id": "2021000000000000", "method": "alipay.trade.pay", "format": "JSON", "charset": "utf-8",
        "sign_type": "RSA2", "timestamp": "2026-12-01 10:00:00", "version": "1.0",
        "biz_content": "{\"out_trade_no\":\"20261201000001\",\"total_amount\":\"88.88\",\"subject\":\"咖啡 Latte\",\"auth_code\":\"280000000000000001\"}",
    });
    params.as_object_mut().expect("object").extend(extra.as_object().expect("object").clone());
    params
}

/// `{"<node name>":<node>,"sign":"…"}`, the node signed as `charset` bytes by `key`.
fn answer(method: &str, node: &str, key: &str, charset: Charset) -> Vec<u8> {
    let key = PrivateKey::from_text(key).expect("key");
    let sign = key.sign(&charset.encode(node).expect("encodes"), SignType::Rsa2).expect("signs");
    let name = format!("{}_response", method.replace('.', "_"));
    charset.encode(&format!("{{\"{name}\":{node},\"sign\":\"{sign}\"}}")).expect("encodes").into_owned()
}

fn answer_case(name: &str, method: &str, body: &[u8], charset: Charset, note: &str) -> Value {
    let public = keys().alipay_public;
    let result = verify_response(body, method, &public, "RSA2", charset.as_str());
    let mut case = json!({
        "name": name, "note": note, "method": method, "charset": charset.as_str(),
        "body_base64": BASE64.encode(body), "expect": verdict(&result),
    });
    if let Ok(node) = result {
        case["raw"] = json!(node.raw);
        case["signed"] = json!(node.signed);
    }
    case
}

fn notification_case(name: &str, note: &str, rule: &str, body: &[u8], form: Option<Value>) -> Value {
    let public = keys().alipay_public;
    let rule_parsed: NotifyRule = rule.parse().expect("rule");
    let result = verify_notify(NotifyInput::RawBody(body.into()), &public, rule_parsed, "RSA2");
    let mut case = json!({ "name": name, "note": note, "rule": rule, "body_base64": BASE64.encode(body), "expect": verdict(&result) });
    if let Ok(fields) = result {
        case["covered"] = json!(fields);
    }
    if let Some(form) = form {
        case["form"] = form;
    }
    case
}

/// A notification form body: `pairs` signed by `key` under `rule` (V1 leaves out `sign` and
/// `sign_type`, V2 only `sign`), percent-encoded in `charset`.
fn notification(pairs: &[(&str, &str)], key: &str, rule: NotifyRule, charset: Charset) -> (Vec<u8>, Value) {
    let mut params: BTreeMap<String, String> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    let excluded: &[&str] = match rule {
        NotifyRule::V1 => &["sign", "sign_type"],
        _ => &["sign"],
    };
    let content =
        alipay_core::sign::sign_content_excluding(params.iter().map(|(k, v)| (k.as_str(), v.as_str())), excluded);
    let key = PrivateKey::from_text(key).expect("key");
    let sign = key.sign(&charset.encode(&content).expect("encodes"), SignType::Rsa2).expect("signs");
    params.insert("sign".into(), sign);
    let mut body = Vec::new();
    for (i, (k, v)) in params.iter().enumerate() {
        if i > 0 {
            body.push(b'&');
        }
        let value = charset.encode(v).expect("encodes");
        body.extend(
            percent_encoding::percent_encode(k.as_bytes(), percent_encoding::NON_ALPHANUMERIC).to_string().bytes(),
        );
        body.push(b'=');
        body.extend(percent_encoding::percent_encode(&value, percent_encoding::NON_ALPHANUMERIC).to_string().bytes());
    }
    (body, json!(params))
}

#[test]
#[ignore = "writes tests/conformance/{signing,responses,notifications}.json; run by hand"]
fn write_conformance_cases() {
    let k = keys();
    let dir = repo_root().join("tests/conformance");
    let write = |name: &str, value: Value| {
        let text = serde_json::to_string_pretty(&value).expect("json") + "\n";
        std::fs::write(dir.join(name), text).expect("write");
    };

    let signing = vec![
        signing_case("utf8_rsa2", request(json!({})), "RSA2", "utf-8", &k.app),
        signing_case(
            "gbk_rsa2_java_gbk_euro_and_private_use",
            request(
                json!({"charset": "GBK", "biz_content": "{\"subject\":\"咖啡€ \u{e000}\",\"total_amount\":\"1.00\"}"}),
            ),
            "RSA2",
            "GBK",
            &k.app,
        ),
        signing_case("utf8_legacy_rsa_sha1", request(json!({"sign_type": "RSA"})), "RSA", "utf-8", &k.app),
        signing_case(
            "blank_values_are_left_out_java_rule",
            request(json!({"notify_url": "", "return_url": "   ", "app_auth_token": "\t\u{3000}", "passback": "x y"})),
            "RSA2",
            "utf-8",
            &k.app,
        ),
        signing_case(
            "values_are_signed_raw_not_url_encoded",
            request(
                json!({"notify_url": "https://shop.example/notify?a=1&b=%2F", "return_url": "https://shop.example/返回"}),
            ),
            "RSA2",
            "utf-8",
            &k.app,
        ),
    ];
    write(
        "signing.json",
        json!({
            "description": "Request signing: each case's params give sign_content (non-blank values, sorted, k=v&…) and, signed with private_key_pem in charset, sign. Written by the core (core/tests/it/conformance.rs) from the shared vectors' test key; its signing is checked against the official Node, Python and Java SDKs elsewhere.",
            "private_key_pem": k.app,
            "cases": signing,
        }),
    );

    let query = "alipay.trade.query";
    let paid = r#"{"code":"10000","msg":"Success","buyer_logon_id":"159****5620","out_trade_no":"20261201000001","total_amount":"88.88","trade_no":"2026120122001400001","trade_status":"TRADE_SUCCESS"}"#;
    let tampered = String::from_utf8(answer(query, paid, &k.alipay_private, Charset::Utf8))
        .expect("utf-8")
        .replace("88.88", "0.01");
    let duplicate = {
        let body = String::from_utf8(answer(query, paid, &k.alipay_private, Charset::Utf8)).expect("utf-8");
        body.replacen(
            ",\"sign\"",
            ",\"alipay_trade_query_response\":{\"code\":\"40004\",\"msg\":\"Business Failed\"},\"sign\"",
            1,
        )
    };
    let precreate = "alipay.trade.precreate";
    let qr = r#"{"code":"10000","msg":"Success","out_trade_no":"20261201000002","qr_code":"https:\/\/qr.alipay.com\/bax00000000"}"#;
    let gbk_node = r#"{"code":"10000","msg":"Success","out_trade_no":"20261201000003","total_amount":"1.00","trade_no":"2026120122001400003","trade_status":"WAIT_BUYER_PAY","store_name":"南京店€"}"#;
    let encrypted = "\"eyJjb2RlIjoiMTAwMDAiLCJtc2ciOiJTdWNjZXNzIn0=\"";
    let unsigned_error = r#"{"alipay_trade_query_response":{"code":"40002","msg":"Invalid Arguments","sub_code":"isv.invalid-app-id","sub_msg":"无效的AppID参数"}}"#.as_bytes();
    let unsigned_success = format!("{{\"alipay_trade_query_response\":{paid}}}");
    let responses = vec![
        answer_case(
            "query_paid_utf8",
            query,
            &answer(query, paid, &k.alipay_private, Charset::Utf8),
            Charset::Utf8,
            "a signed success",
        ),
        answer_case(
            "query_gbk_java_gbk",
            query,
            &answer(query, gbk_node, &k.alipay_private, Charset::Gbk),
            Charset::Gbk,
            "a GBK answer, signed over Java's GBK bytes (€ is A2 E3)",
        ),
        answer_case(
            "forged",
            query,
            &answer(query, paid, &k.forger, Charset::Utf8),
            Charset::Utf8,
            "signed by a key that is not Alipay's",
        ),
        answer_case("tampered", query, tampered.as_bytes(), Charset::Utf8, "the amount changed after signing"),
        answer_case(
            "duplicate_node",
            query,
            duplicate.as_bytes(),
            Charset::Utf8,
            "two nodes of the method's name: which one was signed is ambiguous, so neither is believed",
        ),
        answer_case(
            "escaped_slash",
            precreate,
            &answer(precreate, qr, &k.alipay_private, Charset::Utf8),
            Charset::Utf8,
            "the node is signed as written, with \\/ escapes; raw keeps them",
        ),
        answer_case(
            "encrypted_node",
            "alipay.trade.create",
            &answer("alipay.trade.create", encrypted, &k.alipay_private, Charset::Utf8),
            Charset::Utf8,
            "an AES-encrypted node (a JSON string, signed with its quotes): verify_response takes no AES key, so it is a configuration error; a client with its encrypt_key verifies and decrypts it",
        ),
        answer_case(
            "unsigned_error",
            query,
            unsigned_error,
            Charset::Utf8,
            "a gateway error Alipay sends unsigned: believed only as a hint (signed: false)",
        ),
        answer_case(
            "unsigned_success",
            query,
            unsigned_success.as_bytes(),
            Charset::Utf8,
            "a success without a signature is never believed",
        ),
    ];
    write(
        "responses.json",
        json!({
            "description": "Answer verification through verify_response(body, method, alipay_public_key_pem, \"RSA2\", charset): expect is \"verified\" (then raw is the verified node text and signed whether it carried a signature) or the error kind. Written by the core (core/tests/it/conformance.rs).",
            "alipay_public_key_pem": k.alipay_public,
            "cases": responses,
        }),
    );

    let trade = [
        ("notify_id", "2026120100222100000000000001"),
        ("notify_type", "trade_status_sync"),
        ("notify_time", "2026-12-01 10:00:05"),
        ("app_id", "2021000000000000"),
        ("charset", "utf-8"),
        ("version", "1.0"),
        ("sign_type", "RSA2"),
        ("trade_no", "2026120122001400001"),
        ("out_trade_no", "20261201000001"),
        ("trade_status", "TRADE_SUCCESS"),
        ("total_amount", "88.88"),
        ("subject", "咖啡 Latte"),
        ("gmt_payment", "2026-12-01 10:00:04"),
    ];
    let (v1, v1_form) = notification(&trade, &k.alipay_private, NotifyRule::V1, Charset::Utf8);
    let (v2, v2_form) = notification(&trade, &k.alipay_private, NotifyRule::V2, Charset::Utf8);
    let tampered_v1 = String::from_utf8(v1.clone()).expect("ascii").replace("88%2E88", "0%2E01");
    let mut gbk_pairs = trade.to_vec();
    gbk_pairs.retain(|(k, _)| *k != "charset" && *k != "subject");
    gbk_pairs.extend([("charset", "GBK"), ("subject", "咖啡€")]);
    let (gbk, _) = notification(&gbk_pairs, &k.alipay_private, NotifyRule::V1, Charset::Gbk);
    let mut cert_pairs = trade.to_vec();
    cert_pairs.push(("alipay_cert_sn", "0f3c4f7a1e5d44b7a9c2e6f1d8b3a5c7"));
    let (cert, cert_form) = notification(&cert_pairs, &k.alipay_private, NotifyRule::V1, Charset::Utf8);
    let cert_renamed = String::from_utf8(cert.clone())
        .expect("ascii")
        .replace("0f3c4f7a1e5d44b7a9c2e6f1d8b3a5c7", "00000000000000000000000000000000");
    let mut blank_pairs = trade.to_vec();
    blank_pairs.push(("passback_params", ""));
    let (blank, _) = notification(&blank_pairs, &k.alipay_private, NotifyRule::V1, Charset::Utf8);
    let notifications = vec![
        notification_case(
            "trade_v1",
            "a trade notification under rsaCheckV1 (sign and sign_type left out of the content)",
            "v1",
            &v1,
            Some(v1_form),
        ),
        notification_case("trade_v1_tampered", "the amount changed after signing", "v1", tampered_v1.as_bytes(), None),
        notification_case(
            "trade_v2",
            "signed under rsaCheckV2 (only sign left out): verifies as v2",
            "v2",
            &v2,
            Some(v2_form.clone()),
        ),
        notification_case(
            "trade_v2_checked_as_v1",
            "the same notification checked under the wrong rule is refused",
            "v1",
            &v2,
            Some(v2_form),
        ),
        notification_case(
            "trade_v1_gbk_body",
            "a GBK body: percent-escapes decoded as Java's GBK before verifying",
            "v1",
            &gbk,
            None,
        ),
        notification_case(
            "cert_mode_v1",
            "certificate mode: alipay_cert_sn is part of the signed content",
            "v1",
            &cert,
            Some(cert_form),
        ),
        notification_case(
            "cert_mode_sn_swapped",
            "alipay_cert_sn changed after signing",
            "v1",
            cert_renamed.as_bytes(),
            None,
        ),
        notification_case("blank_value_not_signed", "a blank value is neither signed nor covered", "v1", &blank, None),
    ];
    write(
        "notifications.json",
        json!({
            "description": "Notification verification through verify_notify(notification, alipay_public_key_pem, rule, \"RSA2\"), from the raw body (body_base64) and, where given, from the decoded form: expect is \"verified\" (then covered is what the signature covers) or the error kind. Written by the core (core/tests/it/conformance.rs).",
            "alipay_public_key_pem": k.alipay_public,
            "cases": notifications,
        }),
    );
}
