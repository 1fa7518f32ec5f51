//! The decisions of a payment workflow, as a pure state machine: it is told what each call produced
//! and answers with the next step. No I/O, no clock — the async driver in `run.rs` does the waiting
//! and the calling, so every rule here is tested by feeding it answers.
//!
//! The rules (Alipay's 当面付 quick start and the alipay.trade.cancel 集成流程):
//! * barcode `10000` → paid. `10003` → query every `query_interval` until paid or closed; when the
//!   queries (or the deadline) run out with the trade still `WAIT_BUYER_PAY`, cancel at once.
//! * `20000` or no answer → query, then cancel unless paid. A verified `40004` → failed, no cancel.
//! * QR: `ACQ.TRADE_NOT_EXIST` on query means "not scanned yet" while the code is on screen.
//! * A signature failure is never read as "not paid": it is an unknown, and the truth comes from
//!   verified queries. When nothing verifies at all, the workflow stops with a configuration error
//!   instead of cancelling blindly.
//! * Cancel: `retry_flag=Y` or a lost answer → retry, `cancel_attempts` times; then one last query.
//! * "Not paid" only when it is certain no payment can still arrive: a cancel that closed the trade, a
//!   query that shows it closed, or — for a trade never seen — its own expiry passed (`expiry.rs`).
//!   A pay request held up on the way could otherwise land after a "not created".

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use super::heard::{Credibility, Heard, learn_trade_no};
use super::outcome::{CancelCause, History, NotPaidReason, PaidEvidence, PaymentOutcome, PaymentStatus};
use super::policy::PollPolicy;
use crate::error::Error;
use crate::trade::{TradeCancelResponse, TradePayResponse, TradePrecreateResponse, TradeQueryResponse, TradeStatus};

const TRADE_NOT_EXIST: &str = "ACQ.TRADE_NOT_EXIST";
const TRADE_HAS_SUCCESS: &str = "ACQ.TRADE_HAS_SUCCESS";

/// Barcode or QR.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Flow {
    /// `alipay.trade.pay`: the buyer showed a payment code.
    Barcode,
    /// `alipay.trade.precreate`: the buyer scans our code.
    Qr,
}

/// Why a query is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum QueryPurpose {
    /// Polling while the buyer may pay: query `n` of `of`.
    Poll { n: u32, of: u32 },
    /// One last look after the cancels' outcome stayed unknown.
    Confirm,
}

/// The next thing to do.
#[derive(Debug)]
pub(crate) enum Step {
    /// Wait `after`, then query.
    Query { after: Duration, purpose: QueryPurpose },
    /// Wait `after`, then send cancel attempt `attempt` of `of`.
    Cancel { after: Duration, attempt: u32, of: u32, cause: CancelCause },
    /// The truth is known.
    Finish(PaymentOutcome),
    /// Nothing verified: stop without cancelling.
    GiveUp(Error),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Submitting,
    Polling,
    Cancelling,
    Confirming,
    Done,
}

/// One payment workflow's state.
#[derive(Debug)]
pub(crate) struct PaymentMachine {
    policy: PollPolicy,
    flow: Flow,
    key: String,
    out_trade_no: String,
    trade_no: Option<String>,
    /// Someone may still pay: the barcode was submitted, or the QR code is on screen.
    buyer_can_pay: bool,
    phase: Phase,
    history: History,
    credibility: Credibility,
    last_status: Option<TradeStatus>,
    last_error: Option<Arc<Error>>,
    /// Why we are polling (and would cancel when it runs out).
    cause: CancelCause,
    stop_requested: bool,
    /// When a trade never seen can be settled "not created" (its expiry and the margin).
    settle_after: Option<SystemTime>,
    /// The time of the latest call's result, as the driver observed it.
    now: Option<SystemTime>,
}

impl PaymentMachine {
    /// A workflow about to submit its payment.
    pub(crate) fn new(flow: Flow, policy: PollPolicy, key: String, out_trade_no: String) -> Self {
        Self {
            policy,
            flow,
            key,
            out_trade_no,
            trade_no: None,
            buyer_can_pay: false,
            phase: Phase::Submitting,
            history: History::default(),
            credibility: Credibility::default(),
            last_status: None,
            last_error: None,
            cause: CancelCause::BuyerTimeout,
            stop_requested: false,
            settle_after: None,
            now: None,
        }
    }

    /// The trade expires at `time_expire` (as sent): once it (and the margin) has passed, a trade never
    /// seen is "not created". Without one, such a trade stays unknown.
    pub(crate) fn expiring(mut self, time_expire: Option<&str>) -> Self {
        self.settle_after = super::expiry::settle_after(time_expire);
        self
    }

    /// The driver tells the time before each result it feeds in.
    pub(crate) fn observe(&mut self, now: SystemTime) {
        self.now = Some(now);
    }

    /// `true` while a payment request still on its way could create the trade.
    fn may_still_arrive(&self) -> bool {
        match (self.settle_after, self.now) {
            (Some(after), Some(now)) => now < after,
            _ => true,
        }
    }

