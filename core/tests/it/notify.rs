//! Notifications: the shared vectors under the V1 and V2 rules, the raw-body path (decoded exactly once),
//! typed trade notifications, the order check, the deposit-back message, and a table of bad input.

use std::collections::BTreeMap;

use alipay_core::error::{Error, SignatureError};
use alipay_core::notify::{
    DepositBackStatus, ExpectedOrder, NotifyRule, VerifiedNotification, verify_notify_body, verify_notify_params,
};
use alipay_core::trade::TradeStatus;
use alipay_core::{Charset, ErrorKind, PrivateKey, PublicKey, SignType};
use serde_json::Value;

use crate::support::{backends, fixture, public_key, s, vector};

fn pairs(v: &Value) -> BTreeMap<String, String> {
    v.as_object().expect("object").iter().map(|(k, v)| (k.clone(), v.as_str().expect("string").to_string())).collect()
}

fn verdict(params: &BTreeMap<String, String>, key: &PublicKey, rule: NotifyRule) -> bool {
    verify_notify_params(params.clone(), key, rule, SignType::Rsa2).is_ok()
}

#[test]
fn node_trade_status_sync_verifies_only_under_v1() {
    let v = vector("node_notify_trade_status_sync_rsaCheckV1.json");
    let params = pairs(&v["notify_params"]);
    for &b in backends() {
        let key = public_key(s(&v, "alipay_public_key_b64"), b);
        assert!(verdict(&params, &key, NotifyRule::V1));
        assert!(!verdict(&params, &key, NotifyRule::V2));
    }
}

#[test]
fn node_servicemarket_message_verifies_only_under_v2() {
    let v = vector("node_notify_servicemarket_rsaCheckV2.json");
    let params = pairs(&v["notify_params"]);
    for &b in backends() {
        let key = public_key(s(&v, "alipay_public_key_pem"), b);
        assert!(!verdict(&params, &key, NotifyRule::V1));
        assert!(verdict(&params, &key, NotifyRule::V2));
        // The 'verify fail' variant of the Node SDK's test: one changed field.
        let mut tampered = params.clone();
        tampered.insert("service_code".into(), "58621634111".into());
        assert!(!verdict(&tampered, &key, NotifyRule::V2));
    }
}

#[test]
fn derived_v1_notification_from_the_raw_body() {
    let v = vector("derived_notify_v1.json");
    for &b in backends() {
        let key = public_key(s(&v, "alipay_public_key_pem"), b);
        let verified =
            verify_notify_body(s(&v, "form_urlencoded_body").as_bytes(), &key, NotifyRule::V1, SignType::Rsa2)
                .expect("verifies from the raw body");
        let mut covered = pairs(&v["decoded_params"]);
        covered.retain(|_, v| !v.is_empty());
        assert_eq!(verified.params(), &covered, "decoded exactly once; the empty passback_params is not signed");
        let from_pairs = verify_notify_params(pairs(&v["decoded_params"]), &key, NotifyRule::V1, SignType::Rsa2)
            .expect("and from pairs");
        assert_eq!(from_pairs, verified);
    }
}

#[test]
fn derived_notification_sign_content_skips_sign_sign_type_and_empty_values() {
    let v = vector("derived_notify_v1.json");
    let params = pairs(&v["decoded_params"]);
    let content = alipay_core::sign::sign_content_excluding(
        params.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        &["sign", "sign_type"],
    );
    assert_eq!(content, s(&v, "rsaCheckV1_sign_content"));
}

#[test]
fn a_double_decoded_body_does_not_verify() {
    // Decoding twice turns the `+` of the base64 signature into a space — Node's old bug.
    let v = vector("derived_notify_v1.json");
    let key = public_key(s(&v, "alipay_public_key_pem"), backends()[0]);
    let mut twice = pairs(&v["decoded_params"]);
    let sign = twice["sign"].replace('+', " ");
    twice.insert("sign".into(), sign);
    assert!(verify_notify_params(twice, &key, NotifyRule::V1, SignType::Rsa2).is_err());
}

