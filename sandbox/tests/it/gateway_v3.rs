//! The v3 gateway checks what Alipay's does: the `Authorization` signature over the method, the URI as
//! sent, the body and the app auth token; the app id; the path and its HTTP method. Refusals come back
//! as an HTTP status with `{"code","message"}`, signed in headers like every answer.

use alipay_core::transport::{HttpMethod, HttpRequest, HttpResponse};
use alipay_core::{CallOptions, Client, Protocol, v3};
use alipay_sandbox::{Reply, Sandbox, SandboxConfig};
use serde_json::Value;

fn setup() -> (Sandbox, Client) {
    let sandbox = Sandbox::start(SandboxConfig::default()).expect("sandbox");
    let client = sandbox.client_builder().expect("builder").protocol(Protocol::V3).build().expect("client");
    (sandbox, client)
}

const QUERY_PATH: &str = "/v3/alipay/trade/query";
const QUERY_BODY: &str = r#"{"out_trade_no":"NOBODY"}"#;

fn header<'a>(r: &'a HttpRequest, name: &str) -> Option<&'a str> {
    r.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
}

fn set_header(r: &mut HttpRequest, name: &str, value: &str) {
    r.headers.retain(|(k, _)| !k.eq_ignore_ascii_case(name));
    r.headers.push((name.to_string(), value.to_string()));
}

/// Sends a request to the sandbox and returns the answer, after checking its signature headers verify
/// with the sandbox's Alipay key.
async fn send(sandbox: &Sandbox, request: HttpRequest) -> (u16, Value) {
    let Reply::Http(answer) = sandbox.handle(request).await else { panic!("dropped") };
    assert_signed(sandbox, &answer);
    (answer.status, serde_json::from_slice(&answer.body).expect("a JSON body"))
}

fn assert_signed(sandbox: &Sandbox, answer: &HttpResponse) {
    v3::verify_response(
        answer.header(v3::HEADER_TIMESTAMP),
        answer.header(v3::HEADER_NONCE),
        answer.header(v3::HEADER_SIGNATURE),
        &answer.body,
        sandbox.alipay_public_key(),
    )
    .expect("every v3 answer is signed");
}

#[tokio::test]
async fn the_client_builds_the_request_the_gateway_expects() {
    let (sandbox, client) = setup();
    let request = client.build_v3_request(HttpMethod::Post, QUERY_PATH, Some(QUERY_BODY)).expect("request");
    assert!(request.url.ends_with(QUERY_PATH), "{}", request.url);
    assert_eq!(header(&request, "content-type"), Some("application/json"));
    assert!(header(&request, v3::HEADER_REQUEST_ID).is_some_and(|id| id.len() == 32));
    let auth = header(&request, "authorization").expect("authorization");
    assert!(auth.starts_with("ALIPAY-SHA256withRSA app_id=2021000000000000,nonce="), "{auth}");
    assert!(auth.contains(",timestamp=") && auth.contains(",sign="), "{auth}");
    let (status, body) = send(&sandbox, request).await;
    assert_eq!((status, body["code"].as_str()), (400, Some("ACQ.TRADE_NOT_EXIST")), "{body}");
}

#[tokio::test]
async fn a_body_changed_after_signing_is_refused_401() {
    let (sandbox, client) = setup();
    let mut request = client.build_v3_request(HttpMethod::Post, QUERY_PATH, Some(QUERY_BODY)).expect("request");
    request.body = br#"{"out_trade_no":"SOMEONE"}"#.to_vec();
    let (status, body) = send(&sandbox, request).await;
    assert_eq!((status, body["code"].as_str()), (401, Some("invalid-signature")), "{body}");
}

#[tokio::test]
async fn the_app_auth_token_is_signed_with_the_request() {
    let (sandbox, client) = setup();
    let isv = client.with_options(CallOptions::new().app_auth_token("202405BBd0a1f2c3"));
    let mut request = isv.build_v3_request(HttpMethod::Post, QUERY_PATH, Some(QUERY_BODY)).expect("request");
    assert_eq!(header(&request, v3::HEADER_APP_AUTH_TOKEN), Some("202405BBd0a1f2c3"));
    let (status, _) = send(&sandbox, request.clone()).await;
    assert_eq!(status, 400, "accepted, then the trade is not found");
    set_header(&mut request, v3::HEADER_APP_AUTH_TOKEN, "202405BBanother");
    let (status, body) = send(&sandbox, request).await;
    assert_eq!((status, body["code"].as_str()), (401, Some("invalid-signature")), "{body}");
}

#[tokio::test]
async fn missing_authorization_wrong_app_unknown_paths_and_wrong_verbs_are_named() {
    let (sandbox, client) = setup();
    let mut unsigned = client.build_v3_request(HttpMethod::Post, QUERY_PATH, Some(QUERY_BODY)).expect("request");
    unsigned.headers.retain(|(k, _)| !k.eq_ignore_ascii_case("authorization"));
    assert_eq!(send(&sandbox, unsigned).await.0, 401);

    let mut other_app = client.build_v3_request(HttpMethod::Post, QUERY_PATH, Some(QUERY_BODY)).expect("request");
    let auth = header(&other_app, "authorization").expect("auth").replace("app_id=2021000000000000", "app_id=1");
    set_header(&mut other_app, "authorization", &auth);
    let (status, body) = send(&sandbox, other_app).await;
    assert_eq!((status, body["code"].as_str()), (400, Some("invalid-app-id")), "{body}");

    let nowhere = client.build_v3_request(HttpMethod::Post, "/v3/alipay/no/such", Some("{}")).expect("request");
    assert_eq!(send(&sandbox, nowhere).await.0, 404);

    let get_query = client.build_v3_request(HttpMethod::Get, QUERY_PATH, None).expect("request");
    assert_eq!(send(&sandbox, get_query).await.0, 405);
}

#[tokio::test]
async fn the_bill_query_is_a_get_with_its_fields_in_the_signed_query() {
    let (sandbox, client) = setup();
    let request = client
        .build_v3_request(
            HttpMethod::Get,
            "/v3/alipay/data/dataservice/bill/downloadurl/query?bill_date=2020-01-01&bill_type=trade",
            None,
        )
        .expect("request");
    assert!(request.body.is_empty() && header(&request, "content-type").is_none());
    let (status, body) = send(&sandbox, request).await;
    assert_eq!(status, 200, "{body}");
    assert!(body["bill_download_url"].as_str().is_some_and(|u| u.contains("/sandbox/bill/")), "{body}");
}
