//! Bill archives in Alipay's layout: a zip with GBK file names, GBK CSVs, `#` header and footer lines,
//! full-width `（元）` headers and TAB-padded cells.

use std::io::Write;

use alipay_core::ErrorKind;
use alipay_core::bill::{BillBusinessType, BillFileKind, parse_bill_zip};

pub const DETAIL_CSV: &str = "#支付宝业务明细查询\r
#账号：[20880211096256330156]\r
#起始日期：[2019年09月16日 00:00:00]   终止日期：[2019年09月17日 00:00:00]\r
#-----------------------------------------业务明细列表----------------------------------------\r
支付宝交易号,商户订单号,业务类型,商品名称,创建时间,完成时间,门店编号,门店名称,操作员,终端号,对方账户,订单金额（元）,商家实收（元）,支付宝红包（元）,集分宝（元）,支付宝优惠（元）,商家优惠（元）,券核销金额（元）,券名称,商家红包消费金额（元）,卡消费金额（元）,退款批次号/请求号,服务费（元）,分润（元）,备注\r
2019091622001458860515315453\t,service_1568601259302\t,交易\t,下单测试,2019-09-16 10:55:16,2019-09-16 10:55:23,alipay_store\t,alipay_store\t,alipay\t,\t,*津水(602***@qq.com)\t,0.01,0.01,0.00,0.00,0.00,0.00,0.00,,0.00\t,0.00,\t,0.00,0.00,下单测试\r
2019091622001458860515315453\t,service_1568601259302\t,退款\t,下单测试,2019-09-16 11:00:00,2019-09-16 11:00:01,alipay_store\t,alipay_store\t,alipay\t,\t,*津水(602***@qq.com)\t,-0.01,-0.01,0.00,0.00,0.00,0.00,0.00,,0.00\t,0.00,R1\t,0.00,0.00,\r
#-----------------------------------------业务明细列表结束------------------------------------\r
#交易合计：1笔，商家实收共0.01元，商家优惠共0.00元\r
#退款合计：1笔，商家实收退款共-0.01元，商家优惠退款共0.00元\r
#导出时间：[2019年09月17日 05:46:49]\r
";

pub const SUMMARY_CSV: &str = "#支付宝业务汇总查询
#账号：[20880211096256330156]
#起始日期：[2019年09月16日 00:00:00]   终止日期：[2019年09月17日 00:00:00]
#-----------------------------------------业务汇总列表----------------------------------------
门店编号,门店名称,交易订单总笔数,退款订单总笔数,订单金额（元）,商家实收（元）,支付宝优惠（元）,商家优惠（元）,卡消费金额（元）,服务费（元）,分润（元）,实收净额（元）
alipay_store,alipay_store,1,1,0.00,0.00,0.00,0.00,0.00,0.00,0.00,0.00
合计,,1,1,0.00,0.00,0.00,0.00,0.00,0.00,0.00,0.00
#----------------------------------------业务汇总列表结束-------------------------------------
#导出时间：[2019年09月17日 05:46:49]
";

/// A zip of GBK CSVs (names UTF-8 flagged; `fixtures/bill_gbk_names.zip` has Alipay's raw GBK names).
pub fn bill_zip(files: &[(&str, &str)]) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut out);
        let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        for (name, text) in files {
            zip.start_file(*name, opts).expect("start file");
            zip.write_all(&encoding_rs::GBK.encode(text).0).expect("write");
        }
        zip.finish().expect("finish");
    }
    out.into_inner()
}

