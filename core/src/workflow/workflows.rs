//! [`Workflows`]: the entry point — a client, a journal, policies and an event callback.

use std::collections::HashSet;
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

use serde::Serialize;
use tokio::sync::{mpsc, oneshot, watch};

use super::event::{EventCallback, WorkflowEvent};
use super::handle::{PaymentHandle, Signal};
use super::outcome::{PaymentOutcome, RefundOutcome};
use super::payment::{Flow, PaymentMachine};
use super::policy::{PollPolicy, RefundPolicy};
use super::refund::RefundMachine;
use super::run::{Context, Order, Submission, run_payment, run_refund};
use crate::client::Client;
use crate::error::{ConfigError, Error, InvalidInput};
use crate::journal::{JournalEntry, TradeJournal, WorkflowKind};
use crate::trade::{
    ApiRequest, TradeFastpayRefundQueryRequest, TradePayRequest, TradePrecreateRequest, TradeRefundRequest,
};

/// Runs payment and refund workflows for one client, journaling each. Cheap to clone; clones share
/// the journal and know each other's running workflows.
#[derive(Clone)]
pub struct Workflows {
    pub(crate) client: Client,
    pub(crate) journal: Arc<dyn TradeJournal>,
    pub(crate) barcode: PollPolicy,
    pub(crate) qr: PollPolicy,
    pub(crate) refund: RefundPolicy,
    pub(crate) callback: Option<EventCallback>,
    active: Arc<Mutex<HashSet<String>>>,
}

impl fmt::Debug for Workflows {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Workflows")
            .field("client", &self.client)
            .field("journal", &self.journal)
            .field("barcode", &self.barcode)
            .field("qr", &self.qr)
            .field("refund", &self.refund)
            .finish_non_exhaustive()
    }
}

/// Marks a workflow as running in this process while alive.
pub(crate) struct Running {
    active: Arc<Mutex<HashSet<String>>>,
    key: String,
}

impl Drop for Running {
    fn drop(&mut self) {
        self.active.lock().unwrap_or_else(PoisonError::into_inner).remove(&self.key);
    }
}

impl Workflows {
    /// Workflows over `client`, journaled in `journal`, with the official default policies.
    pub fn new(client: Client, journal: Arc<dyn TradeJournal>) -> Self {
        Self {
            client,
            journal,
            barcode: PollPolicy::barcode(),
            qr: PollPolicy::qr(),
            refund: RefundPolicy::default(),
            callback: None,
            active: Arc::default(),
        }
    }

    /// Uses `policy` for barcode payments.
    pub fn with_barcode_policy(mut self, policy: PollPolicy) -> Self {
        self.barcode = policy;
        self
    }

    /// Uses `policy` for QR payments.
    pub fn with_qr_policy(mut self, policy: PollPolicy) -> Self {
        self.qr = policy;
        self
    }

    /// Uses `policy` for refunds.
    pub fn with_refund_policy(mut self, policy: RefundPolicy) -> Self {
        self.refund = policy;
        self
    }

    /// Calls `callback` with every event of every workflow (recovered ones included).
    pub fn on_event(mut self, callback: impl Fn(&WorkflowEvent) + Send + Sync + 'static) -> Self {
        self.callback = Some(Arc::new(callback));
        self
    }

    /// The client.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// The journal.
    pub fn journal(&self) -> &Arc<dyn TradeJournal> {
        &self.journal
    }

    /// Charges a buyer's payment code and waits for the truth: see [`Workflows::start_pay`].
    ///
    /// # Errors
    /// As [`Workflows::start_pay`] and [`PaymentHandle::outcome`].
    pub async fn pay_and_wait(&self, request: TradePayRequest) -> Result<PaymentOutcome, Error> {
        self.start_pay(request).await?.outcome().await
    }

    /// Starts a barcode payment (`alipay.trade.pay`) in the background and returns its handle once the
    /// intent is journaled. `10003` is polled; a buyer who never confirms has the trade cancelled.
    ///
    /// # Errors
    /// Before anything is sent: [`Error::InvalidInput`] (including an `out_trade_no` used before —
    /// order numbers are never reused), [`Error::Journal`], or [`ConfigError::NoRuntime`].
    pub async fn start_pay(&self, mut request: TradePayRequest) -> Result<PaymentHandle, Error> {
        request.validate()?;
        request.time_expire =
            self.time_expire(&self.barcode, request.time_expire.as_deref(), request.timeout_express.as_deref())?;
        let out_trade_no = request.out_trade_no.clone();
        let (key, running) = self.begin_trade(WorkflowKind::Pay, &out_trade_no, &request).await?;
        let machine = PaymentMachine::new(Flow::Barcode, self.barcode.clone(), key.clone(), out_trade_no.clone())
            .expiring(request.time_expire.as_deref());
        let order = Order { out_trade_no, total_amount: Some(request.total_amount.to_string()) };
        self.spawn_payment(key, running, machine, Submission::Pay(request), order)
    }

