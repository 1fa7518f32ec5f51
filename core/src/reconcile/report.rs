//! What reconciliation finds: a typed report, as JSON (serde) and as CSV for accountants.

use serde::{Deserialize, Serialize};

use crate::money::Amount;

/// What became of one payment, refund or refund total when the bill and a record were compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
pub enum Finding {
    /// The bill and the record agree.
    Matched,
    /// Our record says it happened just before the period ended, and Alipay booked it in the next
    /// bill (which was checked): not a mismatch.
    InNextBill,
    /// In the bill, but neither the journal nor the merchant's orders know it.
    InBillOnly,
    /// Our record says it was paid (or refunded) in the period, and the bill does not have it.
    MissingFromBill,
    /// Both have it, with different amounts.
    AmountDiffers,
    /// The bill has it, and our record says it did not happen (not paid, rejected) or does not know
    /// how it ended (a workflow still open or unresolved: run `recover()`).
    StatusDiffers,
    /// The refunds of a trade in the bill add up to a different total than our record's.
    RefundTotalDiffers,
}

impl Finding {
    /// `true` for the findings someone must look into.
    pub fn is_mismatch(self) -> bool {
        !matches!(self, Finding::Matched | Finding::InNextBill)
    }

    /// The name in JSON and CSV: `matched`, `in_bill_only`, …
    pub fn as_str(self) -> &'static str {
        match self {
            Finding::Matched => "matched",
            Finding::InNextBill => "in_next_bill",
            Finding::InBillOnly => "in_bill_only",
            Finding::MissingFromBill => "missing_from_bill",
            Finding::AmountDiffers => "amount_differs",
            Finding::StatusDiffers => "status_differs",
            Finding::RefundTotalDiffers => "refund_total_differs",
        }
    }
}

/// What an item is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    /// A payment (`交易` row).
    Payment,
    /// One refund (`退款` row), by its `out_request_no`.
    Refund,
    /// All the refunds of one trade in the period, summed.
    RefundTotal,
}

impl ItemKind {
    /// The name in JSON and CSV.
    pub fn as_str(self) -> &'static str {
        match self {
            ItemKind::Payment => "payment",
            ItemKind::Refund => "refund",
            ItemKind::RefundTotal => "refund_total",
        }
    }
}

/// Which of our records the bill was compared with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
pub enum RecordSource {
    /// The workflow journal: what this SDK's workflows did.
    Journal,
    /// The merchant's own orders, as supplied to the reconciliation.
    Orders,
}

impl RecordSource {
    /// The name in JSON and CSV.
    pub fn as_str(self) -> &'static str {
        match self {
            RecordSource::Journal => "journal",
            RecordSource::Orders => "orders",
        }
    }
}

/// One line of the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[non_exhaustive]
pub struct ReconciliationItem {
    /// What the comparison found.
    pub finding: Finding,
    /// A payment, a refund or a trade's refund total.
    pub kind: ItemKind,
    /// The record compared with; `None` for [`Finding::InBillOnly`], which no record knows.
    pub source: Option<RecordSource>,
    /// The merchant's order number.
    pub out_trade_no: String,
    /// Alipay's trade number, when the bill or the record gives it.
    pub trade_no: Option<String>,
    /// The refund's number (refunds only).
    pub out_request_no: Option<String>,
    /// The amount in the bill: a payment's order amount, a refund's amount (positive), a trade's
    /// refunds summed. `None` when the bill does not have it.
    pub bill_amount: Option<Amount>,
    /// The amount in our record. `None` when the record has none (or there is no record).
    pub recorded_amount: Option<Amount>,
    /// What our record says: `paid`, `not_paid (closed)`, `refunded`, `open`, `unresolved`, …
    pub recorded_status: Option<String>,
    /// When our record says it was paid or refunded (`yyyy-MM-dd HH:mm:ss`, Shanghai).
    pub recorded_at: Option<String>,
    /// The row's `完成时间` in the bill.
    pub billed_at: Option<String>,
    /// The row's `服务费` (negative when charged).
    pub service_fee: Option<Amount>,
    /// In words, for the person who looks into it.
    pub detail: String,
}

