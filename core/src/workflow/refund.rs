//! The decisions of a refund workflow, as a pure state machine (see `payment.rs` for the pattern).
//!
//! The rules (seed 003, PROTOCOL §9): a refund is identified by its `out_request_no`, so every retry
//! sends the very same request. `fund_change=Y` proves this call moved the money. `fund_change=N`, a
//! lost answer or an unverifiable one are confirmed with `alipay.trade.fastpay.refund.query`:
//! `REFUND_SUCCESS` means done; no status means Alipay has not got it, so it is sent again — never
//! under a new number, so never twice.

use std::sync::Arc;
use std::time::Duration;

use super::heard::Heard;
use super::outcome::{RefundEvidence, RefundHistory, RefundOutcome, RefundResult};
use super::policy::RefundPolicy;
use crate::error::{ConfigError, Error};
use crate::trade::{TradeFastpayRefundQueryResponse, TradeRefundResponse};

/// The next thing to do.
#[derive(Debug)]
pub(crate) enum RefundStep {
    /// Wait `after`, then send the refund (attempt `attempt`, from 1).
    Send { after: Duration, attempt: u32 },
    /// Wait `after`, then query the refund.
    Confirm { after: Duration },
    /// The truth is known (or the budget is spent).
    Finish(RefundOutcome),
    /// Nothing verified: stop.
    GiveUp(Error),
}

/// One refund workflow's state.
#[derive(Debug)]
pub(crate) struct RefundMachine {
    policy: RefundPolicy,
    key: String,
    out_trade_no: Option<String>,
    trade_no: Option<String>,
    out_request_no: String,
    history: RefundHistory,
    verified_any: bool,
    /// An attempt may have been applied without our knowing.
    maybe_applied: bool,
    last_error: Option<Arc<Error>>,
}

impl RefundMachine {
    /// A refund about to be sent (or re-sent by recovery: the first step is the same).
    pub(crate) fn new(
        policy: RefundPolicy,
        key: String,
        out_trade_no: Option<String>,
        trade_no: Option<String>,
        out_request_no: String,
    ) -> (Self, RefundStep) {
        let m = Self {
            policy,
            key,
            out_trade_no,
            trade_no,
            out_request_no,
            history: RefundHistory::default(),
            verified_any: false,
            maybe_applied: false,
            last_error: None,
        };
        (m, RefundStep::Send { after: Duration::ZERO, attempt: 1 })
    }

    /// The trade number learned so far.
    pub(crate) fn trade_no(&self) -> Option<&str> {
        self.trade_no.as_deref()
    }

    /// The answer to `alipay.trade.refund`.
    pub(crate) fn on_refund(&mut self, heard: Heard<TradeRefundResponse>) -> RefundStep {
        self.note(&heard);
        self.history.attempts += 1;
        match heard {
            Heard::Answer(r) => {
                self.learn_trade_no(r.trade_no.as_deref());
                if r.fund_change == Some(true) {
                    return self.finish(RefundResult::Refunded(RefundEvidence::Refund(Box::new(r))));
                }
                // A repeat, or still in progress: only the refund query can say.
                self.maybe_applied = true;
                RefundStep::Confirm { after: Duration::ZERO }
            }
            // A refusal after an attempt that may have landed could be about that landing (the trade
            // is now closed by it): look before concluding.
            Heard::Refused(g) if self.maybe_applied => {
                self.last_error = Some(Arc::new(g.into()));
                RefundStep::Confirm { after: Duration::ZERO }
            }
            Heard::Refused(g) => self.finish(RefundResult::Rejected(g)),
            Heard::NotSent(e) => {
                self.last_error = Some(Arc::new(e));
                self.resend()
            }
            Heard::Unknown(e) | Heard::Unverified(e) => {
                self.last_error = Some(Arc::new(e));
                self.maybe_applied = true;
                RefundStep::Confirm { after: self.policy.interval }
            }
        }
    }

    /// The answer to `alipay.trade.fastpay.refund.query`.
    pub(crate) fn on_query(&mut self, heard: Heard<TradeFastpayRefundQueryResponse>) -> RefundStep {
        self.note(&heard);
        self.history.queries += 1;
        match heard {
            Heard::Answer(r) if r.is_refunded() => {
                self.learn_trade_no(r.trade_no.as_deref());
                self.finish(RefundResult::Refunded(RefundEvidence::Query(Box::new(r))))
            }
            // Verified: Alipay has no such refund. Sending it again is safe (same number).
            Heard::Answer(r) => {
                self.learn_trade_no(r.trade_no.as_deref());
                self.resend()
            }
            Heard::Refused(g) => {
                self.last_error = Some(Arc::new(g.into()));
                self.resend()
            }
            Heard::Unknown(e) | Heard::Unverified(e) | Heard::NotSent(e) => {
                self.last_error = Some(Arc::new(e));
                if self.history.queries < self.policy.confirm_queries.max(1) {
                    RefundStep::Confirm { after: self.policy.interval }
                } else {
                    self.unknown()
                }
            }
        }
    }

    fn resend(&mut self) -> RefundStep {
        if self.history.attempts < self.policy.attempts.max(1) {
            return RefundStep::Send { after: self.policy.interval, attempt: self.history.attempts + 1 };
        }
        if !self.maybe_applied && !self.verified_any {
            // Every attempt failed to connect: nothing can have been refunded.
            let error = self.last_error.clone().unwrap_or_else(|| Arc::new(Error::Internal("no attempt made".into())));
            return self.finish(RefundResult::NotSent(error));
        }
        self.unknown()
    }

    fn unknown(&mut self) -> RefundStep {
        if !self.verified_any && self.history.unverified_answers > 0 {
            return RefundStep::GiveUp(
                ConfigError::Unverifiable { workflow: self.key.clone(), answers: self.history.unverified_answers }
                    .into(),
            );
        }
        self.finish(RefundResult::Unknown { error: self.last_error.clone() })
    }

    fn note<T>(&mut self, heard: &Heard<T>) {
        if heard.verified() {
            self.verified_any = true;
        } else if matches!(heard, Heard::Unverified(_)) {
            self.history.unverified_answers += 1;
        }
    }

    fn learn_trade_no(&mut self, trade_no: Option<&str>) {
        if let Some(t) = trade_no.filter(|t| !t.is_empty()) {
            self.trade_no = Some(t.to_string());
        }
    }

    fn finish(&mut self, status: RefundResult) -> RefundStep {
        RefundStep::Finish(RefundOutcome {
            out_trade_no: self.out_trade_no.clone(),
            trade_no: self.trade_no.clone(),
            out_request_no: self.out_request_no.clone(),
            status,
            history: self.history,
        })
    }
}
