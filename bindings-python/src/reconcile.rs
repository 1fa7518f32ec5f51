//! Reconciliation helpers: the merchant's orders read from CSV or JSON, and a report as CSV.

use alipay_core::reconcile::{MerchantOrder, ReconciliationReport, orders_from_csv, orders_from_json};
use pyo3::prelude::*;
use pyo3::types::PyDict;
use serde_json::Value;

use crate::errors::to_py;
use crate::values::{fields_to_json, json_to_py, to_json};

fn orders_to_py(py: Python<'_>, orders: &[MerchantOrder]) -> PyResult<Py<PyAny>> {
    let value = serde_json::to_value(orders).map_err(|e| to_py(alipay_core::Error::Internal(e.to_string())))?;
    Ok(json_to_py(py, &value)?.unbind())
}

/// The orders of a CSV export (`bytes`: UTF-8, a header row), as dicts of `MerchantOrder` fields.
#[pyfunction]
pub(crate) fn read_orders_csv(py: Python<'_>, data: &[u8]) -> PyResult<Py<PyAny>> {
    let orders = orders_from_csv(data).map_err(|e| to_py(e.into()))?;
    orders_to_py(py, &orders)
}

/// The orders of a JSON array (`bytes`), as dicts of `MerchantOrder` fields.
#[pyfunction]
pub(crate) fn read_orders_json(py: Python<'_>, data: &[u8]) -> PyResult<Py<PyAny>> {
    let orders = orders_from_json(data).map_err(|e| to_py(e.into()))?;
    orders_to_py(py, &orders)
}

/// A reconciliation report (the dict the workflows returned) as CSV for accountants.
#[pyfunction]
pub(crate) fn reconciliation_csv(report: &Bound<'_, PyDict>) -> PyResult<String> {
    let report: ReconciliationReport =
        alipay_core::fields::from_fields(fields_to_json(report)?).map_err(|e| to_py(e.into()))?;
    Ok(report.to_csv())
}

/// Orders from Python: a list of dicts (or `MerchantOrder` models turned into dicts by the package).
pub(crate) fn orders_from_py(orders: &Bound<'_, PyAny>) -> PyResult<Vec<MerchantOrder>> {
    let value: Value = to_json(orders, "orders")?;
    alipay_core::fields::from_fields(value).map_err(|e| to_py(e.into()))
}
