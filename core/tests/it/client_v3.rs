//! The client in v3 mode over loopback HTTP: what goes on the wire (path, headers, the signed
//! `Authorization`), and how each kind of answer is read — signed or not, success or error, plain or
//! encrypted — before the sandbox exercises the same paths end to end.

use alipay_core::error::{ConfigError, SignatureError};
use alipay_core::trade::{TradeQueryRequest, TradeRefundRequest};
use alipay_core::transport::HttpMethod;
use alipay_core::{CallOptions, Client, Error, ErrorKind, Protocol, PublicKey, SignType, v3};

use crate::client_http::{alipay_key, builder_for};
use crate::responder::{Reply, Responder, Seen};
use crate::support::fixture;

const ENCRYPT_KEY: &str = "aYA0GP8JEW+D7/UFaskCWA==";

fn v3_client(url: &str) -> Client {
    builder_for(url).protocol(Protocol::V3).build().expect("client")
}

/// An answer signed the way Alipay signs v3 answers, by the stand-in Alipay key, at the client's time
/// (2026-11-22 10:00:00 in Shanghai).
fn signed(status: u16, body: &str) -> Reply {
    signed_at("1795312800000", status, body)
}

fn signed_at(timestamp: &str, status: u16, body: &str) -> Reply {
    let nonce = "7f1c2d3e-0000-4000-8000-000000000001";
    let content = v3::response_content(timestamp, nonce, body.as_bytes());
    let signature = alipay_key().sign(&content, SignType::Rsa2).expect("sign");
    let headers = vec![
        (v3::HEADER_TIMESTAMP.to_string(), timestamp.to_string()),
        (v3::HEADER_NONCE.to_string(), nonce.to_string()),
        (v3::HEADER_SIGNATURE.to_string(), signature),
        (v3::HEADER_TRACE_ID.to_string(), "trace-1".to_string()),
    ];
    Reply::WithHeaders(status, headers, body.as_bytes().to_vec())
}

/// What the gateway does first: check the `Authorization` signature over what was sent.
fn assert_authorized(seen: &Seen) {
    let auth = seen.header("authorization").expect("authorization");
    let rest = auth.strip_prefix("ALIPAY-SHA256withRSA ").expect("scheme");
    let (auth_string, sign) = rest.rsplit_once(",sign=").expect("sign");
    assert!(auth_string.starts_with("app_id=2021000122671080,nonce="), "{auth_string}");
    assert!(auth_string.contains(",timestamp=1795"), "the client's clock stamps it: {auth_string}");
    let mut content =
        format!("{auth_string}\n{}\n{}\n{}\n", seen.method, seen.target, String::from_utf8_lossy(&seen.body));
    if let Some(token) = seen.header(v3::HEADER_APP_AUTH_TOKEN) {
        content.push_str(token);
        content.push('\n');
    }
    let app_public = PublicKey::from_text(&fixture("app_public_spki.pem")).expect("app public");
    app_public.verify(content.as_bytes(), sign, SignType::Rsa2, "request").expect("the request verifies");
}

