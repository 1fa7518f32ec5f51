//! What the core tells a [`tracing`] subscriber — and what it never tells one.
//!
//! * Every gateway call is a span `alipay.call` (target `alipay_core::call`) with the method, the
//!   protocol, the `out_trade_no` / `out_request_no` of its business content, and, once it ended, the
//!   HTTP status, the latency, Alipay's `code` / `sub_code` and `trace_id`, and the verdict: `verified`,
//!   `unsigned_error`, `forged`, `mismatched_request`, `transport_failure`, `decode_failure` or
//!   `not_sent`.
//! * Every workflow runs in a span `alipay.workflow` (target `alipay_core::workflow`: `key`, `workflow`,
//!   `recovering`), which holds its calls' spans and its steps' events.
//! * Every workflow step is an event (target `alipay_core::workflow`): `submitted`, `waiting_for_buyer`
//!   (N of M), `querying`, `cancelling`, `done` with its outcome; `recovering` and, for each workflow
//!   [`crate::workflow::Workflows::recover`] drove, `recovered`.
//! * Never a secret, at any level: no key, no `app_auth_token`, no notification body, no
//!   `biz_content`; an `auth_code` only as [`masked_auth_code`] (its first two digits and its length).
//!
//! With nothing subscribed, each of these costs one check of an atomic (tracing's callsite cache).

pub mod metrics;
#[cfg(feature = "opentelemetry")]
mod otel;
mod record;
#[cfg(feature = "log-sink")]
mod sink;

use std::time::Instant;

use serde_json::Value;
use tracing::field::Empty;

use crate::client::Protocol;
use crate::error::{Error, SignatureError, TransportError};
use crate::response::ResponseNode;
use crate::transport::HttpResponse;
#[cfg(feature = "opentelemetry")]
pub use otel::opentelemetry_layer;
pub use record::{LogLevel, LogRecord};
#[cfg(feature = "log-sink")]
pub use sink::{LogSink, set_log_sink};

/// An `auth_code` as it may be shown: its first two digits (which say which wallet issued it) and its
/// length — `28…(18 digits)` — never the code, which pays.
pub fn masked_auth_code(code: &str) -> String {
    let head: String = code.chars().take(2).collect();
    format!("{head}…({} digits)", code.chars().count())
}

/// One gateway call being observed: its span, and what its end is measured against.
pub(crate) struct ObservedCall<'a> {
    span: tracing::Span,
    method: &'a str,
    started: Instant,
}

impl<'a> ObservedCall<'a> {
    /// Opens the call's span. Its business content is read only for the identifying fields.
    pub(crate) fn start(method: &'a str, protocol: Protocol, biz_content: Option<&str>) -> Self {
        let span = call_span(method, protocol, biz_content);
        #[cfg(feature = "opentelemetry")]
        otel::start_call(&span, method);
        ObservedCall { span, method, started: Instant::now() }
    }

    /// The call's span, to instrument the call with.
    pub(crate) fn span(&self) -> &tracing::Span {
        &self.span
    }

    /// Ends the call: [`record_result`] on its span, and its count and latency in the metrics.
    pub(crate) fn finish(self, result: &Result<ResponseNode, Error>) {
        let elapsed = self.started.elapsed();
        record_result(&self.span, elapsed, result);
        #[cfg(feature = "opentelemetry")]
        otel::end_call(&self.span, result);
        metrics::call(self.method, verdict(result), elapsed);
    }
}

/// The span of one gateway call. Its business content is parsed for the identifying fields only when
/// someone listens.
fn call_span(method: &str, protocol: Protocol, biz_content: Option<&str>) -> tracing::Span {
    let span = tracing::info_span!(
        target: "alipay_core::call",
        "alipay.call",
        method,
        protocol = match protocol {
            Protocol::V2 => "v2",
            Protocol::V3 => "v3",
        },
        out_trade_no = Empty,
        out_request_no = Empty,
        auth_code = Empty,
        http_status = Empty,
        trace_id = Empty,
        latency_ms = Empty,
        code = Empty,
        sub_code = Empty,
        verdict = Empty,
        // Set only for OpenTelemetry (feature `opentelemetry`): other subscribers never see them.
        otel.name = Empty,
        otel.kind = Empty,
        otel.status_description = Empty,
    );
    if !span.is_disabled()
        && let Some(ids) = biz_content.and_then(|b| serde_json::from_str::<Value>(b).ok())
    {
        let id = |name: &str| ids.get(name).and_then(Value::as_str);
        if let Some(no) = id("out_trade_no") {
            span.record("out_trade_no", no);
        }
        if let Some(no) = id("out_request_no") {
            span.record("out_request_no", no);
        }
        if let Some(code) = id("auth_code") {
            span.record("auth_code", masked_auth_code(code));
        }
    }
    span
}