    /// Creates a QR payment (`alipay.trade.precreate`) and returns its handle as soon as the QR code
    /// is known ([`PaymentHandle::qr_code`]); the workflow then waits for the buyer in the background
    /// (`ACQ.TRADE_NOT_EXIST` means "not scanned yet") and cancels the trade if they never pay.
    ///
    /// # Errors
    /// As [`Workflows::start_pay`]. A precreate that fails is not an error here: the handle has no QR
    /// code and its outcome says how it ended.
    pub async fn precreate_and_wait(&self, mut request: TradePrecreateRequest) -> Result<PaymentHandle, Error> {
        request.validate()?;
        request.time_expire =
            self.time_expire(&self.qr, request.time_expire.as_deref(), request.timeout_express.as_deref())?;
        let out_trade_no = request.out_trade_no.clone();
        let (key, running) = self.begin_trade(WorkflowKind::Precreate, &out_trade_no, &request).await?;
        let machine = PaymentMachine::new(Flow::Qr, self.qr.clone(), key.clone(), out_trade_no.clone())
            .expiring(request.time_expire.as_deref());
        let (qr_tx, qr_rx) = oneshot::channel();
        let order = Order { out_trade_no, total_amount: Some(request.total_amount.to_string()) };
        let mut handle = self.spawn_payment(key, running, machine, Submission::Precreate(request, qr_tx), order)?;
        // Dropping this future drops the handle, which cancels the trade: nothing is left waiting.
        handle.qr_code = qr_rx.await.ok().flatten();
        Ok(handle)
    }

    /// Refunds, retrying under the same `out_request_no` until the outcome is known: `fund_change=N`
    /// and lost answers are confirmed with `alipay.trade.fastpay.refund.query`, so the money moves at
    /// most once. Calling again with the same request resumes it safely, and so does `recover()`.
    ///
    /// An empty `out_request_no` is derived from the refund itself ([`super::derived_refund_no`]: the
    /// trade, amount, reason and every other field): the same request always means the same refund,
    /// even after a crash or after it finished, so following these rules can never refund twice. Two
    /// refunds of the same amount of one trade therefore need their own `out_request_no` each.
    ///
    /// # Errors
    /// Before anything is sent: [`Error::InvalidInput`] (including an `out_request_no` already used for
    /// a different refund), [`Error::Journal`], [`ConfigError::NoRuntime`]. At the end:
    /// [`ConfigError::Unverifiable`] when no answer verified.
    pub async fn refund_until_known(&self, mut request: TradeRefundRequest) -> Result<RefundOutcome, Error> {
        if request.out_request_no.is_empty() {
            let intent = serde_json::to_value(&request).map_err(|e| InvalidInput::new("biz_content", e.to_string()))?;
            request.out_request_no = super::numbers::derived_refund_no(&intent);
        }
        request.validate()?;
        let runtime = runtime()?;
        let trade = request.out_trade_no.clone().or_else(|| request.trade_no.clone()).unwrap_or_default();
        let key = JournalEntry::refund_key(&trade, &request.out_request_no);
        let running = self.claim(&key)?;
        let biz_content = to_json(&request)?;
        let mut entry = self.entry(key.clone(), WorkflowKind::Refund, request.out_trade_no.clone(), &biz_content);
        entry.trade_no.clone_from(&request.trade_no);
        entry.out_request_no = Some(request.out_request_no.clone());
        if let Some(existing) = self.journal.begin(entry).await? {
            if existing.biz_content != biz_content {
                return Err(InvalidInput::new(
                    "out_request_no",
                    format!(
                        "`{}` was already used for a different refund of this trade; a retry must send the same \
                         request, a new refund needs a new out_request_no",
                        request.out_request_no
                    ),
                )
                .into());
            }
            // Resumed: this instance's again, unless another live instance is running it.
            self.journal.acquire(&key).await?;
        }
        let query = refund_query(request.out_trade_no.as_deref(), request.trade_no.as_deref(), &request.out_request_no);
        let (machine, step) = RefundMachine::new(
            self.refund.clone(),
            key.clone(),
            request.out_trade_no,
            request.trade_no,
            request.out_request_no,
        );
        let ctx = self.context(key, None, self.client.clone());
        let span = crate::observe::workflow_span(&ctx.key, WorkflowKind::Refund, false);
        let task = runtime.spawn(tracing::Instrument::instrument(
            async move {
                let _running = running;
                run_refund(ctx, machine, step, biz_content, query).await
            },
            span,
        ));
        // Dropping this future does not stop the task: a refund in flight is always seen through.
        task.await.map_err(|e| Error::Internal(format!("the refund workflow task failed: {e}")))?
    }