/// The bill's sums, and how many items matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[non_exhaustive]
pub struct ReconciliationTotals {
    /// Payment rows in the bill.
    pub payments: u64,
    /// Their order amounts, summed.
    pub payment_amount: Amount,
    /// Refund rows in the bill.
    pub refunds: u64,
    /// Their amounts, summed (negative, as in the bill).
    pub refund_amount: Amount,
    /// Every row's service fee, summed (negative when charged).
    pub service_fee: Amount,
    /// What the period leaves the merchant: payments, refunds and fees together.
    pub net: Amount,
    /// Items that are not mismatches ([`Finding::is_mismatch`]).
    pub agreed: u64,
    /// Items someone must look into.
    pub mismatched: u64,
}

/// A day's or a month's trade bill compared with the journal, and with the merchant's orders when
/// they were given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[non_exhaustive]
pub struct ReconciliationReport {
    /// The bill's date: `yyyy-MM-dd` or `yyyy-MM`.
    pub bill_date: String,
    /// The period's first second (Shanghai).
    pub period_start: String,
    /// The first second after the period (Shanghai).
    pub period_end: String,
    /// `true` when the bill was compared with the journal.
    pub compared_with_journal: bool,
    /// `true` when the bill was compared with the merchant's orders.
    pub compared_with_orders: bool,
    /// The day whose bill was checked for records the period's bill lacks (Alipay books a trade paid
    /// in the last seconds of a day in the next day's bill), or `None` when nothing needed it.
    pub next_bill_date: Option<String>,
    /// Why the next bill could not be checked, when it could not (not out yet, or the download failed).
    pub next_bill_problem: Option<String>,
    /// Every item, ordered by order number, then payment before refunds.
    pub items: Vec<ReconciliationItem>,
    /// The bill's sums and the count of matches and mismatches.
    pub totals: ReconciliationTotals,
}

impl ReconciliationReport {
    /// `true` when nothing needs looking into.
    pub fn is_clean(&self) -> bool {
        self.totals.mismatched == 0
    }

    /// The items someone must look into.
    pub fn mismatches(&self) -> impl Iterator<Item = &ReconciliationItem> {
        self.items.iter().filter(|i| i.finding.is_mismatch())
    }

    /// The report as JSON (the same fields as the bindings' model).
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// The items as CSV for accountants: UTF-8 with a byte-order mark (so that Excel reads the Chinese
    /// right), a header row, one row per item, amounts as yuan with two decimals.
    pub fn to_csv(&self) -> String {
        let mut out = csv::Writer::from_writer(Vec::new());
        let opt = |a: Option<Amount>| a.map(|a| a.to_string()).unwrap_or_default();
        let text = |s: &Option<String>| s.clone().unwrap_or_default();
        // Writing to memory cannot fail; a record that somehow did is left out rather than panicking.
        let _ = out.write_record([
            "finding",
            "kind",
            "source",
            "out_trade_no",
            "trade_no",
            "out_request_no",
            "bill_amount",
            "recorded_amount",
            "recorded_status",
            "recorded_at",
            "billed_at",
            "service_fee",
            "detail",
        ]);
        for i in &self.items {
            let _ = out.write_record([
                i.finding.as_str().to_string(),
                i.kind.as_str().to_string(),
                i.source.map(RecordSource::as_str).unwrap_or_default().to_string(),
                i.out_trade_no.clone(),
                text(&i.trade_no),
                text(&i.out_request_no),
                opt(i.bill_amount),
                opt(i.recorded_amount),
                text(&i.recorded_status),
                text(&i.recorded_at),
                text(&i.billed_at),
                opt(i.service_fee),
                i.detail.clone(),
            ]);
        }
        let bytes = out.into_inner().unwrap_or_default();
        format!("\u{feff}{}", String::from_utf8_lossy(&bytes))
    }
}
