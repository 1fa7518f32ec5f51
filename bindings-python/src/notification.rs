//! Notifications from Python: what a web framework hands over (the raw body, or its decoded form).

use std::collections::BTreeMap;

use alipay_core::notify::{NotifyRule, parse_form_body};
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyString};

use crate::errors::to_py;
use crate::values::{invalid, text_pairs};

/// A notification as Python hands it over.
pub(crate) enum NotificationInput {
    /// The raw request body.
    Body(Vec<u8>),
    /// Decoded form fields.
    Form(BTreeMap<String, String>),
}

impl NotificationInput {
    /// `bytes`/`bytearray` (the raw body), or any mapping of `str` to `str` (a `dict`, Flask's
    /// `request.form`). Anything else is `InvalidInput` naming the field at fault.
    pub(crate) fn from_py(notification: &Bound<'_, PyAny>) -> PyResult<Self> {
        if let Ok(body) = notification.cast::<PyBytes>() {
            return Ok(Self::Body(body.as_bytes().to_vec()));
        }
        if let Ok(body) = notification.cast::<PyByteArray>() {
            return Ok(Self::Body(body.to_vec()));
        }
        if notification.is_instance_of::<PyString>() {
            let reason = "is a str: pass the raw body (bytes) or the decoded form (a mapping of str to str)";
            return Err(invalid("notification", reason));
        }
        Ok(Self::Form(text_pairs(notification, "notification", "")?))
    }

    /// The notification's pairs and its rule (`"v1"` or `"v2"`).
    pub(crate) fn params(self, rule: &str) -> PyResult<(BTreeMap<String, String>, NotifyRule)> {
        let rule = notify_rule(rule)?;
        let params = match self {
            Self::Body(body) => parse_form_body(&body).map_err(|e| to_py(e.into()))?,
            Self::Form(form) => form,
        };
        Ok((params, rule))
    }
}

/// The notification rule `"v1"` (trade notifications) or `"v2"`.
pub(crate) fn notify_rule(rule: &str) -> PyResult<NotifyRule> {
    rule.parse().map_err(|e: alipay_core::error::InvalidInput| to_py(e.into()))
}
