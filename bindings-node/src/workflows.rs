//! `NativeWorkflows` and `NativePaymentHandle`: the core's face-to-face workflows, journaled, with
//! progress events delivered to a JS function and outcomes in the core's public shapes
//! (`PaymentOutcome`, `RefundOutcome`, `Recovered`, `WorkflowEvent`).

use std::collections::BTreeMap;

use alipay_core::error::InvalidInput;
use alipay_core::fields::{from_fields, to_fields};
use alipay_core::workflow::{PaymentHandle, PollPolicy, RefundPolicy, SharedPaymentHandle, Workflows};
use napi::Either;
use napi::bindgen_prelude::Buffer;
use napi::threadsafe_function::{ThreadsafeFunction, ThreadsafeFunctionCallMode};
use napi_derive::napi;
use serde_json::Value;

use crate::client::NativeClient;
use crate::errors::{js, to_js, to_value};
use crate::notification::NativeNotification;
use crate::primitives::{notify_input, notify_rule};
use crate::reconcile::orders_of;

/// The progress callback: called with each event on the JS thread. Weak, so that it never keeps the
/// process alive on its own (a pending workflow Promise does).
type EventCallback =
    ThreadsafeFunction<Value, napi::bindgen_prelude::Unknown<'static>, Value, napi::Status, false, true>;

/// The workflows over one client and journal; `lib/` wraps them as `Workflows`.
#[napi]
pub struct NativeWorkflows {
    workflows: Workflows,
}

#[napi]
impl NativeWorkflows {
    /// Workflows over `client`, journaled in `journal` (a SQLite file, a `postgresql://` URL shared by
    /// every instance, or `:memory:` for tests), with
    /// `policies` (`barcode_policy`, `qr_policy`, `refund_policy`: each laid over the core's default)
    /// and `on_event`, called with each `WorkflowEvent`.
    #[napi(constructor)]
    pub fn new(
        client: &NativeClient,
        journal: String,
        policies: Option<Value>,
        on_event: Option<EventCallback>,
    ) -> napi::Result<Self> {
        let journal = alipay_core::journal::open(&journal).map_err(js)?;
        let mut workflows = Workflows::new(client.client.clone(), journal);
        let policies = policies.unwrap_or(Value::Null);
        if let Some(p) = setting(&policies, "barcode_policy") {
            workflows =
                workflows.with_barcode_policy(policy(p, "barcode_policy", PollPolicy::barcode(), PollPolicy::overlay)?);
        }
        if let Some(p) = setting(&policies, "qr_policy") {
            workflows = workflows.with_qr_policy(policy(p, "qr_policy", PollPolicy::qr(), PollPolicy::overlay)?);
        }
        if let Some(p) = setting(&policies, "refund_policy") {
            workflows = workflows.with_refund_policy(policy(
                p,
                "refund_policy",
                RefundPolicy::default(),
                RefundPolicy::overlay,
            )?);
        }
        if let Some(callback) = on_event {
            workflows = workflows.on_event(move |event| {
                if let Ok(event) = serde_json::to_value(event) {
                    callback.call(event, ThreadsafeFunctionCallMode::NonBlocking);
                }
            });
        }
        Ok(Self { workflows })
    }

    /// Starts a barcode payment; its handle once the intent is journaled.
    #[napi]
    pub async fn start_pay(&self, fields: Value) -> napi::Result<NativePaymentHandle> {
        let handle = self.workflows.start_pay(from_fields(fields).map_err(js)?).await.map_err(|e| to_js(&e))?;
        Ok(NativePaymentHandle::from(handle))
    }

    /// Creates a QR payment; its handle once the QR code is known.
    #[napi]
    pub async fn precreate_and_wait(&self, fields: Value) -> napi::Result<NativePaymentHandle> {
        let request = from_fields(fields).map_err(js)?;
        let handle = self.workflows.precreate_and_wait(request).await.map_err(|e| to_js(&e))?;
        Ok(NativePaymentHandle::from(handle))
    }

    /// Refunds until the outcome is known; the `RefundOutcome`.
    #[napi]
    pub async fn refund_until_known(&self, fields: Value) -> napi::Result<Value> {
        let request = from_fields(fields).map_err(js)?;
        to_value(&self.workflows.refund_until_known(request).await.map_err(|e| to_js(&e))?)
    }

