//! The bill archive: [`parse_bill_zip`] on mutated zips, and on zips of mutated CSVs (a mutated zip
//! mostly fails its CRC, so the CSV and row parsers are reached through the second).

use std::io::Write;

use alipay_core::Amount;
use alipay_core::bill::{Bill, MAX_BILL_ENTRIES, parse_bill_zip};

use super::{Rng, reached, run};
use crate::bills::{DETAIL_CSV, SUMMARY_CSV, bill_zip};

const ACCOUNT_CSV: &str = "#支付宝账务明细查询\n#账号：[2088]\n账务流水号,业务流水号,商户订单号,商品名称,发生时间,对方账号,收入金额（+元）,支出金额（-元）,账户余额（元）,交易渠道,业务类型,备注\n\
    3001\t,2026\t,T1\t,\"咖啡, \"\"大杯\"\"\",2026-11-21 10:00:00,buyer,12.00,0.00,112.00,支付宝,在线支付,\n#支出合计：0笔，共0.00元\n";

/// A zip of raw (not re-encoded) bytes, stored or deflated.
fn zip_raw(name: &str, bytes: &[u8], deflate: bool) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut out);
    let method = if deflate { zip::CompressionMethod::Deflated } else { zip::CompressionMethod::Stored };
    let opts = zip::write::SimpleFileOptions::default().compression_method(method);
    zip.start_file(name, opts).expect("start file");
    zip.write_all(bytes).expect("write");
    zip.finish().expect("finish");
    out.into_inner()
}

fn amount_round_trips(a: Amount) {
    assert_eq!(a.to_string().parse::<Amount>(), Ok(a));
}

fn trimmed(cell: &str) -> bool {
    cell.trim_matches(|c: char| c == '\t' || c.is_whitespace()) == cell
}

/// What a parsed bill promises: few files, trimmed cells, amounts that mean what they say.
fn check(bill: &Bill) -> &'static str {
    assert!(bill.files.len() <= MAX_BILL_ENTRIES);
    let lines: usize = bill.files.iter().map(|f| f.text.split(['\n', '\r']).count()).sum();
    assert!(bill.trade_details.len() + bill.trade_summary.len() + bill.account_details.len() <= lines);
    for row in &bill.trade_details {
        assert!(trimmed(&row.trade_no) && trimmed(&row.out_trade_no) && trimmed(&row.subject), "{row:?}");
        for a in [row.order_amount, row.merchant_receipt, row.service_fee, row.alipay_discount] {
            amount_round_trips(a);
        }
    }
    for row in &bill.trade_summary {
        assert_eq!(row.is_total, row.store_id == "合计");
        amount_round_trips(row.order_amount);
        amount_round_trips(row.net_receipt);
    }
    for row in &bill.account_details {
        assert!(trimmed(&row.account_log_no));
        amount_round_trips(row.income);
        amount_round_trips(row.balance);
    }
    let rows = bill.trade_details.len() + bill.trade_summary.len() + bill.account_details.len();
    if rows > 0 { "typed rows" } else { "no typed rows" }
}

#[test]
fn fuzz_bill_zip() {
    let fixture =
        std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/bill_gbk_names.zip")).expect("fixture");
    let seeds = vec![
        bill_zip(&[("2088_20190916_业务明细.csv", DETAIL_CSV), ("2088_20190916_业务明细(汇总).csv", SUMMARY_CSV)]),
        bill_zip(&[("2088_20261121_账务明细.csv", ACCOUNT_CSV)]),
        fixture,
    ];
    let tally = run("bill zip", 2500, &seeds, |_, input| match parse_bill_zip(input) {
        Ok(bill) => check(&bill),
        Err(e) => {
            assert!(!e.message.is_empty() && e.verified_node.is_none());
            "decode error"
        }
    });
    reached(&tally, "typed rows", 50);
}

#[test]
fn fuzz_bill_csv() {
    let gbk = |t: &str| encoding_rs::GBK.encode(t).0.into_owned();
    let seeds = vec![gbk(DETAIL_CSV), gbk(SUMMARY_CSV), gbk(ACCOUNT_CSV)];
    let names = ["x_业务明细.csv", "x_业务明细(汇总).csv", "x_账务明细.csv", "x_账务明细(汇总).csv", "other.txt"];
    let mut rng = Rng::new(7);
    let tally = run("bill csv", 3000, &seeds, |from, csv| {
        let name = match from {
            Some(i) if rng.below(4) > 0 => names[i],
            _ => names[rng.below(names.len())],
        };
        match parse_bill_zip(&zip_raw(name, csv, rng.below(2) == 0)) {
            Ok(bill) => check(&bill),
            Err(e) => {
                assert!(!e.message.is_empty() && e.verified_node.is_none());
                "decode error"
            }
        }
    });
    reached(&tally, "typed rows", 500);
    reached(&tally, "decode error", 300);
}