    /// The absolute expiry a payment is sent with (see `expiry.rs`).
    fn time_expire(
        &self,
        policy: &PollPolicy,
        time_expire: Option<&str>,
        timeout_express: Option<&str>,
    ) -> Result<Option<String>, Error> {
        let now = self.client.clock().now();
        Ok(super::expiry::time_expire(time_expire, timeout_express, policy.trade_expiry, now)?)
    }

    /// Marks `key` as running here; refuses a workflow already running in this process.
    pub(crate) fn claim(&self, key: &str) -> Result<Running, Error> {
        let mut active = self.active.lock().unwrap_or_else(PoisonError::into_inner);
        if !active.insert(key.to_string()) {
            return Err(InvalidInput::new("workflow", format!("`{key}` is already running")).into());
        }
        Ok(Running { active: Arc::clone(&self.active), key: key.to_string() })
    }

    pub(crate) fn context(
        &self,
        key: String,
        channel: Option<mpsc::UnboundedSender<WorkflowEvent>>,
        client: Client,
    ) -> Context {
        Context { client, journal: Arc::clone(&self.journal), key, callback: self.callback.clone(), channel }
    }

    fn entry(&self, key: String, kind: WorkflowKind, out_trade_no: Option<String>, biz_content: &str) -> JournalEntry {
        let mut entry = JournalEntry::new(key, kind, biz_content.to_string(), self.client.clock().now());
        entry.out_trade_no = out_trade_no;
        entry.app_auth_token_id =
            self.client.options().app_auth_token.as_deref().map(crate::journal::token_fingerprint);
        entry
    }

    /// Journals a payment's intent; an order number seen before is refused.
    async fn begin_trade(
        &self,
        kind: WorkflowKind,
        out_trade_no: &str,
        request: &impl Serialize,
    ) -> Result<(String, Running), Error> {
        runtime()?;
        let key = JournalEntry::trade_key(out_trade_no);
        let running = self.claim(&key)?;
        let entry = self.entry(key.clone(), kind, Some(out_trade_no.to_string()), &journaled_payment(request)?);
        if let Some(existing) = self.journal.begin(entry).await? {
            return Err(InvalidInput::new(
                "out_trade_no",
                format!(
                    "`{out_trade_no}` was already used (a {} workflow, {}); an order number is never reused, even \
                     after a failure or a cancel — use a new one",
                    existing.kind.as_str(),
                    existing.state.as_str()
                ),
            )
            .into());
        }
        Ok((key, running))
    }

    fn spawn_payment(
        &self,
        key: String,
        running: Running,
        machine: PaymentMachine,
        submission: Submission,
        order: Order,
    ) -> Result<PaymentHandle, Error> {
        let runtime = runtime()?;
        let (signal, signal_rx) = watch::channel(Signal::Run);
        let (events_tx, events) = mpsc::unbounded_channel();
        let ctx = self.context(key, Some(events_tx), self.client.clone());
        let out_trade_no = order.out_trade_no.clone();
        let workflow = match submission {
            Submission::Precreate(..) => WorkflowKind::Precreate,
            Submission::Pay(_) | Submission::Recover(_) => WorkflowKind::Pay,
        };
        let span = crate::observe::workflow_span(&ctx.key, workflow, false);
        let task = runtime.spawn(tracing::Instrument::instrument(
            async move {
                let _running = running;
                run_payment(ctx, machine, submission, signal_rx, order).await
            },
            span,
        ));
        Ok(PaymentHandle { out_trade_no, qr_code: None, signal, task: Some(task), events })
    }
}

pub(crate) fn runtime() -> Result<tokio::runtime::Handle, Error> {
    tokio::runtime::Handle::try_current().map_err(|_| ConfigError::NoRuntime.into())
}

/// A payment request as journaled: without the buyer's `auth_code`, a single-use credential that
/// recovery never needs (it queries and cancels; it never pays again).
fn journaled_payment(request: &impl Serialize) -> Result<String, Error> {
    let mut fields = serde_json::to_value(request).map_err(|e| InvalidInput::new("biz_content", e.to_string()))?;
    if let serde_json::Value::Object(map) = &mut fields {
        map.remove("auth_code");
    }
    Ok(fields.to_string())
}

fn to_json(request: &impl Serialize) -> Result<String, Error> {
    serde_json::to_string(request).map_err(|e| InvalidInput::new("biz_content", e.to_string()).into())
}

/// The refund query for a refund named by `out_trade_no` (preferred) or `trade_no`.
pub(crate) fn refund_query(
    out_trade_no: Option<&str>,
    trade_no: Option<&str>,
    out_request_no: &str,
) -> TradeFastpayRefundQueryRequest {
    match (out_trade_no, trade_no) {
        (Some(out), _) => TradeFastpayRefundQueryRequest::by_out_trade_no(out, out_request_no),
        (None, trade_no) => TradeFastpayRefundQueryRequest::by_trade_no(trade_no.unwrap_or_default(), out_request_no),
    }
}
