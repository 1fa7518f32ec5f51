//! Asynchronous notifications, verified and de-duplicated by `notify_id` through the journal (Alipay
//! delivers a notification again and again until it is acknowledged with `success`).

use super::workflows::Workflows;
use crate::error::Error;
use crate::journal::NotificationClaim;
use crate::notify::{NotifyRule, VerifiedNotification};

/// A verified notification, and whether it is this receiver's to handle.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ReceivedNotification {
    /// The notification (its signature verified).
    pub notification: VerifiedNotification,
    /// `true` exactly when [`ReceivedNotification::delivery`] is [`NotificationClaim::First`]: handle
    /// it. Otherwise do nothing with it.
    pub first_delivery: bool,
    /// What the journal said of this `notify_id`, atomically across every instance sharing it:
    /// - `First`: handle it, [`Workflows::mark_notification_handled`], then answer `success`;
    /// - `InProgress`: another receiver is handling it now — answer anything but `success`, and
    ///   Alipay delivers it again;
    /// - `Handled`: answer `success`.
    ///
    /// A notification without a `notify_id` is always `First`.
    pub delivery: NotificationClaim,
}

impl Workflows {
    /// Verifies a notification's raw form body and looks its `notify_id` up in the journal. In
    /// certificate mode, a notification signed with a rotated Alipay certificate has it fetched and
    /// checked first.
    ///
    /// Handle a first delivery, then call [`Workflows::mark_notification_handled`], then answer
    /// [`crate::notify::ACK`]. Of deliveries arriving at the same moment — on one instance or many
    /// sharing the journal — exactly one is first. A receiver that crashes before marking it handled
    /// leaves it held for [`crate::journal::JournalOptions::notification_hold`]; after that, Alipay's
    /// next delivery is a first delivery again.
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
        let delivery = match notification.notify_id() {
            Some(id) => self.journal.claim_notification(id).await?,
            None => NotificationClaim::First,
        };
        Ok(ReceivedNotification { notification, first_delivery: delivery == NotificationClaim::First, delivery })
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