/// Records on the current call span what the HTTP answer says: its status and Alipay's trace id.
pub(crate) fn record_response(response: &HttpResponse) {
    let span = tracing::Span::current();
    span.record("http_status", response.status);
    if let Some(id) = response.header("alipay-trace-id").or_else(|| response.header("trace_id")) {
        span.record("trace_id", id);
    }
}

/// The verdict on a call's result, as the span records it.
fn verdict(result: &Result<ResponseNode, Error>) -> &'static str {
    match result {
        Ok(_) => "verified",
        Err(Error::Gateway(g)) if g.verified => "verified",
        Err(Error::Gateway(_)) => "unsigned_error",
        Err(Error::Signature(SignatureError::NotBound { .. })) => "mismatched_request",
        Err(Error::Signature(_)) => "forged",
        Err(Error::Transport(TransportError { outcome_unknown: false, .. })) => "not_sent",
        Err(Error::Transport(_)) => "transport_failure",
        Err(Error::Decode(_)) => "decode_failure",
        Err(_) => "not_sent",
    }
}

/// Ends a call span: latency, `code` / `sub_code`, `trace_id` of a refusal, and the verdict; one event
/// at `debug` (a success) or `warn` (anything else) says so.
fn record_result(span: &tracing::Span, elapsed: std::time::Duration, result: &Result<ResponseNode, Error>) {
    let latency_ms = u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX);
    let verdict = verdict(result);
    span.record("latency_ms", latency_ms);
    span.record("verdict", verdict);
    match result {
        Ok(node) => {
            if let Some(code) = node.value.get("code").and_then(Value::as_str) {
                span.record("code", code);
            }
            tracing::debug!(target: "alipay_core::call", parent: span, verdict, latency_ms, "answered");
        }
        Err(Error::Gateway(g)) => {
            span.record("code", g.code.as_str());
            if let Some(sub) = &g.sub_code {
                span.record("sub_code", sub.as_str());
            }
            if let Some(id) = &g.trace_id {
                span.record("trace_id", id.as_str());
            }
            tracing::warn!(target: "alipay_core::call", parent: span, verdict, latency_ms, code = %g.code, sub_code = g.sub_code.as_deref(), "refused");
        }
        Err(e) => {
            tracing::warn!(target: "alipay_core::call", parent: span, verdict, latency_ms, kind = e.kind().as_str(), error = %e, "failed");
        }
    }
}

/// The span of one workflow run (`alipay.workflow`, target `alipay_core::workflow`): its `key` and
/// `workflow` (`pay`, `precreate`, `refund`), and whether `recover()` runs it. Its calls are spans
/// within it, and its steps events within it, so that each call is seen with the step (`querying`,
/// `cancel_retry` with its `attempt` …) that made it.
pub(crate) fn workflow_span(key: &str, workflow: crate::journal::WorkflowKind, recovering: bool) -> tracing::Span {
    tracing::info_span!(target: "alipay_core::workflow", "alipay.workflow", key, workflow = workflow.as_str(), recovering)
}