fn verified_trade_notification() -> VerifiedNotification {
    let v = vector("derived_notify_v1.json");
    let key = public_key(s(&v, "alipay_public_key_pem"), backends()[0]);
    verify_notify_body(s(&v, "form_urlencoded_body").as_bytes(), &key, NotifyRule::V1, SignType::Rsa2)
        .expect("verifies")
}

#[test]
fn a_verified_notification_parses_into_a_typed_trade_notification() {
    let trade = verified_trade_notification().trade().expect("typed");
    assert_eq!(trade.notify_id, "2024051300222174921012345678901234");
    assert_eq!(trade.trade_status, Some(TradeStatus::TradeSuccess));
    assert!(trade.is_paid());
    assert_eq!(trade.subject.as_deref(), Some("测试 订单&1"));
    assert_eq!(trade.total_amount.map(|a| a.fen()), Some(10));
    assert_eq!(trade.fund_bill_list[0].fund_channel, "ALIPAYACCOUNT");
    assert_eq!(trade.passback_params, None, "empty values are absent");
    assert!(trade.extra.contains_key("charset") && trade.extra.contains_key("version"));
}

#[test]
fn the_order_check_names_the_first_mismatch() {
    let trade = verified_trade_notification().trade().expect("typed");
    let ok = ExpectedOrder::new("2021000122671080", "T20240513001", "0.10".parse().expect("money"));
    trade.check(&ok).expect("matches");
    trade.check(&ok.clone().with_seller_id("2088531891668739")).expect("seller matches");
    let cases = [
        (ExpectedOrder::new("2021000000000000", "T20240513001", "0.10".parse().expect("m")), "app_id"),
        (ExpectedOrder::new("2021000122671080", "T-other", "0.10".parse().expect("m")), "out_trade_no"),
        (ExpectedOrder::new("2021000122671080", "T20240513001", "0.11".parse().expect("m")), "total_amount"),
        (ok.clone().with_seller_id("2088000000000000"), "seller_id"),
    ];
    for (order, field) in cases {
        let err = trade.check(&order).expect_err(field);
        assert_eq!(err.field, field);
        assert_eq!(Error::from(err).kind(), ErrorKind::InvalidInput);
    }
}

fn stand_in_alipay() -> (PrivateKey, PublicKey) {
    let private = PrivateKey::from_text(&fixture("alipay_private_pkcs1.pem")).expect("key");
    let public = private.public_key().clone();
    (private, public)
}

/// Signs pairs like Alipay does under `rule` and returns them with `sign`.
fn sign_like_alipay(mut params: BTreeMap<String, String>, rule: NotifyRule) -> BTreeMap<String, String> {
    let (private, _) = stand_in_alipay();
    let excluded: &[&str] = if rule == NotifyRule::V1 { &["sign", "sign_type"] } else { &["sign"] };
    let content =
        alipay_core::sign::sign_content_excluding(params.iter().map(|(k, v)| (k.as_str(), v.as_str())), excluded);
    let charset: Charset = params.get("charset").map_or(Charset::Utf8, |c| c.parse().expect("charset"));
    let sign = private.sign(&charset.encode(&content).expect("enc"), SignType::Rsa2).expect("sign");
    params.insert("sign".into(), sign);
    params
}

fn form_body(params: &BTreeMap<String, String>, charset: Charset) -> Vec<u8> {
    let mut ser = form_urlencoded::Serializer::new(String::new());
    fn gbk(s: &str) -> std::borrow::Cow<'_, [u8]> {
        encoding_rs::GBK.encode(s).0
    }
    if charset == Charset::Gbk {
        ser.encoding_override(Some(&gbk));
    }
    for (k, v) in params {
        ser.append_pair(k, v);
    }
    ser.finish().into_bytes()
}

