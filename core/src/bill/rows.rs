//! The typed rows of the bill CSVs, mapped by header name (not position: Alipay has reordered columns).

use std::collections::BTreeMap;

use crate::enums::open_enum;
use crate::error::DecodeError;
use crate::money::Amount;

use super::limits::RowBudget;

open_enum! {
    /// The kind of a trade-bill row (`业务类型`).
    pub enum BillBusinessType {
        /// `交易`: a payment.
        Payment = "交易",
        /// `退款`: a refund (amounts negative).
        Refund = "退款",
    }
}

/// A header row and the rows below it, read one at a time, cells trimmed of the TAB Alipay appends to
/// keep Excel from reformatting numbers.
pub(crate) struct Table<'a> {
    pub headers: Vec<String>,
    pub rows: Box<dyn Iterator<Item = Result<Vec<String>, DecodeError>> + 'a>,
}

impl Table<'_> {
    fn index(&self) -> BTreeMap<String, usize> {
        self.headers.iter().enumerate().map(|(i, h)| (normalize_header(h), i)).collect()
    }
}

/// `订单金额(元)` and `订单金额（元）` are the same column.
fn normalize_header(h: &str) -> String {
    h.trim().replace('（', "(").replace('）', ")")
}

/// Reads cells by column name; remembers which columns it consumed so the rest can go to `extra`.
struct Cells<'a> {
    index: &'a BTreeMap<String, usize>,
    headers: &'a [String],
    row: &'a [String],
    used: Vec<usize>,
    row_no: usize,
}

impl<'a> Cells<'a> {
    fn text(&mut self, name: &str) -> String {
        match self.index.get(&normalize_header(name)) {
            Some(&i) => {
                self.used.push(i);
                self.row.get(i).cloned().unwrap_or_default()
            }
            None => String::new(),
        }
    }

    fn opt(&mut self, name: &str) -> Option<String> {
        Some(self.text(name)).filter(|s| !s.is_empty())
    }

    /// An amount column; an empty cell is zero.
    fn amount(&mut self, name: &str) -> Result<Amount, DecodeError> {
        let text = self.text(name);
        if text.is_empty() {
            return Ok(Amount::ZERO);
        }
        text.parse()
            .map_err(|_| DecodeError::new(format!("bill row {}: `{name}` is not an amount: {text:?}", self.row_no)))
    }

    fn count(&mut self, name: &str) -> Result<u64, DecodeError> {
        let text = self.text(name);
        if text.is_empty() {
            return Ok(0);
        }
        text.parse()
            .map_err(|_| DecodeError::new(format!("bill row {}: `{name}` is not a count: {text:?}", self.row_no)))
    }

    /// The row's cells under columns no field consumed (a cell the row does not have is not made up).
    fn extra(&self) -> BTreeMap<String, String> {
        self.headers
            .iter()
            .zip(self.row)
            .enumerate()
            .filter(|(i, _)| !self.used.contains(i))
            .map(|(_, (h, v))| (h.trim().to_string(), v.clone()))
            .filter(|(h, _)| !h.is_empty())
            .collect()
    }

    /// An upper bound of the heap text a row made from these cells holds: its cells, and the names of
    /// the columns that went to `extra`.
    fn text_bytes(&self) -> usize {
        let extra_names: usize = self
            .headers
            .iter()
            .zip(self.row)
            .enumerate()
            .filter(|(i, _)| !self.used.contains(i))
            .map(|(_, (h, _))| h.len())
            .sum();
        self.row.iter().map(String::len).sum::<usize>() + extra_names
    }
}

