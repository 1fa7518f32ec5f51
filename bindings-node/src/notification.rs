//! A verified notification, as the client or the workflows hand it to JS: its fields, and the check
//! against the merchant's own order that Alipay requires before acting on it.

use std::collections::BTreeMap;

use alipay_core::fields::from_fields;
use alipay_core::journal::NotificationClaim;
use alipay_core::notify::{ExpectedOrder, VerifiedNotification};
use napi_derive::napi;
use serde_json::Value;

use crate::errors::{js, order_mismatch};

/// A notification whose signature verified; `lib/` wraps it.
#[napi]
pub struct NativeNotification {
    inner: VerifiedNotification,
    delivery: Option<NotificationClaim>,
}

impl NativeNotification {
    /// A notification the client verified (nothing is known of earlier deliveries).
    pub(crate) fn verified(inner: VerifiedNotification) -> Self {
        Self { inner, delivery: None }
    }

    /// A notification the workflows verified and claimed in the journal.
    pub(crate) fn received(inner: VerifiedNotification, delivery: NotificationClaim) -> Self {
        Self { inner, delivery: Some(delivery) }
    }

    /// The core's verified notification.
    pub(crate) fn inner(&self) -> &VerifiedNotification {
        &self.inner
    }
}

#[napi]
impl NativeNotification {
    /// The fields the signature covers, and `sign`/`sign_type`.
    #[napi(getter)]
    pub fn fields(&self) -> BTreeMap<String, String> {
        self.inner.params().clone()
    }

    /// What the journal said of this `notify_id`: `first`, `in_progress` or `handled`; `null` from the
    /// client.
    #[napi(getter)]
    pub fn delivery(&self) -> Option<&'static str> {
        self.delivery.map(NotificationClaim::as_str)
    }

    /// Checks a trade notification against the merchant's order (the core's `ExpectedOrder`).
    #[napi(catch_unwind)]
    pub fn check(&self, order: Value) -> napi::Result<()> {
        let order: ExpectedOrder = from_fields(order).map_err(js)?;
        self.inner.trade().map_err(js)?.check(&order).map_err(order_mismatch)
    }
}