#[tokio::test]
async fn a_typed_call_goes_to_its_v3_path_signed_and_its_answer_is_verified_then_typed() {
    let server = Responder::start(|_| {
        signed(
            200,
            r#"{"trade_no":"2026112222001","out_trade_no":"T1","trade_status":"TRADE_SUCCESS","total_amount":"9.90"}"#,
        )
    })
    .await;
    let client = v3_client(&server.url);
    let answer = client.trade_query(&TradeQueryRequest::by_out_trade_no("T1")).await.expect("query");
    assert!(answer.is_paid());
    assert_eq!(answer.total_amount.map(|a| a.to_string()).as_deref(), Some("9.90"));
    let seen = &server.requests()[0];
    assert_eq!((seen.method.as_str(), seen.target.as_str()), ("POST", "/v3/alipay/trade/query"));
    assert_eq!(seen.header("content-type"), Some("application/json"));
    assert_eq!(String::from_utf8_lossy(&seen.body), r#"{"out_trade_no":"T1"}"#);
    assert!(seen.header(v3::HEADER_REQUEST_ID).is_some());
    assert!(seen.header(v3::HEADER_ROOT_CERT_SN).is_none(), "public-key mode");
    assert_authorized(seen);
}

#[tokio::test]
async fn the_app_auth_token_is_a_signed_header_and_the_notify_url_a_body_field() {
    let server =
        Responder::start(|_| signed(200, r#"{"out_trade_no":"T1","fund_change":"Y","refund_fee":"1.00"}"#)).await;
    let options = CallOptions::new().app_auth_token("202611BB0123").notify_url("https://m.example/notify");
    let client = v3_client(&server.url).with_options(options);
    let refund = TradeRefundRequest::by_out_trade_no("T1", "1.00".parse().expect("m"), "R1");
    client.trade_refund(&refund).await.expect("refund");
    let seen = &server.requests()[0];
    assert_eq!(seen.target, "/v3/alipay/trade/refund");
    assert_eq!(seen.header(v3::HEADER_APP_AUTH_TOKEN), Some("202611BB0123"));
    let body: serde_json::Value = serde_json::from_slice(&seen.body).expect("json");
    assert_eq!(body["notify_url"], "https://m.example/notify");
    assert_eq!(body["out_request_no"], "R1");
    assert_authorized(seen);

    let v2_only = v3_client(&server.url).with_options(CallOptions::new().param("auth_token", "x"));
    let err = v2_only.trade_refund(&refund).await.expect_err("no place in v3");
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert_eq!(server.requests().len(), 1, "nothing sent");
}

#[tokio::test]
async fn the_bill_query_is_a_get_with_its_fields_in_the_signed_query() {
    let server = Responder::start(|_| signed(200, r#"{"bill_download_url":"http://127.0.0.1:9/bill.zip"}"#)).await;
    let client = v3_client(&server.url);
    let request = alipay_core::bill::BillDownloadUrlQueryRequest::new(alipay_core::bill::BillType::Trade, "2026-11-21");
    let answer = client.data_dataservice_bill_downloadurl_query(&request).await.expect("bill url");
    assert_eq!(answer.bill_download_url, "http://127.0.0.1:9/bill.zip");
    let seen = &server.requests()[0];
    assert_eq!(seen.method, "GET");
    assert_eq!(seen.target, "/v3/alipay/data/dataservice/bill/downloadurl/query?bill_date=2026-11-21&bill_type=trade");
    assert!(seen.body.is_empty() && seen.header("content-type").is_none());
    assert_authorized(seen);
}

#[tokio::test]
async fn answers_are_believed_only_when_signed() {
    let unsigned_ok = Responder::start(|_| Reply::Body(200, br#"{"trade_status":"TRADE_SUCCESS"}"#.to_vec())).await;
    let err = v3_client(&unsigned_ok.url).trade_query(&TradeQueryRequest::by_out_trade_no("T1")).await.expect_err("x");
    assert!(matches!(err, Error::Signature(SignatureError::Missing { .. })), "{err}");

    let forged = Responder::start(|_| match signed(200, r#"{"trade_status":"TRADE_SUCCESS"}"#) {
        Reply::WithHeaders(s, h, _) => Reply::WithHeaders(s, h, br#"{"trade_status":"TRADE_FINISHED"}"#.to_vec()),
        other => other,
    })
    .await;
    let err = v3_client(&forged.url).trade_query(&TradeQueryRequest::by_out_trade_no("T1")).await.expect_err("x");
    assert!(matches!(err, Error::Signature(SignatureError::Mismatch { .. })), "{err}");
    assert!(err.to_string().contains("alipay.trade.query"), "{err}");
}

#[tokio::test]
async fn v3_errors_are_gateway_errors_and_only_signed_ones_are_verified() {
    let body = r#"{"code":"ACQ.TRADE_NOT_EXIST","message":"交易不存在","links":[{"desc":"诊断","url":"https://open.alipay.com/x"}]}"#;
    let signed_error = Responder::start(move |_| signed(400, body)).await;
    let err = v3_client(&signed_error.url).trade_query(&TradeQueryRequest::by_out_trade_no("T1")).await.expect_err("x");
    let g = err.as_gateway().unwrap_or_else(|| panic!("{err}"));
    assert_eq!((g.sub_code.as_deref(), g.http_status, g.verified), (Some("ACQ.TRADE_NOT_EXIST"), Some(400), true));
    assert_eq!(g.links[0].url, "https://open.alipay.com/x");

    let unsigned_error = Responder::start(move |_| Reply::Body(401, body.as_bytes().to_vec())).await;
    let err =
        v3_client(&unsigned_error.url).trade_query(&TradeQueryRequest::by_out_trade_no("T1")).await.expect_err("x");
    let g = err.as_gateway().unwrap_or_else(|| panic!("{err}"));
    assert!(!g.verified, "an unsigned error is a hint, not proof");

    let proxy = Responder::start(|_| Reply::Body(502, b"<html>Bad Gateway</html>".to_vec())).await;
    let err = v3_client(&proxy.url).trade_query(&TradeQueryRequest::by_out_trade_no("T1")).await.expect_err("x");
    assert!(matches!(&err, Error::Transport(t) if t.outcome_unknown), "{err}");
}

#[tokio::test]
async fn an_encrypted_call_sends_ciphertext_and_decrypts_the_verified_answer() {
    let key = alipay_core::encrypt::EncryptKey::from_base64(ENCRYPT_KEY).expect("key");
    let cipher = key.encrypt(br#"{"out_trade_no":"T1","trade_no":"2026112222001","trade_status":"WAIT_BUYER_PAY"}"#);
    let server = Responder::start(move |_| signed(200, &cipher)).await;
    let client =
        builder_for(&server.url).protocol(Protocol::V3).encrypt_key(ENCRYPT_KEY).expect("key").build().expect("c");
    let answer = client.trade_query(&TradeQueryRequest::by_out_trade_no("T1")).await.expect("query");
    assert_eq!(answer.trade_status, Some(alipay_core::trade::TradeStatus::WaitBuyerPay));
    let seen = &server.requests()[0];
    assert_eq!(seen.header("content-type"), Some("text/plain"));
    assert_eq!(seen.header(v3::HEADER_ENCRYPT_TYPE), Some("AES"));
    let plain = key.decrypt(std::str::from_utf8(&seen.body).expect("base64")).expect("decrypts");
    assert_eq!(plain, br#"{"out_trade_no":"T1"}"#);
    assert_authorized(seen);

    let garbage = Responder::start(|_| signed(200, "bm90IGNpcGhlcnRleHQ=")).await;
    let client =
        builder_for(&garbage.url).protocol(Protocol::V3).encrypt_key(ENCRYPT_KEY).expect("key").build().expect("c");
    let err = client.trade_query(&TradeQueryRequest::by_out_trade_no("T1")).await.expect_err("x");
    match err {
        Error::Decode(d) => assert_eq!(d.verified_node.as_deref(), Some("bm90IGNpcGhlcnRleHQ=")),
        other => panic!("{other}"),
    }
}

#[tokio::test]
async fn execute_v3_reaches_any_path_with_its_query_and_body() {
    let server = Responder::start(|_| signed(200, r#"{"user_id":"2088"}"#)).await;
    let client = v3_client(&server.url);
    let body = serde_json::json!({"scope": "auth_user"});
    let answer = client
        .execute_v3(HttpMethod::Post, "/v3/alipay/user/info/share", &[("lang", "zh cn")], Some(&body))
        .await
        .expect("answer");
    assert_eq!((answer.status, answer.body["user_id"].as_str()), (200, Some("2088")));
    assert_eq!(answer.trace_id.as_deref(), Some("trace-1"));
    let seen = &server.requests()[0];
    assert_eq!(seen.target, "/v3/alipay/user/info/share?lang=zh+cn");
    assert_authorized(seen);
    for bad in ["/gateway.do", "/v3/x?y=1", "v3/x"] {
        let err = client.execute_v3(HttpMethod::Get, bad, &[], None).await.expect_err("not a v3 path");
        assert_eq!(err.kind(), ErrorKind::InvalidInput, "{bad}");
    }
    let err = client.execute_v3(HttpMethod::Get, "/v3/x", &[], Some(&body)).await.expect_err("GET with a body");
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
}

#[test]
fn v3_needs_rsa2_and_utf8() {
    let rsa = builder_for("http://127.0.0.1:9/gateway.do").protocol(Protocol::V3).sign_type(SignType::Rsa).build();
    assert!(matches!(rsa, Err(Error::Config(ConfigError::Invalid { name: "protocol", .. }))), "{rsa:?}");
    let gbk =
        builder_for("http://127.0.0.1:9/gateway.do").protocol(Protocol::V3).charset(alipay_core::Charset::Gbk).build();
    assert!(gbk.is_err());
}

#[tokio::test]
async fn a_v3_answer_signed_more_than_five_minutes_from_the_clients_clock_is_a_replay() {
    let body =
        r#"{"out_trade_no":"T1","trade_no":"2026112222001","trade_status":"TRADE_SUCCESS","total_amount":"9.90"}"#;
    let query = TradeQueryRequest::by_out_trade_no("T1");
    // 4 minutes either way: believed (clocks drift).
    for at in ["1795312560000", "1795313040000"] {
        let server = Responder::start(move |_| signed_at(at, 200, body)).await;
        assert!(v3_client(&server.url).trade_query(&query).await.expect("fresh enough").is_paid());
    }
    // 6 minutes old, or ahead: the signature verifies, but the answer is not this call's.
    for at in ["1795312440000", "1795313160000", "not-a-time"] {
        let server = Responder::start(move |_| signed_at(at, 200, body)).await;
        let err = v3_client(&server.url).trade_query(&query).await.expect_err("stale");
        assert!(matches!(&err, Error::Signature(SignatureError::Stale { .. })), "{at}: {err}");
        assert_eq!(err.kind(), ErrorKind::Signature, "{err}");
    }
}
