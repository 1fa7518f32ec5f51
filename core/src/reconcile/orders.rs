//! The merchant's own orders, read from the CSV or JSON its order system exports.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use crate::error::InvalidInput;
use crate::money::Money;

/// At most this many orders are read from one file (a month of a busy store is well under it).
pub const MAX_ORDERS: usize = 2_000_000;

/// Where an order stands in the merchant's own system.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    /// Paid (refunds, if any, in `refund_amount`).
    Paid,
    /// Paid, then refunded (in full unless `refund_amount` says how much).
    Refunded,
    /// Never paid: closed, cancelled, abandoned.
    #[serde(alias = "closed", alias = "cancelled")]
    NotPaid,
}

/// One of the merchant's orders.
///
/// In a CSV, the columns are named by a header row (in any order; unknown columns are ignored):
/// `out_trade_no`, `amount` and `status` are required; `refund_amount`, `paid_at` and `trade_no` are
/// optional. JSON is an array of objects with the same fields; amounts are strings (`"12.30"`) or
/// whole numbers, never fractional numbers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct MerchantOrder {
    /// The order number sent to Alipay.
    pub out_trade_no: String,
    /// The order amount.
    pub amount: Money,
    /// Where the order stands.
    pub status: OrderStatus,
    /// What was refunded of it in the bill's period. For `refunded` orders without it, the whole
    /// amount.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub refund_amount: Option<Money>,
    /// When it was paid (`yyyy-MM-dd HH:mm:ss`, Shanghai). When given, a payment outside the bill's
    /// period is not looked for in the bill; without it, every paid order is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub paid_at: Option<String>,
    /// Alipay's trade number, when the order system kept it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub trade_no: Option<String>,
}

impl MerchantOrder {
    /// An order with its number, amount and status.
    pub fn new(out_trade_no: impl Into<String>, amount: Money, status: OrderStatus) -> Self {
        Self { out_trade_no: out_trade_no.into(), amount, status, refund_amount: None, paid_at: None, trade_no: None }
    }

    /// With what was refunded of it in the period.
    #[must_use]
    pub fn with_refund_amount(mut self, refund_amount: Money) -> Self {
        self.refund_amount = Some(refund_amount);
        self
    }

    /// With when it was paid (`yyyy-MM-dd HH:mm:ss`).
    #[must_use]
    pub fn with_paid_at(mut self, paid_at: impl Into<String>) -> Self {
        self.paid_at = Some(paid_at.into());
        self
    }

    /// What was refunded in the period: `refund_amount`, else the whole amount for a `refunded` order.
    pub(crate) fn refunded(&self) -> Option<Money> {
        self.refund_amount.or((self.status == OrderStatus::Refunded).then_some(self.amount))
    }
}

/// Reads orders from CSV (UTF-8, an optional byte-order mark, a header row naming the columns).
///
/// # Errors
/// [`InvalidInput`] naming the row and column of the first problem: a missing column, an amount that
/// is not yuan with two decimals, an unknown status, an order number given twice, more than
/// [`MAX_ORDERS`] rows.
pub fn orders_from_csv(bytes: &[u8]) -> Result<Vec<MerchantOrder>, InvalidInput> {
    let bytes = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new().trim(csv::Trim::All).from_reader(bytes);
    let headers = reader.headers().map_err(|e| InvalidInput::new("orders", format!("the header row: {e}")))?.clone();
    let column = |name: &str| headers.iter().position(|h| h == name);
    let required = |name: &str| {
        column(name).ok_or_else(|| {
            InvalidInput::new("orders", format!("the CSV has no `{name}` column (it has: {})", join(&headers)))
        })
    };
    let (number, amount, status) = (required("out_trade_no")?, required("amount")?, required("status")?);
    let (refund, paid_at, trade_no) = (column("refund_amount"), column("paid_at"), column("trade_no"));
    let mut orders = Vec::new();
    for (n, record) in reader.records().enumerate() {
        let row = n + 2;
        let record = record.map_err(|e| InvalidInput::new("orders", format!("row {row}: {e}")))?;
        let cell = |i: usize| record.get(i).unwrap_or("");
        let optional = |i: Option<usize>| i.map(cell).filter(|s| !s.is_empty()).map(str::to_string);
        let money = |i: usize, name: &str| {
            cell(i)
                .parse::<Money>()
                .map_err(|e| InvalidInput::new("orders", format!("row {row}, `{name}`: {}", e.reason)))
        };
        let order = MerchantOrder {
            out_trade_no: cell(number).to_string(),
            amount: money(amount, "amount")?,
            status: parse_status(cell(status)).map_err(|e| InvalidInput::new("orders", format!("row {row}: {e}")))?,
            refund_amount: match refund.filter(|&i| !cell(i).is_empty()) {
                Some(i) => Some(money(i, "refund_amount")?),
                None => None,
            },
            paid_at: optional(paid_at),
            trade_no: optional(trade_no),
        };
        orders.push(order);
        if orders.len() > MAX_ORDERS {
            return Err(InvalidInput::new("orders", format!("more than {MAX_ORDERS} orders")));
        }
    }
    check(&orders)?;
    Ok(orders)
}

/// Reads orders from a JSON array of objects.
///
/// # Errors
/// [`InvalidInput`] naming the problem, as [`orders_from_csv`].
pub fn orders_from_json(bytes: &[u8]) -> Result<Vec<MerchantOrder>, InvalidInput> {
    let orders: Vec<MerchantOrder> =
        serde_json::from_slice(bytes).map_err(|e| InvalidInput::new("orders", format!("the JSON: {e}")))?;
    if orders.len() > MAX_ORDERS {
        return Err(InvalidInput::new("orders", format!("more than {MAX_ORDERS} orders")));
    }
    check(&orders)?;
    Ok(orders)
}

fn parse_status(s: &str) -> Result<OrderStatus, String> {
    match s {
        "paid" => Ok(OrderStatus::Paid),
        "refunded" => Ok(OrderStatus::Refunded),
        "not_paid" | "closed" | "cancelled" => Ok(OrderStatus::NotPaid),
        other => Err(format!("`status` is {other:?}, not one of paid, refunded, not_paid (or closed, cancelled)")),
    }
}

/// Every order has a number, none twice, and nothing refunds more than it took.
pub(crate) fn check(orders: &[MerchantOrder]) -> Result<(), InvalidInput> {
    let mut seen = HashSet::new();
    for (i, o) in orders.iter().enumerate() {
        if o.out_trade_no.is_empty() {
            return Err(InvalidInput::new("orders", format!("order {} has no out_trade_no", i + 1)));
        }
        if !seen.insert(o.out_trade_no.as_str()) {
            return Err(InvalidInput::new("orders", format!("order {:?} is given twice", o.out_trade_no)));
        }
        if o.refunded().is_some_and(|r| r > o.amount) {
            return Err(InvalidInput::new(
                "orders",
                format!("order {:?} refunds more than its amount {}", o.out_trade_no, o.amount),
            ));
        }
    }
    Ok(())
}

fn join(headers: &csv::StringRecord) -> String {
    headers.iter().collect::<Vec<_>>().join(", ")
}