#[test]
fn a_trade_bill_archive_parses_into_typed_rows() {
    let zip = bill_zip(&[
        ("20880211096256330156_20190916_业务明细.csv", DETAIL_CSV),
        ("20880211096256330156_20190916_业务明细(汇总).csv", SUMMARY_CSV),
    ]);
    let bill = parse_bill_zip(&zip).expect("parses");
    assert_eq!(bill.files.len(), 2);
    assert_eq!(bill.files[0].kind, BillFileKind::TradeDetail);
    assert_eq!(bill.files[1].kind, BillFileKind::TradeSummary);
    assert!(bill.files[0].name.ends_with("_业务明细.csv"));

    assert_eq!(bill.trade_details.len(), 2, "comment header and footer lines are skipped");
    let pay = &bill.trade_details[0];
    assert_eq!(pay.trade_no, "2019091622001458860515315453", "the trailing TAB is stripped");
    assert_eq!(pay.out_trade_no, "service_1568601259302");
    assert_eq!(pay.business_type, BillBusinessType::Payment);
    assert_eq!(pay.counterparty.as_deref(), Some("*津水(602***@qq.com)"));
    assert_eq!(pay.order_amount.to_string(), "0.01");
    assert_eq!(pay.store_id.as_deref(), Some("alipay_store"));
    assert_eq!(pay.terminal_id, None);
    assert_eq!(pay.remark.as_deref(), Some("下单测试"));
    let refund = &bill.trade_details[1];
    assert_eq!(refund.business_type, BillBusinessType::Refund);
    assert_eq!(refund.order_amount.fen(), -1);
    assert_eq!(refund.refund_request_no.as_deref(), Some("R1"));

    assert_eq!(bill.trade_summary.len(), 2);
    assert_eq!((bill.trade_summary[0].trade_count, bill.trade_summary[0].refund_count), (1, 1));
    assert!(bill.trade_summary[1].is_total && !bill.trade_summary[0].is_total);
}

#[test]
fn gbk_file_names_without_the_utf8_flag_are_decoded() {
    let bytes =
        std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/bill_gbk_names.zip")).expect("fixture");
    let bill = parse_bill_zip(&bytes).expect("parses");
    let names: Vec<&str> = bill.files.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(
        names,
        ["20880211096256330156_20190916_业务明细.csv", "20880211096256330156_20190916_业务明细(汇总).csv"]
    );
    assert_eq!((bill.trade_details.len(), bill.trade_summary.len()), (2, 2));
}

#[test]
fn unknown_columns_are_kept_and_columns_are_found_by_name() {
    let reordered = "#支付宝业务明细查询\n商户订单号,新列,支付宝交易号,业务类型,订单金额(元)\nT1,x,2026,交易,1.50\n";
    let bill = parse_bill_zip(&bill_zip(&[("a_业务明细.csv", reordered)])).expect("parses");
    let row = &bill.trade_details[0];
    assert_eq!((row.trade_no.as_str(), row.out_trade_no.as_str()), ("2026", "T1"));
    assert_eq!(row.order_amount.fen(), 150);
    assert_eq!(row.extra.get("新列").map(String::as_str), Some("x"));
}

#[test]
fn the_account_bill_parses() {
    let csv = "#支付宝账务明细查询\n#账号：[2088]\n账务流水号,业务流水号,商户订单号,商品名称,发生时间,对方账号,收入金额（+元）,支出金额（-元）,账户余额（元）,交易渠道,业务类型,备注\n\
               3001\t,2026\t,T1\t,咖啡,2026-11-21 10:00:00,buyer,12.00,0.00,112.00,支付宝,在线支付,\n#支出合计：0笔，共0.00元\n";
    let bill = parse_bill_zip(&bill_zip(&[("2088_20261121_账务明细.csv", csv)])).expect("parses");
    let row = &bill.account_details[0];
    assert_eq!((row.account_log_no.as_str(), row.income.fen(), row.balance.fen()), ("3001", 1200, 11200));
    assert_eq!(row.business_type.as_deref(), Some("在线支付"));
}