    /// A workflow found unfinished after a crash: nobody is at the counter any more, so a trade still
    /// waiting is cancelled at once; query first, so a paid trade is reported paid, not refunded.
    pub(crate) fn recovering(
        flow: Flow,
        policy: PollPolicy,
        key: String,
        out_trade_no: String,
        trade_no: Option<String>,
    ) -> (Self, Step) {
        let mut m = Self::new(flow, policy, key, out_trade_no);
        m.trade_no = trade_no;
        m.phase = Phase::Polling;
        m.cause = CancelCause::Recovered;
        let of = m.policy.max_queries.max(1);
        (m, Step::Query { after: Duration::ZERO, purpose: QueryPurpose::Poll { n: 1, of } })
    }

    /// The trade number learned so far.
    pub(crate) fn trade_no(&self) -> Option<&str> {
        self.trade_no.as_deref()
    }

    /// The caller asked to stop waiting. While polling, the answer is "cancel now"; otherwise the
    /// request is remembered and honoured at the next decision.
    pub(crate) fn request_stop(&mut self) -> Option<Step> {
        self.stop_requested = true;
        (self.phase == Phase::Polling).then(|| self.cancel(CancelCause::Requested))
    }

    /// The answer to `alipay.trade.pay`.
    pub(crate) fn on_pay(&mut self, heard: Heard<TradePayResponse>, elapsed: Duration) -> Step {
        self.credibility.note(&heard);
        match heard {
            Heard::Answer(r) => {
                learn_trade_no(&mut self.trade_no, r.trade_no.as_deref());
                if r.is_paid() {
                    return self.finish(PaymentStatus::Paid(PaidEvidence::Pay(Box::new(r))));
                }
                self.buyer_can_pay = true;
                self.poll(elapsed, CancelCause::BuyerTimeout)
            }
            Heard::Refused(g) if g.sub_code.as_deref() == Some(TRADE_HAS_SUCCESS) => {
                // "already paid": believe it only from a query.
                self.last_error = Some(Arc::new(g.into()));
                self.poll(elapsed, CancelCause::OutcomeUnknown)
            }
            Heard::Refused(g) => self.finish(PaymentStatus::NotPaid(NotPaidReason::Failed(g))),
            Heard::NotSent(e) => self.finish(PaymentStatus::NotPaid(NotPaidReason::NotSent(Arc::new(e)))),
            Heard::Unknown(e) | Heard::Unverified(e) => {
                self.last_error = Some(Arc::new(e));
                self.buyer_can_pay = true;
                self.poll(elapsed, CancelCause::OutcomeUnknown)
            }
        }
    }

    /// The answer to `alipay.trade.precreate`. On success the caller shows the QR code.
    pub(crate) fn on_precreate(&mut self, heard: Heard<TradePrecreateResponse>, elapsed: Duration) -> Step {
        self.credibility.note(&heard);
        match heard {
            Heard::Answer(_) => {
                self.buyer_can_pay = true;
                self.poll(elapsed, CancelCause::BuyerTimeout)
            }
            Heard::Refused(g) => self.finish(PaymentStatus::NotPaid(NotPaidReason::Failed(g))),
            Heard::NotSent(e) => self.finish(PaymentStatus::NotPaid(NotPaidReason::NotSent(Arc::new(e)))),
            Heard::Unknown(e) | Heard::Unverified(e) => {
                // A trade may exist, but its code was never shown: find out, then cancel it.
                self.last_error = Some(Arc::new(e));
                self.poll(elapsed, CancelCause::OutcomeUnknown)
            }
        }
    }

    /// The answer to `alipay.trade.query`.
    pub(crate) fn on_query(&mut self, heard: Heard<TradeQueryResponse>, elapsed: Duration) -> Step {
        self.credibility.note(&heard);
        self.history.queries += 1;
        let confirming = self.phase == Phase::Confirming;
        match heard {
            Heard::Answer(r) => {
                learn_trade_no(&mut self.trade_no, r.trade_no.as_deref());
                self.last_status = r.trade_status.clone();
                if r.is_paid() {
                    return self.finish(PaymentStatus::Paid(PaidEvidence::Query(Box::new(r))));
                }
                if r.trade_status == Some(TradeStatus::TradeClosed) {
                    return self.finish(PaymentStatus::NotPaid(NotPaidReason::Closed));
                }
                if confirming {
                    return self.unknown();
                }
                // Waiting (or a state we do not know): nobody left to pay → cancel now.
                if !self.buyer_can_pay {
                    return self.cancel(self.cause);
                }
                self.poll(elapsed, self.cause)
            }
            Heard::Refused(g) if g.sub_code.as_deref() == Some(TRADE_NOT_EXIST) => {
                let qr_on_screen = self.flow == Flow::Qr && self.buyer_can_pay;
                self.last_error = Some(Arc::new(g.into()));
                match (confirming, qr_on_screen) {
                    // After our cancels, no trade: none will ever be paid once the trade's own expiry
                    // has passed (until then a held-up request could still create it; a QR code could
                    // still be scanned).
                    (true, false) if !self.may_still_arrive() => {
                        self.finish(PaymentStatus::NotPaid(NotPaidReason::NotCreated))
                    }
                    (true, _) => self.unknown(),
                    // Not scanned yet: keep waiting.
                    (false, true) => self.poll(elapsed, self.cause),
                    // No trade behind a lost payment: make sure none appears.
                    (false, false) => self.cancel(self.cause),
                }
            }
            Heard::Refused(g) => {
                self.last_error = Some(Arc::new(g.into()));
                if confirming { self.unknown() } else { self.poll(elapsed, self.cause) }
            }
            Heard::Unknown(e) | Heard::Unverified(e) | Heard::NotSent(e) => {
                self.last_error = Some(Arc::new(e));
                if confirming { self.unknown() } else { self.poll(elapsed, self.cause) }
            }
        }
    }

