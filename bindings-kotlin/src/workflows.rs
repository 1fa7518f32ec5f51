//! `Workflows` and `PaymentHandle`: the core's face-to-face workflows, journaled, with progress events
//! delivered to a foreign `ProgressListener` and outcomes in the core's public shapes.
//!
//! Cancelling the Kotlin coroutine of `payAndWait` drops its future, and so the workflow's handle:
//! the workflow takes its cancel path, and its outcome reaches the listener (`done`) and the journal.
//! A cancelled Swift `Task` does not drop the future; Swift calls `cancel()` on the handle instead.

use std::sync::Arc;

use alipay_core::reconcile::{MerchantOrder, ReconciliationReport};
use alipay_core::trade::{TradePayRequest, TradePrecreateRequest, TradeRefundRequest};
use alipay_core::workflow::{
    PaymentOutcomeShape, PollPolicy, RecoveredShape, RefundOutcomeShape, RefundPolicy, SharedPaymentHandle,
    WorkflowEventShape,
};

use crate::client::AlipayClient;
use crate::error::{Result, guarded, guarded_sync};
use crate::notification::VerifiedNotification;
use crate::primitives::{NotificationInput, notify_rule};

/// Receives each progress event of every workflow, on a thread of the Rust runtime: return quickly,
/// and never block on an alipay-core call there.
#[uniffi::export(with_foreign)]
pub trait ProgressListener: Send + Sync {
    /// One event (`submitted`, `waiting_for_buyer`, `cancelling`, `done`, …).
    ///
    /// # Errors
    /// Whatever it throws is ignored: the workflow goes on ([`crate::listener`]).
    fn on_event(&self, event: WorkflowEventShape) -> std::result::Result<(), crate::listener::ListenerException>;
}

/// The barcode default: as the official SDK, 5 queries 5 s apart, then cancel.
#[uniffi::export]
pub fn barcode_policy() -> PollPolicy {
    PollPolicy::barcode()
}

/// The QR default.
#[uniffi::export]
pub fn qr_policy() -> PollPolicy {
    PollPolicy::qr()
}

/// The refund default.
#[uniffi::export]
pub fn refund_policy() -> RefundPolicy {
    RefundPolicy::default()
}

/// A notification the workflows verified and claimed in the journal by its `notify_id`, atomically
/// across every instance sharing the journal.
#[derive(uniffi::Record)]
pub struct ReceivedNotification {
    /// The verified notification.
    pub notification: Arc<VerifiedNotification>,
    /// `true` when this receiver is the one to handle it (`delivery == "first"`).
    pub first_delivery: bool,
    /// `first`: handle it, `markNotificationHandled`, then answer `success`; `in_progress`: another
    /// receiver is handling it now — answer anything but `success`, and Alipay delivers it again;
    /// `handled`: answer `success` and do nothing else.
    pub delivery: String,
}

/// The journaled workflows over one client: barcode pay polled to the truth and cancelled if the
/// buyer never confirms, QR pay, refunds until known; `recover()` finishes what a crash left.
#[derive(uniffi::Object)]
pub struct Workflows {
    workflows: alipay_core::workflow::Workflows,
}

#[uniffi::export(async_runtime = "tokio")]
impl Workflows {
    /// Workflows over `client`, journaled in `journal`: a SQLite file (created if new), a
    /// `postgresql://` URL shared by every instance (not on Android or iOS), or `:memory:` for tests; with the policies (`barcodePolicy()` … are the defaults) and a listener.
    #[uniffi::constructor(default(listener = None, barcode_policy = None, qr_policy = None, refund_policy = None))]
    pub fn new(
        client: Arc<AlipayClient>,
        journal: String,
        listener: Option<Arc<dyn ProgressListener>>,
        barcode_policy: Option<PollPolicy>,
        qr_policy: Option<PollPolicy>,
        refund_policy: Option<RefundPolicy>,
    ) -> Result<Arc<Self>> {
        guarded_sync(|| {
            let journal = alipay_core::journal::open(&journal).map_err(alipay_core::Error::from)?;
            let mut workflows = alipay_core::workflow::Workflows::new(client.client.clone(), journal);
            if let Some(policy) = barcode_policy {
                workflows = workflows.with_barcode_policy(policy);
            }
            if let Some(policy) = qr_policy {
                workflows = workflows.with_qr_policy(policy);
            }
            if let Some(policy) = refund_policy {
                workflows = workflows.with_refund_policy(policy);
            }
            if let Some(listener) = listener {
                workflows = workflows.on_event(move |event| {
                    // A listener that threw loses this event; the workflow goes on.
                    let _ = listener.on_event(event.into());
                });
            }
            Ok(Arc::new(Self { workflows }))
        })
    }

    /// Barcode pay to the truth: charges the payment code, polls while the buyer confirms, and cancels
    /// the trade if they never do. Hand over the goods only if the outcome is paid. Cancelling the
    /// coroutine cancels the trade.
    pub async fn pay_and_wait(&self, request: TradePayRequest) -> Result<PaymentOutcomeShape> {
        guarded(async {
            let handle = self.workflows.start_pay(request).await?;
            Ok(PaymentOutcomeShape::from(&handle.outcome().await?))
        })
        .await
    }

