//! The sandbox over real HTTP on loopback, with the default reqwest transport.

use alipay_core::trade::{TradePayRequest, TradeQueryRequest, TradeStatus};
use alipay_core::{Client, ErrorKind, Gateway};
use alipay_sandbox::{Fault, Sandbox, SandboxConfig, buyer};

use crate::support::{money, order};

async fn served() -> (Sandbox, alipay_sandbox::SandboxServer, Client) {
    let sb = Sandbox::start(SandboxConfig::default()).expect("sandbox");
    let server = sb.serve("127.0.0.1:0".parse().expect("addr")).await.expect("serve");
    let client = Client::builder()
        .app_id(sb.app_id())
        .app_private_key_text(sb.app_private_key_pem().expect("generated"))
        .expect("key")
        .alipay_public_key(sb.alipay_public_key().clone())
        .gateway(Gateway::Custom(server.gateway_url()))
        .build()
        .expect("client");
    (sb, server, client)
}

#[tokio::test]
async fn pay_and_query_over_http() {
    let (sb, server, client) = served().await;
    assert_eq!(sb.gateway_url(), server.gateway_url());
    let no = order("HTTP");
    assert!(
        client
            .trade_pay(&TradePayRequest::new(&no, money("1.00"), "x", buyer::PAYS_AT_ONCE))
            .await
            .expect("pay")
            .is_paid()
    );
    let q = client.trade_query(&TradeQueryRequest::by_out_trade_no(&no)).await.expect("query");
    assert_eq!(q.trade_status, Some(TradeStatus::TradeSuccess));
}

#[tokio::test]
async fn a_dropped_connection_over_http_is_an_unknown_outcome() {
    let (sb, _server, client) = served().await;
    sb.inject(Some("alipay.trade.pay"), Fault::DropAfterApply);
    let no = order("HDROP");
    let err = client
        .trade_pay(&TradePayRequest::new(&no, money("1.00"), "x", buyer::PAYS_AT_ONCE))
        .await
        .expect_err("dropped");
    assert_eq!(err.kind(), ErrorKind::OutcomeUnknown, "{err}");
    assert_eq!(sb.trade(&no).expect("paid").status, TradeStatus::TradeSuccess);
}

#[tokio::test]
async fn sandbox_endpoints_scan_list_advance_and_inject() {
    let (sb, server, client) = served().await;
    let http = reqwest_like(&server.base_url());
    let no = order("EP");
    let pre = client
        .trade_precreate(&alipay_core::trade::TradePrecreateRequest::new(&no, money("2.00"), "x"))
        .await
        .expect("precreate");
    let scanned = http.post("/sandbox/qr/scan", &format!("qr_code={}&action=pay", urlencode(&pre.qr_code))).await;
    assert_eq!(scanned["trade_status"], "TRADE_SUCCESS");
    let trades = http.get("/sandbox/trades").await;
    assert!(trades.as_array().expect("list").iter().any(|t| t["out_trade_no"] == no.as_str()));
    let before = sb.now();
    http.post("/sandbox/time/advance", "seconds=3600").await;
    assert!(sb.now().duration_since(before).expect("later").as_secs() >= 3600);
    http.post("/sandbox/faults", "fault=system_error&method=alipay.trade.query").await;
    let err = client.trade_query(&TradeQueryRequest::by_out_trade_no(&no)).await.expect_err("injected");
    assert_eq!(err.kind(), ErrorKind::OutcomeUnknown);
    assert!(http.get("/sandbox/notifications").await.is_array());
}

fn urlencode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// A tiny helper over the core's reqwest transport for the sandbox-only endpoints.
struct Endpoints {
    base: String,
    transport: alipay_core::transport::ReqwestTransport,
}

fn reqwest_like(base: &str) -> Endpoints {
    Endpoints {
        base: base.to_string(),
        transport: alipay_core::transport::ReqwestTransport::new(&Default::default()).expect("transport"),
    }
}

impl Endpoints {
    async fn send(&self, method: alipay_core::transport::HttpMethod, path: &str, body: &str) -> serde_json::Value {
        use alipay_core::transport::{HttpRequest, Transport};
        let request = HttpRequest {
            method,
            url: format!("{}{path}", self.base),
            headers: vec![("content-type".into(), "application/x-www-form-urlencoded".into())],
            body: body.as_bytes().to_vec(),
            max_body_bytes: None,
        };
        let response = self.transport.send(request).await.expect("sandbox endpoint");
        assert_eq!(response.status, 200, "{path}: {}", String::from_utf8_lossy(&response.body));
        serde_json::from_slice(&response.body).expect("json")
    }

    async fn get(&self, path: &str) -> serde_json::Value {
        self.send(alipay_core::transport::HttpMethod::Get, path, "").await
    }

    async fn post(&self, path: &str, body: &str) -> serde_json::Value {
        self.send(alipay_core::transport::HttpMethod::Post, path, body).await
    }
}

#[tokio::test]
async fn an_answer_says_its_charset_in_its_content_type_gbk_or_utf_8() {
    use alipay_core::transport::{ReqwestTransport, Transport, TransportSettings};
    let (sb, server, _) = served().await;
    let http = ReqwestTransport::new(&TransportSettings::default()).expect("transport");
    for charset in [alipay_core::Charset::Gbk, alipay_core::Charset::Utf8] {
        let client = sb
            .client_builder()
            .expect("builder")
            .gateway(Gateway::Custom(server.gateway_url()))
            .charset(charset)
            .build()
            .expect("client");
        let query = serde_json::json!({"out_trade_no": order("CT")}).to_string();
        let request = client.build_request("alipay.trade.query", Some(&query)).expect("request");
        // In process and over HTTP, a business failure (Chinese text) and a refusal without a method.
        let unknown_method = client.build_request("alipay.no.such.method", None).expect("request");
        for request in [request, unknown_method] {
            let in_process = sb.transport().send(request.clone()).await.expect("answer");
            let over_http = http.send(request).await.expect("answer");
            for answer in [in_process, over_http] {
                let content_type = answer.header("content-type").expect("content-type").to_ascii_lowercase();
                assert_eq!(content_type, format!("text/html;charset={}", charset.as_str().to_ascii_lowercase()));
                assert!(charset.decode(&answer.body, "answer").is_ok(), "the body is in {charset:?}");
            }
        }
    }
}