    /// The answer to `alipay.trade.cancel`.
    pub(crate) fn on_cancel(&mut self, heard: Heard<TradeCancelResponse>) -> Step {
        self.credibility.note(&heard);
        self.history.cancel_attempts += 1;
        match heard {
            Heard::Answer(r) => {
                learn_trade_no(&mut self.trade_no, r.trade_no.as_deref());
                if r.retry_flag == Some(true) {
                    return self.retry_cancel();
                }
                match r.action {
                    Some(action) => {
                        self.finish(PaymentStatus::NotPaid(NotPaidReason::Cancelled { action, cause: self.cause }))
                    }
                    // Nothing to cancel: no trade yet. "Not created" holds only once none can appear.
                    None if !self.may_still_arrive() => self.finish(PaymentStatus::NotPaid(NotPaidReason::NotCreated)),
                    None => self.confirm(),
                }
            }
            // Refused (too late to cancel, already finished…): look at the trade instead.
            Heard::Refused(g) => {
                self.last_error = Some(Arc::new(g.into()));
                self.confirm()
            }
            Heard::Unknown(e) | Heard::Unverified(e) | Heard::NotSent(e) => {
                self.last_error = Some(Arc::new(e));
                self.retry_cancel()
            }
        }
    }

    /// Schedules the next poll, or cancels when the budget (or the caller) says stop.
    fn poll(&mut self, elapsed: Duration, cause: CancelCause) -> Step {
        self.phase = Phase::Polling;
        self.cause = cause;
        if self.stop_requested {
            return self.cancel(CancelCause::Requested);
        }
        let of = self.policy.max_queries;
        let next_at = elapsed.saturating_add(self.policy.query_interval);
        let past_deadline = self.policy.deadline.is_some_and(|d| next_at > d);
        if self.history.queries >= of || past_deadline {
            return self.out_of_time(cause);
        }
        Step::Query {
            after: self.policy.query_interval,
            purpose: QueryPurpose::Poll { n: self.history.queries + 1, of },
        }
    }

    fn out_of_time(&mut self, cause: CancelCause) -> Step {
        if self.credibility.nothing_verifies() {
            return self.give_up();
        }
        self.cancel(cause)
    }

    fn cancel(&mut self, cause: CancelCause) -> Step {
        self.phase = Phase::Cancelling;
        self.cause = cause;
        Step::Cancel { after: Duration::ZERO, attempt: 1, of: self.policy.cancel_attempts.max(1), cause }
    }

    fn retry_cancel(&mut self) -> Step {
        let of = self.policy.cancel_attempts.max(1);
        if self.history.cancel_attempts < of {
            return Step::Cancel {
                after: self.policy.cancel_interval,
                attempt: self.history.cancel_attempts + 1,
                of,
                cause: self.cause,
            };
        }
        self.confirm()
    }

    fn confirm(&mut self) -> Step {
        self.phase = Phase::Confirming;
        Step::Query { after: self.policy.cancel_interval, purpose: QueryPurpose::Confirm }
    }

    fn unknown(&mut self) -> Step {
        if self.credibility.nothing_verifies() {
            return self.give_up();
        }
        let status = PaymentStatus::Unknown { last_known: self.last_status.clone(), error: self.last_error.clone() };
        self.finish(status)
    }

    fn give_up(&mut self) -> Step {
        self.phase = Phase::Done;
        Step::GiveUp(self.credibility.unverifiable(&self.key))
    }

    fn finish(&mut self, status: PaymentStatus) -> Step {
        self.phase = Phase::Done;
        Step::Finish(PaymentOutcome {
            out_trade_no: self.out_trade_no.clone(),
            trade_no: self.trade_no.clone(),
            status,
            history: History { unverified_answers: self.credibility.unverified(), ..self.history },
        })
    }
}

#[cfg(test)]
#[path = "payment_tests.rs"]
mod tests;
