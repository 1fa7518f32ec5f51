//! Bills built from the sandbox's own trades, downloaded and parsed end to end.

use std::time::Duration;

use alipay_core::bill::{BillBusinessType, BillDownloadUrlQueryRequest, BillType};
use alipay_core::trade::{TradePayRequest, TradeRefundRequest};
use alipay_sandbox::buyer;

use crate::support::{money, order, sandbox};

#[tokio::test]
async fn yesterdays_trade_bill_holds_the_payments_and_refunds() {
    let (sb, client) = sandbox(1.0);
    let (a, b) = (order("BILLA"), order("BILLB"));
    let day = alipay_core::clock::format_shanghai(sb.now())[..10].to_string();
    client.trade_pay(&TradePayRequest::new(&a, money("12.00"), "咖啡", buyer::PAYS_AT_ONCE)).await.expect("pay");
    client.trade_pay(&TradePayRequest::new(&b, money("3.50"), "茶", buyer::PAYS_AT_ONCE)).await.expect("pay");
    client.trade_refund(&TradeRefundRequest::by_out_trade_no(&a, money("2.00"), "R1")).await.expect("refund");

    let today =
        client.download_bill(&BillDownloadUrlQueryRequest::new(BillType::Trade, &day)).await.expect_err("today");
    assert_eq!(today.as_gateway().and_then(|g| g.sub_code.clone()).as_deref(), Some("isp.bill_not_exist"));

    sb.advance(Duration::from_secs(24 * 3600));
    let bill = client.download_bill(&BillDownloadUrlQueryRequest::new(BillType::Trade, &day)).await.expect("bill");
    assert_eq!(bill.trade_details.len(), 3);
    let refund = bill.trade_details.iter().find(|r| r.business_type == BillBusinessType::Refund).expect("refund row");
    assert_eq!((refund.out_trade_no.as_str(), refund.order_amount.fen()), (a.as_str(), -200));
    assert_eq!(refund.refund_request_no.as_deref(), Some("R1"));
    let mut fees: Vec<(i64, i64)> =
        bill.trade_details.iter().map(|r| (r.order_amount.fen(), r.service_fee.fen())).collect();
    fees.sort_unstable();
    assert_eq!(fees, [(-200, 1), (350, -2), (1200, -7)], "0.6 % charged, rounded half up; a refund returns its share");
    let total = bill.trade_summary.iter().find(|r| r.is_total).expect("total row");
    assert_eq!((total.trade_count, total.refund_count, total.order_amount.fen()), (2, 1, 1350));
    assert_eq!((total.service_fee.fen(), total.net_receipt.fen()), (-8, 1342));

    let account =
        client.download_bill(&BillDownloadUrlQueryRequest::new(BillType::SignCustomer, &day)).await.expect("account");
    let kinds: Vec<&str> = account.account_details.iter().map(|r| r.business_type.as_deref().unwrap_or("")).collect();
    assert_eq!(kinds.iter().filter(|k| **k == "收费").count(), 3, "each fee is its own movement: {kinds:?}");
    assert_eq!(kinds.len(), 6, "{kinds:?}");
    assert_eq!(account.account_details.last().expect("row").balance.fen(), 1342, "the balance is net of fees");
}

/// A day later, the URL of yesterday's trade bill.
async fn yesterdays_trade_bill_url(sb: &alipay_sandbox::Sandbox, client: &alipay_core::Client) -> String {
    sb.advance(Duration::from_secs(24 * 3600));
    let yesterday = alipay_core::clock::format_shanghai(sb.now() - Duration::from_secs(24 * 3600))[..10].to_string();
    client
        .data_dataservice_bill_downloadurl_query(&BillDownloadUrlQueryRequest::new(BillType::Trade, &yesterday))
        .await
        .expect("url")
        .bill_download_url
}

#[tokio::test]
async fn a_bill_url_expires_after_30_seconds() {
    let (sb, client) = sandbox(1.0);
    let url = yesterdays_trade_bill_url(&sb, &client).await;
    assert!(client.download(&url).await.is_ok());
    sb.advance(Duration::from_secs(31));
    let err = client.download(&url).await.expect_err("expired");
    assert!(
        matches!(&err, alipay_core::Error::Transport(t) if t.kind == alipay_core::error::TransportErrorKind::Status(410)),
        "{err}"
    );
}

