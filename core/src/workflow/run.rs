//! The small async loops that carry out the machines' decisions: call, wait, journal, report.

use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};
use tokio::sync::{mpsc, oneshot, watch};

use super::event::{EventCallback, EventKind, Outcome, WorkflowEvent};
use super::handle::Signal;
use super::heard::hear;
use super::outcome::{PaymentOutcome, RefundOutcome};
use super::payment::{PaymentMachine, QueryPurpose, Step};
use super::refund::{RefundMachine, RefundStep};
use crate::client::Client;
use crate::clock::Clock;
use crate::error::Error;
use crate::journal::{EntryState, EntryUpdate, TradeJournal};
use crate::trade::{
    ApiRequest, TradeCancelRequest, TradeFastpayRefundQueryRequest, TradePayRequest, TradePrecreateRequest,
    TradeQueryRequest, TradeRefundRequest,
};

/// Where a workflow reports to, and what it works with.
pub(crate) struct Context {
    pub(crate) client: Client,
    pub(crate) journal: Arc<dyn TradeJournal>,
    pub(crate) key: String,
    pub(crate) callback: Option<EventCallback>,
    pub(crate) channel: Option<mpsc::UnboundedSender<WorkflowEvent>>,
}

impl Context {
    fn emit(&self, kind: EventKind) {
        crate::observe::workflow_event(&self.key, &kind);
        let event = WorkflowEvent { key: self.key.clone(), kind };
        if let Some(callback) = &self.callback {
            callback(&event);
        }
        if let Some(channel) = &self.channel {
            // Nobody listening any more is fine: the events are a courtesy, the outcome is not.
            let _ = channel.send(event);
        }
    }

    fn clock(&self) -> Arc<dyn Clock> {
        Arc::clone(self.client.clock())
    }

    /// Journals a trade number the first time an answer tells it. A journal that fails is reported
    /// and the workflow goes on (the number is progress, not a decision); one that says another
    /// instance took the workflow over stops it.
    async fn note_trade_no(&self, known: &mut Option<String>, now: Option<&str>) -> Result<(), Error> {
        if let Some(t) = now.filter(|t| known.as_deref() != Some(*t)) {
            *known = Some(t.to_string());
            let update = EntryUpdate { trade_no: Some(t.to_string()), ..EntryUpdate::default() };
            self.write(update).await?;
        }
        Ok(())
    }

    /// Confirms, before a step that changes money (a cancel, a refund), that this instance still owns
    /// the workflow — and renews its lease.
    async fn hold(&self) -> Result<(), Error> {
        self.write(EntryUpdate::default()).await
    }

    /// Writes `update`: a lost lease is the caller's to stop on, any other failure is reported.
    async fn write(&self, update: EntryUpdate) -> Result<(), Error> {
        match self.journal.update(&self.key, update).await {
            Err(e) if e.is_held_elsewhere() => Err(e.into()),
            Err(e) => {
                self.emit(EventKind::JournalFailed { message: e.to_string() });
                Ok(())
            }
            Ok(()) => Ok(()),
        }
    }

    /// Journals the end. A failure leaves the entry open for `recover()` and is reported as an event.
    async fn settle(&self, state: EntryState, summary: Value) {
        let update = EntryUpdate { state: Some(state), outcome: Some(summary.to_string()), ..EntryUpdate::default() };
        if let Err(e) = self.journal.update(&self.key, update).await {
            self.emit(EventKind::JournalFailed { message: e.to_string() });
        }
    }

    /// Journals the outcome (an unknown one stays unresolved for `recover()`) and reports it.
    async fn finish(&self, outcome: Outcome) {
        let state = if outcome.is_known() { EntryState::Settled } else { EntryState::Unresolved };
        self.settle(state, outcome.summary()).await;
        self.emit(EventKind::Done(Box::new(outcome)));
    }

    async fn give_up(&self, error: Error) -> Error {
        self.settle(EntryState::Unresolved, json!({"status": "unverifiable", "error": error.to_string()})).await;
        self.emit(EventKind::Failed { message: error.to_string() });
        error
    }

    /// Another instance took the workflow over: it stops here, writing nothing, and its new owner
    /// finishes it.
    fn stop(&self, error: Error) -> Error {
        self.emit(EventKind::Failed { message: error.to_string() });
        error
    }
}

/// How a payment workflow begins.
pub(crate) enum Submission {
    Pay(TradePayRequest),
    Precreate(TradePrecreateRequest, oneshot::Sender<Option<String>>),
    Recover(Step),
}

/// The order a payment workflow is about: what every query and cancel answer must repeat.
pub(crate) struct Order {
    pub(crate) out_trade_no: String,
    /// The amount the trade was created with (a query answer about it must say the same).
    pub(crate) total_amount: Option<String>,
}

impl Order {
    /// The order of a journaled payment request.
    pub(crate) fn of_request(out_trade_no: String, biz_content: &str) -> Self {
        Self { out_trade_no, total_amount: biz_field(biz_content, "total_amount") }
    }
}

