//! Recovery: after a crash, every workflow the journal shows unfinished is driven to a truthful end.
//! Payments are queried, then cancelled unless paid (nobody is at the counter any more); refunds are
//! re-sent with their journaled request — the same `out_request_no` — and confirmed.

use std::sync::Arc;

use tokio::sync::{Semaphore, watch};
use tokio::task::JoinSet;

use super::event::Outcome;
use super::handle::Signal;
use super::payment::{Flow, PaymentMachine};
use super::refund::RefundMachine;
use super::run::{Order, Submission, biz_field, run_payment, run_refund};
use super::workflows::{Workflows, refund_query, runtime};
use crate::client::CallOptions;
use crate::error::{ConfigError, Error};
use crate::journal::{EntryState, EntryUpdate, JournalEntry, JournalError, WorkflowKind};

/// How many workflows are recovered at once.
const PARALLEL: usize = 16;

/// What [`Workflows::recover`] did.
#[derive(Debug, Default)]
#[non_exhaustive]
pub struct RecoveryReport {
    /// Each workflow recovered, in no particular order.
    pub recovered: Vec<Recovered>,
}

/// One recovered workflow.
#[derive(Debug)]
#[non_exhaustive]
pub struct Recovered {
    /// The journal entry as it was found.
    pub entry: JournalEntry,
    /// Its outcome now — or why it could not be established (it then stays in the journal).
    pub result: Result<Outcome, Error>,
}

impl Workflows {
    /// Drives every unfinished workflow in the journal to its end: call it at startup, before taking
    /// new payments, and then now and again (every few minutes): a payment nobody has seen is settled
    /// "not created" only once its own expiry has passed (see [`super::SETTLE_MARGIN`]), so until then
    /// it stays unresolved and a later call settles it.
    ///
    /// Any number of processes may share the journal and recover at once: each workflow is taken over
    /// by exactly one ([`crate::journal::TradeJournal::take_over`]), and only when nobody else can be
    /// running it — workflows running in this process, or in another live one, are left alone.
    ///
    /// # Errors
    /// [`Error::Journal`] when the journal cannot be read; [`crate::error::ConfigError::NoRuntime`].
    /// A workflow that cannot be finished is reported in its [`Recovered::result`], not as an error.
    pub async fn recover(&self) -> Result<RecoveryReport, Error> {
        self.recover_with_tokens::<&str>(&[]).await
    }

    /// [`Workflows::recover`] for an ISV: the journal keeps only a fingerprint of each workflow's
    /// `app_auth_token` (a credential), so give recovery the merchants' current tokens; each workflow is
    /// resumed with the one it ran with. A workflow whose token is not among them stays open and is
    /// reported with [`crate::error::ConfigError::AppAuthTokenNeeded`].
    ///
    /// # Errors
    /// As [`Workflows::recover`].
    pub async fn recover_with_tokens<S: AsRef<str>>(&self, app_auth_tokens: &[S]) -> Result<RecoveryReport, Error> {
        let tokens: Arc<Vec<(String, String)>> = Arc::new(
            app_auth_tokens
                .iter()
                .map(|t| (crate::journal::token_fingerprint(t.as_ref()), t.as_ref().to_string()))
                .collect(),
        );
        let runtime = runtime()?;
        let entries = self.journal.take_over().await?;
        crate::observe::recovering(entries.len());
        let limit = Arc::new(Semaphore::new(PARALLEL));
        let mut tasks = JoinSet::new();
        for entry in entries {
            // Running in this process: its own task will finish it.
            let Ok(running) = self.claim(&entry.key) else { continue };
            let (workflows, limit, tokens) = (self.clone(), Arc::clone(&limit), Arc::clone(&tokens));
            tasks.spawn_on(
                async move {
                    let _permit = limit.acquire_owned().await;
                    let _running = running;
                    // It may have finished between the listing and the claim.
                    match workflows.journal.entry(&entry.key).await {
                        Ok(Some(now)) if !now.state.is_unfinished() => None,
                        _ => {
                            let span = crate::observe::workflow_span(&entry.key, entry.kind, true);
                            let result = tracing::Instrument::instrument(workflows.drive(&entry, &tokens), span).await;
                            crate::observe::recovered(&entry.key, entry.kind, &result);
                            if result.is_err() {
                                // Not finished here (no token, no verified answer): let any instance try
                                // again. A workflow that already ended this way, or was taken over, is
                                // no longer this instance's to release, and refuses.
                                let release =
                                    EntryUpdate { state: Some(EntryState::Unresolved), ..EntryUpdate::default() };
                                let _ = workflows.journal.update(&entry.key, release).await;
                            }
                            Some(Recovered { entry, result })
                        }
                    }
                },
                &runtime,
            );
        }
        let mut report = RecoveryReport::default();
        while let Some(done) = tasks.join_next().await {
            match done {
                Ok(Some(recovered)) => report.recovered.push(recovered),
                Ok(None) => {}
                Err(e) => return Err(Error::Internal(format!("a recovery task failed: {e}"))),
            }
        }
        Ok(report)
    }

    /// Drives one journaled workflow to its end.
    async fn drive(&self, entry: &JournalEntry, tokens: &[(String, String)]) -> Result<Outcome, Error> {
        let client = match &entry.app_auth_token_id {
            Some(id) => {
                let token = tokens.iter().find(|(known, _)| known == id).map(|(_, token)| token).ok_or_else(|| {
                    ConfigError::AppAuthTokenNeeded { workflow: entry.key.clone(), token_id: id.clone() }
                })?;
                self.client.with_options(CallOptions::new().app_auth_token(token))
            }
            None => self.client.clone(),
        };
        let ctx = self.context(entry.key.clone(), None, client);
        let corrupt = |what: &str| JournalError::Corrupt { key: entry.key.clone(), message: format!("no {what}") };
        match entry.kind {
            WorkflowKind::Pay | WorkflowKind::Precreate => {
                let out_trade_no = entry.out_trade_no.clone().ok_or_else(|| corrupt("out_trade_no"))?;
                let (flow, policy) = match entry.kind {
                    WorkflowKind::Pay => (Flow::Barcode, self.barcode.clone()),
                    _ => (Flow::Qr, self.qr.clone()),
                };
                let (machine, step) = PaymentMachine::recovering(
                    flow,
                    policy,
                    entry.key.clone(),
                    out_trade_no.clone(),
                    entry.trade_no.clone(),
                );
                let machine = machine.expiring(biz_field(&entry.biz_content, "time_expire").as_deref());
                // Nobody can ask a recovery to stop early: it is the cancel path already.
                let (_signal, signal_rx) = watch::channel(Signal::Run);
                let order = Order::of_request(out_trade_no, &entry.biz_content);
                let outcome = run_payment(ctx, machine, Submission::Recover(step), signal_rx, order).await?;
                Ok(Outcome::Payment(outcome))
            }
            WorkflowKind::Refund => {
                let out_request_no = entry.out_request_no.clone().ok_or_else(|| corrupt("out_request_no"))?;
                let query = refund_query(entry.out_trade_no.as_deref(), entry.trade_no.as_deref(), &out_request_no);
                let (machine, step) = RefundMachine::new(
                    self.refund.clone(),
                    entry.key.clone(),
                    entry.out_trade_no.clone(),
                    entry.trade_no.clone(),
                    out_request_no,
                );
                let outcome = run_refund(ctx, machine, step, entry.biz_content.clone(), query).await?;
                Ok(Outcome::Refund(outcome))
            }
        }
    }
}