#[tokio::test]
async fn a_subject_with_commas_quotes_and_line_breaks_survives_the_bill() {
    let (sb, client) = sandbox(1.0);
    let day = alipay_core::clock::format_shanghai(sb.now())[..10].to_string();
    let subjects = ["咖啡, \"大杯\"", "\"引号\"开头", "两行\r\n第二行, 带逗号"];
    let orders: Vec<String> = (0..subjects.len()).map(|i| order(&format!("QUOTE{i}"))).collect();
    for (o, subject) in orders.iter().zip(subjects) {
        client.trade_pay(&TradePayRequest::new(o, money("1.00"), subject, buyer::PAYS_AT_ONCE)).await.expect("pay");
    }
    client.trade_refund(&TradeRefundRequest::by_out_trade_no(&orders[0], money("0.50"), "RQ1")).await.expect("refund");
    sb.advance(Duration::from_secs(24 * 3600));

    let bill = client.download_bill(&BillDownloadUrlQueryRequest::new(BillType::Trade, &day)).await.expect("bill");
    assert_eq!(bill.trade_details.len(), 4, "one row per payment and refund, however the subject reads");
    for (o, subject) in orders.iter().zip(subjects) {
        for row in bill.trade_details.iter().filter(|r| &r.out_trade_no == o) {
            assert_eq!(row.subject, subject, "{o}");
            assert_eq!(row.remark.as_deref(), Some(subject), "{o}");
        }
    }
    let refund = bill.trade_details.iter().find(|r| r.business_type == BillBusinessType::Refund).expect("refund");
    assert_eq!((refund.subject.as_str(), refund.order_amount.fen()), (subjects[0], -50));

    let account =
        client.download_bill(&BillDownloadUrlQueryRequest::new(BillType::SignCustomer, &day)).await.expect("account");
    let subjects_seen: Vec<Option<&str>> = account
        .account_details
        .iter()
        .filter(|r| r.business_type.as_deref() != Some("收费"))
        .map(|r| r.subject.as_deref())
        .collect();
    assert_eq!(subjects_seen.len(), 4);
    for subject in subjects {
        assert!(subjects_seen.contains(&Some(subject)), "{subject:?} in {subjects_seen:?}");
    }
}

#[tokio::test]
async fn the_in_process_transport_refuses_a_bill_longer_than_max_body_bytes() {
    use alipay_core::error::TransportErrorKind;
    use alipay_core::transport::{HttpMethod, HttpRequest, Transport};
    let (sb, client) = sandbox(1.0);
    let url = yesterdays_trade_bill_url(&sb, &client).await;
    let transport = alipay_sandbox::InProcess::new(sb.clone());
    let get = |limit: Option<u64>| HttpRequest {
        method: HttpMethod::Get,
        url: url.clone(),
        headers: Vec::new(),
        body: Vec::new(),
        max_body_bytes: limit,
    };
    let size = transport.send(get(None)).await.expect("bill").body.len() as u64;
    assert_eq!(transport.send(get(Some(size))).await.expect("at the limit").body.len() as u64, size);
    let err = transport.send(get(Some(size - 1))).await.expect_err("one byte over");
    assert_eq!(err.kind, TransportErrorKind::BodyTooLarge { limit: size - 1 }, "{err}");
}

/// Advances the sandbox to `secs` seconds before the next midnight in Shanghai; returns that day.
pub fn to_seconds_before_midnight(sb: &alipay_sandbox::Sandbox, secs: u64) -> String {
    let now = alipay_core::clock::format_shanghai(sb.now());
    let midnight = alipay_core::clock::parse_shanghai(&format!("{} 00:00:00", &now[..10])).expect("midnight")
        + Duration::from_secs(24 * 3600);
    let target = midnight - Duration::from_secs(secs);
    sb.advance(target.duration_since(sb.now()).unwrap_or_default());
    now[..10].to_string()
}

#[tokio::test]
async fn a_trade_paid_seconds_before_midnight_is_in_the_next_days_bill() {
    let (sb, client) = sandbox(1.0);
    let day = to_seconds_before_midnight(&sb, 2);
    let late = order("LATE");
    let paid =
        client.trade_pay(&TradePayRequest::new(&late, money("8.80"), "夜宵", buyer::PAYS_AT_ONCE)).await.expect("pay");
    assert!(paid.gmt_payment.as_deref().is_some_and(|t| t.starts_with(&day)), "paid on {day}: {paid:?}");
    sb.advance(Duration::from_secs(2 * 24 * 3600));

    let that_day = client.download_bill(&BillDownloadUrlQueryRequest::new(BillType::Trade, &day)).await.expect("bill");
    assert!(that_day.trade_details.iter().all(|r| r.out_trade_no != late), "booked after midnight");
    let next_day = alipay_core::clock::format_shanghai(
        alipay_core::clock::parse_shanghai(&format!("{day} 12:00:00")).expect("noon") + Duration::from_secs(24 * 3600),
    )[..10]
        .to_string();
    let next = client.download_bill(&BillDownloadUrlQueryRequest::new(BillType::Trade, &next_day)).await.expect("bill");
    let row = next.trade_details.iter().find(|r| r.out_trade_no == late).expect("in the next day's bill");
    assert!(row.finished_at.starts_with(&day), "its 完成时间 is still when it was paid: {}", row.finished_at);
}
