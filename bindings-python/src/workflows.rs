//! `NativeWorkflows` and `NativePaymentHandle`: the core's face-to-face workflows, journaled, with
//! progress events delivered to a Python callable and outcomes as dicts (the verified answer that
//! proves them included, causes as exception objects).

use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};

use alipay_core::error::{Error, InvalidInput};
use alipay_core::fields::{from_fields, to_fields};
use alipay_core::workflow::{
    Canceller, EventKind, NotPaidReason, Outcome, PaidEvidence, PaymentHandle, PaymentOutcome, PaymentStatus,
    PollPolicy, RefundEvidence, RefundOutcome, RefundPolicy, RefundResult, WorkflowEvent, Workflows,
};
use pyo3::prelude::*;
use pyo3::types::PyDict;
use serde_json::{Value, json};

use crate::asyncio::awaitable;
use crate::client::NativeClient;
use crate::errors::{exception, to_py};
use crate::gate;
use crate::notification::{NotificationInput, VerifiedNotification};
use crate::runtime::block_on;
use crate::values::{count, fields_to_json, json_to_py, seconds};

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
        client: &NativeClient,
        journal: PathBuf,
        on_event: Option<Py<PyAny>>,
        barcode_policy: Option<&Bound<'_, PyDict>>,
        qr_policy: Option<&Bound<'_, PyDict>>,
        refund_policy: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Self> {
        let journal = alipay_core::journal::open(&journal).map_err(|e| to_py(e.into()))?;
        let mut workflows = Workflows::new(client.client.clone(), journal);
        if let Some(p) = barcode_policy {
            workflows = workflows.with_barcode_policy(poll_policy(p, "barcode_policy", PollPolicy::barcode())?);
        }
        if let Some(p) = qr_policy {
            workflows = workflows.with_qr_policy(poll_policy(p, "qr_policy", PollPolicy::qr())?);
        }
        if let Some(p) = refund_policy {
            workflows = workflows.with_refund_policy(refund_policy_from(p)?);
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
        refund_outcome(py, &outcome)
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
            refund_outcome(py, &outcome)
        })
    }

    /// Finishes what a crash left behind, with the merchants' `app_auth_tokens` for an ISV (the journal
    /// keeps only their fingerprints); one dict per workflow (`key`, `outcome` or `error`).
    #[pyo3(signature = (app_auth_tokens = Vec::new()))]
    fn recover(&self, py: Python<'_>, app_auth_tokens: Vec<String>) -> PyResult<Vec<Py<PyAny>>> {
        let workflows = self.workflows.clone();
        let report = block_on(py, async move { workflows.recover_with_tokens(&app_auth_tokens).await })?;
        report
            .recovered
            .iter()
            .map(|r| {
                let d = PyDict::new(py);
                d.set_item("key", &r.entry.key)?;
                match &r.result {
                    Ok(outcome) => d.set_item("outcome", outcome_to_py(py, outcome)?)?,
                    Err(e) => d.set_item("error", exception(e).into_value(py))?,
                }
                Ok(d.into_any().unbind())
            })
            .collect()
    }

    /// Verifies a notification and looks its `notify_id` up in the journal: `(fields, first_delivery)`.
    #[pyo3(signature = (notification, rule = "v1"))]
    fn receive_notification(
        &self,
        py: Python<'_>,
        notification: &Bound<'_, PyAny>,
        rule: &str,
    ) -> PyResult<(VerifiedNotification, bool)> {
        let (params, rule) = NotificationInput::from_py(notification)?.params(rule)?;
        let workflows = self.workflows.clone();
        let received = block_on(py, async move { workflows.receive_notification_params(params, rule).await })?;
        Ok((received.notification.into(), received.first_delivery))
    }

    /// `receive_notification`, awaitable.
    #[pyo3(signature = (notification, rule = "v1"))]
    fn receive_notification_async<'py>(
        &self,
        py: Python<'py>,
        notification: &Bound<'_, PyAny>,
        rule: &str,
    ) -> PyResult<Bound<'py, PyAny>> {
        let (params, rule) = NotificationInput::from_py(notification)?.params(rule)?;
        let workflows = self.workflows.clone();
        awaitable(py, async move { workflows.receive_notification_params(params, rule).await }, |_, received| {
            Ok((VerifiedNotification::from(received.notification), received.first_delivery))
        })
    }

    /// Records that the notification `notify_id` was handled.
    fn mark_notification_handled(&self, py: Python<'_>, notify_id: String) -> PyResult<()> {
        let journal = Arc::clone(self.workflows.journal());
        block_on(py, async move { Ok(journal.mark_notification_handled(&notify_id).await?) })
    }

    /// `mark_notification_handled`, awaitable.
    fn mark_notification_handled_async<'py>(&self, py: Python<'py>, notify_id: String) -> PyResult<Bound<'py, PyAny>> {
        let journal = Arc::clone(self.workflows.journal());
        awaitable(py, async move { Ok(journal.mark_notification_handled(&notify_id).await?) }, |_, ()| Ok(()))
    }
}

