//! Bills: `alipay.data.dataservice.bill.downloadurl.query` issues a download URL valid for
//! [`BILL_URL_VALIDITY`] of virtual time, and `GET /sandbox/bill/<token>` serves the file behind it.
//!
//! Bill files are built from the sandbox's own trades, in Alipay's layout: a zip of GBK CSVs with `#`
//! header and footer lines, full-width `（元）` headers and TAB-padded number cells; a cell holding a
//! comma, a quote or a line break is quoted.

use std::collections::BTreeMap;
use std::io::Write;
use std::time::{Duration, SystemTime};

use alipay_core::clock::format_shanghai;
use alipay_core::transport::HttpResponse;
use serde_json::json;

use crate::control::json_reply;
use crate::gateway::answer::Node;
use crate::gateway::request::GatewayRequest;
use crate::gateway::trade_api::BUYER_LOGON_ID;
use crate::sandbox::{Reply, Sandbox};
use crate::trades::Trade;

/// How long a bill download URL stays valid (virtual time).
pub const BILL_URL_VALIDITY: Duration = Duration::from_secs(30);

/// A bill download URL issued: what it serves, until when.
#[derive(Debug, Clone)]
pub(crate) struct BillTicket {
    bill_type: String,
    bill_date: String,
    expires_at: SystemTime,
}

impl Sandbox {
    /// `alipay.data.dataservice.bill.downloadurl.query`: a download URL for the bill asked for, when it
    /// is of a supported type and for a day (or month) already over.
    pub(crate) fn bill_query(&self, req: &GatewayRequest, now: SystemTime) -> Node {
        let bill_type = req.biz_str("bill_type").unwrap_or("");
        let bill_date = req.biz_str("bill_date").unwrap_or("");
        if !matches!(bill_type, "trade" | "signcustomer") {
            return Node::business_failure("isp.bill_type_invalid", "账单类型不支持");
        }
        let today = format_shanghai(now)[..10].to_string();
        let valid_date = match bill_date.len() {
            10 => {
                alipay_core::clock::parse_shanghai(&format!("{bill_date} 00:00:00")).is_some()
                    && bill_date < today.as_str()
            }
            7 => {
                alipay_core::clock::parse_shanghai(&format!("{bill_date}-01 00:00:00")).is_some()
                    && bill_date < &today[..7]
            }
            _ => false,
        };
        if !valid_date {
            return Node::business_failure("isp.bill_not_exist", "账单不存在");
        }
        let token = {
            let mut state = self.state();
            state.bill_seq += 1;
            let token = format!("{}{:06}", bill_date.replace('-', ""), state.bill_seq);
            let ticket = BillTicket {
                bill_type: bill_type.into(),
                bill_date: bill_date.into(),
                expires_at: now + BILL_URL_VALIDITY,
            };
            state.bills.insert(token.clone(), ticket);
            token
        };
        let url = format!(
            "{}/sandbox/bill/{token}?bizType={bill_type}&downloadFileName={}0156_{}.csv.zip",
            self.base_url(),
            self.seller_id(),
            bill_date.replace('-', "")
        );
        Node::success().with("bill_download_url", url)
    }

    /// `GET /sandbox/bill/<token>`: the bill zip behind an issued URL, while the URL is valid.
    pub(crate) fn bill_file(&self, token: &str) -> Reply {
        let now = self.now();
        let ticket = self.state().bills.get(token).cloned();
        match ticket {
            Some(t) if t.expires_at >= now => {
                let trades = self.trades();
                let exported = format_shanghai(now);
                let misstated = self.state().bill_misstatements.clone();
                let zip = if t.bill_type == "trade" {
                    trade_bill_zip(&trades, &t.bill_date, self.seller_id(), &exported, &misstated)
                } else {
                    account_bill_zip(&trades, &t.bill_date, self.seller_id(), &exported, &misstated)
                };
                Reply::Http(HttpResponse {
                    status: 200,
                    headers: vec![("content-type".into(), "application/zip".into())],
                    body: zip,
                })
            }
            Some(_) => json_reply(410, &json!({"error": "the bill URL has expired (valid 30 s)"})),
            None => json_reply(404, &json!({"error": "no such bill"})),
        }
    }
}

