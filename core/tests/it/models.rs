//! Typed answers decode what Alipay sends (seed and vector samples), keep unknown fields and unknown
//! enum values, and never read an amount through a float.

use alipay_core::bill::BillDownloadUrlQueryRequest;
use alipay_core::trade::*;
use serde_json::Value;

use crate::support::{s, vector};

fn node(raw_response: &str, node: &str) -> Value {
    let v: Value = serde_json::from_str(raw_response).expect("json");
    v[node].clone()
}

#[test]
fn the_seed_002_cancel_answer_decodes() {
    // Seed 002's Java/PHP example, verbatim.
    let raw = r#"{"alipay_trade_cancel_response":{"code":"10000","msg":"Success","action":"close","out_trade_no":"sao201881610515614521","retry_flag":"N","trade_no":"2019032622001494891000009752"},"sign":"Ofs6d6Bg"}"#;
    let answer: TradeCancelResponse =
        serde_json::from_value(node(raw, "alipay_trade_cancel_response")).expect("decodes");
    assert_eq!(answer.action, Some(CancelAction::Close));
    assert_eq!(answer.retry_flag, Some(false));
    assert_eq!(answer.out_trade_no.as_deref(), Some("sao201881610515614521"));
}

#[test]
fn the_gopay_pay_answer_decodes_with_its_fund_bills() {
    let v = vector("gopay_sync_response_trade_pay_rsa2.json");
    let answer: TradePayResponse = serde_json::from_str(s(&v, "signed_content")).expect("decodes");
    assert!(answer.is_paid() && !answer.is_waiting_for_buyer());
    assert_eq!(answer.fund_bill_list[0].fund_channel, "PCREDIT");
    assert_eq!(answer.buyer_user_id.as_deref(), Some("2088102363632794"));
    assert_eq!(answer.total_amount.map(|a| a.fen()), Some(1));
    assert_eq!(answer.point_amount.map(|a| a.fen()), Some(0), "0.00 is a valid reported amount");
}

#[test]
fn a_10003_pay_answer_is_waiting_for_the_buyer() {
    let answer: TradePayResponse = serde_json::from_str(
        r#"{"code":"10003","msg":" order success pay inprocess","out_trade_no":"T1","trade_no":"2026","total_amount":"88.88"}"#,
    )
    .expect("decodes");
    assert!(answer.is_waiting_for_buyer() && !answer.is_paid());
}

#[test]
fn refund_answers_decode_fund_change_and_refund_status() {
    let refund: TradeRefundResponse = serde_json::from_str(
        r#"{"code":"10000","msg":"Success","fund_change":"N","refund_fee":"88.88","out_trade_no":"T1","trade_no":"2026","gmt_refund_pay":"2026-11-22 10:00:00"}"#,
    )
    .expect("decodes");
    assert_eq!(refund.fund_change, Some(false));
    assert_eq!(refund.refund_fee.map(|a| a.to_string()).as_deref(), Some("88.88"));
    let query: TradeFastpayRefundQueryResponse = serde_json::from_str(
        r#"{"code":"10000","msg":"Success","out_request_no":"R1","refund_status":"REFUND_SUCCESS","refund_amount":"1.00",
            "deposit_back_info":{"has_deposit_back":"true","dback_status":"P","dback_amount":"1.00"}}"#,
    )
    .expect("decodes");
    assert!(query.is_refunded());
    let info = query.deposit_back_info.expect("deposit back info");
    assert_eq!(info.dback_status, Some(alipay_core::notify::DepositBackStatus::Processing));
    let not_yet: TradeFastpayRefundQueryResponse =
        serde_json::from_str(r#"{"code":"10000","msg":"Success"}"#).expect("an empty answer decodes");
    assert!(!not_yet.is_refunded(), "no refund_status: not (yet) refunded");
}

#[test]
fn unknown_enum_values_and_fields_are_kept() {
    let q: TradeQueryResponse = serde_json::from_str(
        r#"{"code":"10000","msg":"Success","trade_status":"TRADE_PENDING_REVIEW","future":{"a":[1,2]}}"#,
    )
    .expect("decodes");
    assert_eq!(q.trade_status, Some(TradeStatus::Unknown("TRADE_PENDING_REVIEW".into())));
    assert!(!q.is_paid() && !q.trade_status.as_ref().is_some_and(TradeStatus::is_final));
    assert_eq!(q.extra["future"]["a"][1], 2);
}

#[test]
fn amounts_as_json_numbers_or_with_three_decimals_are_refused() {
    assert!(serde_json::from_str::<TradeQueryResponse>(r#"{"code":"10000","total_amount":88.88}"#).is_err());
    assert!(serde_json::from_str::<TradeQueryResponse>(r#"{"code":"10000","total_amount":"88.885"}"#).is_err());
}

#[test]
fn requests_serialize_to_the_seed_003_biz_content_shape() {
    let mut pay =
        TradePayRequest::new("20150320010101001", "88.88".parse().expect("m"), "Iphone6 16G", "28763443825664394");
    pay.store_id = Some("NJ_001".into());
    pay.timeout_express = Some("2m".into());
    pay.extra.insert("extend_params".into(), serde_json::json!({"sys_service_provider_id": "2088511833207846"}));
    let json: Value = serde_json::to_value(&pay).expect("serializes");
    assert_eq!(json["total_amount"], "88.88", "money is a string with two decimals");
    assert_eq!(json["scene"], "bar_code");
    assert_eq!(json["extend_params"]["sys_service_provider_id"], "2088511833207846", "extra fields are merged in");
    assert!(json.get("body").is_none() && json.get("goods_detail").is_none(), "unset fields are not sent");

    let refund = TradeRefundRequest::by_trade_no("2014112611001004680073956707", "1.00".parse().expect("m"), "1000001");
    let json = serde_json::to_value(&refund).expect("serializes");
    assert_eq!((json["refund_amount"].as_str(), json["out_request_no"].as_str()), (Some("1.00"), Some("1000001")));
    let bill =
        serde_json::to_string(&BillDownloadUrlQueryRequest::new(alipay_core::bill::BillType::Trade, "2016-04-05"))
            .expect("serializes");
    assert_eq!(bill, r#"{"bill_type":"trade","bill_date":"2016-04-05"}"#);
}

#[test]
fn request_checks_name_the_field() {
    use alipay_core::trade::ApiRequest;
    let long = "x".repeat(65);
    let err = TradeQueryRequest::by_out_trade_no(long).validate().expect_err("too long");
    assert_eq!(err.field, "out_trade_no");
    let mut q = TradeQueryRequest::by_out_trade_no("T1");
    q.out_trade_no = None;
    assert_eq!(q.validate().expect_err("no reference").field, "out_trade_no");
    let pay = TradePayRequest::new("T1", "1.00".parse().expect("m"), "", "2876");
    assert_eq!(pay.validate().expect_err("no subject").field, "subject");
}
