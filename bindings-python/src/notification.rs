//! Notifications from Python: what a web framework hands over (the raw body, or its decoded form),
//! and the verified result, which can check itself against the merchant's order.

use std::collections::BTreeMap;

use alipay_core::fields::from_fields;
use alipay_core::notify::{ExpectedOrder, NotifyRule};
use alipay_core::primitives::NotifyInput;
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyDict, PyString};

use crate::errors::{order_mismatch, to_py};
use crate::values::{fields_to_json, invalid, text_pairs};

/// The core's `NotifyInput` from what a web framework hands over: `bytes`/`bytearray` (the raw
/// body), or any mapping of `str` to `str` (a `dict`, Flask's `request.form`). Anything else is
/// `InvalidInput` naming the field at fault.
pub(crate) fn notify_input(notification: &Bound<'_, PyAny>) -> PyResult<NotifyInput<'static>> {
    if let Ok(body) = notification.cast::<PyBytes>() {
        return Ok(NotifyInput::RawBody(body.as_bytes().to_vec().into()));
    }
    if let Ok(body) = notification.cast::<PyByteArray>() {
        return Ok(NotifyInput::RawBody(body.to_vec().into()));
    }
    if notification.is_instance_of::<PyString>() {
        let reason = "is a str: pass the raw body (bytes) or the decoded form (a mapping of str to str)";
        return Err(invalid("notification", reason));
    }
    Ok(NotifyInput::Params(text_pairs(notification, "notification", "")?))
}

/// A notification's pairs (the body decoded once) and its rule.
pub(crate) fn notify_params(
    notification: &Bound<'_, PyAny>,
    rule: &str,
) -> PyResult<(BTreeMap<String, String>, NotifyRule)> {
    let rule = notify_rule(rule)?;
    Ok((notify_input(notification)?.into_params().map_err(to_py)?, rule))
}

/// The notification rule `"v1"` (trade notifications) or `"v2"`.
pub(crate) fn notify_rule(rule: &str) -> PyResult<NotifyRule> {
    rule.parse().map_err(|e: alipay_core::error::InvalidInput| to_py(e.into()))
}

/// A notification whose signature verified: `fields` are what the signature covers.
#[pyclass(module = "alipay_core", frozen)]
pub(crate) struct VerifiedNotification {
    inner: alipay_core::notify::VerifiedNotification,
}

impl VerifiedNotification {
    /// The core's verified notification.
    pub(crate) fn inner(&self) -> &alipay_core::notify::VerifiedNotification {
        &self.inner
    }
}

impl From<alipay_core::notify::VerifiedNotification> for VerifiedNotification {
    fn from(inner: alipay_core::notify::VerifiedNotification) -> Self {
        Self { inner }
    }
}

#[pymethods]
impl VerifiedNotification {
    /// The fields the signature covers, and `sign`/`sign_type`.
    #[getter]
    fn fields(&self) -> BTreeMap<String, String> {
        self.inner.params().clone()
    }

    /// Checks a trade notification against your own order (an `ExpectedOrder`: `app_id`,
    /// `out_trade_no`, `total_amount`, optionally `seller_id`), as Alipay requires before acting on it.
    /// Raises `OrderMismatch` naming the first field that differs, `DecodeError` for a notification
    /// that is not a trade notification, `InvalidInput` for an order that is not one.
    fn check(&self, order: &Bound<'_, PyDict>) -> PyResult<()> {
        let order: ExpectedOrder = from_fields(fields_to_json(order)?).map_err(|e| to_py(e.into()))?;
        self.inner.trade().map_err(to_py)?.check(&order).map_err(|m| order_mismatch(&m))
    }

    fn __repr__(&self) -> String {
        format!("VerifiedNotification(notify_id={:?})", self.inner.notify_id().unwrap_or(""))
    }
}
