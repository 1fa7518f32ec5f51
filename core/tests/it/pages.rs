//! Page, wap and app pay: signed like every call, rendered for the buyer's side, no HTTP.

use std::collections::BTreeMap;

use alipay_core::notify::parse_form_body;
use alipay_core::sign::build_sign_content;
use alipay_core::trade::{TradeAppPayRequest, TradePagePayRequest, TradeWapPayRequest};
use alipay_core::{CallOptions, Gateway, PageFormat, PublicKey, SignType};
use serde_json::Value;

use crate::support::{fixture, offline_builder};

fn assert_signed_by_app(params: &BTreeMap<String, String>) {
    let public = PublicKey::from_text(&fixture("app_public_spki.pem")).expect("key");
    public
        .verify(build_sign_content(params).as_bytes(), &params["sign"], SignType::Rsa2, "page")
        .expect("the rendered parameters carry a valid signature");
}

fn html_unescape(s: &str) -> String {
    s.replace("&quot;", "\"").replace("&#39;", "'").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
}

fn attr<'a>(tag: &'a str, name: &str) -> &'a str {
    let start = tag.find(&format!("{name}=\"")).expect("attribute") + name.len() + 2;
    &tag[start..start + tag[start..].find('"').expect("closing quote")]
}

#[test]
fn page_pay_form_posts_the_signed_params_to_the_gateway() {
    let client = offline_builder().build().expect("client").with_options(
        CallOptions::new().return_url("https://shop.example/return").notify_url("https://shop.example/notify"),
    );
    let mut req = TradePagePayRequest::new("P1", "12.30".parse().expect("money"), "A \"quoted\" <title> & more");
    req.qr_pay_mode = Some("2".into());
    let html = client.trade_page_pay(&req, PageFormat::Form).expect("form");
    assert!(html.contains("document.forms['alipaysubmit'].submit()"));

    let form_tag = &html[..html.find('>').expect("form tag")];
    let action = html_unescape(attr(form_tag, "action"));
    let (gateway, query) = action.split_once('?').expect("query");
    assert_eq!(gateway, Gateway::SANDBOX_URL);
    let mut params = parse_form_body(query.as_bytes()).expect("query");
    for input in html.split("<input type=\"hidden\"").skip(1) {
        params.insert(html_unescape(attr(input, "name")), html_unescape(attr(input, "value")));
    }
    assert!(html.contains("{&quot;out_trade_no&quot;:"), "quotes in values are escaped as &quot;");
    assert!(!html.contains("<title>"), "markup in values is escaped");
    assert_eq!(params["method"], "alipay.trade.page.pay");
    assert_eq!(params["return_url"], "https://shop.example/return");
    assert!(query.contains("return_url="), "common params travel in the action URL");
    let biz: Value = serde_json::from_str(&params["biz_content"]).expect("json");
    assert_eq!(biz["product_code"], "FAST_INSTANT_TRADE_PAY");
    assert_eq!(biz["subject"], "A \"quoted\" <title> & more");
    assert_eq!(biz["qr_pay_mode"], "2");
    assert_signed_by_app(&params);
}

#[test]
fn wap_pay_url_carries_every_param() {
    let client = offline_builder().build().expect("client");
    let mut req = TradeWapPayRequest::new("W1", "0.01".parse().expect("money"), "测试 a+b");
    req.quit_url = Some("https://shop.example/quit".into());
    let url = client.trade_wap_pay(&req, PageFormat::Url).expect("url");
    let (gateway, query) = url.split_once('?').expect("query");
    assert_eq!(gateway, Gateway::SANDBOX_URL);
    let params = parse_form_body(query.as_bytes()).expect("query");
    assert_eq!(params["method"], "alipay.trade.wap.pay");
    assert_eq!(params["timestamp"], "2026-11-22 10:00:00");
    let biz: Value = serde_json::from_str(&params["biz_content"]).expect("json");
    assert_eq!((biz["product_code"].as_str(), biz["subject"].as_str()), (Some("QUICK_WAP_WAY"), Some("测试 a+b")));
    assert_signed_by_app(&params);
}

#[test]
fn app_pay_order_string_is_sorted_encoded_and_signed() {
    let client = offline_builder().build().expect("client");
    let order =
        client.trade_app_pay(&TradeAppPayRequest::new("A1", "9.99".parse().expect("money"), "会员")).expect("order");
    let keys: Vec<&str> = order.split('&').map(|kv| kv.split('=').next().unwrap_or("")).collect();
    let mut sorted = keys.clone();
    sorted.sort_unstable();
    assert_eq!(keys, sorted, "the order string is sorted");
    assert!(keys.contains(&"sign") && !order.contains(' '), "encoded, sign included");
    let params = parse_form_body(order.as_bytes()).expect("decodes");
    assert_eq!(
        serde_json::from_str::<Value>(&params["biz_content"]).expect("json")["product_code"],
        "QUICK_MSECURITY_PAY"
    );
    assert_signed_by_app(&params);
}

#[test]
fn page_requests_are_checked_before_signing() {
    let client = offline_builder().build().expect("client");
    let req = TradePagePayRequest::new("", "1.00".parse().expect("money"), "x");
    assert_eq!(
        client.trade_page_pay(&req, PageFormat::Form).expect_err("blank").kind(),
        alipay_core::ErrorKind::InvalidInput
    );
}