/// A running payment workflow: its QR code, its cancel button, its outcome.
#[pyclass(module = "alipay_core._native", frozen)]
pub(crate) struct NativePaymentHandle {
    #[pyo3(get)]
    out_trade_no: String,
    #[pyo3(get)]
    qr_code: Option<String>,
    canceller: Canceller,
    handle: Mutex<Option<PaymentHandle>>,
}

impl From<PaymentHandle> for NativePaymentHandle {
    fn from(handle: PaymentHandle) -> Self {
        Self {
            out_trade_no: handle.out_trade_no().to_string(),
            qr_code: handle.qr_code().map(str::to_string),
            canceller: handle.canceller(),
            handle: Mutex::new(Some(handle)),
        }
    }
}

impl NativePaymentHandle {
    fn take(&self) -> Result<PaymentHandle, Error> {
        self.handle.lock().unwrap_or_else(PoisonError::into_inner).take().ok_or_else(|| {
            InvalidInput::new("handle", "the outcome was already awaited, or the handle detached").into()
        })
    }
}

#[pymethods]
impl NativePaymentHandle {
    /// Stop waiting for the buyer and cancel the trade now.
    fn cancel(&self) {
        self.canceller.cancel();
    }

    /// Let the workflow finish alone (it will not be cancelled).
    fn detach(&self) -> PyResult<()> {
        self.take().map_err(to_py)?.detach();
        Ok(())
    }

    /// Waits for the outcome; its fields.
    fn wait(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let handle = self.take().map_err(to_py)?;
        let outcome = block_on(py, handle.outcome())?;
        payment_outcome(py, &outcome)
    }

    /// `wait`, awaitable. Cancelling it drops the handle: the workflow takes its cancel path.
    fn wait_async<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let handle = self.take().map_err(to_py)?;
        awaitable(py, handle.outcome(), |py, outcome| payment_outcome(py, &outcome))
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
    let d = PyDict::new(py);
    d.set_item("key", &event.key)?;
    d.set_item("kind", event.kind.name())?;
    match &event.kind {
        EventKind::QrCode { qr_code } => d.set_item("qr_code", qr_code)?,
        EventKind::WaitingForBuyer { query, of } => {
            d.set_item("query", query)?;
            d.set_item("of", of)?;
        }
        EventKind::Cancelling { cause } => d.set_item("cause", cause.as_str())?,
        EventKind::CancelRetry { attempt, of } => {
            d.set_item("attempt", attempt)?;
            d.set_item("of", of)?;
        }
        EventKind::RefundRetry { attempt } => d.set_item("attempt", attempt)?,
        EventKind::JournalFailed { message } | EventKind::Failed { message } => d.set_item("message", message)?,
        EventKind::Done(outcome) => d.set_item("outcome", outcome_to_py(py, outcome)?)?,
        _ => {}
    }
    Ok(d.into_any().unbind())
}

fn outcome_to_py(py: Python<'_>, outcome: &Outcome) -> PyResult<Py<PyAny>> {
    match outcome {
        Outcome::Payment(o) => payment_outcome(py, o),
        Outcome::Refund(o) => refund_outcome(py, o),
    }
}

