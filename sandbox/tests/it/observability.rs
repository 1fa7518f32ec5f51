//! What the core tells a `tracing` subscriber, at trace level, for a buyer who confirms, one who never
//! does, and a forged answer: the call spans and workflow events by name and field — and not one
//! secret the test used (the app's private key, the `auth_code`, the `app_auth_token`).

use std::io::Write;
use std::sync::{Arc, Mutex};

use alipay_core::CallOptions;
use alipay_core::journal::{JournalEntry, MemoryJournal, TradeJournal, WorkflowKind};
use alipay_core::trade::TradePayRequest;
use alipay_core::workflow::{PaymentStatus, PollPolicy, Workflows};
use alipay_sandbox::{Fault, Sandbox, SandboxConfig, buyer};
use metrics_util::CompositeKey;
use metrics_util::debugging::{DebugValue, DebuggingRecorder};
use tracing_subscriber::fmt::format::FmtSpan;

use crate::support::{money, order};

/// Everything the subscriber wrote.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("lock").extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().expect("lock")).into_owned()
    }
}

const TOKEN: &str = "202612BBa1b2c3d4e5f6secret-app-auth-token";

/// Runs `scenario` with a trace-level subscriber on this (current-thread) runtime; what it wrote.
async fn traced<F: std::future::Future<Output = ()>>(
    scenario: impl FnOnce(Workflows, Sandbox) -> F,
) -> (String, Sandbox) {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_span_events(FmtSpan::CLOSE)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let sandbox = Sandbox::start(SandboxConfig { speed: 2000.0, ..SandboxConfig::default() }).expect("sandbox");
    let client = sandbox.client().expect("client").with_options(CallOptions::new().app_auth_token(TOKEN));
    let workflows = Workflows::new(client, Arc::new(MemoryJournal::new())).with_barcode_policy(PollPolicy::barcode());
    scenario(workflows, sandbox.clone()).await;
    (captured.text(), sandbox)
}

/// No secret of the test in the output: the private key's lines, the auth code, the token.
fn assert_no_secret(output: &str, sandbox: &Sandbox, auth_code: &str) {
    let pem = sandbox.app_private_key_pem().expect("the sandbox generated the app key");
    for line in pem.lines().filter(|l| !l.starts_with("-----") && l.len() > 16) {
        assert!(!output.contains(line), "a line of the private key is in the log");
    }
    assert!(!output.contains(auth_code), "the auth_code {auth_code} is in the log");
    assert!(!output.contains(TOKEN), "the app_auth_token is in the log");
    assert!(!output.contains("biz_content"), "a request body is in the log");
}

fn lines_with<'a>(output: &'a str, needle: &str) -> Vec<&'a str> {
    output.lines().filter(|l| l.contains(needle)).collect()
}

#[tokio::test]
async fn a_buyer_who_confirms_is_traced_call_by_call_and_step_by_step() {
    let no = order("TRC");
    let (output, sandbox) = traced(|workflows, _| {
        let no = no.clone();
        async move {
            let pay = TradePayRequest::new(&no, money("8.80"), "咖啡", buyer::CONFIRMS_AFTER_10S);
            assert!(workflows.pay_and_wait(pay).await.expect("pay").is_paid());
        }
    })
    .await;
    let pay = lines_with(&output, "method=\"alipay.trade.pay\"");
    let closed = pay.iter().find(|l| l.contains("close")).expect("the pay call's span closes");
    for field in [
        "protocol=\"v2\"",
        &format!("out_trade_no=\"{no}\""),
        "auth_code=\"28…(18 digits)\"",
        "http_status=200",
        "code=\"10003\"",
        "verdict=\"verified\"",
        "latency_ms=",
    ] {
        assert!(closed.contains(field), "{field} in {closed}");
    }
    assert!(
        closed.contains(&format!("alipay.workflow{{key=\"trade:{no}\" workflow=\"pay\" recovering=false}}")),
        "each call is a span within its workflow's: {closed}"
    );
    assert!(!lines_with(&output, "method=\"alipay.trade.query\"").is_empty(), "the queries are spans too");
    for event in ["event=\"submitted\"", "event=\"waiting_for_buyer\" query=1", "event=\"querying\""] {
        assert!(output.contains(event), "{event} in\n{output}");
    }
    let settled = lines_with(&output, "event=\"done\"");
    assert!(settled.iter().any(|l| l.contains("status=\"paid\"") && l.contains("known=true")), "{settled:?}");
    assert_no_secret(&output, &sandbox, buyer::CONFIRMS_AFTER_10S);
}