    /// As `payAndWait`, returning the payment's handle (its cancel button) once the intent is journaled.
    pub async fn start_pay(&self, request: TradePayRequest) -> Result<Arc<PaymentHandle>> {
        guarded(async { Ok(Arc::new(PaymentHandle::from(self.workflows.start_pay(request).await?))) }).await
    }

    /// QR pay: the handle once its QR code is known; the workflow then waits for the buyer in the
    /// background and cancels the trade if they never pay.
    pub async fn precreate_and_wait(&self, request: TradePrecreateRequest) -> Result<Arc<PaymentHandle>> {
        guarded(async { Ok(Arc::new(PaymentHandle::from(self.workflows.precreate_and_wait(request).await?))) }).await
    }

    /// Refunds, retrying under the same `out_request_no` and confirming with refund queries, so the
    /// money moves at most once. Calling again resumes safely.
    pub async fn refund_until_known(&self, request: TradeRefundRequest) -> Result<RefundOutcomeShape> {
        guarded(async { Ok(RefundOutcomeShape::from(&self.workflows.refund_until_known(request).await?)) }).await
    }

    /// Finishes every workflow a crash left unfinished; an ISV passes the merchants' current
    /// `app_auth_tokens` (the journal keeps only their fingerprints).
    pub async fn recover(&self, app_auth_tokens: Vec<String>) -> Result<Vec<RecoveredShape>> {
        guarded(async {
            let report = self.workflows.recover_with_tokens(&app_auth_tokens).await?;
            Ok(report.recovered.iter().map(RecoveredShape::from).collect())
        })
        .await
    }

    /// Reconciles the trade bill of `bill_date` (`yyyy-MM-dd` or `yyyy-MM`) with the journal and, when
    /// given, the merchant's `orders` (`ordersFromCsv` / `ordersFromJson`). A bill not out yet throws
    /// `AlipayException.Gateway` (`isp.bill_not_exist`); a bad date or bad orders
    /// `AlipayException.InvalidInput`.
    #[uniffi::method(default(orders = None))]
    pub async fn reconcile(
        &self,
        bill_date: String,
        orders: Option<Vec<MerchantOrder>>,
    ) -> Result<ReconciliationReport> {
        guarded(async {
            Ok(match orders {
                Some(orders) => self.workflows.reconcile_with_orders(&bill_date, &orders).await?,
                None => self.workflows.reconcile(&bill_date).await?,
            })
        })
        .await
    }

    /// Verifies a notification and says whether it is new (by `notify_id`, in the journal).
    pub async fn receive_notification(
        &self,
        notification: NotificationInput,
        rule: String,
    ) -> Result<ReceivedNotification> {
        guarded(async {
            let rule = notify_rule(&rule)?;
            let params = notification.to_core().into_params()?;
            let received = self.workflows.receive_notification_params(params, rule).await?;
            Ok(ReceivedNotification {
                notification: Arc::new(received.notification.into()),
                first_delivery: received.first_delivery,
                delivery: received.delivery.as_str().to_string(),
            })
        })
        .await
    }

    /// Records the notification as handled, so redeliveries are recognised.
    pub async fn mark_notification_handled(&self, notification: Arc<VerifiedNotification>) -> Result<()> {
        guarded(async { Ok(self.workflows.mark_notification_handled(notification.inner()).await?) }).await
    }
}

/// A payment workflow running in the background: its QR code, its cancel button, its outcome.
#[derive(uniffi::Object)]
pub struct PaymentHandle {
    inner: SharedPaymentHandle,
}

impl From<alipay_core::workflow::PaymentHandle> for PaymentHandle {
    fn from(handle: alipay_core::workflow::PaymentHandle) -> Self {
        Self { inner: handle.into() }
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl PaymentHandle {
    /// Your order number.
    pub fn out_trade_no(&self) -> String {
        self.inner.out_trade_no().to_string()
    }

    /// The QR code to show (QR payments).
    pub fn qr_code(&self) -> Option<String> {
        self.inner.qr_code().map(str::to_string)
    }

    /// The QR code as an SVG document (QR payments); a barcode payment's handle, which has none,
    /// throws `AlipayException.InvalidInput` naming `qr_code`.
    pub fn qr_svg(&self) -> Result<String> {
        guarded_sync(|| Ok(self.inner.qr_svg()?))
    }

    /// The QR code as a PNG about `size` pixels a side (QR payments); as `qrSvg`, and a `size` too
    /// small for the code or above 4096 throws `AlipayException.InvalidInput` naming `size`.
    pub fn qr_png(&self, size: u32) -> Result<Vec<u8>> {
        guarded_sync(|| Ok(self.inner.qr_png(size)?))
    }

    /// Stop waiting for the buyer and cancel the trade now. The outcome still tells the truth.
    pub fn cancel(&self) {
        self.inner.cancel();
    }

    /// Let the workflow finish alone; its outcome goes to the journal and the listener.
    pub fn detach(&self) -> Result<()> {
        guarded_sync(|| {
            self.inner.take()?.detach();
            Ok(())
        })
    }

    /// Waits for the end (once).
    pub async fn outcome(&self) -> Result<PaymentOutcomeShape> {
        guarded(async { Ok(PaymentOutcomeShape::from(&self.inner.take()?.outcome().await?)) }).await
    }
}