const DETAIL_HEADER: &str = "支付宝交易号,商户订单号,业务类型,商品名称,创建时间,完成时间,门店编号,门店名称,操作员,终端号,对方账户,订单金额（元）,商家实收（元）,支付宝红包（元）,集分宝（元）,支付宝优惠（元）,商家优惠（元）,券核销金额（元）,券名称,商家红包消费金额（元）,卡消费金额（元）,退款批次号/请求号,服务费（元）,分润（元）,备注";
const SUMMARY_HEADER: &str = "门店编号,门店名称,交易订单总笔数,退款订单总笔数,订单金额（元）,商家实收（元）,支付宝优惠（元）,商家优惠（元）,卡消费金额（元）,服务费（元）,分润（元）,实收净额（元）";

/// One CSV cell: quoted (`"`, with `"` doubled) when it holds a comma, a quote or a line break, as any
/// CSV writer — Alipay's included — does; otherwise as is.
fn cell(text: &str) -> String {
    if text.contains([',', '"', '\r', '\n']) { format!("\"{}\"", text.replace('"', "\"\"")) } else { text.to_string() }
}

/// A cell with the TAB Alipay appends to keep Excel from reformatting it.
fn tabbed(text: &str) -> String {
    cell(&format!("{text}\t"))
}

fn yuan(fen: i64) -> String {
    alipay_core::Amount::from_fen(fen).to_string()
}

/// How long after a payment or refund completes Alipay books it into the bill. A trade paid in the
/// last seconds of a day is in the next day's bill, as on the real platform; its `完成时间` still says
/// when it was paid.
pub const BOOKING_DELAY: Duration = Duration::from_secs(5);

/// The service fee (服务费) the sandbox charges: 0.6 %, the standard face-to-face rate, rounded half
/// up to the fen; a refund returns its share of the fee.
pub const SERVICE_FEE_PER_MILLE: i64 = 6;

/// The fee of `fen` yuan-cents of business, as the bill shows it: negative for a payment (charged),
/// positive for a refund (returned).
fn service_fee(fen: i64) -> i64 {
    let fee = (fen.abs() * SERVICE_FEE_PER_MILLE + 500) / 1000;
    if fen >= 0 { -fee } else { fee }
}

/// A bill that disagrees with the trades, on purpose: what reconciliation must catch.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum BillMisstatement {
    /// Every row of the trade is left out of the bill.
    Omit {
        /// The trade.
        out_trade_no: String,
    },
    /// The trade's payment row shows this order amount (and receipt) instead.
    PaymentAmount {
        /// The trade.
        out_trade_no: String,
        /// The amount the bill shows.
        amount: alipay_core::Amount,
    },
    /// The refund's row shows this amount instead (negative, as refunds are in the bill).
    RefundAmount {
        /// The refund's `out_request_no`.
        out_request_no: String,
        /// The amount the bill shows.
        amount: alipay_core::Amount,
    },
}

impl Sandbox {
    /// From now on, every bill built misstates this (until [`Sandbox::clear_bill_misstatements`]).
    pub fn misstate_bill(&self, misstatement: BillMisstatement) {
        self.state().bill_misstatements.push(misstatement);
    }

    /// Bills are true again.
    pub fn clear_bill_misstatements(&self) {
        self.state().bill_misstatements.clear();
    }
}

/// One line of the detail file: a payment or a refund.
struct Line {
    trade_no: String,
    out_trade_no: String,
    kind: &'static str,
    subject: String,
    created: String,
    finished: String,
    store: String,
    fen: i64,
    fee: i64,
    refund_no: String,
}