/// A text field of a journaled `biz_content` (a JSON object).
pub(crate) fn biz_field(biz_content: &str, name: &str) -> Option<String> {
    let fields: serde_json::Map<String, Value> = serde_json::from_str(biz_content).ok()?;
    match fields.get(name)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Runs a payment workflow to its end.
pub(crate) async fn run_payment(
    ctx: Context,
    mut machine: PaymentMachine,
    submission: Submission,
    mut signal: watch::Receiver<Signal>,
    order: Order,
) -> Result<PaymentOutcome, Error> {
    let out_trade_no = order.out_trade_no.as_str();
    let amount: Vec<(&str, &str)> = order.total_amount.as_deref().map(|a| ("total_amount", a)).into_iter().collect();
    let clock = ctx.clock();
    let started = clock.now();
    let elapsed = || clock.now().duration_since(started).unwrap_or_default();
    let mut trade_no = machine.trade_no().map(str::to_string);
    let mut step = match submission {
        Submission::Pay(request) => {
            ctx.emit(EventKind::Submitted);
            let answer = ctx.client.trade_pay(&request).await;
            machine.observe(clock.now());
            machine.on_pay(hear(answer), elapsed())
        }
        Submission::Precreate(request, qr_ready) => {
            ctx.emit(EventKind::Submitted);
            let answer = ctx.client.trade_precreate(&request).await;
            let qr_code = answer.as_ref().ok().map(|a| a.qr_code.clone());
            if let Some(qr_code) = &qr_code {
                ctx.emit(EventKind::QrCode { qr_code: qr_code.clone() });
            }
            let _ = qr_ready.send(qr_code);
            machine.observe(clock.now());
            machine.on_precreate(hear(answer), elapsed())
        }
        Submission::Recover(step) => step,
    };
    loop {
        if let Err(e) = ctx.note_trade_no(&mut trade_no, machine.trade_no()).await {
            return Err(ctx.stop(e));
        }
        if *signal.borrow() == Signal::Stop
            && let Some(cancel) = machine.request_stop()
        {
            step = cancel;
        }
        step = match step {
            Step::Query { after, purpose } => {
                if let QueryPurpose::Poll { n, of } = purpose {
                    ctx.emit(EventKind::WaitingForBuyer { query: n, of });
                    if wait(clock.as_ref(), after, &mut signal).await == Waited::Stopped
                        && let Some(cancel) = machine.request_stop()
                    {
                        step = cancel;
                        continue;
                    }
                } else {
                    clock.sleep(after).await;
                }
                ctx.emit(EventKind::Querying);
                let query = TradeQueryRequest::by_out_trade_no(out_trade_no);
                let answer = ctx.client.call_expecting(&query, &amount).await;
                machine.observe(clock.now());
                machine.on_query(hear(answer), elapsed())
            }
            Step::Cancel { after, attempt, of, cause } => {
                ctx.emit(if attempt == 1 {
                    EventKind::Cancelling { cause }
                } else {
                    EventKind::CancelRetry { attempt, of }
                });
                clock.sleep(after).await;
                if let Err(e) = ctx.hold().await {
                    return Err(ctx.stop(e));
                }
                let answer = ctx.client.trade_cancel(&TradeCancelRequest::by_out_trade_no(out_trade_no)).await;
                machine.observe(clock.now());
                machine.on_cancel(hear(answer))
            }
            Step::Finish(outcome) => {
                ctx.finish(Outcome::Payment(outcome.clone())).await;
                return Ok(outcome);
            }
            Step::GiveUp(error) => return Err(ctx.give_up(error).await),
        };
    }
}

/// Runs a refund workflow to its end. `biz_content` is the journaled request, sent byte for byte.
pub(crate) async fn run_refund(
    ctx: Context,
    mut machine: RefundMachine,
    mut step: RefundStep,
    biz_content: String,
    query: TradeFastpayRefundQueryRequest,
) -> Result<RefundOutcome, Error> {
    let clock = ctx.clock();
    let mut trade_no = machine.trade_no().map(str::to_string);
    // The refund query's answer must be about this refund: its number and its amount.
    let refund_amount = biz_field(&biz_content, "refund_amount");
    let amount: Vec<(&str, &str)> = refund_amount.as_deref().map(|a| ("refund_amount", a)).into_iter().collect();
    ctx.emit(EventKind::Submitted);
    loop {
        if let Err(e) = ctx.note_trade_no(&mut trade_no, machine.trade_no()).await {
            return Err(ctx.stop(e));
        }
        step = match step {
            RefundStep::Send { after, attempt } => {
                if attempt > 1 {
                    ctx.emit(EventKind::RefundRetry { attempt });
                }
                clock.sleep(after).await;
                if let Err(e) = ctx.hold().await {
                    return Err(ctx.stop(e));
                }
                let answer = ctx.client.call_text(TradeRefundRequest::METHOD, &biz_content).await;
                machine.on_refund(hear(answer))
            }
            RefundStep::Confirm { after } => {
                ctx.emit(EventKind::ConfirmingRefund);
                clock.sleep(after).await;
                machine.on_query(hear(ctx.client.call_expecting(&query, &amount).await))
            }
            RefundStep::Finish(outcome) => {
                ctx.finish(Outcome::Refund(outcome.clone())).await;
                return Ok(outcome);
            }
            RefundStep::GiveUp(error) => return Err(ctx.give_up(error).await),
        };
    }
}

#[derive(Debug, PartialEq, Eq)]
enum Waited {
    Slept,
    Stopped,
}

/// Sleeps on the clock, unless the handle says stop first.
async fn wait(clock: &dyn Clock, duration: Duration, signal: &mut watch::Receiver<Signal>) -> Waited {
    if *signal.borrow_and_update() == Signal::Stop {
        return Waited::Stopped;
    }
    let sleep = clock.sleep(duration);
    tokio::pin!(sleep);
    let mut listening = true;
    loop {
        tokio::select! {
            () = &mut sleep => return Waited::Slept,
            changed = signal.changed(), if listening => match changed {
                Ok(()) if *signal.borrow_and_update() == Signal::Stop => return Waited::Stopped,
                Ok(()) => {}
                // The handle is gone without a stop (detached): just sleep.
                Err(_) => listening = false,
            },
        }
    }
}
