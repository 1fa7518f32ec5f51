//! The gateway speaks v2 exactly: request signatures verified with the registered app key (the
//! gateway's own sign content echoed on failure), common parameters checked, answers signed over the
//! raw node text with `/` escaped.

use alipay_core::trade::{TradePrecreateRequest, TradeQueryRequest};
use alipay_core::transport::{HttpMethod, HttpRequest};
use alipay_core::{Charset, PrivateKey};
use alipay_sandbox::Reply;
use serde_json::{Value, json};

use crate::support::{money, order, sandbox};

#[tokio::test]
async fn a_request_signed_with_the_wrong_key_gets_isv_invalid_signature_with_the_sign_content() {
    let (sb, _) = sandbox(1.0);
    let stranger =
        PrivateKey::from_text(&alipay_core::keys::generate_rsa2048().expect("key").private_pkcs1_pem).expect("key");
    let client = sb.client_builder().expect("builder").app_private_key(stranger).build().expect("client");
    let err = client.trade_query(&TradeQueryRequest::by_out_trade_no("T1")).await.expect_err("bad signature");
    let gw = err.as_gateway().expect("gateway error");
    assert_eq!((gw.code.as_str(), gw.sub_code.as_deref()), ("40002", Some("isv.invalid-signature")));
    assert!(gw.verified, "for a known method Alipay answers in the method's node, signed");
    let sub_msg = gw.sub_msg.as_deref().unwrap_or("");
    assert!(
        sub_msg.contains(
            "网关生成的验签字符串为：app_id=2021000000000000&biz_content={\"out_trade_no\":\"T1\"}&charset=utf-8"
        ),
        "{sub_msg}"
    );
    assert!(sub_msg.contains("&method=alipay.trade.query&sign_type=RSA2&timestamp="), "{sub_msg}");
}

async fn raw(sb: &alipay_sandbox::Sandbox, query: &str) -> Value {
    let request = HttpRequest {
        method: HttpMethod::Post,
        url: format!("{}?{query}", sb.gateway_url()),
        headers: vec![],
        body: vec![],
        max_body_bytes: None,
    };
    match sb.handle(request).await {
        Reply::Http(r) => serde_json::from_slice(&r.body).expect("json"),
        Reply::Drop => panic!("dropped"),
    }
}

#[tokio::test]
async fn missing_and_invalid_common_parameters_are_named() {
    let (sb, client) = sandbox(1.0);
    let unsigned = [
        ("app_id=2021000000000000", "isv.missing-method"),
        ("method=alipay.no.such&app_id=1", "isv.missing-signature"),
    ];
    for (query, sub_code) in unsigned {
        let answer = raw(&sb, query).await;
        assert_eq!(answer["error_response"]["sub_code"], sub_code, "{query}");
        assert!(answer.get("sign").is_none(), "without a known method the error is unsigned");
    }
    let q = "method=alipay.trade.query";
    let t = "timestamp=2026-01-01+00:00:00&version=1.0";
    let in_node = [
        (q.to_string(), "isv.missing-app-id"),
        (format!("{q}&app_id=2021000000000000"), "isv.missing-signature"),
        (format!("{q}&app_id=2021000000000000&sign=x"), "isv.missing-signature-type"),
        (format!("{q}&app_id=1&sign=x&sign_type=RSA2&{t}"), "isv.invalid-app-id"),
        (format!("{q}&app_id=2021000000000000&sign=x&sign_type=MD5&{t}"), "isv.invalid-signature-type"),
        (
            format!("{q}&app_id=2021000000000000&sign=x&sign_type=RSA2&timestamp=yesterday&version=1.0"),
            "isv.invalid-timestamp",
        ),
    ];
    for (query, sub_code) in in_node {
        let answer = raw(&sb, &query).await;
        assert_eq!(answer["alipay_trade_query_response"]["sub_code"], sub_code, "{query}");
        assert!(answer["sign"].is_string(), "errors of a known method are signed");
    }
    let err = client.execute("alipay.no.such.method", &json!({})).await.expect_err("unknown method");
    assert_eq!(err.as_gateway().and_then(|g| g.sub_code.clone()).as_deref(), Some("isv.invalid-method"));
    let err = client.execute("alipay.trade.query", &json!({})).await.expect_err("no trade reference");
    assert_eq!(err.as_gateway().and_then(|g| g.sub_code.clone()).as_deref(), Some("ACQ.INVALID_PARAMETER"));
    assert!(err.as_gateway().is_some_and(|g| g.verified), "business failures are signed");
}

