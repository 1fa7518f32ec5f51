//! The client over real HTTP on loopback: request layout and signature, verified answers, forged and
//! unsigned answers, timeouts, dropped connections, connection reuse.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use alipay_core::clock::FixedClock;
use alipay_core::error::{Error, SignatureError, TransportErrorKind};
use alipay_core::notify::parse_form_body;
use alipay_core::sign::build_sign_content;
use alipay_core::trade::{TradeQueryRequest, TradeRefundRequest, TradeStatus};
use alipay_core::{CallOptions, Charset, Client, ErrorKind, Gateway, PrivateKey, PublicKey, SignType};
use serde_json::Value;

use crate::responder::{Reply, Responder, Seen};
use crate::support::fixture;

pub fn alipay_key() -> PrivateKey {
    PrivateKey::from_text(&fixture("alipay_private_pkcs1.pem")).expect("stand-in Alipay key")
}

/// An answer to `method` signed by the stand-in Alipay key, with `\/` escapes as Alipay writes them.
pub fn signed_answer(method: &str, node: &str) -> Vec<u8> {
    signed_answer_in(method, node, Charset::Utf8)
}

pub fn signed_answer_in(method: &str, node: &str, charset: Charset) -> Vec<u8> {
    let bytes = charset.encode(node).expect("encodable");
    let sign = alipay_key().sign(&bytes, SignType::Rsa2).expect("sign");
    let body = format!(r#"{{"{}_response":{node},"sign":"{}"}}"#, method.replace('.', "_"), sign.replace('/', "\\/"));
    charset.encode(&body).expect("encodable").into_owned()
}

pub fn client_for(url: &str) -> Client {
    builder_for(url).build().expect("client")
}

pub fn builder_for(url: &str) -> alipay_core::ClientBuilder {
    Client::builder()
        .app_id("2021000122671080")
        .app_private_key_text(&fixture("app_pkcs1.pem"))
        .expect("app key")
        .alipay_public_key_text(&fixture("alipay_public_spki.pem"))
        .expect("alipay key")
        .gateway(Gateway::Custom(url.to_string()))
        .clock(Arc::new(FixedClock::at_shanghai("2026-11-22 10:00:00")))
        .connect_timeout(Duration::from_secs(2))
        .request_timeout(Duration::from_secs(2))
}

/// What the gateway does first: merge query and body, check the app's signature.
pub fn verified_params(seen: &Seen) -> BTreeMap<String, String> {
    let query = seen.target.split_once('?').map(|(_, q)| q).unwrap_or("");
    let mut all = query.as_bytes().to_vec();
    all.push(b'&');
    all.extend_from_slice(&seen.body);
    let params = parse_form_body(&all).expect("form");
    let app_public = PublicKey::from_text(&fixture("app_public_spki.pem")).expect("app public");
    let charset: Charset = params["charset"].parse().expect("charset");
    let content = build_sign_content(&params);
    app_public
        .verify(&charset.encode(&content).expect("enc"), &params["sign"], SignType::Rsa2, "request")
        .expect("the request signature verifies with the app public key");
    params
}

const QUERY_NODE: &str = r#"{"code":"10000","msg":"Success","trade_no":"2026112222001","out_trade_no":"T1","trade_status":"TRADE_SUCCESS","total_amount":"88.88","receipt_amount":"0.00","fund_bill_list":[{"fund_channel":"ALIPAYACCOUNT","amount":"88.88"}],"brand_new_field":{"x":1}}"#;

#[tokio::test]
async fn a_trade_query_is_signed_sent_verified_and_typed() {
    let server = Responder::start(|_| Reply::Body(200, signed_answer("alipay.trade.query", QUERY_NODE))).await;
    let client = client_for(&server.url);
    let answer = client.trade_query(&TradeQueryRequest::by_out_trade_no("T1")).await.expect("query");
    assert_eq!(answer.trade_status, Some(TradeStatus::TradeSuccess));
    assert!(answer.is_paid());
    assert_eq!(answer.total_amount.map(|a| a.to_string()).as_deref(), Some("88.88"));
    assert_eq!(answer.fund_bill_list[0].fund_channel, "ALIPAYACCOUNT");
    assert_eq!(answer.extra["brand_new_field"]["x"], 1, "unknown fields are kept");

    let seen = &server.requests()[0];
    assert_eq!(seen.method, "POST");
    let (path, query) = seen.target.split_once('?').expect("query string");
    assert_eq!(path, "/gateway.do");
    let query_keys: Vec<&str> = query.split('&').map(|kv| kv.split('=').next().unwrap_or("")).collect();
    for k in ["app_id", "method", "format", "charset", "sign_type", "timestamp", "version", "sign"] {
        assert!(query_keys.contains(&k), "{k} travels in the URL");
    }
    assert!(!query_keys.contains(&"biz_content"), "biz_content travels in the body");
    assert_eq!(seen.header("content-type"), Some("application/x-www-form-urlencoded;charset=utf-8"));
    let params = verified_params(seen);
    assert_eq!(params["timestamp"], "2026-11-22 10:00:00", "Shanghai time from the injected clock");
    assert_eq!(params["method"], "alipay.trade.query");
    assert_eq!(serde_json::from_str::<Value>(&params["biz_content"]).expect("json")["out_trade_no"], "T1");
}

#[tokio::test]
async fn per_call_options_are_sent_and_signed() {
    let server = Responder::start(|_| Reply::Body(200, signed_answer("alipay.trade.query", QUERY_NODE))).await;
    let isv = client_for(&server.url)
        .with_options(CallOptions::new().app_auth_token("202611BBtoken").notify_url("https://shop.example/n?a=1&b=2"));
    isv.trade_query(&TradeQueryRequest::by_trade_no("2026112222001")).await.expect("query");
    let seen = &server.requests()[0];
    let body = String::from_utf8(seen.body.clone()).expect("utf8");
    assert!(body.contains("app_auth_token=202611BBtoken"), "app_auth_token travels in the body: {body}");
    assert!(seen.target.contains("notify_url=https%3A%2F%2Fshop.example%2Fn%3Fa%3D1%26b%3D2"));
    let params = verified_params(seen);
    assert_eq!(params["notify_url"], "https://shop.example/n?a=1&b=2");
    let debug = format!("{isv:?}");
    assert!(!debug.contains("202611BBtoken"), "tokens are redacted in Debug: {debug}");
}

#[tokio::test]
async fn a_forged_answer_is_a_signature_error() {
    // Signed with the *app* key instead of Alipay's: a forgery as far as the client can tell.
    let forged = {
        let app = PrivateKey::from_text(&fixture("app_pkcs1.pem")).expect("key");
        let sign = app.sign(QUERY_NODE.as_bytes(), SignType::Rsa2).expect("sign");
        format!(r#"{{"alipay_trade_query_response":{QUERY_NODE},"sign":"{sign}"}}"#).into_bytes()
    };
    let server = Responder::start(move |_| Reply::Body(200, forged.clone())).await;
    let err = client_for(&server.url).trade_query(&TradeQueryRequest::by_out_trade_no("T1")).await.expect_err("forged");
    assert!(matches!(err, Error::Signature(SignatureError::Mismatch { .. })), "{err}");
    assert_eq!(err.kind(), ErrorKind::Signature);
}

#[tokio::test]
async fn an_unsigned_success_is_a_signature_error() {
    let body = format!(r#"{{"alipay_trade_query_response":{QUERY_NODE}}}"#).into_bytes();
    let server = Responder::start(move |_| Reply::Body(200, body.clone())).await;
    let err =
        client_for(&server.url).trade_query(&TradeQueryRequest::by_out_trade_no("T1")).await.expect_err("unsigned");
    assert!(matches!(err, Error::Signature(SignatureError::Missing { .. })), "{err}");
}

#[tokio::test]
async fn an_unsigned_gateway_error_is_accepted_as_an_error() {
    let body = br#"{"error_response":{"code":"40002","msg":"Invalid Arguments","sub_code":"isv.invalid-signature","sub_msg":"sign content: app_id=..."}}"#.to_vec();
    let server = Responder::start(move |_| Reply::Body(200, body.clone())).await;
    let err = client_for(&server.url).trade_query(&TradeQueryRequest::by_out_trade_no("T1")).await.expect_err("error");
    let gw = err.as_gateway().expect("gateway error");
    assert_eq!(
        (gw.code.as_str(), gw.sub_code.as_deref(), gw.verified),
        ("40002", Some("isv.invalid-signature"), false)
    );
    // Unsigned, it proves nothing (anyone on the way can send one): never "rejected, it had no effect".
    assert_eq!(err.kind(), ErrorKind::Signature);
}

#[tokio::test]
async fn signed_business_failures_and_unknown_outcomes_are_told_apart() {
    let server = Responder::start(|seen| {
        let node = if seen.body.windows(2).any(|w| w == b"R1") {
            r#"{"code":"20000","msg":"Service Currently Unavailable","sub_code":"isp.unknow-error","sub_msg":"系统繁忙"}"#
        } else {
            r#"{"code":"40004","msg":"Business Failed","sub_code":"ACQ.TRADE_NOT_EXIST","sub_msg":"交易不存在"}"#
        };
        let method = if node.contains("20000") { "alipay.trade.refund" } else { "alipay.trade.query" };
        Reply::Body(200, signed_answer(method, node))
    })
    .await;
    let client = client_for(&server.url);
    let err = client.trade_query(&TradeQueryRequest::by_out_trade_no("T1")).await.expect_err("40004");
    assert_eq!(err.kind(), ErrorKind::Rejected);
    assert!(err.as_gateway().is_some_and(|g| g.verified && g.sub_code.as_deref() == Some("ACQ.TRADE_NOT_EXIST")));
    let refund = TradeRefundRequest::by_out_trade_no("T1", "1.00".parse().expect("money"), "R1");
    let err = client.trade_refund(&refund).await.expect_err("20000");
    assert_eq!(err.kind(), ErrorKind::OutcomeUnknown);
    assert!(err.outcome_unknown());
}

#[tokio::test]
async fn a_timeout_after_sending_means_the_outcome_is_unknown() {
    let server = Responder::start(|_| Reply::Delayed(Duration::from_secs(5), 200, Vec::new())).await;
    let client = builder_for(&server.url).request_timeout(Duration::from_millis(300)).build().expect("client");
    let err = client.trade_query(&TradeQueryRequest::by_out_trade_no("T1")).await.expect_err("timeout");
    match &err {
        Error::Transport(t) => assert!(t.kind == TransportErrorKind::Timeout && t.outcome_unknown, "{t}"),
        other => panic!("expected a transport timeout, got {other}"),
    }
    assert_eq!(err.kind(), ErrorKind::OutcomeUnknown);
}

#[tokio::test]
async fn a_refused_connection_means_the_request_was_not_sent() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").port()
    };
    let client = client_for(&format!("http://127.0.0.1:{port}/gateway.do"));
    let err = client.trade_query(&TradeQueryRequest::by_out_trade_no("T1")).await.expect_err("refused");
    assert_eq!(err.kind(), ErrorKind::NotSent, "{err}");
    assert!(!err.outcome_unknown());
}

#[tokio::test]
async fn a_dropped_connection_or_a_5xx_means_the_outcome_is_unknown() {
    let server = Responder::start(|_| Reply::Drop).await;
    let err =
        client_for(&server.url).trade_query(&TradeQueryRequest::by_out_trade_no("T1")).await.expect_err("dropped");
    assert_eq!(err.kind(), ErrorKind::OutcomeUnknown, "{err}");

    let server = Responder::start(|_| Reply::Body(502, b"<html>Bad Gateway</html>".to_vec())).await;
    let err = client_for(&server.url).trade_query(&TradeQueryRequest::by_out_trade_no("T1")).await.expect_err("502");
    assert!(matches!(&err, Error::Transport(t) if t.kind == TransportErrorKind::Status(502)), "{err}");
    assert_eq!(err.kind(), ErrorKind::OutcomeUnknown);
}

#[tokio::test]
async fn html_instead_of_an_answer_is_a_decode_error() {
    let server = Responder::start(|_| Reply::Body(200, b"<html>login portal</html>".to_vec())).await;
    let err = client_for(&server.url).trade_query(&TradeQueryRequest::by_out_trade_no("T1")).await.expect_err("html");
    assert_eq!(err.kind(), ErrorKind::Decode, "{err}");
    assert!(!err.to_string().contains("login portal"), "bodies are not echoed in errors");
}

#[tokio::test]
async fn one_client_reuses_one_connection() {
    let server = Responder::start(|_| Reply::Body(200, signed_answer("alipay.trade.query", QUERY_NODE))).await;
    let client = client_for(&server.url);
    for _ in 0..5 {
        client.trade_query(&TradeQueryRequest::by_out_trade_no("T1")).await.expect("query");
    }
    let clone = client.clone();
    clone.trade_query(&TradeQueryRequest::by_out_trade_no("T1")).await.expect("query via clone");
    assert_eq!(server.requests().len(), 6);
    assert_eq!(server.connections.load(Ordering::SeqCst), 1, "clones share one pooled connection");
}

#[tokio::test]
async fn invalid_input_is_refused_before_anything_is_sent() {
    let server = Responder::start(|_| Reply::Body(200, Vec::new())).await;
    let client = client_for(&server.url);
    let err = client.trade_query(&TradeQueryRequest::by_out_trade_no("  ")).await.expect_err("blank");
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    let refund = TradeRefundRequest::by_out_trade_no("T1", "1.00".parse().expect("money"), "");
    assert_eq!(client.trade_refund(&refund).await.expect_err("no out_request_no").kind(), ErrorKind::InvalidInput);
    let reserved = client.with_options(CallOptions::new().param("method", "alipay.trade.refund"));
    let err = reserved.trade_query(&TradeQueryRequest::by_out_trade_no("T1")).await.expect_err("reserved");
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn a_gbk_client_signs_and_verifies_gbk_bytes() {
    let node = r#"{"code":"10000","msg":"Success","out_trade_no":"T1","qr_code":"https:\/\/qr.alipay.com\/bax1","subject_echo":"测试订单"}"#;
    let server =
        Responder::start(move |_| Reply::Body(200, signed_answer_in("alipay.trade.precreate", node, Charset::Gbk)))
            .await;
    let client = builder_for(&server.url).charset(Charset::Gbk).build().expect("client");
    let req = alipay_core::trade::TradePrecreateRequest::new("T1", "0.01".parse().expect("money"), "测试订单");
    let answer = client.trade_precreate(&req).await.expect("precreate");
    assert_eq!(answer.qr_code, "https://qr.alipay.com/bax1");
    assert_eq!(answer.extra["subject_echo"], "测试订单");
    let seen = &server.requests()[0];
    assert_eq!(seen.header("content-type"), Some("application/x-www-form-urlencoded;charset=gbk"));
    assert!(String::from_utf8_lossy(&seen.body).contains("%B2%E2%CA%D4"), "测试 sent as GBK bytes");
    let params = verified_params(seen);
    assert!(params["biz_content"].contains("测试订单"));
}

#[tokio::test]
async fn execute_reaches_any_method_and_returns_the_verified_node() {
    let node = r#"{"code":"10000","msg":"Success","file_id":"F1"}"#;
    let server = Responder::start(move |_| Reply::Body(200, signed_answer("alipay.open.file.upload", node))).await;
    let client = client_for(&server.url);
    let answer = client
        .execute("alipay.open.file.upload", &serde_json::json!({"biz_code": "content_creation"}))
        .await
        .expect("ok");
    assert!(answer.signed);
    assert_eq!(answer.raw, node);
    assert_eq!(answer.value["file_id"], "F1");
}

#[tokio::test]
async fn download_bill_queries_the_url_downloads_and_parses() {
    use alipay_core::bill::{BillDownloadUrlQueryRequest, BillType};
    let zip = crate::bills::bill_zip(&[("2088_20190916_业务明细.csv", crate::bills::DETAIL_CSV)]);
    let server = Responder::start(move |seen| {
        if seen.target.starts_with("/bill.zip") {
            return Reply::Body(200, zip.clone());
        }
        let host = seen.header("host").unwrap_or("127.0.0.1").to_string();
        let node = format!(
            r#"{{"code":"10000","msg":"Success","bill_download_url":"http:\/\/{host}\/bill.zip?fileId=1&bizDates=20190916"}}"#
        );
        Reply::Body(200, signed_answer("alipay.data.dataservice.bill.downloadurl.query", &node))
    })
    .await;
    let client = client_for(&server.url);
    let bill =
        client.download_bill(&BillDownloadUrlQueryRequest::new(BillType::Trade, "2019-09-16")).await.expect("bill");
    assert_eq!(bill.trade_details.len(), 2);
    let seen = server.requests();
    assert_eq!((seen[1].method.as_str(), seen[1].target.as_str()), ("GET", "/bill.zip?fileId=1&bizDates=20190916"));
    let err = client
        .download_bill(&BillDownloadUrlQueryRequest::new(BillType::Trade, "16/09/2019"))
        .await
        .expect_err("bad date");
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
}

#[tokio::test]
async fn the_reqwest_transport_refuses_a_body_past_max_body_bytes_while_reading() {
    use alipay_core::transport::{HttpMethod, HttpRequest, ReqwestTransport, Transport, TransportSettings};
    let body = vec![b'x'; 5000];
    let server = Responder::start(move |seen| {
        if seen.target.starts_with("/chunked") {
            Reply::Chunked(200, body.clone())
        } else {
            Reply::Body(200, body.clone())
        }
    })
    .await;
    let base = server.url.trim_end_matches("/gateway.do").to_string();
    let http = ReqwestTransport::new(&TransportSettings::default()).expect("http");
    let get = |path: &str, limit: u64| HttpRequest {
        method: HttpMethod::Get,
        url: format!("{base}{path}"),
        headers: Vec::new(),
        body: Vec::new(),
        max_body_bytes: Some(limit),
    };
    // A declared Content-Length is refused before the body is read; a chunked body once it passes.
    for path in ["/sized", "/chunked"] {
        let err = http.send(get(path, 4999)).await.expect_err(path);
        assert_eq!(err.kind, TransportErrorKind::BodyTooLarge { limit: 4999 }, "{path}: {err}");
        assert!(err.to_string().contains("4999"), "{err}");
        assert_eq!(http.send(get(path, 5000)).await.expect(path).body.len(), 5000, "{path}: at the limit");
    }
}

#[tokio::test]
async fn a_bill_download_over_64_mib_is_a_typed_transport_error() {
    let limit = alipay_core::bill::MAX_BILL_DOWNLOAD_BYTES;
    let big = Arc::new(vec![0u8; limit as usize + 1]);
    let server = Responder::start(move |_| Reply::Body(200, big.as_ref().clone())).await;
    let url = format!("{}/bill.zip", server.url.trim_end_matches("/gateway.do"));
    let err = client_for(&server.url).download(&url).await.expect_err("too large");
    assert!(matches!(&err, Error::Transport(t) if t.kind == TransportErrorKind::BodyTooLarge { limit }), "{err}");
    assert_eq!(err.kind(), ErrorKind::OutcomeUnknown, "the request was delivered");
}

const ENCRYPT_KEY: &str = "aYA0GP8JEW+D7/UFaskCWA==";

/// An encrypted answer: the node is the base64 ciphertext string, signed with its quotes.
fn encrypted_answer(method: &str, node: &str) -> Vec<u8> {
    let key = alipay_core::encrypt::EncryptKey::from_base64(ENCRYPT_KEY).expect("key");
    let token = format!("\"{}\"", key.encrypt(node.as_bytes()));
    let sign = alipay_key().sign(token.as_bytes(), SignType::Rsa2).expect("sign");
    format!(r#"{{"{}_response":{token},"sign":"{sign}"}}"#, method.replace('.', "_")).into_bytes()
}

#[tokio::test]
async fn with_an_encrypt_key_requests_are_encrypted_then_signed_and_answers_decrypted() {
    let server = Responder::start(|_| Reply::Body(200, encrypted_answer("alipay.trade.query", QUERY_NODE))).await;
    let client = builder_for(&server.url).encrypt_key(ENCRYPT_KEY).expect("key").build().expect("client");
    let answer = client.trade_query(&TradeQueryRequest::by_out_trade_no("T1")).await.expect("query");
    assert!(answer.is_paid());
    let seen = &server.requests()[0];
    let params = verified_params(seen);
    assert_eq!(params["encrypt_type"], "AES");
    let key = alipay_core::encrypt::EncryptKey::from_base64(ENCRYPT_KEY).expect("key");
    let plain = key.decrypt(&params["biz_content"]).expect("the gateway can decrypt it");
    assert_eq!(plain, br#"{"out_trade_no":"T1"}"#);

    // Per call, encryption can be turned off; the answer may then be a plain object.
    let plain_server = Responder::start(|_| Reply::Body(200, signed_answer("alipay.trade.query", QUERY_NODE))).await;
    let client = builder_for(&plain_server.url).encrypt_key(ENCRYPT_KEY).expect("key").build().expect("client");
    let client = client.with_options(CallOptions::new().encrypt(false));
    client.trade_query(&TradeQueryRequest::by_out_trade_no("T1")).await.expect("query");
    let params = verified_params(&plain_server.requests()[0]);
    assert!(!params.contains_key("encrypt_type"));
    assert_eq!(params["biz_content"], r#"{"out_trade_no":"T1"}"#);
}

#[tokio::test]
async fn an_encrypted_answer_without_a_key_is_a_configuration_error() {
    let server = Responder::start(|_| Reply::Body(200, encrypted_answer("alipay.trade.query", QUERY_NODE))).await;
    let err = client_for(&server.url).trade_query(&TradeQueryRequest::by_out_trade_no("T1")).await.expect_err("no key");
    assert_eq!(err.kind(), ErrorKind::Config, "{err}");
}

#[tokio::test]
async fn an_endless_answer_is_refused_while_it_is_read() {
    let limit = alipay_core::transport::MAX_ANSWER_BYTES;
    let huge = vec![b' '; usize::try_from(limit).expect("fits") + 1];
    let server = Responder::start(move |_| Reply::Body(200, huge.clone())).await;
    let err = client_for(&server.url).trade_query(&TradeQueryRequest::by_out_trade_no("T1")).await.expect_err("huge");
    assert!(
        matches!(&err, Error::Transport(t) if t.kind == TransportErrorKind::BodyTooLarge { limit } && t.outcome_unknown),
        "{err}"
    );
}