/// The lines booked in the period `date_prefix` names (`yyyy-MM-dd` or `yyyy-MM`), misstated as asked.
fn lines_on(trades: &[Trade], date_prefix: &str, misstatements: &[BillMisstatement]) -> Vec<Line> {
    let booked_in = |at: SystemTime| format_shanghai(at + BOOKING_DELAY).starts_with(date_prefix);
    let mut lines = Vec::new();
    for t in trades {
        if misstatements
            .iter()
            .any(|m| matches!(m, BillMisstatement::Omit { out_trade_no } if *out_trade_no == t.out_trade_no))
        {
            continue;
        }
        let store = t.store_id.clone().unwrap_or_default();
        if let Some(paid) = t.paid_at.filter(|at| booked_in(*at)) {
            let fen = misstatements
                .iter()
                .find_map(|m| match m {
                    BillMisstatement::PaymentAmount { out_trade_no, amount } if *out_trade_no == t.out_trade_no => {
                        Some(amount.fen())
                    }
                    _ => None,
                })
                .unwrap_or(t.total_amount.fen());
            lines.push(Line {
                trade_no: t.trade_no.clone(),
                out_trade_no: t.out_trade_no.clone(),
                kind: "交易",
                subject: t.subject.clone(),
                created: format_shanghai(t.created_at),
                finished: format_shanghai(paid),
                store: store.clone(),
                fen,
                fee: service_fee(fen),
                refund_no: String::new(),
            });
        }
        for r in t.refunds.iter().filter(|r| booked_in(r.at)) {
            let fen = misstatements
                .iter()
                .find_map(|m| match m {
                    BillMisstatement::RefundAmount { out_request_no, amount }
                        if *out_request_no == r.out_request_no =>
                    {
                        Some(amount.fen())
                    }
                    _ => None,
                })
                .unwrap_or(-r.amount.fen());
            lines.push(Line {
                trade_no: t.trade_no.clone(),
                out_trade_no: t.out_trade_no.clone(),
                kind: "退款",
                subject: t.subject.clone(),
                created: format_shanghai(t.created_at),
                finished: format_shanghai(r.at),
                store: store.clone(),
                fen,
                fee: service_fee(fen),
                refund_no: r.out_request_no.clone(),
            });
        }
    }
    lines.sort_by(|a, b| a.finished.cmp(&b.finished));
    lines
}

/// Builds the trade bill zip for `bill_date` (`yyyy-MM-dd` or `yyyy-MM`) of account `pid`: every
/// payment and refund booked in the period, with its service fee.
pub fn trade_bill_zip(
    trades: &[Trade],
    bill_date: &str,
    pid: &str,
    exported_at: &str,
    misstatements: &[BillMisstatement],
) -> Vec<u8> {
    let lines = lines_on(trades, bill_date, misstatements);
    let account = format!("{pid}0156");
    let compact = bill_date.replace('-', "");
    let (start, end) = (format!("{bill_date} 00:00:00"), exported_at.to_string());
    let mut detail = format!(
        "#支付宝业务明细查询\r\n#账号：[{account}]\r\n#起始日期：[{start}]   终止日期：[{end}]\r\n\
         #-----------------------------------------业务明细列表----------------------------------------\r\n{DETAIL_HEADER}\r\n"
    );
    for l in &lines {
        let amount = yuan(l.fen);
        detail.push_str(&format!(
            "{},{},{}\t,{},{},{},{},{},\t,\t,{}\t,{amount},{amount},0.00,0.00,0.00,0.00,0.00,,0.00\t,0.00,{},{},0.00,{}\r\n",
            tabbed(&l.trade_no),
            tabbed(&l.out_trade_no),
            l.kind,
            cell(&l.subject),
            l.created,
            l.finished,
            tabbed(&l.store),
            tabbed(&l.store),
            BUYER_LOGON_ID,
            tabbed(&l.refund_no),
            yuan(l.fee),
            cell(&l.subject)
        ));
    }
    let (pays, refunds): (Vec<&Line>, Vec<&Line>) = lines.iter().partition(|l| l.kind == "交易");
    let sum = |ls: &[&Line]| yuan(ls.iter().map(|l| l.fen).sum());
    detail.push_str(&format!(
        "#-----------------------------------------业务明细列表结束------------------------------------\r\n\
         #交易合计：{}笔，商家实收共{}元，商家优惠共0.00元\r\n#退款合计：{}笔，商家实收退款共{}元，商家优惠退款共0.00元\r\n#导出时间：[{end}]\r\n",
        pays.len(),
        sum(&pays),
        refunds.len(),
        sum(&refunds)
    ));

    /// Per store: payments, refunds, amount, fees.
    #[derive(Default, Clone, Copy)]
    struct Totals(u64, u64, i64, i64);
    let mut per_store: BTreeMap<String, Totals> = BTreeMap::new();
    for l in &lines {
        let entry = per_store.entry(l.store.clone()).or_default();
        if l.kind == "交易" {
            entry.0 += 1
        } else {
            entry.1 += 1
        }
        entry.2 += l.fen;
        entry.3 += l.fee;
    }
    let mut summary = format!(
        "#支付宝业务汇总查询\r\n#账号：[{account}]\r\n#起始日期：[{start}]   终止日期：[{end}]\r\n\
         #-----------------------------------------业务汇总列表----------------------------------------\r\n{SUMMARY_HEADER}\r\n"
    );
    let row = |store: &str, name: &str, Totals(p, r, fen, fee): Totals| {
        let (y, f, net) = (yuan(fen), yuan(fee), yuan(fen + fee));
        format!("{},{},{p},{r},{y},{y},0.00,0.00,0.00,{f},0.00,{net}\r\n", cell(store), cell(name))
    };
    let mut total = Totals::default();
    for (store, t) in &per_store {
        summary.push_str(&row(store, store, *t));
        total = Totals(total.0 + t.0, total.1 + t.1, total.2 + t.2, total.3 + t.3);
    }
    summary.push_str(&row("合计", "", total));
    summary.push_str(&format!(
        "#----------------------------------------业务汇总列表结束-------------------------------------\r\n#导出时间：[{end}]\r\n"
    ));
    zip_gbk(&[
        (format!("{account}_{compact}_业务明细.csv"), detail),
        (format!("{account}_{compact}_业务明细(汇总).csv"), summary),
    ])
}

