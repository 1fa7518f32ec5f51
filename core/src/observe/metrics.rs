//! What an operator alerts on, through the [`metrics`](https://docs.rs/metrics) facade (feature
//! `metrics`): the app installs a recorder — `metrics-exporter-prometheus`, or its own — and the core
//! reports to it. The core runs no server. Without the feature, or without a recorder, nothing is
//! counted.
//!
//! | Name | Kind | Labels | Alert on |
//! |---|---|---|---|
//! | [`CALLS`] | counter | `method`, `verdict` | a rise of `forged`, `mismatched_request`, `unsigned_error` or `transport_failure` |
//! | [`CALL_DURATION`] | histogram (seconds) | `method`, `verdict` | a slow gateway |
//! | [`WORKFLOWS_SETTLED`] | counter | `workflow`, `status`, `known` | any `known="false"`: an outcome nobody knows yet (run `recover()`) |
//! | [`WORKFLOWS_STOPPED`] | counter | `workflow` | any: a workflow stopped with an error and stays open in the journal |
//!
//! `verdict` is the call span's (`verified`, `unsigned_error`, `forged`, `mismatched_request`,
//! `transport_failure`, `decode_failure`, `not_sent`); `workflow` is `payment` or `refund`;
//! `status` is the outcome's (`paid`, `not_paid`, `unknown`; `refunded`, `rejected`, `not_sent`,
//! `unknown`).

use std::time::Duration;

/// Gateway calls, by `method` and `verdict`.
pub const CALLS: &str = "alipay_calls_total";
/// How long each gateway call took, in seconds, by `method` and `verdict`.
pub const CALL_DURATION: &str = "alipay_call_duration_seconds";
/// Workflows that reached an outcome, by `workflow`, `status` and `known`.
pub const WORKFLOWS_SETTLED: &str = "alipay_workflows_settled_total";
/// Workflows that stopped with an error, without an outcome, by `workflow`.
pub const WORKFLOWS_STOPPED: &str = "alipay_workflows_stopped_total";

/// Counts one call and records its latency.
#[cfg(feature = "metrics")]
pub(crate) fn call(method: &str, verdict: &'static str, elapsed: Duration) {
    let labels = [("method", method.to_string()), ("verdict", verdict.to_string())];
    ::metrics::counter!(CALLS, &labels).increment(1);
    ::metrics::histogram!(CALL_DURATION, &labels).record(elapsed.as_secs_f64());
}

#[cfg(not(feature = "metrics"))]
pub(crate) fn call(_: &str, _: &'static str, _: Duration) {}

/// Counts one workflow outcome.
#[cfg(feature = "metrics")]
pub(crate) fn settled(workflow: &'static str, status: &str, known: bool) {
    ::metrics::counter!(WORKFLOWS_SETTLED, "workflow" => workflow, "status" => status.to_string(), "known" => known.to_string())
        .increment(1);
}

#[cfg(not(feature = "metrics"))]
pub(crate) fn settled(_: &'static str, _: &str, _: bool) {}

/// Counts one workflow that stopped without an outcome.
#[cfg(feature = "metrics")]
pub(crate) fn stopped(workflow: &'static str) {
    ::metrics::counter!(WORKFLOWS_STOPPED, "workflow" => workflow).increment(1);
}

#[cfg(not(feature = "metrics"))]
pub(crate) fn stopped(_: &'static str) {}

/// `payment` or `refund`, from a workflow's journal key (`trade:…` or `refund:…`).
pub(crate) fn workflow_of_key(key: &str) -> &'static str {
    if key.starts_with("refund:") { "refund" } else { "payment" }
}