#[test]
fn the_deposit_back_message_of_seed_001_verifies_and_parses() {
    // The shape of the sample in Alipay's 当面付 product docs (GBK, msg_method, utc_timestamp, version 1.1), signed by the stand-in key.
    let biz = r#"{"trade_no":"2014112611001004680073956707","out_trade_no":"20150320010101001","out_request_no":"HZ01RF001","dback_status":"S","dback_amount":"1.01","bank_ack_time":"2020-06-02 14:03:48","est_bank_receipt_time":"2020-06-02 14:03:48"}"#;
    let params: BTreeMap<String, String> = [
        ("charset", "GBK"),
        ("biz_content", biz),
        ("msg_method", "alipay.trade.refund.depositback.completed"),
        ("utc_timestamp", "1516797622752"),
        ("version", "1.1"),
        ("sign_type", "RSA2"),
        ("notify_id", "d275fec564e62af6bedbcee73f3f05fi5x"),
        ("app_id", "2013121700999429"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let signed = sign_like_alipay(params, NotifyRule::V1);
    let (_, alipay_public) = stand_in_alipay();
    let verified =
        verify_notify_body(&form_body(&signed, Charset::Gbk), &alipay_public, NotifyRule::V1, SignType::Rsa2)
            .expect("verifies");
    let message = verified.deposit_back().expect("parses");
    assert_eq!(message.dback_status, DepositBackStatus::Succeeded);
    assert_eq!(message.dback_amount.map(|a| a.to_string()).as_deref(), Some("1.01"));
    assert_eq!(
        (message.out_request_no.as_str(), message.notify_id.as_str()),
        ("HZ01RF001", "d275fec564e62af6bedbcee73f3f05fi5x")
    );
    assert_eq!(message.utc_timestamp.as_deref(), Some("1516797622752"));
    assert!(verified.trade().is_err(), "not a trade notification");
}

#[test]
fn gbk_notifications_are_decoded_and_verified_in_gbk() {
    let params: BTreeMap<String, String> = [
        ("charset", "GBK"),
        ("notify_id", "N1"),
        ("app_id", "2021000122671080"),
        ("trade_no", "2026112222001"),
        ("out_trade_no", "T1"),
        ("subject", "测试 订单"),
        ("total_amount", "12.30"),
        ("trade_status", "TRADE_SUCCESS"),
        ("sign_type", "RSA2"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let signed = sign_like_alipay(params, NotifyRule::V1);
    let (_, alipay_public) = stand_in_alipay();
    let body = form_body(&signed, Charset::Gbk);
    assert!(String::from_utf8_lossy(&body).contains("%B2%E2%CA%D4"));
    let trade = verify_notify_body(&body, &alipay_public, NotifyRule::V1, SignType::Rsa2)
        .expect("verifies")
        .trade()
        .expect("typed");
    assert_eq!(trade.subject.as_deref(), Some("测试 订单"));
}

#[test]
fn bad_notifications_get_typed_errors() {
    let v = vector("derived_notify_v1.json");
    let key = public_key(s(&v, "alipay_public_key_pem"), backends()[0]);
    let body = s(&v, "form_urlencoded_body");
    let no_sign = body.split('&').filter(|kv| !kv.starts_with("sign=")).collect::<Vec<_>>().join("&");
    type Check = fn(&Error) -> bool;
    let table: Vec<(&str, Vec<u8>, SignType, Check)> = vec![
        ("empty body", Vec::new(), SignType::Rsa2, |e| e.kind() == ErrorKind::Decode),
        ("no sign", no_sign.into_bytes(), SignType::Rsa2, |e| {
            matches!(e, Error::Signature(SignatureError::Unsigned { .. })) && e.to_string().contains("no `sign`")
        }),
        (
            "tampered amount",
            body.replace("total_amount=0.10", "total_amount=100.10").into_bytes(),
            SignType::Rsa2,
            |e| matches!(e, Error::Signature(SignatureError::Mismatch { .. })),
        ),
        ("garbage sign", body.replace("sign=o%2B", "sign=%21%21").into_bytes(), SignType::Rsa2, |e| {
            matches!(e, Error::Signature(SignatureError::MalformedSign { .. }))
        }),
        ("wrong sign type", body.as_bytes().to_vec(), SignType::Rsa, |e| {
            matches!(e, Error::Signature(SignatureError::SignTypeMismatch { .. }))
        }),
        ("duplicated field", format!("{body}&out_trade_no=T2").into_bytes(), SignType::Rsa2, |e| {
            e.kind() == ErrorKind::Decode
        }),
        ("invalid utf-8", body.replace("subject=%E6%B5%8B", "subject=%FF%B5%8B").into_bytes(), SignType::Rsa2, |e| {
            e.kind() == ErrorKind::Decode
        }),
        ("unknown charset", body.replace("charset=utf-8", "charset=latin1").into_bytes(), SignType::Rsa2, |e| {
            e.kind() == ErrorKind::Decode
        }),
        ("not a form at all", b"\x00\x01\x02".to_vec(), SignType::Rsa2, |e| e.kind() == ErrorKind::Signature),
    ];
    for (name, raw, expected, check) in table {
        let err = verify_notify_body(&raw, &key, NotifyRule::V1, expected).expect_err(name);
        assert!(check(&err), "{name}: {err:?}");
    }
}

#[test]
fn the_sign_type_is_the_configured_one_never_the_notifications() {
    // A notification signed with SHA1 (RSA) that says so: refused where RSA2 is configured.
    let (private, public) = stand_in_alipay();
    let mut params: BTreeMap<String, String> =
        [("notify_id", "n1"), ("out_trade_no", "T1"), ("trade_status", "TRADE_SUCCESS"), ("total_amount", "9.00")]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
    let content = alipay_core::sign::sign_content_excluding(
        params.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        &["sign", "sign_type"],
    );
    params.insert("sign".into(), private.sign(content.as_bytes(), SignType::Rsa).expect("sign"));
    params.insert("sign_type".into(), "RSA".into());
    let err =
        verify_notify_params(params.clone(), &public, NotifyRule::V1, SignType::Rsa2).expect_err("RSA2 configured");
    assert!(matches!(err, Error::Signature(SignatureError::SignTypeMismatch { .. })), "{err}");
    // Without the declaration it is checked as RSA2, and a SHA1 signature does not verify as RSA2.
    params.remove("sign_type");
    let err = verify_notify_params(params.clone(), &public, NotifyRule::V1, SignType::Rsa2).expect_err("not RSA2");
    assert!(matches!(err, Error::Signature(SignatureError::Mismatch { .. })), "{err}");
    // The primitive takes the type from its caller too.
    let err = alipay_core::primitives::verify_notify(
        alipay_core::primitives::NotifyInput::Params(params.clone()),
        &public.to_pem(),
        NotifyRule::V1,
        "RSA2",
    )
    .expect_err("RSA2 given");
    assert_eq!(err.kind(), ErrorKind::Signature, "{err}");
    assert!(verify_notify_params(params, &public, NotifyRule::V1, SignType::Rsa).is_ok(), "RSA configured: believed");
}

#[test]
fn fields_the_signature_does_not_cover_are_not_among_the_verified_ones() {
    let params: BTreeMap<String, String> =
        [("notify_id", "n1"), ("out_trade_no", "T1"), ("trade_status", "TRADE_SUCCESS"), ("total_amount", "9.00")]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
    let mut signed = sign_like_alipay(params, NotifyRule::V1);
    // Added on the way: a blank name and a blank value, both left out of the signed content.
    signed.insert(" ".into(), "TRADE_CLOSED".into());
    signed.insert("refund_fee".into(), " ".into());
    let (_, public) = stand_in_alipay();
    let verified = verify_notify_params(signed, &public, NotifyRule::V1, SignType::Rsa2).expect("still verifies");
    assert_eq!(verified.get(" "), None);
    assert_eq!(verified.get("refund_fee"), None);
    assert_eq!(verified.get("trade_status"), Some("TRADE_SUCCESS"));
    let names: Vec<&str> = verified.params().keys().map(String::as_str).collect();
    assert_eq!(names, ["notify_id", "out_trade_no", "sign", "total_amount", "trade_status"]);
}
