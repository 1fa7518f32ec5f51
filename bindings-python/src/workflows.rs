//! `NativeWorkflows` and `NativePaymentHandle`: the core's face-to-face workflows, journaled, with
//! progress events delivered to a Python callable and outcomes as dicts (the verified answer that
//! proves them included, causes as exception objects).

use std::path::PathBuf;

use alipay_core::error::{Error, InvalidInput};
use alipay_core::fields::from_fields;
use alipay_core::workflow::{PaymentHandle, PollPolicy, RefundPolicy, SharedPaymentHandle, WorkflowEvent, Workflows};
use pyo3::prelude::*;
use pyo3::types::PyDict;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::asyncio::awaitable;
use crate::client::NativeClient;
use crate::errors::to_py;
use crate::gate;
use crate::notification::{VerifiedNotification, notify_params};
use crate::runtime::block_on;
use crate::values::{fields_to_json, json_to_py, setting, text};

/// The native workflows; use `alipay_core.Workflows` or `alipay_core.AsyncWorkflows`.
#[pyclass(module = "alipay_core._native", frozen)]
pub(crate) struct NativeWorkflows {
    workflows: Workflows,
}

#[pymethods]
impl NativeWorkflows {
    #[new]
    #[pyo3(signature = (client, journal, *, on_event = None, barcode_policy = None, qr_policy = None, refund_policy = None))]
    fn new(
        py: Python<'_>,
        client: &NativeClient,
        journal: PathBuf,
        on_event: Option<Py<PyAny>>,
        barcode_policy: Option<&Bound<'_, PyDict>>,
        qr_policy: Option<&Bound<'_, PyDict>>,
        refund_policy: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Self> {
        // Opening may wait on a database connection: other Python threads run meanwhile.
        let journal = py.detach(|| alipay_core::journal::open(&journal)).map_err(|e| to_py(e.into()))?;
        let mut workflows = Workflows::new(client.client.clone(), journal);
        if let Some(p) = barcode_policy {
            workflows =
                workflows.with_barcode_policy(policy(p, "barcode_policy", PollPolicy::barcode(), PollPolicy::overlay)?);
        }
        if let Some(p) = qr_policy {
            workflows = workflows.with_qr_policy(policy(p, "qr_policy", PollPolicy::qr(), PollPolicy::overlay)?);
        }
        if let Some(p) = refund_policy {
            workflows = workflows.with_refund_policy(policy(
                p,
                "refund_policy",
                RefundPolicy::default(),
                RefundPolicy::overlay,
            )?);
        }
        if let Some(callback) = on_event {
            workflows = workflows.on_event(move |event| deliver(&callback, event));
        }
        Ok(Self { workflows })
    }

    /// Starts a barcode payment; its handle once the intent is journaled.
    fn start_pay(&self, py: Python<'_>, fields: &Bound<'_, PyDict>) -> PyResult<NativePaymentHandle> {
        let (workflows, fields) = (self.workflows.clone(), fields_to_json(fields)?);
        let handle = block_on(py, async move { workflows.start_pay(from_fields(fields)?).await })?;
        Ok(NativePaymentHandle::from(handle))
    }

    /// `start_pay`, awaitable.
    fn start_pay_async<'py>(&self, py: Python<'py>, fields: &Bound<'_, PyDict>) -> PyResult<Bound<'py, PyAny>> {
        let (workflows, fields) = (self.workflows.clone(), fields_to_json(fields)?);
        awaitable(py, async move { workflows.start_pay(from_fields(fields)?).await }, |_, handle| {
            Ok(NativePaymentHandle::from(handle))
        })
    }

    /// Creates a QR payment; its handle once the QR code is known.
    fn precreate(&self, py: Python<'_>, fields: &Bound<'_, PyDict>) -> PyResult<NativePaymentHandle> {
        let (workflows, fields) = (self.workflows.clone(), fields_to_json(fields)?);
        let handle = block_on(py, async move { workflows.precreate_and_wait(from_fields(fields)?).await })?;
        Ok(NativePaymentHandle::from(handle))
    }

    /// `precreate`, awaitable.
    fn precreate_async<'py>(&self, py: Python<'py>, fields: &Bound<'_, PyDict>) -> PyResult<Bound<'py, PyAny>> {
        let (workflows, fields) = (self.workflows.clone(), fields_to_json(fields)?);
        awaitable(py, async move { workflows.precreate_and_wait(from_fields(fields)?).await }, |_, handle| {
            Ok(NativePaymentHandle::from(handle))
        })
    }

    /// Refunds until the outcome is known; the outcome's fields.
    fn refund_until_known(&self, py: Python<'_>, fields: &Bound<'_, PyDict>) -> PyResult<Py<PyAny>> {
        let (workflows, fields) = (self.workflows.clone(), fields_to_json(fields)?);
        let outcome = block_on(py, async move { workflows.refund_until_known(from_fields(fields)?).await })?;
        outcome_to_py(py, &outcome)
    }

    /// `refund_until_known`, awaitable. Cancelling the awaitable stops the wait, not the refund: the
    /// core runs it on to a known end, recorded in the journal and reported to the callback.
    fn refund_until_known_async<'py>(
        &self,
        py: Python<'py>,
        fields: &Bound<'_, PyDict>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let (workflows, fields) = (self.workflows.clone(), fields_to_json(fields)?);
        awaitable(py, async move { workflows.refund_until_known(from_fields(fields)?).await }, |py, outcome| {
            outcome_to_py(py, &outcome)
        })
    }

