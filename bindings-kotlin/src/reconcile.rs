//! Reconciliation helpers (`Workflows.reconcile` compares a bill): the merchant's own orders read from
//! the CSV or JSON its order system exports, and a report as CSV for accountants.

use alipay_core::reconcile::{MerchantOrder, ReconciliationReport};

use crate::error::{Result, guarded_sync};

/// The orders of a CSV export (UTF-8, an optional byte-order mark, a header row naming the columns
/// `out_trade_no`, `amount`, `status` and optionally `refund_amount`, `paid_at`, `trade_no`). The first
/// problem throws `AlipayException.InvalidInput` naming its row and column.
#[uniffi::export]
pub fn orders_from_csv(bytes: Vec<u8>) -> Result<Vec<MerchantOrder>> {
    guarded_sync(|| Ok(alipay_core::reconcile::orders_from_csv(&bytes).map_err(alipay_core::Error::from)?))
}

/// The orders of a JSON array of objects with the fields of `MerchantOrder` (amounts as strings or
/// whole numbers). A problem throws `AlipayException.InvalidInput`.
#[uniffi::export]
pub fn orders_from_json(bytes: Vec<u8>) -> Result<Vec<MerchantOrder>> {
    guarded_sync(|| Ok(alipay_core::reconcile::orders_from_json(&bytes).map_err(alipay_core::Error::from)?))
}

/// The report's items as CSV for accountants: a byte-order mark (so that Excel reads the Chinese
/// right), a header row, one row per item, amounts as yuan with two decimals.
#[uniffi::export]
pub fn reconciliation_csv(report: ReconciliationReport) -> String {
    report.to_csv()
}
