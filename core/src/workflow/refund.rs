//! The decisions of a refund workflow, as a pure state machine (see `payment.rs` for the pattern).
//!
//! The rules (Alipay's 当面付 quick start): a refund is identified by its `out_request_no`, so every retry
//! sends the very same request. `fund_change=Y` proves this call moved the money. `fund_change=N`, a
//! lost answer or an unverifiable one are confirmed with `alipay.trade.fastpay.refund.query`:
//! `REFUND_SUCCESS` means done; no status means Alipay has not got it, so it is sent again — never
//! under a new number, so never twice.

use std::sync::Arc;
use std::time::Duration;

use super::heard::{Credibility, Heard, learn_trade_no};
use super::outcome::{RefundEvidence, RefundHistory, RefundOutcome, RefundResult};
use super::policy::RefundPolicy;
use crate::error::Error;
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
    credibility: Credibility,
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
            credibility: Credibility::default(),
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
        self.credibility.note(&heard);
        self.history.attempts += 1;
        match heard {
            Heard::Answer(r) => {
                learn_trade_no(&mut self.trade_no, r.trade_no.as_deref());
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
        self.credibility.note(&heard);
        self.history.queries += 1;
        match heard {
            Heard::Answer(r) if r.is_refunded() => {
                learn_trade_no(&mut self.trade_no, r.trade_no.as_deref());
                self.finish(RefundResult::Refunded(RefundEvidence::Query(Box::new(r))))
            }
            // Verified: Alipay has no such refund. Sending it again is safe (same number).
            Heard::Answer(r) => {
                learn_trade_no(&mut self.trade_no, r.trade_no.as_deref());
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
        if !self.maybe_applied && !self.credibility.verified_any() {
            // Every attempt failed to connect: nothing can have been refunded.
            let error = self.last_error.clone().unwrap_or_else(|| Arc::new(Error::Internal("no attempt made".into())));
            return self.finish(RefundResult::NotSent(error));
        }
        self.unknown()
    }

    fn unknown(&mut self) -> RefundStep {
        if self.credibility.nothing_verifies() {
            return RefundStep::GiveUp(self.credibility.unverifiable(&self.key));
        }
        self.finish(RefundResult::Unknown { error: self.last_error.clone() })
    }

    fn finish(&mut self, status: RefundResult) -> RefundStep {
        RefundStep::Finish(RefundOutcome {
            out_trade_no: self.out_trade_no.clone(),
            trade_no: self.trade_no.clone(),
            out_request_no: self.out_request_no.clone(),
            status,
            history: RefundHistory { unverified_answers: self.credibility.unverified(), ..self.history },
        })
    }
}

#[cfg(test)]
mod tests {
    use serde::de::DeserializeOwned;
    use serde_json::json;

    use super::*;
    use crate::error::{GatewayError, TransportError, TransportErrorKind};

    fn parse<T: DeserializeOwned>(v: serde_json::Value) -> T {
        serde_json::from_value(v).expect("test answer")
    }

    fn refund(fund_change: &str) -> Heard<TradeRefundResponse> {
        Heard::Answer(parse(
            json!({"code": "10000", "msg": "Success", "fund_change": fund_change, "refund_fee": "1.00"}),
        ))
    }

    fn query(refunded: bool) -> Heard<TradeFastpayRefundQueryResponse> {
        let mut v = json!({"code": "10000", "msg": "Success", "out_request_no": "R1"});
        if refunded {
            v["refund_status"] = json!("REFUND_SUCCESS");
        }
        Heard::Answer(parse(v))
    }

    fn lost<T>() -> Heard<T> {
        Heard::Unknown(TransportError::outcome_unknown(TransportErrorKind::Io, "connection reset").into())
    }

    fn refused<T>(sub_code: &str) -> Heard<T> {
        Heard::Refused(GatewayError::v2(
            "alipay.trade.refund",
            "40004",
            "Business Failed",
            Some(sub_code.into()),
            None,
            true,
        ))
    }

    fn machine() -> RefundMachine {
        RefundMachine::new(RefundPolicy::default(), "refund:T1:R1".into(), Some("T1".into()), None, "R1".into()).0
    }

    #[track_caller]
    fn outcome(step: RefundStep) -> RefundOutcome {
        match step {
            RefundStep::Finish(o) => o,
            other => panic!("expected an outcome, got {other:?}"),
        }
    }

    #[test]
    fn fund_change_y_is_proof_enough() {
        let o = outcome(machine().on_refund(refund("Y")));
        assert!(matches!(o.status, RefundResult::Refunded(RefundEvidence::Refund(_))));
        assert_eq!((o.history.attempts, o.history.queries), (1, 0));
    }

    #[test]
    fn fund_change_n_is_confirmed_by_the_refund_query() {
        let mut m = machine();
        assert!(matches!(m.on_refund(refund("N")), RefundStep::Confirm { .. }));
        let o = outcome(m.on_query(query(true)));
        assert!(matches!(o.status, RefundResult::Refunded(RefundEvidence::Query(_))));
    }

    #[test]
    fn a_lost_refund_is_queried_then_resent_under_the_same_number() {
        let mut m = machine();
        assert!(matches!(m.on_refund(lost()), RefundStep::Confirm { .. }));
        // Alipay never got it: send it again (the driver re-sends the journaled request as is).
        assert!(matches!(m.on_query(query(false)), RefundStep::Send { attempt: 2, .. }));
        let o = outcome(m.on_refund(refund("Y")));
        assert_eq!(o.out_request_no, "R1");
        assert_eq!(o.history.attempts, 2);
    }

    #[test]
    fn a_first_refusal_is_final_but_one_after_a_lost_attempt_is_checked() {
        let o = outcome(machine().on_refund(refused("ACQ.TRADE_HAS_CLOSE")));
        assert!(matches!(o.status, RefundResult::Rejected(_)));

        let mut m = machine();
        let _ = m.on_refund(lost());
        let _ = m.on_query(query(false));
        assert!(matches!(m.on_refund(refused("ACQ.TRADE_HAS_CLOSE")), RefundStep::Confirm { .. }));
        assert!(outcome(m.on_query(query(true))).is_refunded());
    }

    #[test]
    fn unknown_only_after_every_attempt_and_query() {
        let mut m = machine();
        let mut step = m.on_refund(lost());
        let mut sends = 1;
        loop {
            step = match step {
                RefundStep::Confirm { .. } => m.on_query(lost()),
                RefundStep::Send { .. } => {
                    sends += 1;
                    m.on_refund(lost())
                }
                RefundStep::Finish(o) => {
                    assert!(matches!(o.status, RefundResult::Unknown { .. }));
                    break;
                }
                RefundStep::GiveUp(e) => panic!("{e}"),
            };
        }
        assert_eq!(sends, 1, "a query that never answers never licenses a resend");
        assert_eq!(m.history.queries, RefundPolicy::default().confirm_queries);
    }

    #[test]
    fn never_reaching_alipay_is_not_sent_not_unknown() {
        let mut m = machine();
        let not_sent = || Heard::NotSent(TransportError::not_sent(TransportErrorKind::Connect, "refused").into());
        assert!(matches!(m.on_refund(not_sent()), RefundStep::Send { attempt: 2, .. }));
        assert!(matches!(m.on_refund(not_sent()), RefundStep::Send { attempt: 3, .. }));
        assert!(matches!(outcome(m.on_refund(not_sent())).status, RefundResult::NotSent(_)));
    }
}