/// Builds the account (signcustomer) bill: every balance movement of the day.
pub fn account_bill_zip(
    trades: &[Trade],
    bill_date: &str,
    pid: &str,
    exported_at: &str,
    misstatements: &[BillMisstatement],
) -> Vec<u8> {
    let account = format!("{pid}0156");
    let mut text = format!(
        "#支付宝账务明细查询\r\n#账号：[{account}]\r\n#起始日期：[{bill_date} 00:00:00]   终止日期：[{exported_at}]\r\n\
         账务流水号,业务流水号,商户订单号,商品名称,发生时间,对方账号,收入金额（+元）,支出金额（-元）,账户余额（元）,交易渠道,业务类型,备注\r\n"
    );
    let mut balance = 0i64;
    let mut log_no = 0;
    let mut movement = |text: &mut String, l: &Line, fen: i64, kind: &str, remark: String| {
        balance += fen;
        log_no += 1;
        let (income, expense) =
            if fen >= 0 { (yuan(fen), "0.00".to_string()) } else { ("0.00".to_string(), yuan(fen)) };
        text.push_str(&format!(
            "{log_no:020}\t,{},{},{},{},{BUYER_LOGON_ID},{income},{expense},{},支付宝,{kind},{}\r\n",
            tabbed(&l.trade_no),
            tabbed(&l.out_trade_no),
            cell(&l.subject),
            l.finished,
            yuan(balance),
            cell(&remark)
        ));
    };
    // Each payment or refund, then the service fee it was charged or returned, as its own movement.
    for l in &lines_on(trades, bill_date, misstatements) {
        movement(&mut text, l, l.fen, if l.fen >= 0 { "在线支付" } else { "交易退款" }, String::new());
        if l.fee != 0 {
            movement(&mut text, l, l.fee, "收费", format!("交易服务费[{}]", l.trade_no));
        }
    }
    text.push_str(&format!("#导出时间：[{exported_at}]\r\n"));
    let compact = bill_date.replace('-', "");
    zip_gbk(&[(format!("{account}_{compact}_账务明细.csv"), text)])
}

fn zip_gbk(files: &[(String, String)]) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut out);
        let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        for (name, text) in files {
            zip.start_file(name.as_str(), opts).expect("zip entry");
            zip.write_all(&crate::gbk::encode(text)).expect("zip write");
        }
        zip.finish().expect("zip finish");
    }
    out.into_inner()
}