/// One workflow step, as an event of target `alipay_core::workflow` named by [`EventKind::name`].
pub(crate) fn workflow_event(key: &str, kind: &crate::workflow::EventKind) {
    use crate::workflow::EventKind;
    const T: &str = "alipay_core::workflow";
    let event = kind.name();
    match kind {
        EventKind::WaitingForBuyer { query, of } => {
            tracing::info!(target: T, key, event, query, of, "waiting for the buyer before query {query} of {of}")
        }
        EventKind::Cancelling { cause } => tracing::info!(target: T, key, event, cause = cause.as_str(), "cancelling"),
        EventKind::CancelRetry { attempt, of } => {
            tracing::warn!(target: T, key, event, attempt, of, "cancel sent again")
        }
        EventKind::RefundRetry { attempt } => tracing::warn!(target: T, key, event, attempt, "refund sent again"),
        EventKind::JournalFailed { message } => {
            tracing::error!(target: T, key, event, error = %message, "journal failed")
        }
        EventKind::Failed { message } => {
            metrics::stopped(metrics::workflow_of_key(key));
            tracing::warn!(target: T, key, event, error = %message, "stopped without an outcome")
        }
        EventKind::Done(outcome) => {
            let summary = outcome.summary();
            let text = |k: &str| summary.get(k).and_then(Value::as_str).map(str::to_string);
            let workflow = match outcome.as_ref() {
                crate::workflow::Outcome::Payment(_) => "payment",
                crate::workflow::Outcome::Refund(_) => "refund",
            };
            metrics::settled(workflow, text("status").as_deref().unwrap_or("unknown"), outcome.is_known());
            tracing::info!(
                target: T,
                key,
                event,
                status = text("status"),
                reason = text("reason"),
                action = text("action"),
                cause = text("cause"),
                known = outcome.is_known(),
                "settled"
            )
        }
        _ => tracing::info!(target: T, key, event),
    }
}

/// Recovery found `unfinished` workflows to drive to their end (event `recovering`).
pub(crate) fn recovering(unfinished: usize) {
    tracing::info!(target: "alipay_core::workflow", event = "recovering", unfinished, "recovering unfinished workflows");
}

/// One workflow recovery drove (event `recovered`): its outcome, or why it stays in the journal.
pub(crate) fn recovered(
    key: &str,
    kind: crate::journal::WorkflowKind,
    result: &Result<crate::workflow::Outcome, Error>,
) {
    const T: &str = "alipay_core::workflow";
    let (event, kind) = ("recovered", kind.as_str());
    match result {
        Ok(outcome) => {
            let summary = outcome.summary();
            let status = summary.get("status").and_then(Value::as_str).map(str::to_string);
            tracing::info!(target: T, key, event, kind, status, known = outcome.is_known(), "recovered")
        }
        Err(e) => tracing::warn!(
            target: T,
            key,
            event,
            kind,
            known = false,
            error_kind = e.kind().as_str(),
            error = %e,
            "not recovered: it stays in the journal for the next recover()"
        ),
    }
}

/// A v2 request's sign content, or a gateway's message quoting it, with its secrets masked: the
/// `app_auth_token` parameter's value, and an `auth_code` inside `biz_content`.
pub fn redact_sign_content(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("app_auth_token=") {
        let (head, tail) = rest.split_at(at + "app_auth_token=".len());
        out.push_str(head);
        let end = tail.find('&').unwrap_or(tail.len());
        out.push_str("<hidden>");
        rest = &tail[end..];
    }
    out.push_str(rest);
    let mut masked = String::with_capacity(out.len());
    let mut rest = out.as_str();
    while let Some(at) = rest.find("\"auth_code\":\"") {
        let (head, tail) = rest.split_at(at + "\"auth_code\":\"".len());
        masked.push_str(head);
        let end = tail.find('"').unwrap_or(tail.len());
        masked.push_str(&masked_auth_code(&tail[..end]));
        rest = &tail[end..];
    }
    masked.push_str(rest);
    masked
}

/// Logs, at `debug`, what a "sign check fail" is diagnosed from: the text this client signed and the
/// text the gateway says it verified (from its `sub_msg`), both with secrets masked. They differ where
/// the request was changed on its way, or was signed in another charset; they agree when the app's
/// private key is not the one whose public key is configured on the open platform.
pub(crate) fn log_rejected_signature(sent_sign_content: &str, sub_msg: Option<&str>) {
    let gateway = sub_msg.and_then(|m| m.split_once('：').map(|(_, c)| c).or(Some(m)));
    tracing::debug!(
        target: "alipay_core::call",
        signed = %redact_sign_content(sent_sign_content),
        gateway_verified = %gateway.map(redact_sign_content).unwrap_or_default(),
        "the gateway could not verify this request's signature (isv.invalid-signature)"
    );
}