#[tokio::test]
async fn answers_escape_slashes_and_are_signed_over_the_escaped_text() {
    let (_sb, client) = sandbox(1.0);
    let no = order("ESC");
    let node = client
        .execute("alipay.trade.precreate", &json!({"out_trade_no": no, "total_amount": "1.00", "subject": "a/b"}))
        .await
        .expect("precreate");
    assert!(node.signed);
    assert!(node.raw.contains(r#""qr_code":"https:\/\/qr.alipay.com\/"#), "{}", node.raw);
    assert!(node.raw.starts_with(r#"{"code":"10000","msg":"Success""#), "code and msg come first: {}", node.raw);
    assert_eq!(node.value["qr_code"].as_str().map(|q| q.starts_with("https://qr.alipay.com/")), Some(true));
}

#[tokio::test]
async fn a_gbk_client_is_understood_and_answered_in_gbk() {
    let (sb, _) = sandbox(1.0);
    let client = sb.client_builder().expect("builder").charset(Charset::Gbk).build().expect("client");
    let no = order("GBK");
    let pre =
        client.trade_precreate(&TradePrecreateRequest::new(&no, money("1.00"), "测试订单")).await.expect("precreate");
    assert!(!pre.qr_code.is_empty());
    assert_eq!(sb.trade(&no).expect("t").subject, "测试订单");
}

#[tokio::test]
async fn the_answers_sign_is_plain_base64_while_its_body_escapes_slashes() {
    use base64::Engine as _;
    let (sb, client) = sandbox(1.0);
    // Signatures of a few answers, so that some hold a `/`.
    let mut slashes = 0;
    for _ in 0..8 {
        let biz = json!({"out_trade_no": order("SIGN"), "total_amount": "1.00", "subject": "a/b"}).to_string();
        let request = client.build_request("alipay.trade.precreate", Some(&biz)).expect("request");
        let body = String::from_utf8(sb.transport().send(request).await.expect("answer").body).expect("utf-8");
        assert!(body.contains(r#"https:\/\/qr.alipay.com"#), "the body escapes `/`: {body}");
        let answer: Value = serde_json::from_str(&body).expect("json");
        let sign = answer["sign"].as_str().expect("sign");
        let raw_sign = body.rsplit_once(r#""sign":""#).expect("sign").1.trim_end_matches("\"}");
        assert_eq!(raw_sign, sign, "written as plain base64, no `\\/`, as Alipay writes it");
        assert_eq!(base64::engine::general_purpose::STANDARD.decode(raw_sign).expect("base64").len(), 256);
        slashes += usize::from(sign.contains('/'));
    }
    assert!(slashes > 0, "some of 8 signatures hold a `/`");
}

#[tokio::test]
async fn a_gbk_request_with_the_euro_sign_goes_as_javas_bytes_and_is_accepted() {
    let (sb, _) = sandbox(1.0);
    let client = sb.client_builder().expect("builder").charset(Charset::Gbk).build().expect("client");
    let no = order("EUR");
    let biz = json!({"out_trade_no": no, "total_amount": "5.00", "subject": "咖啡 €5 \u{E000}"}).to_string();
    let request = client.build_request("alipay.trade.precreate", Some(&biz)).expect("request");
    let body = String::from_utf8(request.body.clone()).expect("form text");
    assert!(body.contains("%A2%E3"), "€ is A2 E3 in Java's GBK, not 80: {body}");
    let answer = client.execute_raw("alipay.trade.precreate", Some(&biz)).await.expect("accepted");
    assert_eq!(answer.code(), "10000");
    assert_eq!(sb.trade(&no).expect("trade").subject, "咖啡 €5 \u{E000}");
}