#[tokio::test]
async fn a_buyer_who_never_confirms_is_traced_to_the_cancel() {
    let (output, sandbox) = traced(|workflows, _| async move {
        let pay = TradePayRequest::new(order("TRN"), money("5.00"), "s", buyer::NEVER_CONFIRMS);
        assert!(!workflows.pay_and_wait(pay).await.expect("pay").is_paid());
    })
    .await;
    assert!(output.contains("event=\"cancelling\" cause=\"buyer_timeout\""), "{output}");
    assert!(lines_with(&output, "method=\"alipay.trade.cancel\"").iter().any(|l| l.contains("verdict=\"verified\"")));
    let settled = lines_with(&output, "event=\"done\"");
    assert!(
        settled.iter().any(|l| l.contains("status=\"not_paid\"") && l.contains("reason=\"cancelled\"")),
        "{settled:?}"
    );
    assert_no_secret(&output, &sandbox, buyer::NEVER_CONFIRMS);
}

#[tokio::test]
async fn a_forged_answer_is_traced_as_forged() {
    let (output, sandbox) = traced(|workflows, sandbox| async move {
        sandbox.inject(Some("alipay.trade.pay"), Fault::ForgedSignature);
        let pay = TradePayRequest::new(order("TRF"), money("5.00"), "s", buyer::PAYS_AT_ONCE);
        let _ = workflows.pay_and_wait(pay).await;
    })
    .await;
    let pay = lines_with(&output, "method=\"alipay.trade.pay\"");
    assert!(pay.iter().any(|l| l.contains("verdict=\"forged\"") && l.contains("WARN")), "{pay:?}");
    assert_no_secret(&output, &sandbox, buyer::PAYS_AT_ONCE);
}

#[tokio::test]
async fn a_sign_check_fail_is_diagnosed_at_debug_from_both_sign_contents_with_secrets_masked() {
    let (output, _) = traced(|_, sandbox| async move {
        let stranger =
            alipay_core::PrivateKey::from_text(&alipay_core::keys::generate_rsa2048().expect("key").private_pkcs1_pem)
                .expect("key");
        let client = sandbox.client_builder().expect("builder").app_private_key(stranger).build().expect("client");
        let client = client.with_options(CallOptions::new().app_auth_token(TOKEN));
        let pay = TradePayRequest::new("SIGNFAIL-1", money("1.00"), "s", buyer::PAYS_AT_ONCE);
        let err = client.trade_pay(&pay).await.expect_err("a request signed with the wrong key");
        assert_eq!(err.as_gateway().and_then(|g| g.sub_code.as_deref()), Some("isv.invalid-signature"));
    })
    .await;
    let line = lines_with(&output, "isv.invalid-signature")
        .into_iter()
        .find(|l| l.contains("DEBUG") && l.contains("signed="))
        .unwrap_or_else(|| panic!("no diagnosis in\n{output}"));
    // `… signed=<text> gateway_verified=<text>`, the two last fields of the line.
    let (_, fields) = line.split_once(" signed=").expect("signed=");
    let (signed, verified) = fields.split_once(" gateway_verified=").expect("gateway_verified=");
    assert!(signed.starts_with("app_auth_token=<hidden>&app_id="), "{signed}");
    assert_eq!(signed, verified, "the same text: so the keys differ, not the content");
    assert!(line.contains("28…(18 digits)"), "the auth code masked: {line}");
    assert!(!output.contains(TOKEN) && !output.contains(buyer::PAYS_AT_ONCE), "no secret");
}

#[tokio::test]
async fn an_answer_that_does_not_verify_shows_the_text_it_was_checked_over() {
    let (output, _) = traced(|_, sandbox| async move {
        let wrong = alipay_core::keys::generate_rsa2048().expect("key").public_pem;
        let client = sandbox
            .client_builder()
            .expect("builder")
            .alipay_public_key_text(&wrong)
            .expect("key")
            .build()
            .expect("client");
        let query = alipay_core::trade::TradeQueryRequest::by_out_trade_no("NOPE-1");
        assert!(client.trade_query(&query).await.is_err());
    })
    .await;
    let line = lines_with(&output, "does not verify with the configured Alipay public key")
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("no diagnosis in\n{output}"));
    assert!(line.contains("sign_content=") && line.contains("NOPE-1"), "{line}");
}

