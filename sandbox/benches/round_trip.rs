//! What the core's tracing costs on a signed round trip: one `alipay.trade.query` after another against
//! the in-process sandbox (the client signs the request and verifies the answer; the sandbox verifies
//! and signs), with nobody listening, with a `tracing` subscriber at info, and with the bindings' log
//! sink forwarding every event. Not a test: it measures.
//!
//! `cargo bench -p alipay-sandbox --bench round_trip`. Against a build with tracing compiled out, save
//! a baseline and compare (criterion prints the change and whether it is significant):
//!
//! ```sh
//! cargo bench -p alipay-sandbox --bench round_trip --features tracing/max_level_off -- --save-baseline off unheard
//! cargo bench -p alipay-sandbox --bench round_trip -- --baseline off unheard
//! ```

use std::sync::Arc;

use alipay_core::observe::{LogLevel, LogRecord, LogSink, set_log_sink};
use alipay_core::trade::{TradePayRequest, TradeQueryRequest};
use alipay_sandbox::{Sandbox, SandboxConfig, buyer};
use criterion::{Criterion, criterion_group, criterion_main};

/// Takes every record and drops it: what a binding's sink costs the core, without the language's own.
struct Discard;

impl LogSink for Discard {
    fn log(&self, record: LogRecord) {
        std::hint::black_box(record);
    }
}

fn round_trip(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    let sandbox = Sandbox::start(SandboxConfig::default()).expect("sandbox");
    let client = sandbox.client().expect("client");
    let paid = TradePayRequest::new("BENCH-ROUND-TRIP", "1.00".parse().expect("amount"), "s", buyer::PAYS_AT_ONCE);
    runtime.block_on(client.trade_pay(&paid)).expect("pay");
    let query = TradeQueryRequest::by_out_trade_no("BENCH-ROUND-TRIP");
    let call = || runtime.block_on(client.trade_query(&query)).expect("query");

    let mut group = c.benchmark_group("signed_round_trip");
    group.bench_function("unheard", |b| b.iter(call));
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::INFO)
        .with_ansi(false)
        .with_writer(std::io::sink)
        .finish();
    tracing::subscriber::with_default(subscriber, || group.bench_function("fmt_subscriber_info", |b| b.iter(call)));
    // Last: the sink is process-wide.
    set_log_sink(Some(Arc::new(Discard)), LogLevel::Debug).expect("sink");
    group.bench_function("log_sink_debug", |b| b.iter(call));
    group.finish();
}

criterion_group!(benches, round_trip);
criterion_main!(benches);