    /// Finishes what a crash left behind, with the merchants' `app_auth_tokens` for an ISV (the journal
    /// keeps only their fingerprints); one `Recovered` per workflow.
    #[napi]
    pub async fn recover(&self, app_auth_tokens: Option<Vec<String>>) -> napi::Result<Value> {
        let tokens = app_auth_tokens.unwrap_or_default();
        let report = self.workflows.recover_with_tokens(&tokens).await.map_err(|e| to_js(&e))?;
        to_value(&report.recovered)
    }

    /// Reconciles the trade bill of `bill_date` (`yyyy-MM-dd` or `yyyy-MM`) with the journal, and with
    /// the merchant's `orders` (`MerchantOrder` objects) when given; the `ReconciliationReport`.
    #[napi]
    pub async fn reconcile(&self, bill_date: String, orders: Option<Value>) -> napi::Result<Value> {
        let report = match orders {
            None => self.workflows.reconcile(&bill_date).await,
            Some(orders) => self.workflows.reconcile_with_orders(&bill_date, &orders_of(orders)?).await,
        };
        to_fields(&report.map_err(|e| to_js(&e))?).map_err(js)
    }

    /// Verifies a notification and looks its `notify_id` up in the journal.
    #[napi]
    pub async fn receive_notification(
        &self,
        notification: Either<Buffer, BTreeMap<String, String>>,
        rule: Option<String>,
    ) -> napi::Result<NativeNotification> {
        let rule = notify_rule(rule)?;
        let params = notify_input(&notification).into_params().map_err(|e| to_js(&e))?;
        let received = self.workflows.receive_notification_params(params, rule).await.map_err(|e| to_js(&e))?;
        Ok(NativeNotification::received(received.notification, received.delivery))
    }

    /// Records that the notification was handled, so its redeliveries are recognised.
    #[napi]
    pub async fn mark_notification_handled(&self, notification: &NativeNotification) -> napi::Result<()> {
        self.workflows.mark_notification_handled(notification.inner()).await.map_err(|e| to_js(&e))
    }
}

/// A running payment workflow: its QR code, its cancel button, its outcome.
#[napi]
pub struct NativePaymentHandle {
    inner: SharedPaymentHandle,
}

impl From<PaymentHandle> for NativePaymentHandle {
    fn from(handle: PaymentHandle) -> Self {
        Self { inner: handle.into() }
    }
}

#[napi]
impl NativePaymentHandle {
    /// The merchant's order number.
    #[napi(getter)]
    pub fn out_trade_no(&self) -> String {
        self.inner.out_trade_no().to_string()
    }

    /// The QR code to show (QR payments); `null` otherwise, or if the precreate failed.
    #[napi(getter)]
    pub fn qr_code(&self) -> Option<String> {
        self.inner.qr_code().map(str::to_string)
    }

    /// The QR code as an SVG document; `InvalidInput` (`qr_code`) when the payment has none.
    #[napi(catch_unwind)]
    pub fn qr_svg(&self) -> napi::Result<String> {
        self.inner.qr_svg().map_err(|e| to_js(&e))
    }

    /// The QR code as a PNG about `size` pixels a side; `InvalidInput` (`qr_code`) when the payment
    /// has none.
    #[napi(catch_unwind)]
    pub fn qr_png(&self, size: u32) -> napi::Result<Buffer> {
        self.inner.qr_png(size).map(Buffer::from).map_err(|e| to_js(&e))
    }

    /// Stop waiting for the buyer and cancel the trade now.
    #[napi]
    pub fn cancel(&self) {
        self.inner.cancel();
    }

    /// Let the workflow finish alone (it will not be cancelled).
    #[napi(catch_unwind)]
    pub fn detach(&self) -> napi::Result<()> {
        self.inner.take().map_err(|e| to_js(&e))?.detach();
        Ok(())
    }

    /// Waits for the outcome (once); the `PaymentOutcome`.
    #[napi]
    pub async fn outcome(&self) -> napi::Result<Value> {
        let handle = self.inner.take().map_err(|e| to_js(&e))?;
        to_value(&handle.outcome().await.map_err(|e| to_js(&e))?)
    }
}

/// The non-null member `name` of the policies object.
fn setting<'a>(policies: &'a Value, name: &str) -> Option<&'a Value> {
    policies.get(name).filter(|p| !p.is_null())
}

/// The policy `name`: `base` with the fields of `fields` laid over it; errors name the field
/// (`barcode_policy.max_queries`).
fn policy<P>(
    fields: &Value,
    name: &str,
    base: P,
    overlay: fn(P, &Value) -> Result<P, InvalidInput>,
) -> napi::Result<P> {
    overlay(base, fields).map_err(|e| js(InvalidInput::new(format!("{name}.{}", e.field), e.reason)))
}