#[tokio::test]
async fn a_v2_refusal_carries_alipays_trace_id_in_the_error_and_the_span() {
    let trace_id = Arc::new(Mutex::new(String::new()));
    let seen = trace_id.clone();
    let (output, _) = traced(|workflows, _| async move {
        let query = alipay_core::trade::TradeQueryRequest::by_out_trade_no("NO-SUCH-TRADE");
        let err = workflows.client().trade_query(&query).await.expect_err("no such trade");
        let refusal = err.as_gateway().expect("a refusal");
        assert_eq!(refusal.sub_code.as_deref(), Some("ACQ.TRADE_NOT_EXIST"));
        *seen.lock().expect("lock") = refusal.trace_id.clone().expect("the trace id of the answer");
    })
    .await;
    let id = trace_id.lock().expect("lock").clone();
    assert_eq!(id.len(), 32, "{id}");
    assert!(output.contains(&format!("trace_id=\"{id}\"")), "the span names it too:\n{output}");
}

#[tokio::test]
async fn recovery_says_what_it_found_and_how_each_workflow_ended() {
    let no = order("TRR");
    let (output, sandbox) = traced(|_, sandbox| {
        let no = no.clone();
        async move {
            let journal = Arc::new(MemoryJournal::new());
            let workflows = Workflows::new(sandbox.client().expect("client"), journal.clone());
            // The buyer paid; the process died before the outcome was written.
            let pay = TradePayRequest::new(&no, money("3.00"), "s", buyer::PAYS_AT_ONCE);
            let mut entry = JournalEntry::new(
                JournalEntry::trade_key(&no),
                WorkflowKind::Pay,
                serde_json::to_string(&pay).expect("json"),
                std::time::SystemTime::now(),
            );
            entry.out_trade_no = Some(no.clone());
            journal.begin(entry).await.expect("journal");
            assert!(workflows.client().trade_pay(&pay).await.expect("pay").is_paid());
            assert_eq!(workflows.recover().await.expect("recover").recovered.len(), 1);
        }
    })
    .await;
    assert!(output.contains("event=\"recovering\" unfinished=1"), "{output}");
    let recovered = lines_with(&output, "event=\"recovered\"");
    assert!(
        recovered.iter().any(|l| l.contains(&format!("trade:{no}"))
            && l.contains("kind=\"pay\"")
            && l.contains("status=\"paid\"")
            && l.contains("known=true")),
        "{recovered:?}"
    );
    assert_no_secret(&output, &sandbox, buyer::PAYS_AT_ONCE);
}

/// The value of the metric `name` with exactly these labels in `snapshot`.
fn metric<'a>(
    snapshot: &'a [(CompositeKey, DebugValue)],
    name: &str,
    labels: &[(&str, &str)],
) -> Option<&'a DebugValue> {
    snapshot.iter().find_map(|(key, value)| {
        let key = key.key();
        let mut have: Vec<(&str, &str)> = key.labels().map(|l| (l.key(), l.value())).collect();
        let mut want = labels.to_vec();
        have.sort_unstable();
        want.sort_unstable();
        (key.name() == name && have == want).then_some(value)
    })
}

#[tokio::test]
async fn metrics_count_calls_by_verdict_with_their_latency_and_workflows_by_outcome() {
    use alipay_core::observe::metrics::{CALL_DURATION, CALLS, WORKFLOWS_SETTLED, WORKFLOWS_STOPPED};
    let recorder = DebuggingRecorder::new();
    let snapshotter = recorder.snapshotter();
    // This test's runtime is this thread: everything it runs counts here.
    let _recorder = metrics::set_default_local_recorder(&recorder);
    let sandbox = Sandbox::start(SandboxConfig { speed: 2000.0, ..SandboxConfig::default() }).expect("sandbox");
    let client = sandbox.client().expect("client");
    let workflows = Workflows::new(client.clone(), Arc::new(MemoryJournal::new()));

    let paid = TradePayRequest::new(order("MTP"), money("1.00"), "s", buyer::CONFIRMS_AFTER_10S);
    assert!(workflows.pay_and_wait(paid).await.expect("pay").is_paid());
    let walked_away = TradePayRequest::new(order("MTN"), money("1.00"), "s", buyer::NEVER_CONFIRMS);
    assert!(!workflows.pay_and_wait(walked_away).await.expect("pay").is_paid());
    // A pay held up on its way: no answer, nothing to cancel — an outcome nobody knows yet.
    sandbox.inject(Some("alipay.trade.pay"), Fault::Hold);
    let held = TradePayRequest::new(order("MTH"), money("1.00"), "s", buyer::PAYS_AT_ONCE);
    let unknown = workflows.pay_and_wait(held).await.expect("an outcome");
    assert!(matches!(unknown.status, PaymentStatus::Unknown { .. }), "{unknown:?}");
    // Every answer forged: the workflow stops without an outcome.
    for method in ["alipay.trade.pay", "alipay.trade.query", "alipay.trade.cancel"] {
        for _ in 0..20 {
            sandbox.inject(Some(method), Fault::ForgedSignature);
        }
    }
    let forged = TradePayRequest::new(order("MTF"), money("1.00"), "s", buyer::PAYS_AT_ONCE);
    assert!(workflows.pay_and_wait(forged).await.is_err(), "nothing verified");

    let snapshot: Vec<(CompositeKey, DebugValue)> =
        snapshotter.snapshot().into_vec().into_iter().map(|(k, _, _, v)| (k, v)).collect();
    let count = |name: &str, labels: &[(&str, &str)]| match metric(&snapshot, name, labels) {
        Some(DebugValue::Counter(n)) => *n,
        other => panic!("{name} {labels:?}: {other:?} in {snapshot:#?}"),
    };
    let pay = ("method", "alipay.trade.pay");
    assert_eq!(count(CALLS, &[pay, ("verdict", "verified")]), 2, "the paid and the walked-away buyer's");
    assert!(count(CALLS, &[pay, ("verdict", "forged")]) >= 1);
    assert!(count(CALLS, &[pay, ("verdict", "transport_failure")]) >= 1, "the held pay");
    assert!(count(CALLS, &[("method", "alipay.trade.cancel"), ("verdict", "verified")]) >= 1);
    match metric(&snapshot, CALL_DURATION, &[pay, ("verdict", "verified")]) {
        Some(DebugValue::Histogram(seconds)) => {
            assert_eq!(seconds.len(), 2);
            assert!(seconds.iter().all(|s| s.into_inner() >= 0.0));
        }
        other => panic!("{other:?}"),
    }
    let settled = |status: &str, known: &str| {
        count(WORKFLOWS_SETTLED, &[("workflow", "payment"), ("status", status), ("known", known)])
    };
    assert_eq!((settled("paid", "true"), settled("not_paid", "true"), settled("unknown", "false")), (1, 1, 1));
    assert_eq!(count(WORKFLOWS_STOPPED, &[("workflow", "payment")]), 1);
}