/// Maps every row with `f`, counting the memory of each against `budget`.
fn map_rows<T>(
    table: Table<'_>,
    required: &str,
    budget: &mut RowBudget,
    f: impl Fn(&mut Cells<'_>) -> Result<T, DecodeError>,
) -> Result<Vec<T>, DecodeError> {
    let index = table.index();
    if !index.contains_key(required) {
        return Err(DecodeError::new(format!("the bill has no `{required}` column")));
    }
    let mut out = Vec::new();
    for (n, row) in table.rows.enumerate() {
        let row = row?;
        let mut cells = Cells { index: &index, headers: &table.headers, row: &row, used: Vec::new(), row_no: n + 1 };
        let value = f(&mut cells)?;
        budget.charge(std::mem::size_of::<T>() + cells.text_bytes())?;
        out.push(value);
    }
    Ok(out)
}

/// One payment or refund in the trade bill (`业务明细`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[non_exhaustive]
pub struct TradeBillRow {
    /// 支付宝交易号.
    pub trade_no: String,
    /// 商户订单号.
    pub out_trade_no: String,
    /// 业务类型: payment or refund.
    pub business_type: BillBusinessType,
    /// 商品名称.
    pub subject: String,
    /// 创建时间.
    pub created_at: String,
    /// 完成时间.
    pub finished_at: String,
    /// 门店编号.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub store_id: Option<String>,
    /// 门店名称.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub store_name: Option<String>,
    /// 操作员.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub operator_id: Option<String>,
    /// 终端号.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub terminal_id: Option<String>,
    /// 对方账户 (masked buyer).
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub counterparty: Option<String>,
    /// 订单金额 (negative for refunds).
    pub order_amount: Amount,
    /// 商家实收.
    pub merchant_receipt: Amount,
    /// 支付宝红包.
    pub alipay_red_packet: Amount,
    /// 集分宝.
    pub points: Amount,
    /// 支付宝优惠.
    pub alipay_discount: Amount,
    /// 商家优惠.
    pub merchant_discount: Amount,
    /// 券核销金额.
    pub voucher_amount: Amount,
    /// 券名称.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub voucher_name: Option<String>,
    /// 商家红包消费金额.
    pub merchant_red_packet: Amount,
    /// 卡消费金额.
    pub card_amount: Amount,
    /// 退款批次号/请求号 (the refund's `out_request_no`).
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub refund_request_no: Option<String>,
    /// 服务费 (negative: charged).
    pub service_fee: Amount,
    /// 分润.
    pub profit_share: Amount,
    /// 备注.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub remark: Option<String>,
    /// Columns this version does not know, by header.
    #[serde(flatten)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub extra: BTreeMap<String, String>,
}

pub(crate) fn trade_rows(table: Table<'_>, budget: &mut RowBudget) -> Result<Vec<TradeBillRow>, DecodeError> {
    map_rows(table, "支付宝交易号", budget, |c| {
        let mut row = TradeBillRow {
            trade_no: c.text("支付宝交易号"),
            out_trade_no: c.text("商户订单号"),
            business_type: BillBusinessType::from(c.text("业务类型").as_str()),
            subject: c.text("商品名称"),
            created_at: c.text("创建时间"),
            finished_at: c.text("完成时间"),
            store_id: c.opt("门店编号"),
            store_name: c.opt("门店名称"),
            operator_id: c.opt("操作员"),
            terminal_id: c.opt("终端号"),
            counterparty: c.opt("对方账户"),
            order_amount: c.amount("订单金额(元)")?,
            merchant_receipt: c.amount("商家实收(元)")?,
            alipay_red_packet: c.amount("支付宝红包(元)")?,
            points: c.amount("集分宝(元)")?,
            alipay_discount: c.amount("支付宝优惠(元)")?,
            merchant_discount: c.amount("商家优惠(元)")?,
            voucher_amount: c.amount("券核销金额(元)")?,
            voucher_name: c.opt("券名称"),
            merchant_red_packet: c.amount("商家红包消费金额(元)")?,
            card_amount: c.amount("卡消费金额(元)")?,
            refund_request_no: c.opt("退款批次号/请求号"),
            service_fee: c.amount("服务费(元)")?,
            profit_share: c.amount("分润(元)")?,
            remark: c.opt("备注"),
            extra: BTreeMap::new(),
        };
        row.extra = c.extra();
        Ok(row)
    })
}

/// One store's totals in the trade summary (`业务明细(汇总)`); the last row is the grand total.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[non_exhaustive]
pub struct TradeBillSummaryRow {
    /// 门店编号 (`合计` on the total row).
    pub store_id: String,
    /// 门店名称.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub store_name: Option<String>,
    /// `true` for the `合计` (grand total) row.
    pub is_total: bool,
    /// 交易订单总笔数.
    pub trade_count: u64,
    /// 退款订单总笔数.
    pub refund_count: u64,
    /// 订单金额.
    pub order_amount: Amount,
    /// 商家实收.
    pub merchant_receipt: Amount,
    /// 支付宝优惠.
    pub alipay_discount: Amount,
    /// 商家优惠.
    pub merchant_discount: Amount,
    /// 卡消费金额.
    pub card_amount: Amount,
    /// 服务费.
    pub service_fee: Amount,
    /// 分润.
    pub profit_share: Amount,
    /// 实收净额.
    pub net_receipt: Amount,
    /// Columns this version does not know, by header.
    #[serde(flatten)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub extra: BTreeMap<String, String>,
}

pub(crate) fn summary_rows(table: Table<'_>, budget: &mut RowBudget) -> Result<Vec<TradeBillSummaryRow>, DecodeError> {
    map_rows(table, "门店编号", budget, |c| {
        let store_id = c.text("门店编号");
        let mut row = TradeBillSummaryRow {
            is_total: store_id == "合计",
            store_id,
            store_name: c.opt("门店名称"),
            trade_count: c.count("交易订单总笔数")?,
            refund_count: c.count("退款订单总笔数")?,
            order_amount: c.amount("订单金额(元)")?,
            merchant_receipt: c.amount("商家实收(元)")?,
            alipay_discount: c.amount("支付宝优惠(元)")?,
            merchant_discount: c.amount("商家优惠(元)")?,
            card_amount: c.amount("卡消费金额(元)")?,
            service_fee: c.amount("服务费(元)")?,
            profit_share: c.amount("分润(元)")?,
            net_receipt: c.amount("实收净额(元)")?,
            extra: BTreeMap::new(),
        };
        row.extra = c.extra();
        Ok(row)
    })
}

/// One movement of the merchant's balance in the account bill (`账务明细`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[non_exhaustive]
pub struct AccountBillRow {
    /// 账务流水号.
    pub account_log_no: String,
    /// 业务流水号.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub business_no: Option<String>,
    /// 商户订单号.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub out_trade_no: Option<String>,
    /// 商品名称.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub subject: Option<String>,
    /// 发生时间.
    pub occurred_at: String,
    /// 对方账号.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub counterparty: Option<String>,
    /// 收入金额.
    pub income: Amount,
    /// 支出金额 (negative or zero).
    pub expense: Amount,
    /// 账户余额.
    pub balance: Amount,
    /// 交易渠道.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub channel: Option<String>,
    /// 业务类型 (free text: 在线支付, 交易退款, 提现…).
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub business_type: Option<String>,
    /// 备注.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub remark: Option<String>,
    /// Columns this version does not know, by header.
    #[serde(flatten)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub extra: BTreeMap<String, String>,
}

pub(crate) fn account_rows(table: Table<'_>, budget: &mut RowBudget) -> Result<Vec<AccountBillRow>, DecodeError> {
    map_rows(table, "账务流水号", budget, |c| {
        let mut row = AccountBillRow {
            account_log_no: c.text("账务流水号"),
            business_no: c.opt("业务流水号"),
            out_trade_no: c.opt("商户订单号"),
            subject: c.opt("商品名称"),
            occurred_at: c.text("发生时间"),
            counterparty: c.opt("对方账号"),
            income: c.amount("收入金额(+元)")?,
            expense: c.amount("支出金额(-元)")?,
            balance: c.amount("账户余额(元)")?,
            channel: c.opt("交易渠道"),
            business_type: c.opt("业务类型"),
            remark: c.opt("备注"),
            extra: BTreeMap::new(),
        };
        row.extra = c.extra();
        Ok(row)
    })
}
