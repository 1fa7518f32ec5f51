//! A verified notification: its fields, and the check against the merchant's own order that Alipay
//! requires before acting on it.

use std::collections::HashMap;

use alipay_core::notify::ExpectedOrder;

use crate::error::{Result, guarded_sync};

/// A notification whose signature verified. Act on it only after `check(order)` passes.
#[derive(uniffi::Object)]
pub struct VerifiedNotification {
    inner: alipay_core::notify::VerifiedNotification,
}

impl From<alipay_core::notify::VerifiedNotification> for VerifiedNotification {
    fn from(inner: alipay_core::notify::VerifiedNotification) -> Self {
        Self { inner }
    }
}

impl VerifiedNotification {
    /// The core's verified notification.
    pub(crate) fn inner(&self) -> &alipay_core::notify::VerifiedNotification {
        &self.inner
    }
}

#[uniffi::export]
impl VerifiedNotification {
    /// The fields the signature covers, and `sign`/`sign_type`: Alipay's own snake_case names.
    pub fn fields(&self) -> HashMap<String, String> {
        self.inner.params().clone().into_iter().collect()
    }

    /// Alipay's id of this notification, the same on every redelivery.
    pub fn notify_id(&self) -> Option<String> {
        self.inner.notify_id().map(str::to_string)
    }

    /// Checks a trade notification against your order (`app_id`, `out_trade_no`, `total_amount`, and
    /// `seller_id` when given): `AlipayException.InvalidInput` naming the first field that differs,
    /// `AlipayException.Decode` for a notification that is not a trade notification.
    pub fn check(&self, order: ExpectedOrder) -> Result<()> {
        guarded_sync(|| Ok(self.inner.trade()?.check(&order)?))
    }
}