#[tokio::test]
async fn each_call_is_an_opentelemetry_client_span_named_by_its_method() {
    use opentelemetry::trace::{SpanKind, Status, TracerProvider as _};
    use opentelemetry_sdk::trace::InMemorySpanExporter;
    use opentelemetry_sdk::trace::SdkTracerProvider;
    use tracing_subscriber::layer::SubscriberExt as _;

    let exporter = InMemorySpanExporter::default();
    let provider = SdkTracerProvider::builder().with_simple_exporter(exporter.clone()).build();
    let subscriber =
        tracing_subscriber::registry().with(alipay_core::observe::opentelemetry_layer(provider.tracer("shop")));
    let _guard = tracing::subscriber::set_default(subscriber);
    let sandbox = Sandbox::start(SandboxConfig::default()).expect("sandbox");
    let client = sandbox.client().expect("client").with_options(CallOptions::new().app_auth_token(TOKEN));
    let no = order("OTL");
    let pay = TradePayRequest::new(&no, money("2.00"), "s", buyer::PAYS_AT_ONCE);
    assert!(client.trade_pay(&pay).await.expect("pay").is_paid());
    let query = alipay_core::trade::TradeQueryRequest::by_out_trade_no("NO-SUCH-TRADE");
    assert!(client.trade_query(&query).await.is_err());
    provider.force_flush().expect("flush");

    let spans = exporter.get_finished_spans().expect("spans");
    let span = |name: &str| spans.iter().find(|s| s.name == name).unwrap_or_else(|| panic!("{name} in {spans:#?}"));
    let attribute = |s: &opentelemetry_sdk::trace::SpanData, key: &str| {
        s.attributes.iter().find(|kv| kv.key.as_str() == key).map(|kv| kv.value.to_string())
    };
    let paid = span("alipay.trade.pay");
    assert_eq!(paid.span_kind, SpanKind::Client);
    assert_eq!(paid.status, Status::Unset);
    assert_eq!(attribute(paid, "out_trade_no").as_deref(), Some(no.as_str()));
    assert_eq!(attribute(paid, "verdict").as_deref(), Some("verified"));
    assert_eq!(attribute(paid, "http_status").as_deref(), Some("200"));
    assert_eq!(attribute(paid, "auth_code").as_deref(), Some("28…(18 digits)"));
    assert_eq!(attribute(paid, "trace_id").map(|t| t.len()), Some(32), "Alipay's trace id");
    let refused = span("alipay.trade.query");
    assert_eq!(refused.status, Status::error("refused: ACQ.TRADE_NOT_EXIST"));
    let everything = format!("{spans:?}");
    assert!(!everything.contains(TOKEN) && !everything.contains(buyer::PAYS_AT_ONCE), "no secret in a span");
}
