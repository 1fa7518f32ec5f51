//! Asynchronous notifications, verified and de-duplicated by `notify_id` through the journal (Alipay
//! delivers a notification again and again until it is acknowledged with `success`).

use super::workflows::Workflows;
use crate::error::Error;
use crate::notify::{NotifyRule, VerifiedNotification};

/// A verified notification, and whether it was handled before.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ReceivedNotification {
    /// The notification (its signature verified).
    pub notification: VerifiedNotification,
    /// `false` when this `notify_id` was already handled: acknowledge it and do nothing else.
    pub first_delivery: bool,
}

impl Workflows {
    /// Verifies a notification's raw form body and looks its `notify_id` up in the journal. In
    /// certificate mode, a notification signed with a rotated Alipay certificate has it fetched and
    /// checked first.
    ///
    /// Handle a first delivery, then call [`Workflows::mark_notification_handled`], then answer
    /// [`crate::notify::ACK`]. Two deliveries arriving at the same moment may both look new, so keep the
    /// handling idempotent (marking an order paid twice must do no harm).
    ///
    /// # Errors
    /// [`Error::Signature`] or [`Error::Decode`] for a notification that must not be believed;
    /// [`Error::Journal`].
    pub async fn receive_notification(&self, raw_body: &[u8], rule: NotifyRule) -> Result<ReceivedNotification, Error> {
        self.receive_notification_params(crate::notify::parse_form_body(raw_body)?, rule).await
    }

    /// As [`Workflows::receive_notification`], from pairs a web framework already decoded.
    ///
    /// # Errors
    /// As [`Workflows::receive_notification`].
    pub async fn receive_notification_params(
        &self,
        params: std::collections::BTreeMap<String, String>,
        rule: NotifyRule,
    ) -> Result<ReceivedNotification, Error> {
        let notification = self.client.receive_notification_params(params, rule).await?;
        let first_delivery = match notification.notify_id() {
            Some(id) => !self.journal.notification_handled(id).await?,
            None => true,
        };
        Ok(ReceivedNotification { notification, first_delivery })
    }

    /// Records that `notification` was handled, so later deliveries are recognised.
    ///
    /// # Errors
    /// [`Error::Journal`].
    pub async fn mark_notification_handled(&self, notification: &VerifiedNotification) -> Result<(), Error> {
        if let Some(id) = notification.notify_id() {
            self.journal.mark_notification_handled(id).await?;
        }
        Ok(())
    }
}