/// The journal's summary of a payment, plus the verified answer that proves it (`response`) and
/// the error behind it (`error`, an exception object).
fn payment_outcome(py: Python<'_>, outcome: &PaymentOutcome) -> PyResult<Py<PyAny>> {
    let (response, error) = match &outcome.status {
        PaymentStatus::Paid(PaidEvidence::Pay(r)) => (to_fields(r).map_err(to_py)?, None),
        PaymentStatus::Paid(PaidEvidence::Query(r)) => (to_fields(r).map_err(to_py)?, None),
        PaymentStatus::NotPaid(NotPaidReason::Failed(g)) => {
            (Value::Null, Some(exception(&Error::Gateway(Box::new(g.clone())))))
        }
        PaymentStatus::NotPaid(NotPaidReason::NotSent(e)) => (Value::Null, Some(exception(e))),
        PaymentStatus::Unknown { error, .. } => (Value::Null, error.as_deref().map(exception)),
        _ => (Value::Null, None),
    };
    let mut fields = outcome.summary();
    fields["response"] = response;
    fields["unverified_answers"] = json!(outcome.history.unverified_answers);
    with_error(py, &fields, error)
}

/// As [`payment_outcome`], for a refund.
fn refund_outcome(py: Python<'_>, outcome: &RefundOutcome) -> PyResult<Py<PyAny>> {
    let (response, error) = match &outcome.status {
        RefundResult::Refunded(RefundEvidence::Refund(r)) => (to_fields(r).map_err(to_py)?, None),
        RefundResult::Refunded(RefundEvidence::Query(r)) => (to_fields(r).map_err(to_py)?, None),
        RefundResult::Rejected(g) => (Value::Null, Some(exception(&Error::Gateway(Box::new(g.clone()))))),
        RefundResult::NotSent(e) => (Value::Null, Some(exception(e))),
        RefundResult::Unknown { error } => (Value::Null, error.as_deref().map(exception)),
        _ => (Value::Null, None),
    };
    let mut fields = outcome.summary();
    fields["response"] = response;
    fields["unverified_answers"] = json!(outcome.history.unverified_answers);
    with_error(py, &fields, error)
}

fn with_error(py: Python<'_>, fields: &Value, error: Option<PyErr>) -> PyResult<Py<PyAny>> {
    let d = json_to_py(py, fields)?;
    d.set_item("error", error.map(|e| e.into_value(py)))?;
    Ok(d.unbind())
}

/// A poll policy from the dict `PollPolicy` becomes; errors name the field (`barcode_policy.max_queries`).
fn poll_policy(d: &Bound<'_, PyDict>, name: &str, mut p: PollPolicy) -> PyResult<PollPolicy> {
    if let Some(s) = item(d, name, "query_interval", seconds)? {
        p.query_interval = s;
    }
    if let Some(n) = item(d, name, "max_queries", count)? {
        p.max_queries = n;
    }
    if d.get_item("deadline")?.is_some() {
        p.deadline = item(d, name, "deadline", seconds)?;
    }
    if let Some(n) = item(d, name, "cancel_attempts", count)? {
        p.cancel_attempts = n;
    }
    if let Some(s) = item(d, name, "cancel_interval", seconds)? {
        p.cancel_interval = s;
    }
    Ok(p)
}

fn refund_policy_from(d: &Bound<'_, PyDict>) -> PyResult<RefundPolicy> {
    let mut p = RefundPolicy::default();
    if let Some(n) = item(d, "refund_policy", "attempts", count)? {
        p.attempts = n;
    }
    if let Some(n) = item(d, "refund_policy", "confirm_queries", count)? {
        p.confirm_queries = n;
    }
    if let Some(s) = item(d, "refund_policy", "interval", seconds)? {
        p.interval = s;
    }
    Ok(p)
}

/// The policy field `key`, read by `read` (`None` when absent or `None`).
fn item<T>(
    d: &Bound<'_, PyDict>,
    policy: &str,
    key: &str,
    read: fn(&Bound<'_, PyAny>, &str) -> PyResult<T>,
) -> PyResult<Option<T>> {
    let Some(v) = d.get_item(key)?.filter(|v| !v.is_none()) else { return Ok(None) };
    read(&v, &format!("{policy}.{key}")).map(Some)
}
