//! Reconciliation's pure helpers: the merchant's orders read from the CSV or JSON its order system
//! exports, and a report (as `Workflows.reconcile` resolved to it) written as CSV for accountants.
//! Synchronous: parsing is CPU work on bytes already in memory.

use alipay_core::error::InvalidInput;
use alipay_core::fields::{from_fields, to_fields};
use alipay_core::reconcile::{MerchantOrder, ReconciliationReport};
use napi::bindgen_prelude::Buffer;
use napi_derive::napi;
use serde_json::Value;

use crate::errors::js;

/// The orders of a CSV export (UTF-8, a header row naming the columns), as `MerchantOrder` objects.
#[napi(catch_unwind)]
pub fn orders_from_csv(data: Buffer) -> napi::Result<Value> {
    to_fields(&alipay_core::reconcile::orders_from_csv(&data).map_err(js)?).map_err(js)
}

/// The orders of a JSON array, as `MerchantOrder` objects.
#[napi(catch_unwind)]
pub fn orders_from_json(data: Buffer) -> napi::Result<Value> {
    to_fields(&alipay_core::reconcile::orders_from_json(&data).map_err(js)?).map_err(js)
}

/// A `ReconciliationReport` as CSV: UTF-8 with a byte-order mark, a header row, one row per item.
#[napi(catch_unwind)]
pub fn reconciliation_csv(report: Value) -> napi::Result<String> {
    let report: ReconciliationReport = from_fields(report).map_err(js)?;
    Ok(report.to_csv())
}

/// The orders of `Workflows.reconcile`: an array of `MerchantOrder` objects; errors name the order
/// (`orders[0].amount`).
pub(crate) fn orders_of(orders: Value) -> napi::Result<Vec<MerchantOrder>> {
    from_fields(orders).map_err(|e| {
        let field = if e.field.starts_with('[') { format!("orders{}", e.field) } else { "orders".into() };
        js(InvalidInput::new(field, e.reason))
    })
}