#[test]
fn bad_bills_get_decode_errors() {
    let bad_amount = DETAIL_CSV.replace(",0.01,0.01,", ",zero,0.01,");
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("not a zip", b"<html>expired</html>".to_vec()),
        ("empty", Vec::new()),
        ("garbage amount", bill_zip(&[("x_业务明细.csv", &bad_amount)])),
        ("no header", bill_zip(&[("x_业务明细.csv", "#支付宝业务明细查询\n#only comments\n")])),
        ("wrong columns", bill_zip(&[("x_业务明细.csv", "#支付宝业务明细查询\na,b\n1,2\n")])),
    ];
    for (name, bytes) in cases {
        let err = parse_bill_zip(&bytes).expect_err(name);
        assert_eq!(alipay_core::Error::from(err).kind(), ErrorKind::Decode, "{name}");
    }
}

#[test]
fn the_bill_limits_are_64_mib_of_download_256_mib_inflated_in_64_files_and_1_gib_of_rows() {
    use alipay_core::bill::{MAX_BILL_DOWNLOAD_BYTES, MAX_BILL_ENTRIES, MAX_BILL_INFLATED_BYTES, MAX_BILL_ROW_BYTES};
    assert_eq!(MAX_BILL_DOWNLOAD_BYTES, 64 * 1024 * 1024);
    assert_eq!(MAX_BILL_INFLATED_BYTES, 256 * 1024 * 1024);
    assert_eq!(MAX_BILL_ENTRIES, 64);
    assert_eq!(MAX_BILL_ROW_BYTES, 1024 * 1024 * 1024);
}

#[test]
fn an_archive_of_more_than_64_files_is_refused_naming_the_limit() {
    let names: Vec<String> = (0..65).map(|i| format!("{i}.txt")).collect();
    let files: Vec<(&str, &str)> = names.iter().map(|n| (n.as_str(), "x")).collect();
    let err = parse_bill_zip(&bill_zip(&files)).expect_err("65 files");
    assert!(err.message.contains("MAX_BILL_ENTRIES"), "{}", err.message);
    assert!(parse_bill_zip(&bill_zip(&files[..64])).is_ok(), "64 files are allowed");
}

/// A transport that answers every request with `size` bytes, whatever the request's limit, and
/// remembers the limit it was given.
#[derive(Debug)]
struct Oversized {
    size: usize,
    limit_seen: std::sync::Mutex<Option<u64>>,
}

impl alipay_core::transport::Transport for Oversized {
    fn send(
        &self,
        request: alipay_core::transport::HttpRequest,
    ) -> alipay_core::transport::BoxFuture<
        '_,
        Result<alipay_core::transport::HttpResponse, alipay_core::error::TransportError>,
    > {
        *self.limit_seen.lock().expect("lock") = request.max_body_bytes;
        let body = vec![0; self.size];
        Box::pin(async move { Ok(alipay_core::transport::HttpResponse { status: 200, headers: Vec::new(), body }) })
    }
}

#[tokio::test]
async fn a_download_is_limited_even_through_a_transport_that_ignores_the_limit() {
    use alipay_core::bill::MAX_BILL_DOWNLOAD_BYTES;
    use alipay_core::error::TransportErrorKind;
    let limit = MAX_BILL_DOWNLOAD_BYTES;
    for (size, ok) in [(limit as usize, true), (limit as usize + 1, false)] {
        let transport = std::sync::Arc::new(Oversized { size, limit_seen: std::sync::Mutex::new(None) });
        let client = crate::support::offline_builder().transport(transport.clone()).build().expect("client");
        let got = client.download("https://dwbillcenter.alipay.com/downloadBillFile.resource?x=1").await;
        assert_eq!(*transport.limit_seen.lock().expect("lock"), Some(limit), "the request carries the limit");
        match got {
            Ok(body) => assert!(ok && body.len() == size),
            Err(err) => {
                assert!(!ok, "{err}");
                assert!(
                    matches!(&err, alipay_core::Error::Transport(t) if t.kind == TransportErrorKind::BodyTooLarge { limit }),
                    "{err}"
                );
                assert!(err.to_string().contains(&limit.to_string()), "{err}");
            }
        }
    }
}