    /// Finishes what a crash left behind, with the merchants' `app_auth_tokens` for an ISV (the journal
    /// keeps only their fingerprints); one dict per workflow (`key`, `outcome` or `error`).
    #[pyo3(signature = (app_auth_tokens = Vec::new()))]
    fn recover(&self, py: Python<'_>, app_auth_tokens: Vec<String>) -> PyResult<Py<PyAny>> {
        let workflows = self.workflows.clone();
        let report = block_on(py, async move { workflows.recover_with_tokens(&app_auth_tokens).await })?;
        serialized(py, &report.recovered)
    }

    /// The trade bill of `bill_date` (`yyyy-MM-dd` or `yyyy-MM`) compared with the journal, and with
    /// `orders` (a list of `MerchantOrder` dicts) when given: the report's fields.
    #[pyo3(signature = (bill_date, orders = None))]
    fn reconcile(&self, py: Python<'_>, bill_date: String, orders: Option<&Bound<'_, PyAny>>) -> PyResult<Py<PyAny>> {
        let orders = orders.filter(|o| !o.is_none()).map(crate::reconcile::orders_from_py).transpose()?;
        let workflows = self.workflows.clone();
        let report = block_on(py, async move {
            match orders {
                Some(orders) => workflows.reconcile_with_orders(&bill_date, &orders).await,
                None => workflows.reconcile(&bill_date).await,
            }
        })?;
        serialized(py, &report)
    }

    /// `reconcile`, awaitable.
    #[pyo3(signature = (bill_date, orders = None))]
    fn reconcile_async<'py>(
        &self,
        py: Python<'py>,
        bill_date: String,
        orders: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let orders = orders.filter(|o| !o.is_none()).map(crate::reconcile::orders_from_py).transpose()?;
        let workflows = self.workflows.clone();
        let run = async move {
            match orders {
                Some(orders) => workflows.reconcile_with_orders(&bill_date, &orders).await,
                None => workflows.reconcile(&bill_date).await,
            }
        };
        awaitable(py, run, |py, report| serialized(py, &report))
    }

    /// Verifies a notification and claims its `notify_id` in the journal: `(notification, delivery)`,
    /// the delivery `first`, `in_progress` or `handled`.
    #[pyo3(signature = (notification, rule = "v1"))]
    fn receive_notification(
        &self,
        py: Python<'_>,
        notification: &Bound<'_, PyAny>,
        rule: &str,
    ) -> PyResult<(VerifiedNotification, &'static str)> {
        let (params, rule) = notify_params(notification, rule)?;
        let workflows = self.workflows.clone();
        let received = block_on(py, async move { workflows.receive_notification_params(params, rule).await })?;
        Ok((received.notification.into(), received.delivery.as_str()))
    }

    /// `receive_notification`, awaitable.
    #[pyo3(signature = (notification, rule = "v1"))]
    fn receive_notification_async<'py>(
        &self,
        py: Python<'py>,
        notification: &Bound<'_, PyAny>,
        rule: &str,
    ) -> PyResult<Bound<'py, PyAny>> {
        let (params, rule) = notify_params(notification, rule)?;
        let workflows = self.workflows.clone();
        awaitable(py, async move { workflows.receive_notification_params(params, rule).await }, |_, received| {
            Ok((VerifiedNotification::from(received.notification), received.delivery.as_str()))
        })
    }

    /// Records that the notification was handled, so its redeliveries are recognised.
    fn mark_notification_handled(&self, py: Python<'_>, notification: Py<VerifiedNotification>) -> PyResult<()> {
        let workflows = self.workflows.clone();
        block_on(py, async move { workflows.mark_notification_handled(notification.get().inner()).await })
    }

    /// `mark_notification_handled`, awaitable.
    fn mark_notification_handled_async<'py>(
        &self,
        py: Python<'py>,
        notification: Py<VerifiedNotification>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let workflows = self.workflows.clone();
        awaitable(py, async move { workflows.mark_notification_handled(notification.get().inner()).await }, |_, ()| {
            Ok(())
        })
    }
}

/// A running payment workflow: its QR code, its cancel button, its outcome.
#[pyclass(module = "alipay_core._native", frozen)]
pub(crate) struct NativePaymentHandle {
    inner: SharedPaymentHandle,
}

impl From<PaymentHandle> for NativePaymentHandle {
    fn from(handle: PaymentHandle) -> Self {
        Self { inner: handle.into() }
    }
}

#[pymethods]
impl NativePaymentHandle {
    /// Your order number.
    #[getter]
    fn out_trade_no(&self) -> &str {
        self.inner.out_trade_no()
    }

    /// The QR code to show (QR payments).
    #[getter]
    fn qr_code(&self) -> Option<&str> {
        self.inner.qr_code()
    }

    /// The QR code as an SVG document; `InvalidInput` (`qr_code`) when the payment has none.
    fn qr_svg(&self) -> PyResult<String> {
        self.inner.qr_svg().map_err(to_py)
    }

    /// The QR code as a PNG at most `size` pixels a side.
    #[pyo3(signature = (size = 256))]
    fn qr_png<'py>(&self, py: Python<'py>, size: u32) -> PyResult<Bound<'py, pyo3::types::PyBytes>> {
        let png = self.inner.qr_png(size).map_err(to_py)?;
        Ok(pyo3::types::PyBytes::new(py, &png))
    }

    /// Stop waiting for the buyer and cancel the trade now.
    fn cancel(&self) {
        self.inner.cancel();
    }

    /// Let the workflow finish alone (it will not be cancelled).
    fn detach(&self) -> PyResult<()> {
        self.inner.take().map_err(to_py)?.detach();
        Ok(())
    }

    /// Waits for the outcome; its fields.
    fn wait(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let handle = self.inner.take().map_err(to_py)?;
        let outcome = block_on(py, handle.outcome())?;
        outcome_to_py(py, &outcome)
    }

    /// `wait`, awaitable. Cancelling it drops the handle: the workflow takes its cancel path.
    fn wait_async<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let handle = self.inner.take().map_err(to_py)?;
        awaitable(py, handle.outcome(), |py, outcome| outcome_to_py(py, &outcome))
    }
}

/// Calls the Python callback with one event, on the runtime thread that produced it. An exception
/// it raises is reported as unraisable and never disturbs the workflow. Once the interpreter exits,
/// events are no longer delivered (see [`gate`]).
fn deliver(callback: &Py<PyAny>, event: &WorkflowEvent) {
    gate::attach(|py| {
        let result = event_to_py(py, event).and_then(|e| callback.call1(py, (e,)));
        if let Err(err) = result {
            err.write_unraisable(py, Some(callback.bind(py)));
        }
    });
}

fn event_to_py(py: Python<'_>, event: &WorkflowEvent) -> PyResult<Py<PyAny>> {
    serialized(py, event)
}

/// A payment's or a refund's outcome, in the core's public shape (`alipay_core.models`).
fn outcome_to_py(py: Python<'_>, outcome: &impl Serialize) -> PyResult<Py<PyAny>> {
    serialized(py, outcome)
}

/// Any of the core's serializable models as Python values (`dict`, `list`, …).
fn serialized(py: Python<'_>, model: &impl Serialize) -> PyResult<Py<PyAny>> {
    let value = serde_json::to_value(model).map_err(|e| to_py(Error::Internal(e.to_string())))?;
    Ok(json_to_py(py, &value)?.unbind())
}

/// The policy `name` (`barcode_policy`): `base` with the fields of the dict `PollPolicy` or
/// `RefundPolicy` became; errors name the field (`barcode_policy.max_queries`).
fn policy<P>(
    d: &Bound<'_, PyDict>,
    name: &str,
    base: P,
    overlay: fn(P, &Value) -> Result<P, InvalidInput>,
) -> PyResult<P> {
    let mut fields = Map::new();
    for (key, value) in d.iter() {
        let key = text(&key, name)?;
        let path = format!("{name}.{key}");
        fields.insert(key, setting(&value, &path)?);
    }
    overlay(base, &Value::Object(fields))
        .map_err(|e| to_py(InvalidInput::new(format!("{name}.{}", e.field), e.reason).into()))
}
